"""Viral retweet bursts: popular tweets that many unrelated accounts retweet within minutes of each other;
and a few pairs of accounts that happen to retweet the same two of them together.

A popular tweet is an outside account's or, now and then, a high-follower archive account's (added here
as an original). Its retweeters are drawn from all the accounts active that day, each retweeting after a
delay of its own from the post (lognormal, a few minutes): nothing ties them to each other but the tweet.
"""

from __future__ import annotations

import numpy as np

from ioreport.synthetic.core import compose
from ioreport.synthetic.core.context import Context
from ioreport.synthetic.core.preset import HASHING_FOLLOWER_LIMIT
from ioreport.synthetic.core.rows import Accounts, Origin, TweetBlock, Tweets

DELAY_SECONDS = (5, 6 * 3600)  # a retweet's delay from the post, clipped to [low, high]
COINCIDENCE_GAP_SECONDS = (1, 20)  # between the two retweets of a coincidence, [low, high)


def add(ctx: Context, accounts: Accounts, tweets: Tweets, rng: np.random.Generator) -> TweetBlock:
    spec = ctx.preset.viral
    draft = compose.Draft(tweets)
    if spec is None:
        return draft.finish(rng)
    n = max(spec.min_bursts, ctx.count(spec.bursts))
    everyone = compose.Tweeters(accounts, np.ones(len(accounts), dtype=bool))
    day = compose.pick(
        rng, compose.day_weights(ctx) * (everyone.active_on(np.arange(len(ctx.calendar))) > 0), n
    )
    audience = everyone.draw(day, rng)  # whose clock the post keeps
    posted_at = compose.utc_times(ctx, accounts.zone[audience], day, compose.routine_hours(ctx, n, rng), rng)
    famous = compose.Tweeters(accounts, accounts.followers >= HASHING_FOLLOWER_LIMIT)
    by_archive = np.flatnonzero((rng.random(n) < spec.archive_source_share) & (famous.active_on(day) > 0))
    author = audience.copy()
    author[by_archive] = famous.draw(day[by_archive], rng)
    first_event = tweets.next_label("event")
    event = np.arange(first_event, first_event + n, dtype=np.int32)
    posts = draft.post(
        ctx,
        accounts,
        compose.originals(ctx, accounts, author, compose.tagged_topics(ctx, n, rng), rng),
        posted_at,
        by_archive,
        {"origin": Origin.VIRAL_SOURCE, "event": event},
        rng,
    )
    burst, account, delay_ms, group = _retweeters(ctx, everyone, day, author, rng, tweets.next_label("group"))
    columns, hashtags, target_row = posts.retweeted(ctx, accounts, account, burst, rng)
    columns.update(origin=Origin.VIRAL_RETWEET, event=event[burst], group=group)
    draft.add(columns, hashtags, posted_at[burst] + delay_ms, target_row=target_row)
    return draft.finish(rng)


def _delays(n: int, rng: np.random.Generator, median_seconds: float, sigma: float) -> np.ndarray:
    seconds = rng.lognormal(np.log(median_seconds), sigma, n).clip(*DELAY_SECONDS)
    return (seconds * 1000).astype(np.int64)


def _retweeters(
    ctx: Context,
    everyone: compose.Tweeters,
    day: np.ndarray,
    author: np.ndarray,
    rng: np.random.Generator,
    first_group: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per retweet: its burst, account, delay and coincidence group (-1 for none). The coincidences are
    chosen first, so that the random retweeters of their bursts leave them out."""
    spec = ctx.preset.viral
    bursts, chosen, delays, groups = [], [], [], []
    busy: dict[int, set[int]] = {b: {int(author[b])} for b in range(len(day))}
    n_pairs = ctx.count(spec.coincidences) if len(day) >= 2 else 0
    for pair in range(n_pairs):
        two = rng.choice(len(day), 2, replace=False)
        candidates = everyone.by_start[: everyone.active_on(day[two].min()[None])[0]]
        candidates = candidates[~np.isin(candidates, list(busy[int(two[0])] | busy[int(two[1])]))]
        accounts = rng.choice(candidates, 2, replace=False)
        for b in two.tolist():
            first = _delays(1, rng, spec.median_delay_seconds, spec.delay_sigma)[0]
            gap = rng.integers(*COINCIDENCE_GAP_SECONDS) * 1000
            bursts += [b, b]
            chosen += accounts.tolist()
            delays += [first, first + gap]
            groups += [first_group + pair] * 2
            busy[b] |= set(accounts.tolist())
    for b in range(len(day)):
        active = everyone.by_start[: everyone.active_on(day[b : b + 1])[0]]
        active = active[~np.isin(active, list(busy[b]))]
        size = min(len(active), max(2, round(rng.uniform(*spec.retweeters) * len(active))))
        picked = rng.choice(active, size, replace=False)
        bursts += [b] * size
        chosen += picked.tolist()
        delays += _delays(size, rng, spec.median_delay_seconds, spec.delay_sigma).tolist()
        groups += [-1] * size
    return (
        np.array(bursts),
        np.array(chosen, dtype=np.int32),
        np.array(delays, dtype=np.int64),
        np.array(groups, dtype=np.int32),
    )
