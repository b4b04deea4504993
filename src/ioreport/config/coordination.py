"""The coordination networks' settings, a run parameter (`coordination:` in the YAML), with their defaults.

Two accounts are linked in a network when both used the same item (a retweeted tweet, a text, a
hashtag, ...) within `window_seconds` of each other, on at least `min_weight` distinct items, and when
chance alone would make so coincident a pair with a probability of at most `chance_threshold`
(`ioreport.analysis.coordination.chance` says how that probability is computed).

The defaults, per network, from the synthetic networks that can embarrass the method (organic: no
operation at all; noisy: planted groups buried in chance structure; prc):

- `window_seconds` 120 for every network: groups that copy, retweet or hashtag within two minutes of each
  other are caught whole (with 60 s a pair of a group posting within two minutes co-occurs at only three
  of four of its events, and a fifth of the planted copy-paste and hashtag pairs went unlinked); a wider
  window adds chance co-occurrences, which the chance test discounts, and linked no more pairs at 300 s.
- `min_weight` 2 for every network: a single shared item is never enough; beyond that the chance test,
  not the weight, tells coordination from coincidence (the former co_hashtag minimum of 4 only guarded
  against trending hashtags, which the test now discounts, and lost planted pairs).
- `chance_threshold` 0.01: at most one network in a hundred would show a single pair of independent
  accounts as coordinated.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

MAX_WINDOW_SECONDS = 7 * 86_400
DEFAULT_WINDOW_SECONDS = 120.0
DEFAULT_MIN_WEIGHT = 2
DEFAULT_CHANCE_THRESHOLD = 0.01


class NetworkSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Two uses of an item at most this far apart co-occur.
    window_seconds: float = Field(DEFAULT_WINDOW_SECONDS, gt=0, le=MAX_WINDOW_SECONDS)
    # An edge needs at least this many distinct shared items.
    min_weight: int = Field(DEFAULT_MIN_WEIGHT, ge=1, le=1_000)
    # An edge is kept when the probability that chance alone makes some pair of the network's accounts
    # this coincident is at most this; 1 keeps every edge.
    chance_threshold: float = Field(DEFAULT_CHANCE_THRESHOLD, gt=0, le=1)


class CoordinationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    co_retweet: NetworkSettings = NetworkSettings()
    co_tweet: NetworkSettings = NetworkSettings()
    near_duplicate: NetworkSettings = NetworkSettings()
    co_hashtag: NetworkSettings = NetworkSettings()
    co_link: NetworkSettings = NetworkSettings()
    co_reply: NetworkSettings = NetworkSettings()
