"""Writing a network for other tools: edges (with their chance) as CSV or GraphML (Gephi), and its evidence
beside them."""

from __future__ import annotations

from pathlib import Path

import igraph
import polars as pl

from ioreport.analysis.coordination.communities import account_graph
from ioreport.analysis.coordination.networks import CoordinationNetwork
from ioreport.config.rundir import atomic_output, write_csv

GRAPHML = ".graphml"
EVIDENCE_SUFFIX = ".evidence.csv"


def evidence_path(edges_path: Path) -> Path:
    """Where the evidence of an edges file goes: edges.csv -> edges.evidence.csv."""
    return edges_path.with_name(edges_path.stem + EVIDENCE_SUFFIX)


def write_network(network: CoordinationNetwork, path: Path, membership: pl.DataFrame | None = None) -> Path:
    """Edges to `path` (GraphML by its extension, else CSV: source,target,weight,chance) and the evidence
    beside it (each row with its edge's chance).

    GraphML nodes carry the userid as name and label, and their community when `membership` is given; edges
    their weight and chance. Returns the evidence file's path.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == GRAPHML:
        with atomic_output(path) as partial:
            _graph(network.edges, membership).write_graphml(str(partial))
    else:
        write_csv(network.edges, path)
    evidence = evidence_path(path)
    write_csv(flat_evidence(network.evidence), evidence)
    return evidence


def flat_evidence(evidence: pl.DataFrame) -> pl.DataFrame:
    """Evidence as CSV cells: tweet ids separated by spaces, texts as a JSON array, times in ISO 8601."""
    return evidence.with_columns(
        pl.col("tweetids").cast(pl.List(pl.String)).list.join(" "),
        # A JSON array, escaped by polars: texts hold commas, quotes and newlines.
        pl.struct("texts").struct.json_encode().str.strip_prefix('{"texts":').str.strip_suffix("}"),
        pl.col("first", "last").dt.to_string("%Y-%m-%dT%H:%M:%S%.3fZ"),
    )


def _graph(edges: pl.DataFrame, membership: pl.DataFrame | None) -> igraph.Graph:
    graph, accounts = account_graph(edges)
    graph.vs["name"] = graph.vs["label"] = accounts.to_list()
    graph.es["weight"] = edges["weight"].to_list()
    graph.es["chance"] = edges["chance"].to_list()
    if membership is not None:
        community = dict(membership.select("userid", "community").iter_rows())
        graph.vs["community"] = [community[account] for account in accounts.to_list()]
    return graph
