"""A coordination network of one type: its edges beyond chance, and the evidence behind every edge."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial

import numpy as np
import polars as pl

from ioreport.analysis.coordination import chance
from ioreport.analysis.coordination.items import NETWORK_TYPES, TextMode, uses
from ioreport.analysis.coordination.near_duplicates import NearDuplicateSettings
from ioreport.analysis.coordination.pairs import PAIR_CAP, SortedUses, co_occurring_rows, item_counts
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
    gather_evidence: Callable[[], pl.DataFrame] = field(repr=False, compare=False)

    @cached_property
    def evidence(self) -> pl.DataFrame:
        """Per edge and shared item: the network, the tweets (ids, texts) both accounts used it in, when,
        and the edge's chance.

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
    behind = behind.with_columns(item=coded.frame["item"].gather(behind["source_row"]).cast(pl.String))
    return CoordinationNetwork(
        network_type,
        window,
        weight,
        threshold,
        candidates.cast(EDGE_SCHEMA),
        edges.cast(EDGE_SCHEMA),
        partial(_evidence, network_type, behind, tweets),
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
    return CoordinationNetwork(
        "combined", None, None, None, edges, edges, lambda: pl.concat([n.evidence for n in networks])
    )


def _candidate_rows(uses: SortedUses, window_ms: int, min_weight: int, cap: int) -> pl.DataFrame:
    """The co-occurrences of every pair with at least `min_weight` distinct items: source < target
    (account codes), item (code), row (the source's use), each side's tweet and time."""
    left, right = co_occurring_rows(uses, window_ms, cap)
    left_first = uses.account[left] < uses.account[right]
    source_row, target_row = np.where(left_first, left, right), np.where(left_first, right, left)
    pairs = pl.DataFrame(
        {
            "source": uses.account[source_row],
            "target": uses.account[target_row],
            "item": uses.code[left],
            "source_row": source_row,
            "target_row": target_row,
        }
    )
    candidates = (
        pairs.group_by("source", "target")
        .agg(weight=pl.col("item").n_unique())
        .filter(pl.col("weight") >= min_weight)
    )
    kept = pairs.join(candidates.select("source", "target"), on=["source", "target"], how="semi")
    tweetid, time = uses.frame["tweetid"], uses.frame["time"]
    return kept.with_columns(
        source_tweetid=tweetid.gather(kept["source_row"]),
        target_tweetid=tweetid.gather(kept["target_row"]),
        source_time=time.gather(kept["source_row"]),
        target_time=time.gather(kept["target_row"]),
    )


def _named(frame: pl.DataFrame, accounts: pl.Series) -> pl.DataFrame:
    """`frame` with its account codes (source, target) replaced by the userids."""
    return frame.with_columns(
        source=accounts.gather(frame["source"]), target=accounts.gather(frame["target"])
    )


def _evidence(network_type: str, rows: pl.DataFrame, tweets: pl.LazyFrame) -> pl.DataFrame:
    """One row per item behind each edge: the tweets both accounts used it in, their texts, first and last,
    and the edge's chance."""
    behind = (
        rows.group_by("source", "target", "item")
        .agg(
            tweetids=pl.col("source_tweetid").append(pl.col("target_tweetid")).unique().sort(),
            first=pl.min_horizontal("source_time", "target_time").min(),
            last=pl.max_horizontal("source_time", "target_time").max(),
            chance=pl.col("chance").first(),
        )
        .sort("source", "target", "first", "item")
        .with_row_index("_row")
    )
    # Texts only for the tweets behind an edge: a few, looked up once.
    ids = behind["tweetids"].explode().unique()
    texts = (
        tweets.filter(pl.col("tweetid").is_in(ids.implode())).select("tweetid", text="tweet_text").collect()
    )
    per_row = (
        behind.select("_row", tweetid="tweetids")
        .explode("tweetid")
        .join(texts, on="tweetid", how="left", maintain_order="left")
        .group_by("_row", maintain_order=True)
        .agg(texts="text")
    )
    return behind.join(per_row, on="_row", how="left", maintain_order="left").select(
        "source",
        "target",
        network=pl.lit(network_type),
        item="item",
        tweetids="tweetids",
        texts="texts",
        first=pl.from_epoch("first", time_unit="ms").dt.replace_time_zone("UTC"),
        last=pl.from_epoch("last", time_unit="ms").dt.replace_time_zone("UTC"),
        chance="chance",
    )
