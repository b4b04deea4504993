"""When the operators worked: posting rhythm in local time, weekends, holidays, and their likely time zone.

ASPI saw posting that "mapped cleanly to working hours at Beijing time" with
almost nothing at weekends. The time-zone inference asks which UTC offset
makes the posting look most like a working week: a hint for datasets of
unknown origin.
"""

from __future__ import annotations

import datetime as dt

import holidays as holiday_calendars
import numpy as np
import polars as pl

from ioreport.analysis.findings import Findings
from ioreport.archive.schema import TWEET_TIMESTAMP
from ioreport.config.params import DEFAULT_WORKING_HOURS

OFFICE_HOURS = DEFAULT_WORKING_HOURS  # local working hours [start, end); runs set their own
WEEKEND = (6, 7)  # polars weekday: Monday = 1
HOURS_IN_WEEK = 168
CANDIDATE_OFFSETS = range(-12, 15)  # whole-hour UTC offsets
REGULAR_MIN_TWEETS = 5
REGULAR_WORKING_SHARE = 0.9


class ActivityFindings(Findings):
    timezone: str
    holiday_country: str | None
    working_hours: list[int]  # local [start, end)
    working_hours_share: float | None
    weekend_share: float | None
    peak_hour_local: int
    lunch_dip_hour: int | None
    lunch_dip_ratio: float | None
    holiday_ratio: float | None
    inferred_utc_offset_hours: int
    inferred_offset_score: float
    inferred_offset_runner_up_hours: int
    inferred_offset_runner_up_score: float
    inferred_offset_confidence: float
    offset_scores: dict[str, float]
    regular_accounts_share: float | None


def summarise(
    tweets: pl.LazyFrame, timezone: str, country: str | None, hours: tuple[int, int] = OFFICE_HOURS
) -> ActivityFindings:
    return ActivityFindings(
        timezone=timezone,
        holiday_country=country,
        working_hours=list(hours),
        **rhythm_summary(tweets, timezone, hours),
        holiday_ratio=holiday_ratio(daily_counts(tweets, timezone, country)),
        **infer_utc_offset(tweets, hours),
        regular_accounts_share=regular_accounts_share(tweets, timezone, hours),
    )


def _local(tweets: pl.LazyFrame, timezone: str) -> pl.LazyFrame:
    local = pl.col(TWEET_TIMESTAMP).dt.convert_time_zone(timezone)
    return tweets.select(
        "userid",
        hour=local.dt.hour(),
        weekday=local.dt.weekday(),
        day=local.dt.date(),
    )


def _in_working_hours(hours: tuple[int, int]) -> pl.Expr:
    start, end = hours
    return pl.col("weekday").is_in(WEEKEND).not_() & (pl.col("hour") >= start) & (pl.col("hour") < end)


def hour_weekday_counts(tweets: pl.LazyFrame, timezone: str) -> pl.DataFrame:
    """Tweets per (weekday, hour) in local time; all 168 cells present."""
    counts = _local(tweets, timezone).group_by("weekday", "hour").agg(tweets=pl.len()).collect()
    grid = pl.DataFrame({"weekday": [d for d in range(1, 8) for _ in range(24)], "hour": list(range(24)) * 7})
    grid = grid.with_columns(pl.col("weekday", "hour").cast(counts.schema["hour"]))
    return (
        grid.join(counts, on=["weekday", "hour"], how="left")
        .with_columns(pl.col("tweets").fill_null(0))
        .sort(["weekday", "hour"])
    )


def rhythm_summary(tweets: pl.LazyFrame, timezone: str, hours: tuple[int, int] = OFFICE_HOURS) -> dict:
    local = _local(tweets, timezone)
    row = (
        local.select(
            working_hours_share=_in_working_hours(hours).mean(),
            weekend_share=pl.col("weekday").is_in(WEEKEND).mean(),
        )
        .collect()
        .row(0, named=True)
    )
    hourly = (
        local.group_by("hour")
        .agg(tweets=pl.len())
        .sort(["tweets", "hour"], descending=[True, False])
        .collect()
    )
    by_hour = {hour: hourly_count for hour, hourly_count in hourly.iter_rows()}
    row["peak_hour_local"] = int(hourly["hour"][0])
    row.update(_midday_dip(by_hour, hours))
    return row


