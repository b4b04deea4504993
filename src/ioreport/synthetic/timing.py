"""Planting step for when tweets were sent: office hours, quiet weekends and holidays, snowflake ids."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ioreport.archive import schema
from ioreport.synthetic.network import Network, iso, share

MS_PER_HOUR = 3_600_000


@dataclass
class Timeline:
    """One entry per valid tweet, in tweetid (= time) order, which is the file order."""

    account: np.ndarray
    day: np.ndarray  # calendar index of the local day
    hour: np.ndarray  # local hour
    utc_ms: np.ndarray
    tweetid: np.ndarray
    scripted: np.ndarray  # index into `net.repurposed.tweets`, -1 for an ordinary tweet

    def __len__(self) -> int:
        return len(self.tweetid)


def plant_tweet_times(net: Network, rng: np.random.Generator) -> Timeline:
    account, day, scripted = _tweet_days(net, rng)
    hours = np.array(net.preset.activity.weekday_hours)
    hour = rng.choice(24, size=len(day), p=hours / hours.sum())
    utc_ms = net.calendar.midnight_utc_ms()[day] + hour * MS_PER_HOUR + rng.integers(0, MS_PER_HOUR, len(day))
    tweetid = unique_snowflakes(utc_ms, rng)
    order = np.argsort(tweetid)
    timeline = Timeline(
        account=account[order].astype(np.int32),
        day=day[order],
        hour=hour[order].astype(np.int8),
        utc_ms=utc_ms[order],
        tweetid=tweetid[order],
        scripted=scripted[order],
    )
    _record_activity(net, timeline)
    return timeline


def _tweet_days(net: Network, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every account's first tweet, the scripted tweets on their days, then the rest spread by the daily
    volume over the accounts active then; with each tweet's scripted index (-1 if none)."""
    calendar = net.calendar
    first = net.creation.first_tweet_day
    scripted = net.repurposed.tweets
    n_rest = net.n_tweets - len(first) - len(scripted)
    by_first = np.argsort(first, kind="stable")
    active_on = np.searchsorted(first[by_first], np.arange(len(calendar)), side="right")
    weights = calendar.curve(net.preset.activity.volume) * _day_factor(net) * (active_on > 0)
    days = rng.choice(len(calendar), size=n_rest, p=weights / weights.sum())
    # Pick among the accounts already active that day, in proportion to their activity.
    cumulative = np.cumsum(net.accounts.activity[by_first])
    active = active_on[days]
    position = np.searchsorted(cumulative, rng.random(n_rest) * cumulative[active - 1], side="right")
    rest_accounts = by_first[np.minimum(position, active - 1)]
    return (
        np.concatenate([np.arange(len(first)), scripted.account, rest_accounts]),
        np.concatenate([first, scripted.day, days]),
        np.concatenate([np.full(len(first), -1), np.arange(len(scripted)), np.full(n_rest, -1)]),
    )


def _day_factor(net: Network) -> np.ndarray:
    activity = net.preset.activity
    calendar = net.calendar
    weekend = np.where(calendar.weekday >= 5, activity.weekend_factor, 1.0)
    return np.where(calendar.holiday, activity.holiday_factor, weekend)


def unique_snowflakes(
    utc_ms: np.ndarray, rng: np.random.Generator, taken: np.ndarray | None = None
) -> np.ndarray:
    """Snowflake ids for these times: random low 22 bits, redrawn until no id repeats or is taken."""
    base = (utc_ms - schema.SNOWFLAKE_EPOCH_MS) << schema.SNOWFLAKE_SHIFT
    ids = base | rng.integers(0, 1 << schema.SNOWFLAKE_SHIFT, len(utc_ms))
    while (clash := _clashes(ids, taken)).any():
        ids[clash] = base[clash] | rng.integers(0, 1 << schema.SNOWFLAKE_SHIFT, int(clash.sum()))
    return ids


def _clashes(ids: np.ndarray, taken: np.ndarray | None) -> np.ndarray:
    _, first = np.unique(ids, return_index=True)
    clash = np.ones(len(ids), dtype=bool)
    clash[first] = False
    if taken is not None:
        clash |= np.isin(ids, taken)
    return clash


def _record_activity(net: Network, timeline: Timeline) -> None:
    calendar = net.calendar
    n = len(timeline)
    weekday = calendar.weekday[timeline.day]
    hour = timeline.hour
    per_day = np.bincount(timeline.day, minlength=len(calendar))
    span = slice(int(timeline.day.min()), int(timeline.day.max()) + 1)
    on_holiday = calendar.holiday[span]
    on_workday = (calendar.weekday[span] < 5) & ~on_holiday
    offset_hours = calendar.utc_offset_ms[-1] / MS_PER_HOUR
    per_hour = np.bincount(hour, minlength=24)
    work_start, work_end = net.preset.activity.office_hours
    net.record(
        "activity",
        timezone=net.preset.timezone,
        utc_offset_hours=int(offset_hours) if offset_hours.is_integer() else float(offset_hours),
        working_hours_share=share(((weekday < 5) & (hour >= work_start) & (hour < work_end)).sum(), n),
        weekend_share=share((weekday >= 5).sum(), n),
        peak_hour_local=int(np.argmax(per_hour)),
        hour_shares_local=[share(count, n) for count in per_hour],
        holiday_country=net.preset.holiday_country,
        # Mean tweets per public holiday over mean per other Mon-Fri day, local days first to last tweet.
        holiday_ratio=share(per_day[span][on_holiday].mean(), per_day[span][on_workday].mean()),
        planted_weekend_factor=net.preset.activity.weekend_factor,
        planted_holiday_factor=net.preset.activity.holiday_factor,
    )
    net.record(
        "dataset",
        tweets=n,
        first_tweet=iso(np.datetime64(int(timeline.utc_ms.min()), "ms")),
        last_tweet=iso(np.datetime64(int(timeline.utc_ms.max()), "ms")),
    )
