"""truth.json: what the planted world is, computed once from the final rows and their planted labels.

Plain numpy and polars over the rows as written (and the writer's report of where the faulty rows went),
never `ioreport.analysis`: the analyses are what the truth tests. Shares are over the valid rows (the
accounts, or the tweets, faulty rows aside), rounded to 6 decimals; dates are YYYY-MM-DD; local figures are
on the frame's clock and calendar. `claims` says which of the report's claims the preset planted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import holidays
import numpy as np
import polars as pl

from ioreport.synthetic.core.calendar import MS_PER_DAY, MS_PER_HOUR
from ioreport.synthetic.core.context import Context
from ioreport.synthetic.core.ids import snowflake_ms
from ioreport.synthetic.core.preset import HASHING_FOLLOWER_LIMIT, LOCKSTEP_KINDS, Preset, SparseEngagement
from ioreport.synthetic.core.rows import (
    DECOY_ROLES,
    DORMANCY_DAYS,
    DUPLICATE,
    NEWLINE,
    Accounts,
    Engagement,
    Kind,
    Origin,
    Role,
    TweetBlock,
)
from ioreport.synthetic.core.vocabulary import HOSTILE_DISPLAY_NAME, HOSTILE_SCRIPT
from ioreport.synthetic.writer import Written

TOP_CREATION_DAYS = 10
TOP_HASHTAGS = 20
# ASPI's anomaly: tweets of 0-follower accounts with more likes or retweets than these.
ANOMALOUS_LIKES = 50
ANOMALOUS_RETWEETS = 10
# The claims a report makes, each planted or not by a preset.
OFFICE_SHARE = 2 / 3  # an office clock puts at least this share of its hour weights in office hours
QUIET_WEEKEND = 0.5  # ... and makes a weekend day at most this busy


def share(part: float, whole: float) -> float:
    return round(float(part) / float(whole), 6) if whole else 0.0


def compute(
    ctx: Context, accounts: Accounts, rows: TweetBlock, engagement: Engagement, written: Written
) -> dict:
    utc_ms = snowflake_ms(rows["tweetid"])
    local = _local(ctx, utc_ms)
    return {
        "dataset": _dataset(ctx, accounts, rows, utc_ms, written),
        "accounts": _accounts(ctx, accounts, rows["account"], local),
        "activity": _activity(ctx, accounts, rows, local),
        "narratives": _narratives(ctx, rows, local),
        "retweets": _retweets(accounts, rows),
        "engagement": _engagement(accounts, rows, engagement),
        "forensics": _forensics(accounts, rows, utc_ms),
        "coordination": _coordination(ctx, accounts, rows),
        "chance": _chance(ctx, accounts, rows, utc_ms),
        "claims": claims(ctx.preset),
    }


@dataclass(frozen=True)
class Local:
    """Each tweet's hour, weekday (Monday = 0) and day on the frame's clock."""

    hour: np.ndarray
    weekday: np.ndarray
    day: np.ndarray  # datetime64[D]


def _local(ctx: Context, utc_ms: np.ndarray) -> Local:
    local_ms = ctx.calendar.local_ms(ctx.frame_zone, utc_ms)
    day = local_ms // MS_PER_DAY
    return Local(
        hour=(local_ms // MS_PER_HOUR % 24).astype(np.int8),
        weekday=((day + 3) % 7).astype(np.int8),  # 1970-01-01 was a Thursday
        day=day.astype("datetime64[D]"),
    )


def _counts(first: np.ndarray, second: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """The distinct (first, second) pairs of integers, in order, and how often each occurs."""
    first, second = first.astype(np.int64), second.astype(np.int64)
    if not len(first):
        return [first, second], np.zeros(0, dtype=np.int64)
    low = second.min()
    span = second.max() - low + 1
    keys, counts = np.unique(first * span + (second - low), return_counts=True)
    return [keys // span, keys % span + low], counts


def _iso(ms: int) -> str:
    return str(np.datetime64(int(ms), "ms").astype("datetime64[D]"))


def _userids(accounts: Accounts, chosen: Iterable[int]) -> list[str]:
    return sorted(accounts.userid[i] for i in chosen)


def _dataset(
    ctx: Context, accounts: Accounts, rows: TweetBlock, utc_ms: np.ndarray, written: Written
) -> dict:
    words, n = ctx.vocabulary, len(rows)
    duplicates = sum(entry["fault"] == DUPLICATE for entry in written.malformed)
    hostile = np.flatnonzero(rows["origin"] == Origin.HOSTILE)
    return {
        "name": ctx.preset.dataset_name,
        "description": ctx.preset.description,
        "synthetic": True,
        "accounts": len(accounts),
        "tweets": n,
        "tweet_rows_written": written.tweet_rows,
        "user_rows_written": written.user_rows,
        "quarantined_rows": len(written.malformed) - duplicates,
        "duplicate_rows": duplicates,
        "malformed": written.malformed,
        "first_tweet": _iso(utc_ms.min()),
        "last_tweet": _iso(utc_ms.max()),
        "hostile": {
            "tweetid": str(rows["tweetid"][hostile[0]]),
            "userid": accounts.userid[accounts.hostile_name],
            "tweet_markup": HOSTILE_SCRIPT,
            "display_name_markup": HOSTILE_DISPLAY_NAME,
        },
        "tweet_language_shares": _shares(words.languages, rows["language"], n),
        "client_shares": _shares(words.clients, rows["client"], n),
        "texts_with_newlines": int(((rows["sentence_2"] >= 0) & (rows["joiner"] == NEWLINE)).sum()),
        "geotagged_tweets": int((~np.isnan(rows["latitude"])).sum()),
        "poll_tweets": int(rows["poll"].sum()),
    }


def _shares(names: list[str], values: np.ndarray, n: int) -> dict[str, float]:
    """The share of each name the rows use."""
    counts = np.bincount(values, minlength=len(names))
    return {
        name: share(count, n) for name, count in sorted(zip(names, counts.tolist(), strict=True)) if count
    }


def _accounts(ctx: Context, accounts: Accounts, account: np.ndarray, local: Local) -> dict:
    n, followers = len(accounts), accounts.followers
    days, counts = np.unique(accounts.created, return_counts=True)
    top = np.lexsort((days, -counts))[:TOP_CREATION_DAYS]  # most accounts first, ties by date
    months, per_month = np.unique(accounts.created.astype("datetime64[M]"), return_counts=True)
    accounts_tweeting, first_row = np.unique(account, return_index=True)  # rows are in time order
    lag = (local.day[first_row] - accounts.created[accounts_tweeting]).astype(np.int64)
    lag = lag[accounts.created[accounts_tweeting] >= np.datetime64(ctx.preset.period[0])]
    return {
        "creation_batches": [{"date": str(days[i]), "accounts": int(counts[i])} for i in top],
        "accounts_created_by_month": {str(m): int(c) for m, c in zip(months, per_month, strict=True)},
        "first_creation": str(accounts.created.min()),
        "last_creation": str(accounts.created.max()),
        "median_first_tweet_lag_days": float(np.median(lag)) if len(lag) else None,
        "share_zero_followers": share((followers == 0).sum(), n),
        "share_under_8_followers": share((followers < 8).sum(), n),
        "median_followers": float(np.median(followers)),
        "hashed_accounts": int(accounts.hashed.sum()),
        "high_follower_accounts": int((followers >= HASHING_FOLLOWER_LIMIT).sum()),
        "share_no_bio": share(sum(not bio for bio in accounts.description), n),
        "bios_with_newlines": sum("\n" in bio for bio in accounts.description),
        "zone_shares": _shares(list(ctx.calendar.zones), accounts.zone, n),
    }


def _activity(ctx: Context, accounts: Accounts, rows: TweetBlock, local: Local) -> dict:
    frame, routine = ctx.preset.frame, ctx.preset.routine
    n = len(rows)
    hour, weekday = local.hour, local.weekday
    per_hour = np.bincount(hour, minlength=24)
    start, end = frame.office_hours
    offset_hours = ctx.calendar.utc_offset_ms[ctx.frame_zone, -1] / MS_PER_HOUR
    return {
        "timezone": frame.timezone,
        "utc_offset_hours": int(offset_hours) if offset_hours.is_integer() else float(offset_hours),
        "working_hours_share": share(((weekday < 5) & (hour >= start) & (hour < end)).sum(), n),
        "weekend_share": share((weekday >= 5).sum(), n),
        "peak_hour_local": int(np.argmax(per_hour)),
        "hour_shares_local": [share(count, n) for count in per_hour],
        "holiday_country": frame.holiday_country,
        "holiday_ratio": _holiday_ratio(frame.holiday_country, local.day),
        "planted_weekend_factor": routine.weekend_factor,
        "planted_holiday_factor": routine.holiday_factor,
        "zone_shares": _shares(list(ctx.calendar.zones), accounts.zone[rows["account"]], n),
    }


def _holiday_ratio(country: str, day: np.ndarray) -> float | None:
    """Mean tweets per public holiday over mean per other Monday-to-Friday day, local days from the first
    tweet to the last, days without tweets included."""
    first = day.min()
    per_day = np.bincount((day - first).astype(np.int64))
    days = first + np.arange(len(per_day))
    dates = days.astype(dt.date)
    public = holidays.country_holidays(country, years=range(dates[0].year, dates[-1].year + 1))
    holiday = np.array([d in public for d in dates])
    working = ((days.astype(np.int64) + 3) % 7 < 5) & ~holiday
    return share(per_day[holiday].mean(), per_day[working].mean()) if holiday.any() else None


def _narratives(ctx: Context, rows: TweetBlock, local: Local) -> dict:
    content, words, n = ctx.preset.content, ctx.vocabulary, len(rows)
    topic = rows["topic"]
    counts = np.bincount(topic, minlength=len(content.topics))
    monday = local.day - local.weekday.astype("timedelta64[D]")
    (topics, weeks), per_week = _counts(topic, monday.astype(np.int64))
    busiest = np.lexsort((weeks, -per_week, topics))  # per topic: most tweets first, ties by the earlier week
    first_of_topic = np.unique(topics[busiest], return_index=True)[1]
    peak_of = {int(topics[busiest][i]): np.datetime64(int(weeks[busiest][i]), "D") for i in first_of_topic}
    tagged = [(k, name) for k, name in enumerate(content.topics) if name != content.untagged_topic]
    per_tag = np.bincount(rows.hashtags[rows.hashtags >= 0], minlength=len(words.hashtags))
    top = sorted(range(len(per_tag)), key=lambda k: (-per_tag[k], words.hashtags[k]))[:TOP_HASHTAGS]
    return {
        "topic_shares": {name: share(counts[k], n) for k, name in tagged},
        "untagged_share": share(counts[ctx.topic_index(content.untagged_topic)], n),
        "topic_peak_week": {name: str(peak_of[k]) for k, name in tagged if k in peak_of},
        "top_hashtags": [
            {"hashtag": words.hashtags[k], "tweets": int(per_tag[k])} for k in top if per_tag[k]
        ],
        "share_with_hashtags": share((rows.hashtags >= 0).any(axis=1).sum(), n),
    }


def _retweets(accounts: Accounts, rows: TweetBlock) -> dict:
    kind, n = rows["kind"], len(rows)
    retweets = kind == Kind.RETWEET
    return {
        "share": share(retweets.sum(), n),
        "retweets": int(retweets.sum()),
        "blank_retweet_userid": int((retweets & rows["blank_retweet_userid"]).sum()),
        "of_archive_tweets": int((retweets & (rows["target_account"] < len(accounts))).sum()),
        "reply_share": share((kind == Kind.REPLY).sum(), n),
        "quote_share": share((kind == Kind.QUOTE).sum(), n),
    }


def _engagement(accounts: Accounts, rows: TweetBlock, engagement: Engagement) -> dict:
    n = len(rows)
    counted = ~engagement.blank
    counts = (engagement.like, engagement.retweet, engagement.reply, engagement.quote)
    none = np.logical_and.reduce([c == 0 for c in counts])
    zero_followers = (accounts.followers[rows["account"]] == 0) & counted
    likes = np.where(counted, engagement.like, -1)
    most_liked = int(
        np.flatnonzero(likes == likes.max())[0]
    )  # ties: the smallest tweet id (rows in id order)
    original = rows["kind"] == Kind.ORIGINAL
    return {
        # Blank counts are neither zero nor engagement: the two shares and the rest add up to 1.
        "share_tweets_zero_engagement": share((none & counted).sum(), n),
        "share_tweets_blank_engagement": share(engagement.blank.sum(), n),
        "share_originals_engaged": share((original & counted & ~none).sum(), (original & counted).sum()),
        "zero_follower_tweets_over_50_likes": int(
            (zero_followers & (engagement.like > ANOMALOUS_LIKES)).sum()
        ),
        "zero_follower_tweets_over_10_retweets": int(
            (zero_followers & (engagement.retweet > ANOMALOUS_RETWEETS)).sum()
        ),
        "most_liked_tweetid": str(rows["tweetid"][most_liked]),
        "most_liked_count": int(engagement.like[most_liked]),
    }


def _forensics(accounts: Accounts, rows: TweetBlock, utc_ms: np.ndarray) -> dict:
    role, origin = accounts.role, rows["origin"]
    repurposed = np.flatnonzero(role == Role.REPURPOSED)
    dormant = _dormant(rows["account"], utc_ms)
    former = origin == Origin.FORMER_LIFE
    campaign = origin == Origin.ROUTINE
    own = rows["kind"] != Kind.RETWEET
    return {
        "repurposed": _userids(accounts, repurposed),
        "language_switch": _userids(
            accounts, _switched(rows, "language", former, campaign & own, repurposed)
        ),
        "client_switch": _userids(accounts, _switched(rows, "client", former, campaign, repurposed)),
        "planted_dormant": _userids(accounts, np.intersect1d(repurposed, dormant)),
        "test_owner_accounts": _userids(accounts, np.unique(rows["account"][origin == Origin.OWNER_TEST])),
        "test_owner_tweets": int((origin == Origin.OWNER_TEST).sum()),
        "decoys": {name: _userids(accounts, np.flatnonzero(role == r)) for name, r in DECOY_ROLES.items()},
        "dormancy_days": DORMANCY_DAYS,
        "dormant_reactivated": _userids(accounts, dormant),
    }


def _dormant(account: np.ndarray, utc_ms: np.ndarray) -> np.ndarray:
    """Every account with DORMANCY_DAYS or more between two of its consecutive tweets."""
    order = np.lexsort((utc_ms, account))
    by_account, ms = account[order], utc_ms[order]
    long_gap = (by_account[1:] == by_account[:-1]) & (np.diff(ms) >= DORMANCY_DAYS * MS_PER_DAY)
    return np.unique(by_account[1:][long_gap])


def _switched(
    rows: TweetBlock, column: str, before: np.ndarray, after: np.ndarray, candidates: np.ndarray
) -> np.ndarray:
    """The candidates whose most common value of the column differs between two kinds of their rows."""
    chosen = np.isin(rows["account"], candidates)

    def modes(which: np.ndarray) -> dict[int, int]:
        (account, value), counts = _counts(rows["account"][chosen & which], rows[column][chosen & which])
        commonest = np.lexsort((value, -counts, account))  # per account: most used first, ties by value
        first = np.unique(account[commonest], return_index=True)[1]
        return dict(zip(account[commonest][first].tolist(), value[commonest][first].tolist(), strict=True))

    old, new = modes(before), modes(after)
    return np.array(sorted(a for a in old if a in new and old[a] != new[a]), dtype=np.int64)


def _groups(accounts: Accounts, rows: TweetBlock, which: np.ndarray) -> list[list[str]]:
    """The accounts of each planted group among these rows, each sorted, the list sorted."""
    (group, account), _ = _counts(rows["group"][which], rows["account"][which])
    members = np.split(account, np.flatnonzero(np.diff(group)) + 1) if len(group) else []
    return sorted(_userids(accounts, chosen) for chosen in members)


def _coordination(ctx: Context, accounts: Accounts, rows: TweetBlock) -> dict:
    spec = ctx.preset.coordination
    origin, lockstep = rows["origin"], rows["lockstep"]
    planted, spread, events = {}, {}, {}
    for k, kind in enumerate(LOCKSTEP_KINDS):
        coordinated = (origin == Origin.COORDINATED) & (lockstep == k)
        planted[kind] = _groups(accounts, rows, coordinated)
        spread[kind] = _groups(accounts, rows, (origin == Origin.SPREAD) & (lockstep == k))
        events[kind] = len(np.unique(rows["event"][coordinated]))
    params = {}
    if spec is not None:
        params = {
            "groups_per_kind": max(spec.min_groups_per_kind, ctx.count(spec.groups_per_kind)),
            "group_size": list(spec.group_size),
            "events_per_group": spec.events_per_group,
            "absent_per_event": 1,
            "burst_seconds": spec.burst_seconds,
            "source_lead_seconds": list(spec.source_lead_seconds),
            "event_hashtags": spec.event_hashtags,
            "incidental_bursts_per_kind": ctx.count(spec.incidental_bursts_per_kind),
            "incidental_size": list(spec.incidental_size),
            "spread_groups_per_kind": ctx.count(spec.spread_groups_per_kind),
        }
    return {**planted, "events_planted": events, "spread_out": spread, "params": params}


def _chance(ctx: Context, accounts: Accounts, rows: TweetBlock, utc_ms: np.ndarray) -> dict:
    """The structure chance makes in an ordinary population: viral bursts, stock phrases, trending
    hashtags, and pairs that happen to retweet the same two viral tweets together."""
    origin, words = rows["origin"], ctx.vocabulary
    chance = np.flatnonzero(np.isin(origin, [Origin.VIRAL_RETWEET, Origin.STOCK_PHRASE, Origin.TRENDING]))
    frame = pl.DataFrame(
        {
            "origin": origin[chance],
            "event": rows["event"][chance],
            "account": rows["account"][chance],
            "ms": utc_ms[chance],
            "target": rows["target_tweetid"][chance],
            "sentence": rows["sentence_1"][chance],
        }
    )
    viral = _moments(frame, Origin.VIRAL_RETWEET, "target").rename({"tweets": "retweets"})
    stock = _moments(frame, Origin.STOCK_PHRASE, "sentence").sort("sentence")
    trending = _moments(frame, Origin.TRENDING, "event")
    coincident = (origin == Origin.VIRAL_RETWEET) & (rows["group"] >= 0)
    return {
        "viral_bursts": [
            {
                "tweetid": str(row["target"]),
                "retweets": row["retweets"],
                "accounts": row["accounts"],
                "minutes": round((row["last"] - row["first"]) / 60_000, 1),
            }
            for row in viral.iter_rows(named=True)
        ],
        "stock_phrases": {
            words.sentences[row["sentence"]]: {"tweets": row["tweets"], "accounts": row["accounts"]}
            for row in stock.iter_rows(named=True)
        },
        "trending": [
            {
                "hashtags": _event_tags(ctx, rows, row["event"]),
                "tweets": row["tweets"],
                "accounts": row["accounts"],
                "hours": round((row["last"] - row["first"]) / MS_PER_HOUR, 2),
            }
            for row in trending.iter_rows(named=True)
        ],
        "coincidences": _groups(accounts, rows, coincident),
    }


def _moments(frame: pl.DataFrame, origin: Origin, key: str) -> pl.DataFrame:
    """Per value of `key` among the rows of one origin: tweets, accounts, first and last milliseconds."""
    return (
        frame.filter(pl.col("origin") == origin)
        .group_by(key)
        .agg(
            tweets=pl.len(),
            accounts=pl.col("account").n_unique(),
            first=pl.col("ms").min(),
            last=pl.col("ms").max(),
        )
        .sort("first")
    )


def _event_tags(ctx: Context, rows: TweetBlock, event: int) -> list[str]:
    """An event's hashtags, most used first."""
    tags = rows.hashtags[rows["event"] == event]
    counts = np.bincount(tags[tags >= 0], minlength=len(ctx.vocabulary.hashtags))
    used = np.flatnonzero(counts)
    return [ctx.vocabulary.hashtags[k] for k in used[np.lexsort((used, -counts[used]))]]


def claims(preset: Preset) -> dict[str, bool]:
    """Which claims of a report the preset plants, read off what its sections plant."""
    routine = preset.routine
    start, end = preset.frame.office_hours
    office = sum(routine.hours[start:end]) >= OFFICE_SHARE * sum(routine.hours)
    engagement = preset.engagement
    sparse = isinstance(engagement, SparseEngagement)
    return {
        "batch_creation": any(cohort.batches for cohort in preset.accounts.cohorts),
        "office_hours": office and routine.weekend_factor <= QUIET_WEEKEND,
        "holiday_dip": routine.holiday_factor < 1,
        "coordination": preset.coordination is not None and preset.coordination.groups_per_kind > 0,
        "repurposed_accounts": preset.repurposing is not None and preset.repurposing.accounts > 0,
        "anomalous_engagement": sparse and engagement.zero_follower_like_outliers > 0,
        "low_engagement": sparse,
    }
