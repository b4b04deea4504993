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
from pydantic import BaseModel

from ioreport.analysis import stats
from ioreport.analysis.claims import Claim, decided, undecided
from ioreport.analysis.findings import Findings
from ioreport.archive.schema import TWEET_TIMESTAMP
from ioreport.config.params import DEFAULT_WORKING_HOURS

OFFICE_HOURS = DEFAULT_WORKING_HOURS  # local working hours [start, end); runs set their own
WEEKEND = (6, 7)  # polars weekday: Monday = 1
HOURS_IN_WEEK = 168
CANDIDATE_OFFSETS = range(-12, 15)  # whole-hour UTC offsets
WORKDAY_STARTS = range(7, 12)  # local hours a candidate working day may start at
WORKDAY_LENGTHS = range(6, 13)  # hours of a candidate working day
USUAL_START = 9  # among equally good fits, the one starting nearest this hour is named first
RESAMPLES = 200
MIN_FIT_TOLERANCE = 0.005  # fits closer than this to the best are as good, whatever the resampling says
MAX_LISTED_FITS = 10
MIN_RHYTHM_TWEETS = 500
MIN_OFFICE_FIT = 0.5
OFFICE_SIGNIFICANCE = 0.01
MAX_WEEKEND_RATIO = 0.5  # a weekend day's tweets over a weekday's, at the fitted offset
MIN_HOLIDAYS = 3
HOLIDAY_DRAWS = 2000
MAX_HOLIDAY_RATIO = 0.5
HOLIDAY_SIGNIFICANCE = 0.01
CLAIM_RULES = {
    "office_hours": (
        "The UTC offset and the working day (start hour, 6 to 12 hours long) are fitted together: the "
        "score is the correlation of the tweets' hour-of-week histogram, read at that offset, with a "
        f"Monday-to-Friday week of that working day. The claim holds when the best fit scores at least "
        f"{MIN_OFFICE_FIT}, beats the best fits of {RESAMPLES} weekday-shuffled copies of the tweets "
        f"(each hour's tweets spread over the seven days at random) with p < {OFFICE_SIGNIFICANCE}, and a "
        f"weekend day has at most {MAX_WEEKEND_RATIO:.0%} of a weekday's tweets at that offset. It is "
        f"undecided with fewer than {MIN_RHYTHM_TWEETS} tweets."
    ),
    "holiday_dip": (
        "Tweets per public holiday falling on a weekday, in the named calendar, against tweets per working "
        f"day: the claim holds when holidays have at most {MAX_HOLIDAY_RATIO:.0%} of a working day's tweets "
        f"and fewer than {HOLIDAY_DRAWS:,} random sets of as many working days would give with "
        f"p < {HOLIDAY_SIGNIFICANCE}. It is undecided without a calendar, with fewer than {MIN_HOLIDAYS} "
        f"holidays on weekdays in the active span, or with fewer than {MIN_RHYTHM_TWEETS} tweets."
    ),
}
REGULAR_MIN_TWEETS = 5
REGULAR_WORKING_SHARE = 0.9


class OffsetFit(BaseModel):
    utc_offset_hours: int
    working_hours: list[int]  # local [start, end)
    score: float


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
    # The UTC offset and working day fitted together (infer_utc_offset), and how sure the fit is.
    inferred_utc_offset_hours: int
    inferred_working_hours: list[int]
    inferred_offset_score: float
    inferred_offset_runner_up_hours: int  # the best other offset
    inferred_offset_runner_up_score: float
    inferred_offset_confidence: float  # share of resamples of the tweets that pick the same offset
    offset_fit_tolerance: float
    offset_fits: list[OffsetFit]  # every fit within the tolerance of the best, best first (at most 10)
    offset_fits_within_tolerance: int
    named_zone_offsets_hours: list[int]  # the named zone's offsets over the tweets (summer time too)
    named_zone_consistent: bool  # one of them is among offset_fits
    offset_scores: dict[str, float]  # the best score at each offset
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
        **infer_utc_offset(tweets, timezone),
        regular_accounts_share=regular_accounts_share(tweets, timezone, hours),
    )


def claims(tweets: pl.LazyFrame, found: ActivityFindings) -> dict[str, Claim]:
    daily = daily_counts(tweets, found.timezone, found.holiday_country)
    return {
        "office_hours": office_hours_claim(tweets, found),
        "holiday_dip": holiday_claim(daily, found.holiday_country),
    }


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


def _working_days() -> list[tuple[int, int]]:
    """Every candidate working day (start hour, end hour)."""
    return [(start, start + length) for start in WORKDAY_STARTS for length in WORKDAY_LENGTHS]


def _templates(days: list[tuple[int, int]]) -> np.ndarray:
    """(working days, 168): a Monday–Friday week of each working day, hour by hour from Monday 00:00."""
    templates = np.zeros((len(days), HOURS_IN_WEEK))
    for k, (start, end) in enumerate(days):
        for day in range(5):
            templates[k, day * 24 + start : day * 24 + end] = 1.0
    return templates


