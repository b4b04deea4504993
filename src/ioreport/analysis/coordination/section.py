"""The coordination section from start to end: the networks, their communities, and what is recorded."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from ioreport.analysis.claims import Claim
from ioreport.analysis.coordination import figures, tables
from ioreport.analysis.coordination.communities import cluster_table, communities
from ioreport.analysis.coordination.items import NETWORK_TYPES, near_duplicate_uses, uses
from ioreport.analysis.coordination.networks import CoordinationNetwork, build_network, combine
from ioreport.config.lexicon import Lexicon


@dataclass(frozen=True)
class Coordination:
    networks: dict[str, CoordinationNetwork]  # each type, and "combined"
    memberships: dict[str, pl.DataFrame]  # per network: userid, community
    clusters: pl.DataFrame  # the combined network's communities (`cluster_table`)
    amplification: pl.DataFrame  # `figures.amplification`
    findings: tables.CoordinationFindings
    claims: dict[str, Claim]

    @property
    def combined(self) -> CoordinationNetwork:
        return self.networks[tables.COMBINED]


def analyse(
    tweets: pl.LazyFrame, settings: Mapping[str, Mapping[str, Any]], lexicon: Lexicon | None = None
) -> Coordination:
    """Every network at its settings (`CoordinationSettings` as a dict, by type), combined, with the
    communities of each and the findings and claims of the section."""
    networks = {}
    texts = uses(tweets, "co_tweet")  # read once: near-duplicates group the same texts, then let go
    networks["co_tweet"] = build_network(tweets, "co_tweet", **settings["co_tweet"], used=texts)
    grouped = near_duplicate_uses(texts)
    del texts
    networks["near_duplicate"] = build_network(
        tweets, "near_duplicate", **settings["near_duplicate"], used=grouped
    )
    del grouped
    networks = {
        kind: networks.get(kind) or build_network(tweets, kind, **settings[kind]) for kind in NETWORK_TYPES
    }
    networks[tables.COMBINED] = combine(list(networks.values()))
    memberships = {name: communities(network.edges) for name, network in networks.items()}
    members = memberships[tables.COMBINED]
    clusters = cluster_table(members, networks[tables.COMBINED], tweets, lexicon)
    amplification = figures.amplification(tweets, members["userid"].to_list())
    found = tables.summarise(networks, memberships, clusters, amplification, tables.judged(tweets))
    return Coordination(networks, memberships, clusters, amplification, found, tables.claims(found))
