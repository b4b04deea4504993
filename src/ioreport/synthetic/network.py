"""The network being planted: preset, calendar, the steps' arrays and the truth they record."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import holidays
import numpy as np

from ioreport.synthetic.preset import Curve, NetworkPreset, Weighted

if TYPE_CHECKING:
    from ioreport.synthetic.accounts import Accounts, Creation
    from ioreport.synthetic.content import Hostile, Text, Topics
    from ioreport.synthetic.coordination import Coordination
    from ioreport.synthetic.engagement import Engagement
    from ioreport.synthetic.interactions import Interactions
    from ioreport.synthetic.repurposed import Repurposed
    from ioreport.synthetic.timing import Timeline

MS_PER_DAY = 86_400_000
# Twitter hashed the identity of accounts with fewer followers than this.
HASHING_FOLLOWER_LIMIT = 5_000


@dataclass(frozen=True)
class Calendar:
    """The local days of the period, with what the operator's office makes of each."""

    days: np.ndarray  # datetime64[D], local dates
    weekday: np.ndarray  # 0 = Monday
    holiday: np.ndarray  # public holiday in the preset's country
    utc_offset_ms: np.ndarray  # the zone's offset at local noon

    @classmethod
    def for_preset(cls, preset: NetworkPreset) -> Calendar:
        days = np.arange(np.datetime64(preset.first_day), np.datetime64(preset.last_day) + 1)
        as_dates = days.astype(date)
        public = holidays.country_holidays(
            preset.holiday_country, years=range(as_dates[0].year, as_dates[-1].year + 1)
        )
        zone = ZoneInfo(preset.timezone)
        offsets = [datetime.combine(d, time(12), zone).utcoffset().total_seconds() * 1000 for d in as_dates]
        return cls(
            days=days,
            weekday=(days.astype(np.int64) + 3) % 7,  # 1970-01-01 was a Thursday
            holiday=np.array([d in public for d in as_dates]),
            utc_offset_ms=np.array(offsets, dtype=np.int64),
        )

    def __len__(self) -> int:
        return len(self.days)

    def index(self, day: str) -> int:
        return int((np.datetime64(day) - self.days[0]).astype(np.int64))

    @property
    def working(self) -> np.ndarray:
        return (self.weekday < 5) & ~self.holiday

    def midnight_utc_ms(self) -> np.ndarray:
        return self.days.astype(np.int64) * MS_PER_DAY - self.utc_offset_ms

    def curve(self, anchors: Curve) -> np.ndarray:
        """A preset curve evaluated on every day (linear between anchors, flat outside)."""
        x = np.array([np.datetime64(d) for d, _ in anchors]).astype(np.int64)
        return np.interp(self.days.astype(np.int64), x, [v for _, v in anchors])

    def next_working_day(self) -> np.ndarray:
        """For each day, the index of the first working day on or after it (the last day if none)."""
        last = len(self) - 1
        candidates = np.where(self.working, np.arange(len(self)), last)
        return np.minimum.accumulate(candidates[::-1])[::-1]


@dataclass
class Network:
    """Everything planted so far. Each step adds its arrays and records its truth."""

    preset: NetworkPreset
    seed: int
    scale: float
    calendar: Calendar
    truth: dict[str, dict[str, Any]] = field(default_factory=dict)
    accounts: Accounts = field(init=False)
    creation: Creation = field(init=False)
    repurposed: Repurposed = field(init=False)
    timeline: Timeline = field(init=False)
    topics: Topics = field(init=False)
    interactions: Interactions = field(init=False)
    text: Text = field(init=False)
    hostile: Hostile = field(init=False)
    coordination: Coordination = field(init=False)
    engagement: Engagement = field(init=False)

    @property
    def n_accounts(self) -> int:
        return round(self.preset.accounts * self.scale)

    @property
    def n_tweets(self) -> int:
        return round(self.preset.tweets * self.scale)

    def count(self, at_scale_one: int) -> int:
        """A planted signal's size at this scale, never scaled away."""
        return max(1, round(at_scale_one * self.scale))

    def record(self, section: str, **values: Any) -> None:
        self.truth.setdefault(section, {}).update(values)

    def account_hash(self, key: str) -> str:
        """Twitter's 2019+ hashed identity: 44 base64 characters ending in '='."""
        digest = hashlib.sha256(f"{self.preset.name}:{self.seed}:{key}".encode()).digest()
        return base64.b64encode(digest).decode("ascii")


def share(part: float, whole: float) -> float:
    return round(float(part) / float(whole), 6) if whole else 0.0


def pick(rng: np.random.Generator, weighted: Weighted, size: int) -> np.ndarray:
    """Indices into `weighted`, drawn with its weights."""
    weights = np.array([w for _, w in weighted], dtype=float)
    return rng.choice(len(weighted), size=size, p=weights / weights.sum())


BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
SHORT_CODE_RANGE = (62**9, 62**10)  # draws in this range spell ten base62 characters


def short_code(number: int) -> str:
    """A link code such as t.co's, spelled in base62."""
    letters = []
    while number:
        number, digit = divmod(number, 62)
        letters.append(BASE62[digit])
    return "".join(reversed(letters))


def iso(day: np.datetime64) -> str:
    return str(day.astype("datetime64[D]"))
