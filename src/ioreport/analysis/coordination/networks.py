"""A coordination network of one type: its edges beyond chance, and the evidence behind every edge."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import polars as pl

from ioreport.analysis.coordination import chance
from ioreport.analysis.coordination.items import NETWORK_TYPES, TextMode, uses
from ioreport.analysis.coordination.near_duplicates import NearDuplicateSettings
from ioreport.analysis.coordination.pairs import (
    PAIR_CAP,
    SortedUses,
    co_occurring_rows,
    item_counts,
    pair_keys,
)
from ioreport.config.coordination import CoordinationSettings

EDGE_SCHEMA = {"source": pl.String, "target": pl.String, "weight": pl.UInt32, "chance": pl.Float64}
DEFAULTS = CoordinationSettings()


@dataclass(frozen=True)
class CoordinationNetwork:
    network_type: str  # one of NETWORK_TYPES, or "combined"
    window_seconds: float | None  # None when combined: each network kept its own
    min_weight: int | None
    chance_threshold: float | None
    # source, target, weight (distinct shared items), chance (`chance.judge`); source < target: every pair
    # at the window and minimum weight (combined: the networks' edges).
    candidate_edges: pl.DataFrame
    edges: pl.DataFrame  # the network: the candidate edges with a chance at most the threshold
    # Per edge and shared item: source, target, network, item, tweetids, first, last, chance (no texts).
    behind: pl.DataFrame = field(repr=False)
    tweets: pl.LazyFrame = field(repr=False, compare=False)

    @cached_property
    def evidence(self) -> pl.DataFrame:
        """Per edge and shared item: the network, the tweets (ids, texts) both accounts used it in, when,
        and the edge's chance.

        The texts are looked up on first use: edges and communities need none.
        """
        return _with_texts(self.behind, self.tweets)

    @property
    def accounts(self) -> int:
        return pl.concat([self.edges["source"], self.edges["target"]]).n_unique()


def build_network(
    tweets: pl.LazyFrame,
    network_type: str,
    window_seconds: float | None = None,
    min_weight: int | None = None,
    chance_threshold: float | None = None,
    text_mode: TextMode = "default",
    near_duplicates: NearDuplicateSettings | None = None,
    cap: int = PAIR_CAP,
    used: pl.DataFrame | None = None,
) -> CoordinationNetwork:
    """Accounts linked by the items they used within `window_seconds` of each other, on at least
    `min_weight` of them, each edge with its chance (defaults: the run parameters' defaults). `used`: the
    type's uses (`items.uses`) when already at hand."""
    if network_type not in NETWORK_TYPES:
        raise ValueError(f"unknown network type {network_type!r} (known: {', '.join(NETWORK_TYPES)})")
    defaults = getattr(DEFAULTS, network_type)
    window = defaults.window_seconds if window_seconds is None else window_seconds
    weight = defaults.min_weight if min_weight is None else min_weight
    threshold = defaults.chance_threshold if chance_threshold is None else chance_threshold
    if used is None:
        used = uses(tweets, network_type, text_mode, near_duplicates)
    accounts = used["userid"].unique().sort()
    coded = SortedUses.of(
        used.select(
            account=pl.col("userid").cast(pl.Enum(accounts)).to_physical().cast(pl.UInt32),
            tweetid="tweetid",
            time="time",
            item="item",
        )
    )
    rows = _candidate_rows(coded, round(window * 1000), weight, cap)
    judged = chance.judge(
        rows,
        item_counts(coded, round(window * 1000)),
        np.bincount(coded.account, minlength=len(accounts)),
        threshold,
    )
    weights = rows.group_by("source", "target").agg(weight=pl.col("item").n_unique())
    candidates = _named(weights.join(judged, on=["source", "target"]).sort("source", "target"), accounts)
    edges = candidates.filter(pl.col("chance") <= threshold)
    # The evidence needs only the edges' co-occurrences, with their items: kept, and the rest let go.
    behind = _named(rows, accounts).join(edges.select("source", "target", "chance"), on=["source", "target"])
    behind = behind.with_columns(item=coded.items_at(behind["source_row"].to_numpy()).cast(pl.String))
    return CoordinationNetwork(
        network_type,
        window,
        weight,
        threshold,
        candidates.cast(EDGE_SCHEMA),
        edges.cast(EDGE_SCHEMA),
        _behind(network_type, behind),
        tweets,
    )


def combine(networks: list[CoordinationNetwork]) -> CoordinationNetwork:
    """All networks' edges beyond chance as one: an edge's weight is the sum of its weights in each, its
    chance the least of theirs (its strongest evidence), its evidence all theirs."""
    edges = (
        pl.concat([network.edges for network in networks])
        .group_by("source", "target")
        .agg(pl.col("weight").sum(), pl.col("chance").min())
        .sort("source", "target")
        .cast(EDGE_SCHEMA)
    )
    behind = pl.concat([network.behind for network in networks])
    return CoordinationNetwork("combined", None, None, None, edges, edges, behind, networks[0].tweets)


def _candidate_rows(uses: SortedUses, window_ms: int, min_weight: int, cap: int) -> pl.DataFrame:
    """The co-occurrences of every pair with at least `min_weight` distinct items: source < target
    (account codes), item (code), each side's row (use), tweet and time."""
    lefts, rights = [np.zeros(0, dtype=np.uint32)], [np.zeros(0, dtype=np.uint32)]
    for left, right in co_occurring_rows(uses, window_ms, cap):
        lefts.append(left.astype(np.uint32))
        rights.append(right.astype(np.uint32))
    left, right = np.concatenate(lefts), np.concatenate(rights)
    del lefts, rights
    # A pair with fewer co-occurrences than the minimum weight cannot have as many distinct items. Pairs
    # that co-occur more than once are found by sorting their keys (in place, no table per pair), and
    # only their rows go on to the exact count.
    key = pair_keys(uses, left, right)
    ordered = np.sort(key)
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]]) if min_weight > 1 else ordered
    del ordered
    enough = pl.Series(key).is_in(pl.Series(repeated).implode()).to_numpy()
    del key
    left, right = left[enough], right[enough]
    left_first = uses.account[left] < uses.account[right]
    source_row, target_row = np.where(left_first, left, right), np.where(left_first, right, left)
    rows = pl.DataFrame(
        {
            "source": uses.account[source_row],
            "target": uses.account[target_row],
            "item": uses.code[source_row],
            "source_row": source_row,
            "target_row": target_row,
            "source_tweetid": uses.tweetid[source_row],
            "target_tweetid": uses.tweetid[target_row],
            "source_time": uses.time[source_row],
            "target_time": uses.time[target_row],
        }
    )
    weight = pl.col("item").n_unique().over("source", "target")
    return rows.filter(weight >= min_weight)


