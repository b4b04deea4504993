"""Everyday tweeting, which fills the dataset up to its size: who tweets when, on what, passing on what.

It runs after the steps that plant structure, so it knows how many tweets are left to make. Days follow
the routine's volume curve and its weekends and holidays; hours its profile, on each account's own clock;
topics each day's mix of intensities. A retweet, reply or quote points at one of the recent tweets of this
step (a retweet or quote at an original on its own topic) or at an outside account's tweet; a retweet of
an archive tweet repeats its words.
"""

from __future__ import annotations

import numpy as np

from ioreport.errors import InputError
from ioreport.synthetic.core import compose
from ioreport.synthetic.core.context import Context
from ioreport.synthetic.core.rows import REPEATED_COLUMNS, Accounts, Kind, TweetBlock, Tweets

OUTSIDE_LAG_MS = (60_000, 2 * 86_400_000)  # an outside tweet precedes what points at it by this much


def add(ctx: Context, accounts: Accounts, tweets: Tweets, rng: np.random.Generator) -> TweetBlock:
    spec = ctx.preset.routine
    n = ctx.n_tweets - len(tweets)
    if n < (len(accounts) if spec.every_account_tweets else 1):
        raise InputError(
            f"scale {ctx.scale:g} is too small for the {ctx.preset.name} network's planted tweets"
        )
    account, utc_ms, topic = _when_and_on_what(ctx, accounts, n, rng)
    shares = (spec.retweet_share, spec.reply_share, spec.quote_share)
    kind = compose.pick(rng, np.array([1 - sum(shares), *shares]), n).astype(np.int8)
    target = _archive_targets(ctx, account, kind, topic, rng)
    columns, hashtags = _words(ctx, accounts, account, topic, kind, target, rng)
    draft = compose.Draft(tweets)
    outside = np.flatnonzero((kind != Kind.ORIGINAL) & (target < 0))
    columns["target_account"] = np.full(n, -1, dtype=np.int32)
    columns["target_account"][outside] = compose.outside_authors(ctx, accounts, len(outside), rng)
    columns["target_tweetid"] = np.zeros(n, dtype=np.int64)
    lag = rng.integers(*OUTSIDE_LAG_MS, len(outside))
    columns["target_tweetid"][outside] = draft.outside_tweets(utc_ms[outside] - lag, rng)
    draft.add(columns, hashtags, utc_ms, target_row=target)
    return draft.finish(rng)


def _when_and_on_what(
    ctx: Context, accounts: Accounts, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each tweet's account, UTC time and topic, in time order (what a tweet points at comes before it)."""
    account, day = _senders(ctx, accounts, n, rng)
    utc_ms = compose.utc_times(ctx, accounts.zone[account], day, compose.routine_hours(ctx, n, rng), rng)
    order = np.argsort(utc_ms, kind="stable")
    return account[order], utc_ms[order], _topics(ctx, day[order], rng)


def _words(
    ctx: Context,
    accounts: Accounts,
    account: np.ndarray,
    topic: np.ndarray,
    kind: np.ndarray,
    target: np.ndarray,
    rng: np.random.Generator,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Columns and hashtags of the tweets: each its own text, except that a retweet of an archive tweet
    repeats the tweet's."""
    columns, hashtags = compose.originals(ctx, accounts, account, topic, rng)
    columns["kind"] = kind
    retweet = kind == Kind.RETWEET
    columns["blank_retweet_userid"] = retweet & (
        rng.random(len(kind)) < ctx.preset.routine.blank_retweet_userid_share
    )
    passed_on = np.flatnonzero(retweet & (target >= 0))
    source = {name: columns[name][target[passed_on]] for name in REPEATED_COLUMNS}
    repeated, repeated_hashtags = compose.retweets(
        ctx, accounts, account[passed_on], source, hashtags[target[passed_on]], rng
    )
    for name, values in repeated.items():
        columns[name][passed_on] = values
    hashtags[passed_on] = repeated_hashtags
    return columns, hashtags


def _senders(
    ctx: Context, accounts: Accounts, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Each tweet's account and local day: every account's first tweet on its first day (when the
    network's accounts all tweeted), the rest spread by the day weights over the accounts active then."""
    first = (
        np.arange(len(accounts)) if ctx.preset.routine.every_account_tweets else np.zeros(0, dtype=np.int64)
    )
    tweeters = compose.Tweeters(accounts, np.ones(len(accounts), dtype=bool))
    weights = compose.day_weights(ctx) * (tweeters.active_on(np.arange(len(ctx.calendar))) > 0)
    days = compose.pick(rng, weights, n - len(first))
    return (
        np.concatenate([first, tweeters.draw(days, rng)]).astype(np.int32),
        np.concatenate([accounts.first_tweet_day[first], days]).astype(np.int64),
    )


def _topics(ctx: Context, day: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each tweet's topic, drawn from its day's mix of topic intensities."""
    mix = np.stack(
        [ctx.calendar.curve(spec.intensity) for spec in ctx.preset.content.topics.values()], axis=1
    )
    cumulative = np.cumsum(mix / mix.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(day))
    topic = np.zeros(len(day), dtype=np.int8)
    for k in range(mix.shape[1] - 1):  # one topic at a time: a (tweets, topics) table is large
        topic += u >= cumulative[day, k]
    return topic


def _archive_targets(
    ctx: Context, account: np.ndarray, kind: np.ndarray, topic: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """For each retweet, reply and quote, the earlier tweet of this step it points at, or -1 for an
    outside one. Retweets and quotes pass on an original on their own topic; replies answer any tweet but a
    retweet. Nobody retweets, answers or quotes themselves: those point outside instead."""
    spec = ctx.preset.routine
    target = np.full(len(kind), -1, dtype=np.int32)
    original = kind == Kind.ORIGINAL
    groups = [
        (kind == Kind.RETWEET, original, True, spec.in_archive.retweet),
        (kind == Kind.QUOTE, original, True, spec.in_archive.quote),
        (kind == Kind.REPLY, kind != Kind.RETWEET, False, spec.in_archive.reply),
    ]
    everything = np.ones(len(kind), dtype=bool)
    for members, candidates, same_topic, in_archive in groups:
        scopes = [topic == k for k in np.unique(topic)] if same_topic else [everything]
        for scope in scopes:
            rows = np.flatnonzero(members & scope)
            picked = _recent_earlier(np.flatnonzero(candidates & scope), rows, spec.recent_window, rng)
            target[rows] = np.where(rng.random(len(rows)) < in_archive, picked, -1)
    own = target >= 0
    own[own] = account[target[own]] == account[own]
    target[own] = -1
    return target


def _recent_earlier(
    candidates: np.ndarray, rows: np.ndarray, window: int, rng: np.random.Generator
) -> np.ndarray:
    """For each row, one of the `window` candidates just before it (-1 if none). Both sorted."""
    if not len(candidates):
        return np.full(len(rows), -1)
    before = np.searchsorted(candidates, rows)
    back = rng.integers(0, np.maximum(np.minimum(before, window), 1))
    return np.where(before > 0, candidates[np.maximum(before - 1 - back, 0)], -1)
