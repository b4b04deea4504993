"""Communities of coordinated accounts (Leiden), and what each one shared.

Leiden (leidenalg on igraph) optimises the modularity of the weighted network from a fixed seed, on a
graph built in a fixed order (accounts sorted, edges sorted), so a run gives the same communities every
time. Communities are numbered from 1, largest first (ties: by their first member). A community's chance
is that of the weakest link holding it together (`community_chance`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from ioreport.analysis import narratives
from ioreport.analysis.coordination.networks import CoordinationNetwork
from ioreport.analysis.text import folded_hashtag
from ioreport.config.lexicon import Lexicon

if TYPE_CHECKING:
    import igraph

LEIDEN_SEED = 20200611
TOP_HASHTAGS = 3
TOP_ACCOUNTS = 3
TINY = 1e-300  # chances below it are taken as it: log(0) orders nothing


def account_graph(edges: pl.DataFrame, accounts: pl.Series | None = None) -> tuple[igraph.Graph, pl.Series]:
    """The edges as an igraph graph whose vertices are the accounts (default: the edges'), sorted."""
    import igraph  # loaded when used: a run reusing every section never needs it

    if accounts is None:
        accounts = pl.concat([edges["source"], edges["target"]]).unique()
    accounts = accounts.sort()
    ends = np.column_stack([_codes(edges["source"], accounts), _codes(edges["target"], accounts)])
    return igraph.Graph(n=len(accounts), edges=ends), accounts


def _codes(userids: pl.Series, accounts: pl.Series) -> np.ndarray:
    """Each userid's position among the (sorted) accounts."""
    return userids.cast(pl.Enum(accounts)).to_physical().cast(pl.Int64).to_numpy()


def communities(edges: pl.DataFrame, seed: int = LEIDEN_SEED) -> pl.DataFrame:
    """userid, community: every account of the network in one community."""
    if edges.is_empty():
        return pl.DataFrame(schema={"userid": pl.String, "community": pl.Int64})
    edges = edges.sort("source", "target")  # the same network gives the same graph, whatever its row order
    import leidenalg  # loaded when used: a run reusing every section never needs it

    graph, accounts = account_graph(edges)
    partition = leidenalg.find_partition(
        graph,
        leidenalg.ModularityVertexPartition,
        weights=edges["weight"].cast(pl.Float64).to_list(),
        n_iterations=-1,  # until no move improves it
        seed=seed,
    )
    found = pl.DataFrame({"userid": accounts, "found": partition.membership})
    ranks = (
        found.group_by("found")
        .agg(size=pl.len(), first=pl.col("userid").min())
        .sort(["size", "first"], descending=[True, False])
        .with_row_index("community", offset=1)
    )
    return (
        found.join(ranks, on="found")
        .select("userid", pl.col("community").cast(pl.Int64))
        .sort("community", "userid")
    )


def community_chance(edges: pl.DataFrame, membership: pl.DataFrame) -> pl.DataFrame:
    """community, chance: the chance of the weakest link that holds each community together.

    Every member is joined to the others by a chain of the community's edges each at most this likely by
    chance (the largest chance in its minimum spanning tree on chance, Kruskal's bottleneck); 1 where the
    community's edges do not join all its members.
    """
    inside = within_communities(edges, membership).sort("source", "target")
    if inside.is_empty():
        return pl.DataFrame(schema={"community": pl.Int64, "chance": pl.Float64})
    graph, _ = account_graph(inside, membership["userid"])
    # The tree on the logarithm of chance is the tree on chance (a monotone map), and keeps tiny values apart.
    log_chance = np.log(inside["chance"].clip(lower_bound=TINY).to_numpy())
    tree = graph.spanning_tree(weights=log_chance.tolist(), return_tree=False)
    bottleneck = inside[tree].group_by("community").agg(pl.col("chance").max(), links=pl.len())
    sizes = membership.group_by("community").agg(size=pl.len())
    return (
        sizes.join(bottleneck, on="community", how="left")
        .select(
            "community",
            chance=pl.when(pl.col("links") == pl.col("size") - 1).then(pl.col("chance")).otherwise(1.0),
        )
        .sort("community")
    )


def member_lists(membership: pl.DataFrame) -> list[list[str]]:
    """Communities as lists of userids: largest first, members sorted."""
    grouped = membership.group_by("community", maintain_order=True).agg(pl.col("userid").sort())
    return grouped["userid"].to_list()


def within_communities(frame: pl.DataFrame, membership: pl.DataFrame) -> pl.DataFrame:
    """The rows of `frame` (edges or evidence) whose source and target share a community, with it."""
    return (
        frame.join(membership, left_on="source", right_on="userid")
        .join(membership, left_on="target", right_on="userid", suffix="_target")
        .filter(pl.col("community") == pl.col("community_target"))
        .drop("community_target")
    )


def cluster_table(
    membership: pl.DataFrame,
    network: CoordinationNetwork,
    tweets: pl.LazyFrame,
    lexicon: Lexicon | None = None,
) -> pl.DataFrame:
    """Per community: size, members, its chance, what it shared (items, tweets, networks), when, topics, top
    hashtags."""
    inside = within_communities(network.evidence, membership)
    shared = inside.group_by("community").agg(
        shared_items=pl.struct("network", "item").n_unique(),
        tweets=pl.col("tweetids").explode().n_unique(),
        networks=pl.col("network").unique().sort(),
        first=pl.col("first").min(),
        last=pl.col("last").max(),
    )
    tweet_communities = inside.select("community", tweetid=pl.col("tweetids")).explode("tweetid").unique()
    table = (
        membership.group_by("community")
        .agg(size=pl.len(), members=pl.col("userid").sort())
        .join(community_chance(network.edges, membership), on="community", how="left")
        .join(shared, on="community", how="left")
        .join(_most_active(inside), on="community", how="left")
        .join(_top_hashtags(tweet_communities, tweets), on="community", how="left")
    )
    if lexicon is not None:
        table = table.join(_topics(tweet_communities, tweets, lexicon), on="community", how="left")
    return table.sort("community")


def _most_active(inside: pl.DataFrame) -> pl.DataFrame:
    """Per community, the members who took part in most of its shared items (ties: by id)."""
    uses = pl.concat(
        [inside.select("community", "network", "item", member=end) for end in ("source", "target")]
    ).unique()
    return _most_common(uses, "member", "top_accounts", limit=TOP_ACCOUNTS)


def _top_hashtags(tweet_communities: pl.DataFrame, tweets: pl.LazyFrame) -> pl.DataFrame:
    hashtags = (
        tweets.select("tweetid", "hashtags")
        .join(tweet_communities.lazy(), on="tweetid")
        .explode("hashtags")
        .drop_nulls("hashtags")
        .select("community", hashtag="#" + folded_hashtag(pl.col("hashtags")))
        .collect()
    )
    return _most_common(hashtags, "hashtag", "top_hashtags")


def _topics(tweet_communities: pl.DataFrame, tweets: pl.LazyFrame, lexicon: Lexicon) -> pl.DataFrame:
    tagged = narratives.tag_topics(tweets.join(tweet_communities.lazy(), on="tweetid", how="semi"), lexicon)
    topics = narratives.topic_columns(tagged)
    flags = tagged.join(tweet_communities, on="tweetid").unpivot(
        index="community", on=topics, variable_name="topic", value_name="carries"
    )
    return _most_common(flags.filter("carries"), "topic", "topics", limit=None)


def _most_common(
    frame: pl.DataFrame, value: str, name: str, limit: int | None = TOP_HASHTAGS
) -> pl.DataFrame:
    """Per community, its most frequent values (ties alphabetical), at most `limit` of them."""
    values = pl.col(value) if limit is None else pl.col(value).head(limit)
    return (
        frame.group_by("community", value)
        .len()
        .sort(["community", "len", value], descending=[False, True, False])
        .group_by("community", maintain_order=True)
        .agg(values.alias(name))
    )