def _named(frame: pl.DataFrame, accounts: pl.Series) -> pl.DataFrame:
    """`frame` with its account codes (source, target) replaced by the userids."""
    return frame.with_columns(
        source=accounts.gather(frame["source"]), target=accounts.gather(frame["target"])
    )


def _behind(network_type: str, rows: pl.DataFrame) -> pl.DataFrame:
    """One row per item behind each edge: the tweets both accounts used it in, first and last, and the
    edge's chance."""
    return (
        rows.group_by("source", "target", "item")
        .agg(
            tweetids=pl.col("source_tweetid").append(pl.col("target_tweetid")).unique().sort(),
            first=pl.min_horizontal("source_time", "target_time").min(),
            last=pl.max_horizontal("source_time", "target_time").max(),
            chance=pl.col("chance").first(),
        )
        .sort("source", "target", "first", "item")
        .select(
            "source",
            "target",
            network=pl.lit(network_type),
            item="item",
            tweetids="tweetids",
            first=pl.from_epoch("first", time_unit="ms").dt.replace_time_zone("UTC"),
            last=pl.from_epoch("last", time_unit="ms").dt.replace_time_zone("UTC"),
            chance="chance",
        )
    )


def _with_texts(behind: pl.DataFrame, tweets: pl.LazyFrame) -> pl.DataFrame:
    """The evidence with the texts of its tweets (in the order of `tweetids`), looked up once."""
    ids = behind["tweetids"].explode().unique()
    texts = (
        tweets.filter(pl.col("tweetid").is_in(ids.implode())).select("tweetid", text="tweet_text").collect()
    )
    numbered = behind.with_row_index("_row")
    per_row = (
        numbered.select("_row", tweetid="tweetids")
        .explode("tweetid")
        .join(texts, on="tweetid", how="left", maintain_order="left")
        .group_by("_row", maintain_order=True)
        .agg(texts="text")
    )
    joined = numbered.join(per_row, on="_row", how="left", maintain_order="left")
    return joined.select(
        "source", "target", "network", "item", "tweetids", "texts", "first", "last", "chance"
    )
