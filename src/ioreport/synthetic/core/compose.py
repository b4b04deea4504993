"""What several steps draw alike: weighted choices, times on a local clock, who tweets, and tweet texts.

Every function takes the step's own random generator; none keeps state between calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ioreport.synthetic.core.calendar import MS_PER_HOUR
from ioreport.synthetic.core.context import Context
from ioreport.synthetic.core.ids import SHORT_CODE_RANGE, snowflakes
from ioreport.synthetic.core.rows import (
    HASHTAG_SLOTS,
    JOINERS,
    NEWLINE,
    REPEATED_COLUMNS,
    Accounts,
    Kind,
    TweetBlock,
    Tweets,
)
from ioreport.synthetic.core.vocabulary import BLANK_LANGUAGE, UNDETERMINED_LANGUAGE

OUTSIDE_POPULARITY = 3.0  # higher: retweets and replies concentrate more on a few outside accounts


def pick(rng: np.random.Generator, weights: Mapping[str, float] | np.ndarray, size: int) -> np.ndarray:
    """Indices drawn with these weights (a mapping's values, in its order)."""
    values = np.array(list(weights.values()) if isinstance(weights, Mapping) else weights, dtype=float)
    return rng.choice(len(values), size=size, p=values / values.sum())


# --- When ----------------------------------------------------------------------------------------------


def day_weights(ctx: Context) -> np.ndarray:
    """Relative tweets per day of the routine: its volume curve, its weekends and holidays."""
    routine, calendar = ctx.preset.routine, ctx.calendar
    return calendar.curve(routine.volume) * calendar.day_factor(
        routine.weekend_factor, routine.holiday_factor
    )


def routine_hours(ctx: Context, n: int, rng: np.random.Generator) -> np.ndarray:
    """Local hours drawn from the routine's hour profile."""
    return pick(rng, np.array(ctx.preset.routine.hours), n)


def utc_times(
    ctx: Context, zone: np.ndarray | int, day: np.ndarray, hour: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """A random millisecond within each local (zone, day, hour), in UTC."""
    midnight = ctx.calendar.midnight_utc_ms(zone, day)
    return midnight + hour.astype(np.int64) * MS_PER_HOUR + rng.integers(0, MS_PER_HOUR, len(day))


def days_after(weights: np.ndarray, after: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """For each entry, a day later than `after` (-1: any), drawn with the day weights (the last day if
    no later day has weight)."""
    cumulative = np.cumsum(weights)
    low = np.where(after >= 0, cumulative[np.clip(after, 0, len(weights) - 1)], 0.0)
    drawn = low + rng.random(len(after)) * (cumulative[-1] - low)
    return np.minimum(np.searchsorted(cumulative, drawn, side="right"), len(weights) - 1)


class Tweeters:
    """The accounts free to tweet on a day: those of `eligible` whose everyday tweeting has begun, drawn in
    proportion to their activity."""

    def __init__(self, accounts: Accounts, eligible: np.ndarray) -> None:
        candidates = np.flatnonzero(eligible)
        self.by_start = candidates[np.argsort(accounts.first_tweet_day[candidates], kind="stable")]
        self.start_day = accounts.first_tweet_day[self.by_start]
        self.cumulative = np.cumsum(accounts.activity[self.by_start])

    def active_on(self, days: np.ndarray) -> np.ndarray:
        """How many have begun by each day."""
        return np.searchsorted(self.start_day, days, side="right")

    def draw(self, days: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One account per day; every day must have one active."""
        active = self.active_on(days)
        position = np.searchsorted(
            self.cumulative, rng.random(len(days)) * self.cumulative[active - 1], side="right"
        )
        return self.by_start[np.minimum(position, active - 1)]


# --- What ----------------------------------------------------------------------------------------------


def tweet_scripts(accounts: Accounts, account: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each tweet's script: its account's main one, or its second at the account's share."""
    second = rng.random(len(account)) < accounts.script_mix[account]
    return np.where(second, accounts.script_2[account], accounts.script[account]).astype(np.int8)


def tweet_clients(accounts: Accounts, account: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    second = rng.random(len(account)) < accounts.client_mix[account]
    return np.where(second, accounts.client_2[account], accounts.client[account]).astype(np.int16)


def script_languages(ctx: Context, script: np.ndarray) -> np.ndarray:
    codes = [ctx.vocabulary.language(spec.language) for spec in ctx.preset.scripts.values()]
    return np.array(codes, dtype=np.int8)[script]


def detected(ctx: Context, language: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Twitter's language detector gives up on some tweets: their language blank or "und"."""
    content = ctx.preset.content
    u = rng.random(len(language))
    blank = u < content.blank_language_share
    undetermined = ~blank & (u < content.blank_language_share + content.undetermined_language_share)
    language = language.copy()
    language[blank] = ctx.vocabulary.language(BLANK_LANGUAGE)
    language[undetermined] = ctx.vocabulary.language(UNDETERMINED_LANGUAGE)
    return language


def tagged_topics(ctx: Context, n: int, rng: np.random.Generator) -> np.ndarray:
    """Topics drawn uniformly among those that stand for a narrative."""
    content = ctx.preset.content
    tagged = [k for k, name in enumerate(content.topics) if name != content.untagged_topic]
    return np.array(tagged, dtype=np.int8)[rng.integers(0, len(tagged), n)]


def topic_sentences(
    ctx: Context, topic: np.ndarray, script: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Two different sentences of each tweet's (topic, script) pool."""
    start, size = ctx.vocabulary.topic_start[topic, script], ctx.vocabulary.topic_size[topic, script]
    first = (rng.random(len(topic)) * size).astype(np.int32)
    second = (first + 1 + (rng.random(len(topic)) * (size - 1)).astype(np.int32)) % size
    return start + first, start + second


def joiners(ctx: Context, script: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The script's joiner, or for a few texts a newline."""
    own = np.array([JOINERS.index(spec.joiner) for spec in ctx.preset.scripts.values()], dtype=np.int8)
    return np.where(rng.random(len(script)) < ctx.preset.content.newline_share, NEWLINE, own[script]).astype(
        np.int8
    )


def tails(ctx: Context, n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.integers(0, len(ctx.vocabulary.tails), n).astype(np.int8)


def topic_hashtags(ctx: Context, topic: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """For a topic's share of tweets, one to three distinct hashtags of the topic, the first most used."""
    content = ctx.preset.content
    tags = np.full((len(topic), HASHTAG_SLOTS), -1, dtype=np.int16)
    for k in range(len(content.topics)):
        members = np.flatnonzero(topic == k)
        if len(members):
            tags[members] = popular_hashtags(ctx.vocabulary.topic_hashtags[k], len(members), rng)
    how_many = 1 + pick(rng, np.array(content.hashtags_per_tagged_tweet), len(topic))
    shares = np.array([spec.hashtag_share for spec in content.topics.values()])
    how_many[rng.random(len(topic)) >= shares[topic]] = 0
    tags[np.arange(HASHTAG_SLOTS)[None, :] >= how_many[:, None]] = -1
    return tags


def popular_hashtags(names: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """(n, HASHTAG_SLOTS) draws from `names` weighted 1/rank, a repeat within a row left empty (-1)."""
    popularity = 1.0 / np.arange(1, len(names) + 1)
    tags = names[pick(rng, popularity, n * HASHTAG_SLOTS)].reshape(n, HASHTAG_SLOTS).astype(np.int16)
    for slot in range(1, HASHTAG_SLOTS):
        tags[(tags[:, :slot] == tags[:, slot : slot + 1]).any(axis=1), slot] = -1
    return tags


def links(ctx: Context, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A shared page for the content's share of tweets (code 0: none), and its site."""
    codes = np.where(rng.random(n) < ctx.preset.content.url_share, rng.integers(*SHORT_CODE_RANGE, n), 0)
    return codes, rng.integers(0, len(ctx.vocabulary.url_domains), n).astype(np.int8)


def formatting(ctx: Context, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """How the archive spelled each row's lists and booleans."""
    content = ctx.preset.content
    return {
        "list_style": pick(rng, content.list_styles, n).astype(np.int8),
        "pandas_boolean": rng.random(n) < content.pandas_boolean_share,
    }


def originals(
    ctx: Context,
    accounts: Accounts,
    account: np.ndarray,
    topic: np.ndarray,
    rng: np.random.Generator,
    script: np.ndarray | None = None,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Columns and hashtags of original tweets on these topics by these accounts, in their own scripts
    (or those given) and from their own apps."""
    n = len(account)
    script = tweet_scripts(accounts, account, rng) if script is None else script
    first, second = topic_sentences(ctx, topic, script, rng)
    url, url_domain = links(ctx, n, rng)
    mention = np.where(
        rng.random(n) < ctx.preset.content.mention_share, rng.integers(0, len(accounts), n), -1
    )
    columns = {
        "account": account,
        "topic": topic,
        "sentence_1": first,
        "sentence_2": second,
        "joiner": joiners(ctx, script, rng),
        "tail": tails(ctx, n, rng),
        "url": url,
        "url_domain": url_domain,
        "mention": mention,
        "language": detected(ctx, script_languages(ctx, script), rng),
        "client": tweet_clients(accounts, account, rng),
        **formatting(ctx, n, rng),
    }
    return columns, topic_hashtags(ctx, topic, rng)


def retweets(
    ctx: Context,
    accounts: Accounts,
    account: np.ndarray,
    source: dict[str, np.ndarray],
    source_hashtags: np.ndarray,
    rng: np.random.Generator,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Columns and hashtags of retweets by these accounts of the given source rows (one each): the
    source's words, hashtags, links and language; the retweeter's app."""
    n = len(account)
    columns = {name: source[name] for name in REPEATED_COLUMNS}
    columns.update(
        account=account,
        kind=np.full(n, Kind.RETWEET, dtype=np.int8),
        blank_retweet_userid=rng.random(n) < ctx.preset.routine.blank_retweet_userid_share,
        client=tweet_clients(accounts, account, rng),
        **formatting(ctx, n, rng),
    )
    return columns, source_hashtags


def outside_authors(ctx: Context, accounts: Accounts, n: int, rng: np.random.Generator) -> np.ndarray:
    """Outside accounts (numbered after the archive's), the first ones far more often."""
    popular_first = rng.random(n) ** OUTSIDE_POPULARITY
    return len(accounts) + (popular_first * len(accounts.outside_userid)).astype(np.int32)


@dataclass(frozen=True)
class Posts:
    """Tweets that others pass on: their words, and where each one is (a row of the draft, or outside)."""

    columns: dict[str, np.ndarray]
    hashtags: np.ndarray
    row: np.ndarray  # the draft row of a post by an archive account; -1 for an outside one
    outside_author: np.ndarray  # -1 for an archive post
    outside_id: np.ndarray

    def retweeted(
        self,
        ctx: Context,
        accounts: Accounts,
        account: np.ndarray,
        which: np.ndarray,
        rng: np.random.Generator,
    ) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
        """Retweets by these accounts, each of post `which`: columns pointing at it, hashtags, target rows."""
        source = {name: values[which] for name, values in self.columns.items()}
        columns, hashtags = retweets(ctx, accounts, account, source, self.hashtags[which], rng)
        columns.update(target_account=self.outside_author[which], target_tweetid=self.outside_id[which])
        return columns, hashtags, self.row[which]


class Draft:
    """A step's new rows as it puts them together: parts of columns and times, then ids for all at once.

    A part may point at rows of earlier parts (`target_row`, numbered across the draft); rows pointing at
    an outside tweet get its id from `outside_tweets`, which no archive row will take."""

    def __init__(self, tweets: Tweets) -> None:
        self._taken = np.concatenate([tweets.column("tweetid"), tweets.column("target_tweetid")])
        self._parts: list[TweetBlock] = []
        self._utc_ms: list[np.ndarray] = []
        self._target_row: list[np.ndarray] = []
        self.rows = 0

    def outside_tweets(self, utc_ms: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        ids = snowflakes(utc_ms, rng, self._taken)
        self._taken = np.concatenate([self._taken, ids])
        return ids

    def add(
        self,
        columns: dict[str, np.ndarray],
        hashtags: np.ndarray | None,
        utc_ms: np.ndarray,
        target_row: np.ndarray | None = None,
    ) -> int:
        """Rows of the given columns (defaults for the others); the number of the first of them."""
        first, n = self.rows, len(utc_ms)
        self._parts.append(TweetBlock.new(n, hashtags, **columns))
        self._utc_ms.append(np.asarray(utc_ms, dtype=np.int64))
        self._target_row.append(np.full(n, -1) if target_row is None else np.asarray(target_row))
        self.rows += n
        return first

    def post(
        self,
        ctx: Context,
        accounts: Accounts,
        posts: tuple[dict[str, np.ndarray], np.ndarray],
        posted_at: np.ndarray,
        archived: np.ndarray,
        labels: dict[str, np.ndarray | int],
        rng: np.random.Generator,
    ) -> Posts:
        """Posts (columns and hashtags) to be passed on: those at `archived` (indices) become rows of the
        draft, with their `labels` (per post, or one value); the others are outside accounts' tweets."""
        columns, hashtags = posts
        n = len(posted_at)
        rows = {name: values[archived] for name, values in columns.items()}
        rows.update(
            {name: value if np.ndim(value) == 0 else value[archived] for name, value in labels.items()}
        )
        first = self.add(rows, hashtags[archived], posted_at[archived])
        row = np.full(n, -1)
        row[archived] = first + np.arange(len(archived))
        outside = np.setdiff1d(np.arange(n), archived)
        outside_author, outside_id = np.full(n, -1, dtype=np.int32), np.zeros(n, dtype=np.int64)
        outside_author[outside] = outside_authors(ctx, accounts, len(outside), rng)
        outside_id[outside] = self.outside_tweets(posted_at[outside], rng)
        return Posts(columns, hashtags, row, outside_author, outside_id)

    def finish(self, rng: np.random.Generator) -> TweetBlock:
        """The rows with snowflake ids of their times, and the ids and accounts of the rows they point at."""
        if not self._parts:
            return TweetBlock.empty()
        one = len(self._parts) == 1
        rows = self._parts[0] if one else TweetBlock.concat(self._parts)
        rows["tweetid"][:] = snowflakes(
            self._utc_ms[0] if one else np.concatenate(self._utc_ms), rng, self._taken
        )
        target_row = self._target_row[0] if one else np.concatenate(self._target_row)
        inside = np.flatnonzero(target_row >= 0)
        rows["target_tweetid"][inside] = rows["tweetid"][target_row[inside]]
        rows["target_account"][inside] = rows["account"][target_row[inside]]
        return rows
