"""A coordination network of one type: its edges, and the evidence behind every edge."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial

import polars as pl

from ioreport.analysis.coordination.items import NETWORK_TYPES, TextMode, uses
from ioreport.analysis.coordination.near_duplicates import NearDuplicateSettings
from ioreport.analysis.coordination.pairs import PAIR_CAP, ROW, co_occurrences, weighted_edges


@dataclass(frozen=True)
class Settings:
    window_seconds: float  # two uses of an item at most this far apart co-occur
    min_weight: int  # an edge needs at least this many distinct shared items


DEFAULTS: dict[str, Settings] = {
    "co_retweet": Settings(60, 2),
    "co_tweet": Settings(60, 2),
    "near_duplicate": Settings(60, 2),
    # A topic's few hashtags are shared by everyone on it, and a tweet carries several at once:
    # unrelated accounts share two or three within a minute by chance, so an edge needs four.
    "co_hashtag": Settings(60, 4),
    "co_link": Settings(60, 2),
    "co_reply": Settings(60, 2),
}
EDGE_SCHEMA = {"source": pl.String, "target": pl.String, "weight": pl.UInt32}


@dataclass(frozen=True)
class CoordinationNetwork:
    network_type: str  # one of NETWORK_TYPES, or "combined"
    window_seconds: float | None  # None when combined: each network kept its own
    min_weight: int | None
    edges: pl.DataFrame  # source, target, weight (distinct shared items); source < target
    gather_evidence: Callable[[], pl.DataFrame] = field(repr=False, compare=False)

    @cached_property
    def evidence(self) -> pl.DataFrame:
        """Per edge and shared item: the network, the tweets (ids, texts) both accounts used it in, when.

        Gathered on first use (it looks the texts up among the tweets): edges and communities need none.
        """
        return self.gather_evidence()

    @property
    def accounts(self) -> int:
        return pl.concat([self.edges["source"], self.edges["target"]]).n_unique()


def build_network(
    tweets: pl.LazyFrame,
    network_type: str,
    window_seconds: float | None = None,
    min_weight: int | None = None,
    text_mode: TextMode = "default",
    near_duplicates: NearDuplicateSettings | None = None,
    cap: int = PAIR_CAP,
) -> CoordinationNetwork:
    """Accounts linked by the items they used within `window_seconds` of each other (defaults: DEFAULTS)."""
    if network_type not in NETWORK_TYPES:
        raise ValueError(f"unknown network type {network_type!r} (known: {', '.join(NETWORK_TYPES)})")
    defaults = DEFAULTS[network_type]
    window = defaults.window_seconds if window_seconds is None else window_seconds
    weight = defaults.min_weight if min_weight is None else min_weight
    co = co_occurrences(uses(tweets, network_type, text_mode, near_duplicates), round(window * 1000), cap)
    edges = weighted_edges(co, weight).cast(EDGE_SCHEMA)
    return CoordinationNetwork(
        network_type, window, weight, edges, partial(_evidence, network_type, co, edges, tweets)
    )


def combine(networks: list[CoordinationNetwork]) -> CoordinationNetwork:
    """All networks as one: an edge's weight is the sum of its weights in each, its evidence all theirs."""
    edges = (
        pl.concat([network.edges for network in networks])
        .group_by("source", "target")
        .agg(pl.col("weight").sum())
        .sort("source", "target")
        .cast(EDGE_SCHEMA)
    )
    return CoordinationNetwork(
        "combined", None, None, edges, lambda: pl.concat([n.evidence for n in networks])
    )


def _evidence(network_type: str, co: pl.DataFrame, edges: pl.DataFrame, tweets: pl.LazyFrame) -> pl.DataFrame:
    """One row per item behind each edge: the tweets both accounts used it in, their texts, first and last."""
    behind = (
        co.join(edges.select("source", "target"), on=["source", "target"], how="semi")
        .group_by("source", "target", "item")
        .agg(
            tweetids=pl.col("source_tweetid").append(pl.col("target_tweetid")).unique().sort(),
            first=pl.min_horizontal("source_time", "target_time").min(),
            last=pl.max_horizontal("source_time", "target_time").max(),
        )
        .sort("source", "target", "first", "item")
        .with_row_index(ROW)
    )
    # Texts only for the tweets behind an edge: a few, looked up once.
    ids = behind["tweetids"].explode().unique()
    texts = (
        tweets.filter(pl.col("tweetid").is_in(ids.implode())).select("tweetid", text="tweet_text").collect()
    )
    per_row = (
        behind.select(ROW, tweetid="tweetids")
        .explode("tweetid")
        .join(texts, on="tweetid", how="left", maintain_order="left")
        .group_by(ROW, maintain_order=True)
        .agg(texts="text")
    )
    return behind.join(per_row, on=ROW, how="left", maintain_order="left").select(
        "source",
        "target",
        network=pl.lit(network_type),
        item="item",
        tweetids="tweetids",
        texts="texts",
        first=pl.from_epoch("first", time_unit="ms").dt.replace_time_zone("UTC"),
        last=pl.from_epoch("last", time_unit="ms").dt.replace_time_zone("UTC"),
    )