def _midday_dip(by_hour: dict[int, int], hours: tuple[int, int]) -> dict:
    """The quietest inner working hour and its volume relative to the hours either side (a lunch break)."""
    start, end = hours
    inner = range(start + 1, end - 1)
    if not inner:
        return {"lunch_dip_hour": None, "lunch_dip_ratio": None}
    dip = min(inner, key=lambda h: (by_hour.get(h, 0), h))
    around = (by_hour.get(dip - 1, 0) + by_hour.get(dip + 1, 0)) / 2
    return {"lunch_dip_hour": dip, "lunch_dip_ratio": by_hour.get(dip, 0) / around if around else None}


def daily_counts(tweets: pl.LazyFrame, timezone: str, country: str | None) -> pl.DataFrame:
    """Tweets per local calendar day over the active span, zero days included, with day type."""
    counts = _local(tweets, timezone).group_by("day").agg(tweets=pl.len()).collect()
    first, last = counts["day"].min(), counts["day"].max()
    days = pl.DataFrame({"day": pl.date_range(first, last, "1d", eager=True)})
    calendar = _holidays(country, first, last)
    return (
        days.join(counts, on="day", how="left")
        .with_columns(
            pl.col("tweets").fill_null(0),
            holiday=pl.col("day").replace_strict(calendar, default=None, return_dtype=pl.String),
        )
        .with_columns(
            day_type=pl.when(pl.col("holiday").is_not_null())
            .then(pl.lit("holiday"))
            .when(pl.col("day").dt.weekday().is_in(WEEKEND))
            .then(pl.lit("weekend"))
            .otherwise(pl.lit("working day"))
        )
    )


def _holidays(country: str | None, first: dt.date, last: dt.date) -> dict[dt.date, str]:
    if country is None:
        return {}
    calendar = holiday_calendars.country_holidays(country, years=range(first.year, last.year + 1))
    return {day: name for day, name in sorted(calendar.items()) if first <= day <= last}


def holiday_ratio(daily: pl.DataFrame) -> float | None:
    """Mean tweets on a public holiday over mean tweets on a working day (1 = no effect)."""
    means = dict(daily.group_by("day_type").agg(pl.col("tweets").mean()).iter_rows())
    working = means.get("working day")
    if "holiday" not in means or not working:
        return None
    return means["holiday"] / working


def _week_template(hours: tuple[int, int]) -> np.ndarray:
    """A working week, hour by hour from Monday 00:00: office hours 1, otherwise 0."""
    start, end = hours
    template = np.zeros(HOURS_IN_WEEK)
    for day in range(5):
        template[day * 24 + start : day * 24 + end] = 1.0
    return template


def infer_utc_offset(tweets: pl.LazyFrame, hours: tuple[int, int] = OFFICE_HOURS) -> dict:
    """The whole-hour UTC offset whose local clock best fits a working week of these office hours.

    Score: Pearson correlation between the hour-of-week histogram shifted to
    that offset and a Monday–Friday office-hours template. Confidence: the
    best score's lead over the runner-up, in units of the best score. An
    operator keeping 10–19 at UTC+3 looks like one keeping 9–18 at UTC+2, so
    the answer is only as good as the office hours assumed.
    """
    utc = hour_weekday_counts(tweets, "UTC")
    week = utc.sort(["weekday", "hour"])["tweets"].to_numpy().astype(float)
    template = _week_template(hours)
    scores = {
        offset: float(np.corrcoef(np.roll(week, offset), template)[0, 1]) if week.std() else 0.0
        for offset in CANDIDATE_OFFSETS
    }
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    (best, best_score), (runner_up, runner_score) = ranked[0], ranked[1]
    return {
        "inferred_utc_offset_hours": best,
        "inferred_offset_score": best_score,
        "inferred_offset_runner_up_hours": runner_up,
        "inferred_offset_runner_up_score": runner_score,
        "inferred_offset_confidence": (best_score - runner_score) / best_score if best_score > 0 else 0.0,
        "offset_scores": {str(k): v for k, v in sorted(scores.items())},
    }


def regular_accounts_share(
    tweets: pl.LazyFrame, timezone: str, hours: tuple[int, int] = OFFICE_HOURS
) -> float | None:
    """Share of accounts (with enough tweets to judge) that post almost only in working hours."""
    per_account = (
        _local(tweets, timezone)
        .group_by("userid")
        .agg(tweets=pl.len(), working=_in_working_hours(hours).mean())
        .filter(pl.col("tweets") >= REGULAR_MIN_TWEETS)
        .collect()
    )
    if per_account.height == 0:
        return None
    return float((per_account["working"] >= REGULAR_WORKING_SHARE).mean())