def _standardised(rows: np.ndarray) -> np.ndarray:
    centred = rows - rows.mean(axis=-1, keepdims=True)
    norm = np.linalg.norm(centred, axis=-1, keepdims=True)
    return np.divide(centred, norm, out=np.zeros_like(centred), where=norm > 0)


def _fit_scores(weeks: np.ndarray, templates: np.ndarray) -> np.ndarray:
    """(weeks, offsets, working days): the correlation of each UTC week, read at each offset, with each
    working week."""
    offsets = np.array(CANDIDATE_OFFSETS)
    local = np.stack([np.roll(weeks, offset, axis=-1) for offset in offsets], axis=-2)
    return _standardised(local) @ _standardised(templates).T


def utc_week(tweets: pl.LazyFrame) -> np.ndarray:
    """Tweets per UTC hour of the week, from Monday 00:00."""
    return hour_weekday_counts(tweets, "UTC")["tweets"].to_numpy().astype(float)


def infer_utc_offset(tweets: pl.LazyFrame, timezone: str) -> dict:
    """The UTC offset and working day (start, end) whose Monday–Friday office week best fits the posting,
    fitted together, with the fits as good as the best and a confidence from resampling the tweets.

    Score: Pearson correlation between the hour-of-week histogram read at an offset and a working week
    starting at 7 to 11 local time. An operator keeping 10–19 at UTC+3 posts at the same UTC hours as one
    keeping 9–18 at UTC+2: only where local midnight falls could tell them apart, so both are listed
    when their scores are that close, and the one starting nearest 09:00 is named first. `offset_fits`
    holds every fit within the tolerance (twice the spread of the best score over bootstrap resamples of
    the tweets) of the best; the confidence is the share of resamples that name the same offset.
    """
    week = utc_week(tweets)
    days = _working_days()
    templates = _templates(days)
    scores = _fit_scores(week, templates)  # (offsets, days)
    offsets = np.array(CANDIDATE_OFFSETS)
    resampled = _fit_scores(_bootstrap_weeks(week), templates)  # (resamples, offsets, days)
    tolerance = max(MIN_FIT_TOLERANCE, 2 * float(resampled.reshape(len(resampled), -1).max(axis=1).std()))
    fits = sorted(
        (
            {
                "utc_offset_hours": int(offsets[o]),
                "working_hours": list(days[d]),
                "score": float(scores[o, d]),
            }
            for o, d in np.argwhere(scores >= scores.max() - tolerance)
        ),
        key=_fit_order,
    )
    best = fits[0]
    per_offset = scores.max(axis=1)
    best_index = int(np.flatnonzero(offsets == best["utc_offset_hours"])[0])
    runner_up = int(np.argmax(np.where(np.arange(len(offsets)) == best_index, -np.inf, per_offset)))
    # How often a resample of the tweets names the same offset, by the same rule.
    picked = [_best_offset(sample, offsets, days) for sample in resampled]
    fitted_offsets = {fit["utc_offset_hours"] for fit in fits}
    zone_offsets = named_zone_offsets(tweets, timezone)
    return {
        "inferred_utc_offset_hours": best["utc_offset_hours"],
        "inferred_working_hours": best["working_hours"],
        "inferred_offset_score": best["score"],
        "inferred_offset_runner_up_hours": int(offsets[runner_up]),
        "inferred_offset_runner_up_score": float(per_offset[runner_up]),
        "inferred_offset_confidence": float(np.mean(np.array(picked) == best["utc_offset_hours"])),
        "offset_fit_tolerance": tolerance,
        "offset_fits": fits[:MAX_LISTED_FITS],
        "offset_fits_within_tolerance": len(fits),
        "named_zone_offsets_hours": zone_offsets,
        "named_zone_consistent": bool(set(zone_offsets) & fitted_offsets),
        "offset_scores": {str(int(o)): float(s) for o, s in zip(offsets, per_offset, strict=True)},
    }


def _fit_order(fit: dict) -> tuple:
    """Best score first; among equals, the working day starting nearest USUAL_START, then the offset."""
    return (-round(fit["score"], 9), abs(fit["working_hours"][0] - USUAL_START), fit["utc_offset_hours"])


def _best_offset(scores: np.ndarray, offsets: np.ndarray, days: list[tuple[int, int]]) -> int:
    top = np.argwhere(scores >= scores.max() - 1e-9)
    return min(
        ({"utc_offset_hours": int(offsets[o]), "working_hours": list(days[d]), "score": 0.0} for o, d in top),
        key=_fit_order,
    )["utc_offset_hours"]


def _bootstrap_weeks(week: np.ndarray, salt: int = 0) -> np.ndarray:
    """Resamples of the tweets: (RESAMPLES, 168) multinomial draws of the same total."""
    total = int(week.sum())
    if total == 0:
        return np.zeros((RESAMPLES, HOURS_IN_WEEK))
    return stats.rng(salt).multinomial(total, week / total, size=RESAMPLES).astype(float)


