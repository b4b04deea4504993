"""Counts per bucket, every bucket present: of a count column (followers, likes, ...) and of time periods."""

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


def zero_filled_periods(
    counts: pl.DataFrame, period: str, every: str, groups: dict[str, list], value: str
) -> pl.DataFrame:
    """`counts` with a row, valued 0, for every period from its first to its last and every group."""
    if counts.is_empty():
        return counts
    periods = pl.date_range(counts[period].min(), counts[period].max(), every, eager=True)
    grid = pl.DataFrame({period: periods})
    for name, values in groups.items():
        grid = grid.join(pl.DataFrame({name: values}, schema={name: counts.schema[name]}), how="cross")
    keys = [period, *groups]
    return grid.join(counts, on=keys, how="left").with_columns(pl.col(value).fill_null(0)).sort(keys)
