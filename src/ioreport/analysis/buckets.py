"""Counts per bucket of a count column (followers, likes, ...), every bucket present, in order."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl


def bucket_counts(
    frame: pl.LazyFrame, column: str, starts: Sequence[int], labels: Sequence[str], counted: str
) -> pl.DataFrame:
    """Rows per bucket of `column` (blank values left out): bucket, `counted`.

    Bucket k holds the integers from starts[k] up to the next start; `labels` name them. Empty buckets
    count 0, so two frames bucketed alike line up.
    """
    if len(starts) != len(labels):
        raise ValueError("one label per bucket start")
    cut = pl.col(column).cut(breaks=[start - 0.5 for start in starts[1:]], labels=list(labels))
    counts = frame.drop_nulls(column).group_by(bucket=cut.cast(pl.String)).agg(pl.len().alias(counted))
    order = pl.LazyFrame({"bucket": list(labels), "order": list(range(len(labels)))})
    return (
        order.join(counts, on="bucket", how="left")
        .with_columns(pl.col(counted).fill_null(0).cast(pl.Int64))
        .sort("order")
        .drop("order")
        .collect()
    )
