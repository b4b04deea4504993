"""The coordination networks' settings, a run parameter (`coordination:` in the YAML), with their defaults.

Two accounts are linked in a network when both used the same item (a retweeted tweet, a text, a
hashtag, ...) within `window_seconds` of each other, on at least `min_weight` distinct items.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

MAX_WINDOW_SECONDS = 7 * 86_400


class NetworkSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    window_seconds: float = Field(gt=0, le=MAX_WINDOW_SECONDS)
    min_weight: int = Field(ge=1, le=1_000)


class CoordinationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    co_retweet: NetworkSettings = NetworkSettings(window_seconds=60, min_weight=2)
    co_tweet: NetworkSettings = NetworkSettings(window_seconds=60, min_weight=2)
    near_duplicate: NetworkSettings = NetworkSettings(window_seconds=60, min_weight=2)
    # A topic's few hashtags are shared by everyone on it, and a tweet carries several at once:
    # unrelated accounts share two or three within a minute by chance, so an edge needs four.
    co_hashtag: NetworkSettings = NetworkSettings(window_seconds=60, min_weight=4)
    co_link: NetworkSettings = NetworkSettings(window_seconds=60, min_weight=2)
    co_reply: NetworkSettings = NetworkSettings(window_seconds=60, min_weight=2)
