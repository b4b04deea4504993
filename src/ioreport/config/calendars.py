"""The names a run or a generator preset gives for local time: an IANA time zone, a holiday calendar."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The registry's codes: listing the supported countries would import all 250 calendars (0.2 s a run).
from holidays.registry import EntityLoader as HolidayCalendars


def known_zone(value: str) -> str:
    """The IANA time zone name, or ValueError."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Asia/Shanghai)") from None
    return value


def known_calendar(value: str) -> str:
    """The country code of a public-holiday calendar, upper case, or ValueError."""
    if value.upper() not in HolidayCalendars.get_country_codes():
        raise ValueError(f"no public-holiday calendar for country code {value!r}")
    return value.upper()
