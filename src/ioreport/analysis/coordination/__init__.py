"""Coordination networks: accounts linked by doing the same thing within seconds of each other.

Types (`NETWORK_TYPES`): co_retweet (same retweeted tweet), co_tweet (same normalised text: copy-paste),
near_duplicate (near-identical text, MinHash + LSH over character shingles, so Chinese works too),
co_hashtag, co_link and co_reply. Two accounts are linked by an item when both used it within `window`
seconds of each other (times from the snowflake ids, to the millisecond); an edge's weight is the number of
distinct items they shared, and it is kept from `min_weight` up. Edges are undirected (source < target),
without self-loops, and every edge keeps its evidence: the items and the tweets (ids and texts) behind it.
Communities come from Leiden, seeded, on each network and on all of them combined.

Modules: `items` (what an item is, per type), `near_duplicates`, `pairs` (the one pair-building mechanism
all types share), `networks` (edges and evidence), `communities`, `figures` (layout and amplification),
`export` (CSV, GraphML and the evidence file).
"""

from ioreport.analysis.coordination.communities import (
    cluster_table,
    communities,
    member_lists,
    within_communities,
)
from ioreport.analysis.coordination.items import NETWORK_TYPES, TEXT_MODES, normalised_text
from ioreport.analysis.coordination.near_duplicates import NearDuplicateSettings
from ioreport.analysis.coordination.networks import (
    DEFAULTS,
    CoordinationNetwork,
    Settings,
    build_network,
    combine,
)

__all__ = [
    "DEFAULTS",
    "NETWORK_TYPES",
    "TEXT_MODES",
    "CoordinationNetwork",
    "NearDuplicateSettings",
    "Settings",
    "build_network",
    "cluster_table",
    "combine",
    "communities",
    "member_lists",
    "normalised_text",
    "within_communities",
]
