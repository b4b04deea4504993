"""What each final row received: likes, retweets, replies and quotes, in columns of its own.

An operation (`sparse`) gets almost none, as ASPI found, but for outliers no 0-follower account could earn
organically: exactly the preset's number of 0-follower tweets over 50 likes and over 10 retweets, and one
tweet of a high-follower account liked clearly more than any other. An audience (`follower_tied`) gives
what its size earns: expected likes grow as a power of the author's followers. Either way retweets carry
no counts of their own (as in the archive), and a tweet has at least as many retweets as the archive holds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ioreport.synthetic.core.context import Context
from ioreport.synthetic.core.preset import HASHING_FOLLOWER_LIMIT, FollowerTiedEngagement, SparseEngagement
from ioreport.synthetic.core.rows import Accounts, Engagement, Kind, TweetBlock

# ASPI's anomaly: tweets of 0-follower accounts with more likes or retweets than these.
LIKE_THRESHOLD = 50
RETWEET_THRESHOLD = 10
MOST_LIKED_LEAD = (100, 1_000)  # the most liked tweet's lead over the next, [low, high)


@dataclass(frozen=True)
class Audience:
    """What either model reads of each row."""

    rows: TweetBlock
    followers: np.ndarray  # the author's
    own: np.ndarray  # not a retweet: retweets carry no counts of their own in the archive
    passed_on: np.ndarray  # how many archive retweets it has
    blank: np.ndarray  # its counts are written blank


def add(ctx: Context, accounts: Accounts, rows: TweetBlock, rng: np.random.Generator) -> Engagement:
    spec = ctx.preset.engagement
    audience = Audience(
        rows=rows,
        followers=accounts.followers[rows["account"]],
        own=rows["kind"] != Kind.RETWEET,
        passed_on=_archive_retweets(rows),
        blank=rng.random(len(rows)) < spec.blank_share,
    )
    if isinstance(spec, SparseEngagement):
        return _sparse(ctx, audience, rng)
    return _follower_tied(spec, audience, rng)


def _archive_retweets(rows: TweetBlock) -> np.ndarray:
    """How many archive retweets each row has (rows are in tweet id order)."""
    target = rows["target_tweetid"][rows["kind"] == Kind.RETWEET]
    at = np.searchsorted(rows["tweetid"], target).clip(0, max(len(rows) - 1, 0))
    found = at[rows["tweetid"][at] == target]
    return np.bincount(found, minlength=len(rows))


def _sparse(ctx: Context, audience: Audience, rng: np.random.Generator) -> Engagement:
    spec, n = ctx.preset.engagement, len(audience.rows)
    followers, own, blank = audience.followers, audience.own, audience.blank
    high = followers >= HASHING_FOLLOWER_LIMIT
    engaged = own & (rng.random(n) < np.where(high, spec.high_follower_engaged_share, spec.engaged_share))
    like = engaged * rng.geometric(np.where(high, 0.02, 0.45))
    retweet = np.maximum(engaged * (rng.geometric(np.where(high, 0.05, 0.7)) - 1), audience.passed_on * own)
    # Ordinary tweets stay at or under the thresholds, so the planted outliers are all there is.
    like = np.where(high, like, np.minimum(like, LIKE_THRESHOLD))
    retweet = np.where(high, retweet, np.minimum(retweet, RETWEET_THRESHOLD))
    candidates = np.flatnonzero((audience.rows["kind"] == Kind.ORIGINAL) & (followers == 0) & ~blank)
    n_liked = ctx.count(spec.zero_follower_like_outliers)
    n_retweeted = ctx.count(spec.zero_follower_retweet_outliers)
    outliers = rng.choice(candidates, size=max(n_liked, n_retweeted), replace=False)
    like[outliers[:n_liked]] = LIKE_THRESHOLD + rng.geometric(0.01, n_liked)
    retweet[outliers[:n_retweeted]] = RETWEET_THRESHOLD + rng.geometric(0.05, n_retweeted)
    famous = np.flatnonzero(own & ~blank & high)
    most_liked = rng.choice(famous if len(famous) else np.flatnonzero(own & ~blank & (followers > 0)))
    like[most_liked] = like.max() + rng.integers(*MOST_LIKED_LEAD)
    return Engagement.of(
        like=like,
        retweet=retweet,
        reply=engaged * (rng.geometric(0.8, n) - 1),
        quote=engaged * (rng.geometric(0.95, n) - 1),
        blank=blank,
    )


def _follower_tied(spec: FollowerTiedEngagement, audience: Audience, rng: np.random.Generator) -> Engagement:
    followers, own, n = audience.followers, audience.own, len(audience.followers)
    expected = own * spec.likes_per_tweet * (followers + 1.0) ** spec.follower_power
    expected *= rng.lognormal(0.0, spec.noise_sigma, n)
    return Engagement.of(
        like=rng.poisson(expected),
        retweet=np.maximum(rng.poisson(expected * spec.retweets_per_like), audience.passed_on * own),
        reply=rng.poisson(expected * spec.replies_per_like),
        quote=rng.poisson(expected * spec.quotes_per_like),
        blank=audience.blank,
    )
