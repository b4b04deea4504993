"""The published-vs-this-run table: each figure SIO, ASPI or Twitter published, beside this run's value.

Built when the report is staged, from the merged findings; written as a CSV to the run's tables and
shown in the report as a labelled table like any notebook's.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from ioreport.analysis.findings import lookup
from ioreport.config.published import PUBLISHED
from ioreport.publish.format import format_value

COLUMNS = ("finding", "this run", "published", "source")
PART = "part"  # "data" (the dataset and the accounts) or "behaviour" (what the accounts did)
DATA_SECTIONS = ("dataset", "accounts")


def comparison_table(findings: dict[str, Any], published_dataset: str | None) -> pl.DataFrame:
    """One row per published figure of the dataset the run is compared with (none: no rows), with the
    part of the report it belongs to."""
    rows = [
        {
            PART: "data" if figure.finding.split(".")[0] in DATA_SECTIONS else "behaviour",
            "finding": figure.label,
            "this run": format_value(lookup(findings, figure.finding), figure.finding),
            "published": figure.published,
            "source": f"{figure.source} ({figure.mark})",
        }
        for figure in PUBLISHED.get(published_dataset or "", ())
    ]
    return pl.DataFrame(rows, schema=dict.fromkeys((PART, *COLUMNS), pl.String))
