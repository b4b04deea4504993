"""The local days of a preset's period: weekdays, public holidays, and each time zone's offset from UTC."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import holidays
import numpy as np

MS_PER_HOUR = 3_600_000
MS_PER_DAY = 24 * MS_PER_HOUR


@dataclass(frozen=True)
class Calendar:
    days: np.ndarray  # datetime64[D], the local dates of the period
    weekday: np.ndarray  # 0 = Monday
    holiday: np.ndarray  # a public holiday in the frame's country
    zones: tuple[str, ...]
    utc_offset_ms: np.ndarray  # (zones, days): each zone's offset at local noon

    @classmethod
    def build(cls, first: dt.date, last: dt.date, country: str, zones: tuple[str, ...]) -> Calendar:
        days = np.arange(np.datetime64(first), np.datetime64(last) + 1)
        dates = days.astype(dt.date)
        public = holidays.country_holidays(country, years=range(first.year, last.year + 1))
        offsets = [
            [
                dt.datetime.combine(d, dt.time(12), ZoneInfo(zone)).utcoffset().total_seconds() * 1000
                for d in dates
            ]
            for zone in zones
        ]
        return cls(
            days=days,
            weekday=(days.astype(np.int64) + 3) % 7,  # 1970-01-01 was a Thursday
            holiday=np.array([d in public for d in dates]),
            zones=zones,
            utc_offset_ms=np.array(offsets, dtype=np.int64),
        )

    def __len__(self) -> int:
        return len(self.days)

    def index(self, day: dt.date) -> int:
        return int((np.datetime64(day) - self.days[0]).astype(np.int64))

    def zone(self, name: str) -> int:
        return self.zones.index(name)

    @property
    def working(self) -> np.ndarray:
        return (self.weekday < 5) & ~self.holiday

    def curve(self, anchors: list[tuple[dt.date, float]]) -> np.ndarray:
        """A piecewise-linear curve on every day (flat outside its anchors)."""
        x = np.array([np.datetime64(day) for day, _ in anchors]).astype(np.int64)
        return np.interp(self.days.astype(np.int64), x, [value for _, value in anchors])

    def day_factor(self, weekend: float, holiday: float) -> np.ndarray:
        """Each day's volume relative to a working day's."""
        return np.where(self.holiday, holiday, np.where(self.weekday >= 5, weekend, 1.0))

    def next_working_day(self) -> np.ndarray:
        """For each day, the first working day on or after it (the last day if none)."""
        candidates = np.where(self.working, np.arange(len(self)), len(self) - 1)
        return np.minimum.accumulate(candidates[::-1])[::-1]

    def midnight_utc_ms(self, zone: np.ndarray | int, day: np.ndarray) -> np.ndarray:
        """UTC milliseconds of local midnight of each (zone, day)."""
        return self.days[day].astype(np.int64) * MS_PER_DAY - self.utc_offset_ms[zone, day]

    def local_day(self, zone: int, utc_ms: np.ndarray) -> np.ndarray:
        """The calendar index of the local day each UTC time falls on in one zone (clipped to the period)."""
        guess = (utc_ms // MS_PER_DAY - self.days[0].astype(np.int64)).clip(0, len(self) - 1)
        local_ms = utc_ms + self.utc_offset_ms[zone, guess]
        return (local_ms // MS_PER_DAY - self.days[0].astype(np.int64)).clip(0, len(self) - 1)
