"""Planting step for retweets, replies and quotes, and what they point at.

A target is an earlier archive tweet (recent, and on the same topic for
retweets and quotes) or a tweet of an account outside the archive, such as the
amplifiers Twitter did not publish.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from ioreport.synthetic.network import Network, share
from ioreport.synthetic.timing import unique_snowflakes

IN_ARCHIVE_SHARE = {"retweet": 0.6, "reply": 0.5, "quote": 0.5}  # of targets that are archive tweets
RECENT_WINDOW = 500  # a target is one of this many candidate tweets just before
EXTERNAL_LAG_MS = (60_000, 2 * 86_400_000)  # an outside target precedes the tweet by a minute to two days
EXTERNAL_POPULARITY = 3.0  # higher = retweets concentrate more on a few outside accounts


class Kind(IntEnum):
    ORIGINAL = 0
    RETWEET = 1
    REPLY = 2
    QUOTE = 3


@dataclass
class Interactions:
    kind: np.ndarray
    target_tweet: np.ndarray  # index of the archive tweet retweeted/replied to/quoted, -1 if none or outside
    target_account: np.ndarray  # < n_accounts: archive account; >= n_accounts: outside account; -1 none
    target_tweetid: np.ndarray  # 0 for originals
    blank_retweet_userid: np.ndarray
    external_userid: list[str]  # outside accounts, all hashed (so userid = screen name)


def plant_interactions(net: Network, rng: np.random.Generator) -> Interactions:
    preset = net.preset
    n = len(net.timeline)
    others = preset.retweet_share + preset.reply_share + preset.quote_share
    kind = rng.choice(
        len(Kind), size=n, p=[1 - others, preset.retweet_share, preset.reply_share, preset.quote_share]
    )
    kind[net.timeline.scripted >= 0] = Kind.ORIGINAL  # their words are written whole, by the repurposing step
    target_tweet = _archive_targets(net, kind.astype(np.int8), rng)
    external = [net.account_hash(f"external:{j}") for j in range(net.count(preset.external_accounts))]
    interactions = Interactions(
        kind=kind.astype(np.int8),
        target_tweet=target_tweet,
        target_account=np.full(n, -1, dtype=np.int32),
        target_tweetid=np.zeros(n, dtype=np.int64),
        blank_retweet_userid=(kind == Kind.RETWEET) & (rng.random(n) < preset.blank_retweet_userid_share),
        external_userid=external,
    )
    _resolve_targets(net, interactions, rng)
    _record_interactions(net, interactions)
    return interactions


def _archive_targets(net: Network, kind: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Which retweets, replies and quotes point at an earlier archive tweet, and which one."""
    topic = net.topics.topic
    target = np.full(len(kind), -1, dtype=np.int32)
    ordinary = net.timeline.scripted < 0  # nobody passes on or answers a scripted tweet
    original = (kind == Kind.ORIGINAL) & ordinary
    # Retweets and quotes pass on an original on their own topic; replies answer any non-retweet.
    groups = [
        (kind == Kind.RETWEET, original, True, IN_ARCHIVE_SHARE["retweet"]),
        (kind == Kind.QUOTE, original, True, IN_ARCHIVE_SHARE["quote"]),
        (kind == Kind.REPLY, (kind != Kind.RETWEET) & ordinary, False, IN_ARCHIVE_SHARE["reply"]),
    ]
    for members, candidates, same_topic, in_archive in groups:
        scopes = [topic == k for k in np.unique(topic)] if same_topic else [np.ones(len(kind), dtype=bool)]
        for scope in scopes:
            tweets = np.flatnonzero(members & scope)
            picked = _recent_earlier(np.flatnonzero(candidates & scope), tweets, rng)
            target[tweets] = np.where(rng.random(len(tweets)) < in_archive, picked, -1)
    # Nobody retweets, answers or quotes themselves: those fall back to outside targets.
    account = net.timeline.account
    own = target >= 0
    own[own] = account[target[own]] == account[own]
    target[own] = -1
    return target


def _recent_earlier(candidates: np.ndarray, tweets: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """For each tweet, one of the RECENT_WINDOW candidates just before it (-1 if none). Both sorted."""
    if not len(candidates):
        return np.full(len(tweets), -1)
    before = np.searchsorted(candidates, tweets)
    back = rng.integers(0, np.maximum(np.minimum(before, RECENT_WINDOW), 1))
    return np.where(before > 0, candidates[np.maximum(before - 1 - back, 0)], -1)


def _resolve_targets(net: Network, interactions: Interactions, rng: np.random.Generator) -> None:
    """Accounts and tweet ids of the targets; outside ones get an earlier snowflake of their own."""
    timeline = net.timeline
    in_archive = np.flatnonzero(interactions.target_tweet >= 0)
    sources = interactions.target_tweet[in_archive]
    interactions.target_account[in_archive] = timeline.account[sources]
    interactions.target_tweetid[in_archive] = timeline.tweetid[sources]
    outside = np.flatnonzero((interactions.kind != Kind.ORIGINAL) & (interactions.target_tweet < 0))
    n_external = len(interactions.external_userid)
    popular_first = rng.random(len(outside)) ** EXTERNAL_POPULARITY
    interactions.target_account[outside] = net.n_accounts + (popular_first * n_external).astype(np.int32)
    lag = rng.integers(*EXTERNAL_LAG_MS, len(outside))
    interactions.target_tweetid[outside] = unique_snowflakes(
        timeline.utc_ms[outside] - lag, rng, timeline.tweetid
    )


def _record_interactions(net: Network, interactions: Interactions) -> None:
    n = len(interactions.kind)
    retweets = interactions.kind == Kind.RETWEET
    net.record(
        "retweets",
        share=share(retweets.sum(), n),
        retweets=int(retweets.sum()),
        blank_retweet_userid=int(interactions.blank_retweet_userid.sum()),
        of_archive_tweets=int((retweets & (interactions.target_tweet >= 0)).sum()),
        reply_share=share((interactions.kind == Kind.REPLY).sum(), n),
        quote_share=share((interactions.kind == Kind.QUOTE).sum(), n),
    )
