"""What the coordination notebook draws: communities laid out side by side, and who retweets whom."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import polars as pl

from ioreport.analysis.coordination.communities import account_graph, within_communities
from ioreport.analysis.layout import seeded_layout

LAYOUT_SEED = 20200611
LAYOUT_ITERATIONS = 500
DRAWN_COMMUNITIES = 12  # the largest ones, three rows of four: more would no longer read
MAX_COLUMNS = 4  # cells per row: narrower cells would not fit a label
CELL_MARGIN = 0.1  # of a cell's side, between a community and its neighbours
LABEL_SPACE = 0.24  # of a cell's height, above the community, for its label
COORDINATED, OTHERS = "coordinated accounts", "other accounts in the archive"
OUTSIDE, UNKNOWN = "accounts outside the archive", "unknown account"
RETWEETED = (COORDINATED, OTHERS, OUTSIDE, UNKNOWN)
# How a community's label names the networks it was found in: short enough for a cell.
SHORT_NAMES = {
    "co_retweet": "retweet",
    "co_tweet": "copy",
    "near_duplicate": "near-dup",
    "co_hashtag": "hashtag",
    "co_link": "link",
    "co_reply": "reply",
}


class Layout(NamedTuple):
    nodes: pl.DataFrame  # userid, community, x, y
    lines: pl.DataFrame  # source, target, weight, community, x, y, x2, y2: the edges inside communities
    cells: pl.DataFrame  # community, x, y: the top left corner of each community's cell

    @property
    def aspect(self) -> float:
        """Height over width of the grid of cells."""
        return (1 - self.cells["y"].min()) / (self.cells["x"].max() + 1) if self.cells.height else 1.0


def community_layout(
    edges: pl.DataFrame,
    membership: pl.DataFrame,
    seed: int = LAYOUT_SEED,
    communities: int = DRAWN_COMMUNITIES,
) -> Layout:
    """The largest communities, each laid out on its own in a cell of a grid, largest first (row by row).

    Cells are 1 wide and 1 high, their tops LABEL_SPACE left free for a label; edges between communities
    are left out. Seeded: same network, same picture.
    """
    drawn = membership.filter(pl.col("community") <= communities)
    columns = min(MAX_COLUMNS, max(1, math.ceil(math.sqrt(drawn["community"].n_unique()))))
    cells = (
        drawn.select(pl.col("community").unique().sort())
        .with_columns(x=(pl.col("community") - 1) % columns, y=-((pl.col("community") - 1) // columns))
        .cast({"x": pl.Float64, "y": pl.Float64})
    )
    inside = within_communities(edges, drawn)
    nodes = pl.concat(
        [
            _lay_out_cell(group, inside, corner, seed)
            for group, corner in zip(
                drawn.partition_by("community", maintain_order=True),
                cells.select("x", "y").rows(),
                strict=True,
            )
        ]
    )
    ends = nodes.select("userid", "x", "y")
    lines = inside.join(ends.rename({"userid": "source"}), on="source").join(
        ends.rename({"userid": "target", "x": "x2", "y": "y2"}), on="target"
    )
    return Layout(nodes, lines, cells)


def cell_labels(cells: pl.DataFrame, clusters: pl.DataFrame) -> pl.DataFrame:
    """Per drawn community, at its cell's corner: "#1 · 8 accounts" and the networks it shared items in."""
    short = pl.element().replace_strict(SHORT_NAMES, default=pl.element())
    return cells.join(clusters.select("community", "size", "networks"), on="community").select(
        "community",
        "x",
        "y",
        title=pl.format("#{} · {} accounts", "community", "size"),
        networks=pl.col("networks").list.eval(short).list.join(" · "),
    )


def _lay_out_cell(
    members: pl.DataFrame, inside: pl.DataFrame, corner: tuple[float, float], seed: int
) -> pl.DataFrame:
    """A seeded layout, scaled into the cell below its label."""
    own = inside.filter(pl.col("source").is_in(members["userid"].implode()))
    graph, accounts = account_graph(own, members["userid"])
    coords = seeded_layout(graph, own["weight"].cast(pl.Float64).to_list(), seed, LAYOUT_ITERATIONS)
    unit = (coords - coords.min(axis=0)) / np.maximum(np.ptp(coords, axis=0), 1e-9)
    left, top = corner
    return pl.DataFrame(
        {
            "userid": accounts,
            "community": members["community"][0],
            "x": left + CELL_MARGIN + (1 - 2 * CELL_MARGIN) * unit[:, 0],
            "y": top - LABEL_SPACE - (1 - LABEL_SPACE - CELL_MARGIN) * unit[:, 1],
        }
    )


def amplification(tweets: pl.LazyFrame, coordinated: Sequence[str]) -> pl.DataFrame:
    """Whose tweets the coordinated accounts retweet, beside whose the rest of the archive retweets.

    retweeter, retweeted (one of RETWEETED), retweets, share (of the retweeter group's retweets). The
    retweeted account is `retweet_userid`, or when blank (china_052020) the author of the retweeted tweet if
    it is in the archive.
    """
    members = pl.Series(list(coordinated), dtype=pl.String).implode()
    authors = tweets.select(retweet_tweetid="tweetid", author="userid")
    archive = tweets.select(pl.col("userid").unique()).collect()["userid"].implode()
    retweeted = pl.coalesce("retweet_userid", "author")
    counts = (
        tweets.filter(pl.col("retweet_tweetid").is_not_null())
        .join(authors, on="retweet_tweetid", how="left")
        .select(
            retweeter=pl.when(pl.col("userid").is_in(members))
            .then(pl.lit(COORDINATED))
            .otherwise(pl.lit(OTHERS)),
            retweeted=pl.when(retweeted.is_null())
            .then(pl.lit(UNKNOWN))
            .when(retweeted.is_in(members))
            .then(pl.lit(COORDINATED))
            .when(retweeted.is_in(archive))
            .then(pl.lit(OTHERS))
            .otherwise(pl.lit(OUTSIDE)),
        )
        .group_by("retweeter", "retweeted")
        .agg(retweets=pl.len())
        .collect()
    )
    order = pl.Enum(RETWEETED)
    return (
        counts.with_columns(share=pl.col("retweets") / pl.col("retweets").sum().over("retweeter"))
        .with_columns(pl.col("retweeter").cast(order), pl.col("retweeted").cast(order))
        .sort("retweeter", "retweeted")
        .with_columns(pl.col("retweeter").cast(pl.String), pl.col("retweeted").cast(pl.String))
    )
