"""Planting step for likes, retweets, replies and quotes received: near zero, with ASPI's outliers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ioreport.synthetic.interactions import Kind
from ioreport.synthetic.network import HASHING_FOLLOWER_LIMIT, Network, share

# The thresholds of ASPI's anomaly: 0-follower tweets with more likes or retweets than these.
LIKE_THRESHOLD = 50
RETWEET_THRESHOLD = 10
ENGAGED_SHARE = {"ordinary": 0.05, "high_follower": 0.6}  # tweets with any engagement at all
BLANK_SHARE = 0.003  # tweets whose four counts are blank in the file


@dataclass
class Engagement:
    like: np.ndarray
    retweet: np.ndarray
    reply: np.ndarray
    quote: np.ndarray
    blank: np.ndarray  # all four counts written blank (never a planted tweet)
    most_liked: int


def plant_engagement(net: Network, rng: np.random.Generator) -> Engagement:
    n = len(net.timeline)
    followers = net.accounts.followers[net.timeline.account]
    high = followers >= HASHING_FOLLOWER_LIMIT
    # Retweets carry no engagement of their own in the archive.
    engaged = (net.interactions.kind != Kind.RETWEET) & (
        rng.random(n) < np.where(high, ENGAGED_SHARE["high_follower"], ENGAGED_SHARE["ordinary"])
    )
    like = engaged * rng.geometric(np.where(high, 0.02, 0.45))
    retweet = engaged * (rng.geometric(np.where(high, 0.05, 0.7)) - 1)
    # Ordinary tweets stay at or under the thresholds, so the planted outliers are all there is.
    like = np.where(high, like, np.minimum(like, LIKE_THRESHOLD))
    retweet = np.where(high, retweet, np.minimum(retweet, RETWEET_THRESHOLD))
    engagement = Engagement(
        like=like,
        retweet=retweet,
        reply=engaged * (rng.geometric(0.8, n) - 1),
        quote=engaged * (rng.geometric(0.95, n) - 1),
        blank=rng.random(n) < BLANK_SHARE,
        most_liked=-1,
    )
    _plant_zero_follower_outliers(net, engagement, followers, rng)
    _plant_most_liked(net, engagement, followers, rng)
    _record_engagement(net, engagement, followers)
    return engagement


def _plant_zero_follower_outliers(
    net: Network, engagement: Engagement, followers: np.ndarray, rng: np.random.Generator
) -> None:
    """ASPI's anomaly: original tweets of 0-follower accounts over 50 likes, some also over 10 retweets."""
    candidates = np.flatnonzero(
        (net.interactions.kind == Kind.ORIGINAL) & (followers == 0) & ~engagement.blank
    )
    n_liked = net.count(net.preset.zero_follower_like_outliers)
    n_retweeted = net.count(net.preset.zero_follower_retweet_outliers)
    liked = rng.choice(candidates, size=max(n_liked, n_retweeted), replace=False)
    engagement.like[liked[:n_liked]] = LIKE_THRESHOLD + rng.geometric(0.01, n_liked)
    engagement.retweet[liked[:n_retweeted]] = RETWEET_THRESHOLD + rng.geometric(0.05, n_retweeted)


def _plant_most_liked(
    net: Network, engagement: Engagement, followers: np.ndarray, rng: np.random.Generator
) -> None:
    """One tweet of a high-follower account liked clearly more than any other."""
    eligible = (net.interactions.kind != Kind.RETWEET) & ~engagement.blank
    candidates = np.flatnonzero(eligible & (followers >= HASHING_FOLLOWER_LIMIT))
    if not len(candidates):  # at small scales the high-follower accounts may have only retweeted
        candidates = np.flatnonzero(eligible & (followers > 0))
    engagement.most_liked = int(rng.choice(candidates))
    engagement.like[engagement.most_liked] = engagement.like.max() + rng.integers(100, 1_000)


def _record_engagement(net: Network, engagement: Engagement, followers: np.ndarray) -> None:
    n = len(followers)
    counted = ~engagement.blank
    none = (
        (engagement.like == 0) & (engagement.retweet == 0) & (engagement.reply == 0) & (engagement.quote == 0)
    )
    zero_followers = (followers == 0) & counted
    net.record(
        "engagement",
        # Blank counts are neither zero nor engagement: the two shares and the rest add up to 1.
        share_tweets_zero_engagement=share((none & counted).sum(), n),
        share_tweets_blank_engagement=share(engagement.blank.sum(), n),
        zero_follower_tweets_over_50_likes=int((zero_followers & (engagement.like > LIKE_THRESHOLD)).sum()),
        zero_follower_tweets_over_10_retweets=int(
            (zero_followers & (engagement.retweet > RETWEET_THRESHOLD)).sum()
        ),
        most_liked_tweetid=str(net.timeline.tweetid[engagement.most_liked]),
        most_liked_count=int(engagement.like[engagement.most_liked]),
    )
