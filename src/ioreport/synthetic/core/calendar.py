"""The local days of a preset's period: weekdays, public holidays, and each time zone's offset from UTC."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import holidays
import numpy as np

MS_PER_HOUR = 3_600_000
MS_PER_DAY = 24 * MS_PER_HOUR
QUARTER_HOUR_MS = 15 * 60_000  # no zone changes its offset at a finer step


@dataclass(frozen=True)
class Calendar:
    days: np.ndarray  # datetime64[D], the local dates of the period
    weekday: np.ndarray  # 0 = Monday
    holiday: np.ndarray  # a public holiday in the frame's country
    zones: tuple[str, ...]
    utc_offset_ms: np.ndarray  # (zones, days): each zone's offset at local noon
    offset_changes: list[tuple[np.ndarray, np.ndarray]]  # per zone: see `_offset_changes`

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
        offsets = np.array(offsets, dtype=np.int64)
        noon_utc_ms = days.astype(np.int64) * MS_PER_DAY + MS_PER_DAY // 2 - offsets
        return cls(
            days=days,
            weekday=(days.astype(np.int64) + 3) % 7,  # 1970-01-01 was a Thursday
            holiday=np.array([d in public for d in dates]),
            zones=zones,
            utc_offset_ms=offsets,
            offset_changes=[
                _offset_changes(zone, noon_utc_ms[z], offsets[z]) for z, zone in enumerate(zones)
            ],
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

    def local_ms(self, zone: int, utc_ms: np.ndarray) -> np.ndarray:
        """UTC times as the zone's clock shows them (counted like UTC milliseconds), daylight saving
        included."""
        changes, offsets = self.offset_changes[zone]
        return utc_ms + offsets[np.searchsorted(changes, utc_ms, side="right")]

    def local_day(self, zone: int, utc_ms: np.ndarray) -> np.ndarray:
        """The calendar index of the local day each UTC time falls on in one zone (clipped to the period)."""
        day = self.local_ms(zone, utc_ms) // MS_PER_DAY - self.days[0].astype(np.int64)
        return day.clip(0, len(self) - 1)


def _offset_changes(
    zone: str, noon_utc_ms: np.ndarray, noon_offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """When the zone's offset changed during the period (UTC ms), and its offset before the first change
    and after each: the exact quarter hour, searched for only between two noons whose offsets differ."""
    tz = ZoneInfo(zone)

    def offset(ms: int) -> int:
        return int(
            dt.datetime.fromtimestamp(ms / 1000, dt.UTC).astimezone(tz).utcoffset().total_seconds() * 1000
        )

    changes = []
    for day in np.flatnonzero(np.diff(noon_offsets)).tolist():
        quarters = range(int(noon_utc_ms[day]), int(noon_utc_ms[day + 1]) + 1, QUARTER_HOUR_MS)
        changes.append(next(ms for ms in quarters if offset(ms) == noon_offsets[day + 1]))
    return np.array(changes, dtype=np.int64), np.array([noon_offsets[0], *(offset(ms) for ms in changes)])
