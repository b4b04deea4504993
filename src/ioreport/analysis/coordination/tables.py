"""The coordination notebook's findings and tables (flat: a CSV cell holds no list)."""

from __future__ import annotations

import polars as pl
from pydantic import BaseModel

from ioreport.analysis.claims import Claim, decided
from ioreport.analysis.coordination.communities import member_lists, within_communities
from ioreport.analysis.coordination.figures import COORDINATED, OTHERS
from ioreport.analysis.coordination.items import NETWORK_TYPES
from ioreport.analysis.coordination.networks import CoordinationNetwork
from ioreport.analysis.findings import Findings

LIST_SEPARATOR = ", "
EXAMPLE_CHARS = 140
COMBINED = "combined"
MIN_COMMUNITY_ACCOUNTS = 3
CLAIM_RULES = {
    "coordination": (
        f"The claim holds when the combined network has a community of at least {MIN_COMMUNITY_ACCOUNTS} "
        "accounts linked by items they shared within each network's window, on at least its minimum "
        "weight of distinct items."
    ),
}


class NetworkFindings(BaseModel):
    edges: int
    accounts: int
    communities: list[list[str]]  # largest first, members sorted


class TypedNetworkFindings(NetworkFindings):
    window_seconds: float
    min_weight: int


class CombinedFindings(NetworkFindings):
    community_topics: list[list[str]] | None  # per community, the topics its shared tweets carry


class AmplificationFindings(BaseModel):
    share_of_coordinated_retweets_to_coordinated: float
    share_of_other_retweets_to_coordinated: float


class CoordinationFindings(Findings):
    co_retweet: TypedNetworkFindings
    co_tweet: TypedNetworkFindings
    near_duplicate: TypedNetworkFindings
    co_hashtag: TypedNetworkFindings
    co_link: TypedNetworkFindings
    co_reply: TypedNetworkFindings
    combined: CombinedFindings
    amplification: AmplificationFindings


def summarise(
    networks: dict[str, CoordinationNetwork],
    memberships: dict[str, pl.DataFrame],
    clusters: pl.DataFrame,
    amplification: pl.DataFrame,
) -> CoordinationFindings:
    """Every network's parameters, size and communities; the combined one's topics; amplification."""
    typed = {
        name: TypedNetworkFindings(
            **_size(networks[name], memberships[name]),
            window_seconds=networks[name].window_seconds,
            min_weight=networks[name].min_weight,
        )
        for name in NETWORK_TYPES
    }
    # Communities without a topic tweet have none; no lexicon, no topics at all.
    topics = [t or [] for t in clusters["topics"].to_list()] if "topics" in clusters.columns else None
    return CoordinationFindings(
        **typed,
        combined=CombinedFindings(
            **_size(networks[COMBINED], memberships[COMBINED]), community_topics=topics
        ),
        amplification=amplification_findings(amplification),
    )


def claims(found: CoordinationFindings) -> dict[str, Claim]:
    sizes = [len(community) for community in found.combined.communities]
    large = [size for size in sizes if size >= MIN_COMMUNITY_ACCOUNTS]
    return {
        "coordination": decided(
            bool(large),
            CLAIM_RULES["coordination"],
            communities=len(large),
            accounts_in_communities=sum(large),
            largest_community=max(sizes, default=0),
        )
    }


def _size(network: CoordinationNetwork, membership: pl.DataFrame) -> dict:
    return {
        "edges": network.edges.height,
        "accounts": network.accounts,
        "communities": member_lists(membership),
    }


def overview(networks: dict[str, CoordinationNetwork], memberships: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """One row per network: parameters, edges, accounts, communities and the largest one's size."""
    rows = []
    for name, network in networks.items():
        sizes = memberships[name].group_by("community").len()["len"]
        rows.append(
            {
                "network": name,
                "window (s)": network.window_seconds,
                "min weight": network.min_weight,
                "edges": network.edges.height,
                "accounts": network.accounts,
                "communities": sizes.len(),
                "largest": sizes.max() if sizes.len() else 0,
            }
        )
    return pl.DataFrame(rows, schema_overrides={"window (s)": pl.Float64, "min weight": pl.Int64})


def size_distribution(memberships: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """network, size, communities: how many communities of each size every network has."""
    return pl.concat(
        [
            membership.group_by("community")
            .len()
            .group_by(size="len")
            .agg(communities=pl.len())
            .with_columns(network=pl.lit(name))
            .select("network", pl.col("size").cast(pl.Int64), pl.col("communities").cast(pl.Int64))
            for name, membership in memberships.items()
            if not membership.is_empty()
        ]
    ).sort("network", "size")


def flat_clusters(clusters: pl.DataFrame) -> pl.DataFrame:
    """The cluster table with its lists joined into text."""
    return clusters.with_columns(
        pl.col(name).list.join(LIST_SEPARATOR)
        for name, dtype in clusters.schema.items()
        if dtype == pl.List(pl.String)
    )


def cluster_evidence(
    membership: pl.DataFrame, network: CoordinationNetwork, communities: int, items: int
) -> pl.DataFrame:
    """For each of the largest communities, the items most of its members shared, with an example tweet.

    community, network, item, accounts (members that used it with another member), tweets, first, last,
    tweetids and one of the texts; item and text cut to EXAMPLE_CHARS.
    """
    inside = within_communities(network.evidence, membership.filter(pl.col("community") <= communities))
    return (
        inside.group_by("community", "network", "item")
        .agg(
            accounts=pl.col("source").append(pl.col("target")).n_unique(),
            tweetids=pl.col("tweetids").explode().unique().sort(),
            # The smallest text, not the first seen: group order is not stable between runs.
            example=pl.col("texts").explode().drop_nulls().min(),
            first=pl.col("first").min(),
            last=pl.col("last").max(),
        )
        .with_columns(tweets=pl.col("tweetids").list.len())
        .sort(
            ["community", "accounts", "first", "network", "item"],
            descending=[False, True, False, False, False],
        )
        .group_by("community", maintain_order=True)
        .head(items)
        .select(
            "community",
            "network",
            pl.col("item").str.slice(0, EXAMPLE_CHARS),
            "accounts",
            "tweets",
            "first",
            "last",
            pl.col("tweetids").cast(pl.List(pl.String)).list.join(" "),
            pl.col("example").str.slice(0, EXAMPLE_CHARS),
        )
    )


def amplification_findings(amplification: pl.DataFrame) -> dict:
    """The share of each retweeter group's retweets that went to the coordinated accounts."""
    to_coordinated = amplification.filter(pl.col("retweeted") == COORDINATED)
    share = dict(to_coordinated.select("retweeter", "share").iter_rows())
    return {
        "share_of_coordinated_retweets_to_coordinated": share.get(COORDINATED, 0.0),
        "share_of_other_retweets_to_coordinated": share.get(OTHERS, 0.0),
    }
