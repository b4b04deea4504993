"""Coordination networks: accounts linked by doing the same thing within seconds of each other, more often
than chance would have them.

Types (`NETWORK_TYPES`): co_retweet (same retweeted tweet), co_tweet (same normalised text: copy-paste),
near_duplicate (near-identical text, MinHash + LSH over character shingles, so Chinese works too),
co_hashtag, co_link and co_reply. Two accounts co-occur on an item when both used it within `window`
seconds of each other (times from the snowflake ids, to the millisecond); a pair's weight is the number of
distinct items they shared, and a pair is a candidate from `min_weight` up. Each candidate's chance is the
probability (bound) that independent accounts would make some pair so coincident (`chance`); the network
keeps the edges whose chance is at most its `chance_threshold`. Edges are undirected (source < target),
without self-loops, and every edge keeps its evidence: the items and the tweets (ids and texts) behind it.
Communities come from Leiden, seeded, on each network and on all of them combined; each carries the chance
of its weakest link. The settings are run parameters (`ioreport.config.coordination`).

Modules: `items` (what an item is, per type), `near_duplicates`, `pairs` (the one pair-building mechanism
all types share), `chance` (the null model), `networks` (edges and evidence), `communities`, `figures`
(layout and amplification), `tables` (findings and claims), `export` (CSV, GraphML and the evidence file).
"""

from ioreport.analysis.coordination.communities import (
    cluster_table,
    communities,
    community_chance,
    member_lists,
    within_communities,
)
from ioreport.analysis.coordination.items import NETWORK_TYPES, TEXT_MODES, normalised_text
from ioreport.analysis.coordination.near_duplicates import NearDuplicateSettings
from ioreport.analysis.coordination.networks import CoordinationNetwork, build_network, combine

__all__ = [
    "NETWORK_TYPES",
    "TEXT_MODES",
    "CoordinationNetwork",
    "NearDuplicateSettings",
    "build_network",
    "cluster_table",
    "combine",
    "communities",
    "community_chance",
    "member_lists",
    "normalised_text",
    "within_communities",
]