def _weekday_shuffled_weeks(week: np.ndarray) -> np.ndarray:
    """(RESAMPLES, 168): each UTC hour's tweets spread over the seven days at random, keeping the
    hour-of-day profile and losing the weekly one."""
    by_hour = week.reshape(7, 24).sum(axis=0).astype(np.int64)
    generator = stats.rng(1)
    shuffled = np.stack(
        [generator.multinomial(n, np.full(7, 1 / 7), size=RESAMPLES) for n in by_hour], axis=2
    )
    return shuffled.reshape(RESAMPLES, HOURS_IN_WEEK).astype(float)


def named_zone_offsets(tweets: pl.LazyFrame, timezone: str) -> list[int]:
    """The whole-hour UTC offsets the named zone had when the tweets were sent (summer time included),
    each for at least a twentieth of the tweets."""
    offsets = (
        tweets.select(
            offset=(
                pl.col(TWEET_TIMESTAMP).dt.convert_time_zone(timezone).dt.replace_time_zone(None)
                - pl.col(TWEET_TIMESTAMP).dt.replace_time_zone(None)
            ).dt.total_minutes()
        )
        .group_by("offset")
        .len()
        .collect()
    )
    total = offsets["len"].sum()
    common = offsets.filter(pl.col("len") >= total / 20)["offset"].to_list()
    return sorted({round(minutes / 60) for minutes in common})


def office_hours_claim(tweets: pl.LazyFrame, found: ActivityFindings) -> Claim:
    rule = CLAIM_RULES["office_hours"]
    week = utc_week(tweets)
    n = int(week.sum())
    if n < MIN_RHYTHM_TWEETS:
        return undecided(rule, f"only {n} tweets; the rule needs {MIN_RHYTHM_TWEETS}", tweets=n)
    templates = _templates(_working_days())
    shuffled = _fit_scores(_weekday_shuffled_weeks(week), templates)
    shuffled_best = shuffled.reshape(len(shuffled), -1).max(axis=1)
    best = found.inferred_offset_score
    p_value = stats.permutation_p(best, shuffled_best)
    local = np.roll(week, found.inferred_utc_offset_hours).reshape(7, 24)
    weekday_rate, weekend_rate = local[:5].sum() / 5, local[5:].sum() / 2
    weekend_ratio = weekend_rate / weekday_rate if weekday_rate else None
    holds = (
        best >= MIN_OFFICE_FIT
        and p_value < OFFICE_SIGNIFICANCE
        and weekend_ratio is not None
        and weekend_ratio <= MAX_WEEKEND_RATIO
    )
    return decided(
        bool(holds),
        rule,
        tweets=n,
        utc_offset_hours=found.inferred_utc_offset_hours,
        working_hours=found.inferred_working_hours,
        fit=round(best, 6),
        shuffled_fit_mean=round(float(shuffled_best.mean()), 6),
        p_value=p_value,
        weekend_day_over_weekday=None if weekend_ratio is None else round(float(weekend_ratio), 6),
    )


def holiday_claim(daily: pl.DataFrame, country: str | None) -> Claim:
    rule = CLAIM_RULES["holiday_dip"]
    if country is None:
        return undecided(rule, "no public-holiday calendar was named (holidays in the parameters)")
    weekdays = daily.filter(pl.col("day").dt.weekday() <= 5)
    holidays = weekdays.filter(pl.col("day_type") == "holiday")["tweets"].to_numpy()
    working = weekdays.filter(pl.col("day_type") == "working day")["tweets"].to_numpy()
    total = int(daily["tweets"].sum())
    if len(holidays) < MIN_HOLIDAYS or total < MIN_RHYTHM_TWEETS or len(working) <= len(holidays):
        return undecided(
            rule,
            f"{len(holidays)} public holidays on weekdays and {total} tweets in the active span; the rule "
            f"needs {MIN_HOLIDAYS} and {MIN_RHYTHM_TWEETS}",
            holiday_weekdays=len(holidays),
            tweets=total,
        )
    generator = stats.rng(2)
    draws = np.stack([generator.choice(working, len(holidays), replace=False) for _ in range(HOLIDAY_DRAWS)])
    ratio = holidays.mean() / working.mean() if working.mean() else None
    p_value = stats.permutation_p(float(holidays.mean()), draws.mean(axis=1), larger=False)
    return decided(
        bool(ratio is not None and ratio <= MAX_HOLIDAY_RATIO and p_value < HOLIDAY_SIGNIFICANCE),
        rule,
        holiday_weekdays=len(holidays),
        tweets_per_holiday=round(float(holidays.mean()), 3),
        tweets_per_working_day=round(float(working.mean()), 3),
        ratio=None if ratio is None else round(float(ratio), 6),
        p_value=p_value,
    )


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
