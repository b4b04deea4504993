"""The one pair-building mechanism: rows that share a key and fall within a window of each other.

Every network type reduces to *uses* of an item (a retweeted tweet, a text, a hashtag, ...): who used it,
in which tweet, when. Two accounts co-occur on an item when both used it within `window` milliseconds.
The pairs come from one sort and one search per row, never a join of every use with every other: uses
are sorted by item then time, and each use is paired with the later uses of the same item up to its
time plus the window. The same mechanism finds the candidate pairs of near-duplicate texts (texts that
share an LSH bucket: key = bucket, window 0).

The cap: each use is paired with at most `cap` later uses. Only an item used more than `cap` times within
one window (a viral tweet, a trending hashtag) reaches it; such an item says little about coordination,
and without the cap its pairs would grow with the square of its uses.
"""

from __future__ import annotations

import polars as pl

PAIR_CAP = 1_000
KEY_SEED = 20200611
ROW = "_row"


def pairs_within(frame: pl.DataFrame, key: str | list[str], time: str, window: int, cap: int) -> pl.DataFrame:
    """Row numbers (`left` < `right`) of rows with equal `key` and `time`s at most `window` apart.

    `frame` must be sorted by `key`, then `time`. Each row is paired with at most `cap` rows after it.
    """
    keys = [key] if isinstance(key, str) else key
    rows = frame.select(*keys, time).with_row_index(ROW)
    row = pl.col(ROW).cast(pl.Int64)
    # For each row, the last row of its key up to its time plus the window (ties: the last of them).
    reach = rows.with_columns(reach=pl.col(time) + window).join_asof(
        rows.select(*keys, time, last=ROW),
        left_on="reach",
        right_on=time,
        by=keys,
        strategy="backward",
        check_sortedness=False,  # sorted by (key, time), which it cannot check within keys
    )
    last = pl.min_horizontal(pl.col("last").cast(pl.Int64), row + cap)
    return reach.select(left=row, right=pl.int_ranges(row + 1, last + 1)).explode("right")


def co_occurrences(uses: pl.DataFrame, window_ms: int, cap: int = PAIR_CAP) -> pl.DataFrame:
    """Each time two accounts used one item within the window: source < target, their tweets and times.

    `uses` has columns userid, tweetid, time (ms) and item. An account's uses of an item never pair with
    its own.
    """
    # Sorting by a hash of the item is quicker than by the item (texts can be long); two items that share a
    # hash sit in one run of rows, and their pairs are dropped below, so the hash decides nothing.
    ordered = uses.with_columns(key=pl.col("item").hash(KEY_SEED)).sort("key", "time", "tweetid")
    pairs = pairs_within(ordered, "key", "time", window_ms, cap)
    left, right = ordered[pairs["left"]], ordered[pairs["right"]]
    in_order = left["userid"] < right["userid"]

    def source(column: str) -> pl.Series:
        return left[column].zip_with(in_order, right[column])

    def target(column: str) -> pl.Series:
        return right[column].zip_with(in_order, left[column])

    return pl.DataFrame(
        {
            "source": source("userid"),
            "target": target("userid"),
            "item": left["item"],
            "source_tweetid": source("tweetid"),
            "target_tweetid": target("tweetid"),
            "source_time": source("time"),
            "target_time": target("time"),
        }
    ).filter((pl.col("source") != pl.col("target")) & (left["item"] == right["item"]))


def weighted_edges(co: pl.DataFrame, min_weight: int) -> pl.DataFrame:
    """source, target, weight: the number of distinct items the two accounts shared, at least `min_weight`."""
    return (
        co.group_by("source", "target")
        .agg(weight=pl.col("item").n_unique())
        .filter(pl.col("weight") >= min_weight)
        .sort("source", "target")
    )
