"""The coordination notebook's findings, claims and tables (flat: a CSV cell holds no list)."""

from __future__ import annotations

import polars as pl
from pydantic import BaseModel

from ioreport.analysis.claims import Claim, decided, undecided
from ioreport.analysis.coordination.communities import community_chance, member_lists, within_communities
from ioreport.analysis.coordination.figures import COORDINATED, OTHERS
from ioreport.analysis.coordination.items import NETWORK_TYPES
from ioreport.analysis.coordination.networks import CoordinationNetwork
from ioreport.analysis.findings import Findings
from ioreport.archive.schema import TWEET_TIMESTAMP

LIST_SEPARATOR = ", "
COMBINED = "combined"
MIN_COMMUNITY_ACCOUNTS = 3
# Below these the background the chance model is estimated from is too thin to judge anything against.
MIN_JUDGED_TWEETS = 1_000
MIN_JUDGED_ACCOUNTS = 20
CLAIM_RULES = {
    "coordination": (
        f"The claim holds when the combined network has a community of at least {MIN_COMMUNITY_ACCOUNTS} "
        "accounts whose members are held together by edges beyond chance: in some network, two members "
        "shared at least its minimum weight of distinct items within its window, and the probability that "
        "accounts acting independently (each item as popular and as bursty as it was, each account as "
        "active) would make some pair of the network so coincident is at most its chance threshold. "
        f"Undecided with fewer than {MIN_JUDGED_TWEETS:,} dated tweets or {MIN_JUDGED_ACCOUNTS} accounts "
        "posting them: too little background to tell chance from coordination."
    ),
}


class NetworkFindings(BaseModel):
    edges: int  # beyond chance
    accounts: int
    communities: list[list[str]]  # largest first, members sorted
    community_chance: list[float]  # per community, the chance of its weakest link


class TypedNetworkFindings(NetworkFindings):
    window_seconds: float
    min_weight: int
    chance_threshold: float
    candidate_edges: int  # pairs at the window and minimum weight, before the chance test


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
    judged_tweets: int  # tweets with a time, which the networks read
    judged_accounts: int  # accounts that posted them


def summarise(
    networks: dict[str, CoordinationNetwork],
    memberships: dict[str, pl.DataFrame],
    clusters: pl.DataFrame,
    amplification: pl.DataFrame,
    judged: tuple[int, int],
) -> CoordinationFindings:
    """Every network's parameters, size, communities and their chance; the combined one's topics;
    amplification; `judged`: the tweets with a time and the accounts posting them."""
    typed = {
        name: TypedNetworkFindings(
            **_size(networks[name], memberships[name]),
            window_seconds=networks[name].window_seconds,
            min_weight=networks[name].min_weight,
            chance_threshold=networks[name].chance_threshold,
            candidate_edges=networks[name].candidate_edges.height,
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
        judged_tweets=judged[0],
        judged_accounts=judged[1],
    )


def judged(tweets: pl.LazyFrame) -> tuple[int, int]:
    """The tweets the networks read (those with a time) and the accounts that posted them."""
    timed = tweets.filter(pl.col(TWEET_TIMESTAMP).is_not_null())
    return timed.select(pl.len(), pl.col("userid").n_unique()).collect().row(0)


def claims(found: CoordinationFindings) -> dict[str, Claim]:
    rule = CLAIM_RULES["coordination"]
    if found.judged_tweets < MIN_JUDGED_TWEETS or found.judged_accounts < MIN_JUDGED_ACCOUNTS:
        return {
            "coordination": undecided(
                rule,
                f"{found.judged_tweets:,} dated tweets from {found.judged_accounts:,} accounts",
                judged_tweets=found.judged_tweets,
                judged_accounts=found.judged_accounts,
            )
        }
    combined = found.combined
    sizes = [len(community) for community in combined.communities]
    large = [
        (size, chance)
        for size, chance in zip(sizes, combined.community_chance, strict=True)
        if size >= MIN_COMMUNITY_ACCOUNTS
    ]
    return {
        "coordination": decided(
            bool(large),
            rule,
            communities=len(large),
            accounts_in_communities=sum(size for size, _ in large),
            largest_community=max(sizes, default=0),
            weakest_community_chance=max((chance for _, chance in large), default=None),
            judged_tweets=found.judged_tweets,
        )
    }


def _size(network: CoordinationNetwork, membership: pl.DataFrame) -> dict:
    return {
        "edges": network.edges.height,
        "accounts": network.accounts,
        "communities": member_lists(membership),
        "community_chance": community_chance(network.edges, membership)["chance"].to_list(),
    }


def overview(networks: dict[str, CoordinationNetwork], memberships: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """One row per network: parameters, candidate edges, edges beyond chance, accounts, communities and the
    largest one's size."""
    rows = []
    for name, network in networks.items():
        sizes = memberships[name].group_by("community").len()["len"]
        rows.append(
            {
                "network": name,
                "window (s)": network.window_seconds,
                "min weight": network.min_weight,
                "chance threshold": network.chance_threshold,
                "candidate edges": network.candidate_edges.height,
                "edges": network.edges.height,
                "accounts": network.accounts,
                "communities": sizes.len(),
                "largest": sizes.max() if sizes.len() else 0,
            }
        )
    return pl.DataFrame(
        rows,
        schema_overrides={"window (s)": pl.Float64, "min weight": pl.Int64, "chance threshold": pl.Float64},
    )


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


# What the report shows of each table (a row a community, or a shared item); the CSV has every column,
# the members and the tweet ids.
CLUSTER_COLUMNS = [
    "community",
    "size",
    "networks",
    "shared_items",
    "tweets",
    "period",
    "top_accounts",
    "chance",
]
EVIDENCE_COLUMNS = ["community", "network", "accounts", "tweets", "period", "example", "chance"]


def flat_clusters(clusters: pl.DataFrame) -> pl.DataFrame:
    """The cluster table with its lists joined into text and its period in days."""
    return clusters.with_columns(
        *(
            pl.col(name).list.join(LIST_SEPARATOR)
            for name, dtype in clusters.schema.items()
            if dtype == pl.List(pl.String)
        ),
        period=_period(),
    )


def _period() -> pl.Expr:
    """First and last day (UTC) of what a row stands for: one date when they are the same."""
    first, last = (pl.col(end).dt.date().cast(pl.String) for end in ("first", "last"))
    return pl.when(first == last).then(first).otherwise(pl.concat_str(first, pl.lit(" – "), last))


def cluster_evidence(
    membership: pl.DataFrame, network: CoordinationNetwork, communities: int, items: int
) -> pl.DataFrame:
    """For each of the largest communities, the items most of its members shared, with an example tweet.

    community, network, item, accounts (members that used it with another member), tweets, first, last,
    tweetids, one of the texts, and chance (that of the strongest edge it is behind).
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
            chance=pl.col("chance").min(),
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
            "item",
            "accounts",
            "tweets",
            "first",
            "last",
            pl.col("tweetids").cast(pl.List(pl.String)).list.join(" "),
            "example",
            "chance",
            period=_period(),
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
