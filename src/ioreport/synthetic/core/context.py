"""What every step is given: the preset, the scale, the calendar and the vocabulary."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ioreport.synthetic.core.calendar import Calendar
from ioreport.synthetic.core.ids import account_hash
from ioreport.synthetic.core.preset import Preset
from ioreport.synthetic.core.vocabulary import Vocabulary


@dataclass(frozen=True)
class Context:
    preset: Preset
    seed: int
    scale: float
    calendar: Calendar
    vocabulary: Vocabulary

    @classmethod
    def of(cls, preset: Preset, seed: int, scale: float) -> Context:
        zones = tuple(dict.fromkeys([*preset.accounts.zones, preset.frame.timezone]))
        first, last = preset.period
        calendar = Calendar.build(first, last, preset.frame.holiday_country, zones)
        return cls(preset, seed, scale, calendar, Vocabulary.of(preset))

    @property
    def n_accounts(self) -> int:
        return round(self.preset.size.accounts * self.scale)

    @property
    def n_tweets(self) -> int:
        return round(self.preset.size.tweets * self.scale)

    @property
    def frame_zone(self) -> int:
        return self.calendar.zone(self.preset.frame.timezone)

    def count(self, at_scale_one: int) -> int:
        """A planted structure's size at this scale: never scaled away, unless the preset plants none."""
        return max(1, round(at_scale_one * self.scale)) if at_scale_one else 0

    def account_hash(self, key: str) -> str:
        return account_hash(f"{self.preset.name}:{self.seed}:{key}")

    def script_index(self, name: str) -> int:
        return list(self.preset.scripts).index(name)

    def topic_index(self, name: str) -> int:
        return list(self.preset.content.topics).index(name)

    def in_cohorts(self, cohort: np.ndarray, names: list[str]) -> np.ndarray:
        """Which accounts (by their cohort numbers) belong to the named cohorts."""
        cohorts = self.preset.accounts.cohort_names()
        return np.isin(cohort, [cohorts.index(name) for name in names])
