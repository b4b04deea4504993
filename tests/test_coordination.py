"""Coordination networks: planted groups recovered from the synthetic archive; the rules on hand-made tweets.

Recovery is measured against the generator's truth.json (`coordination`), never against this module's
own earlier output.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import igraph
import polars as pl
import pytest
from ioreport.synthetic.generate import USERS_FILE
from typer.testing import CliRunner

from ioreport import cli
from ioreport.analysis import coordination
from ioreport.analysis.coordination.export import evidence_path, write_network
from ioreport.analysis.coordination.near_duplicates import NearDuplicateSettings, group_labels
from ioreport.analysis.coordination.pairs import co_occurrences
from ioreport.archive.schema import TWEET_TIMESTAMP
from tests.conftest import execute_section

PLANTED = ("co_retweet", "co_tweet", "near_duplicate", "co_hashtag")
MATCH = 0.9  # Jaccard similarity of a planted group and the community that recovers it
START = datetime(2020, 3, 2, 4, tzinfo=UTC)


@pytest.fixture(scope="module")
def ingested(small_ingested):
    return small_ingested


@pytest.fixture(scope="module")
def truth(small_dataset) -> dict:
    return small_dataset[1]["coordination"]


@pytest.fixture(scope="module")
def networks(ingested) -> dict[str, coordination.CoordinationNetwork]:
    built = {
        kind: coordination.build_network(ingested.scan_tweets(), kind) for kind in coordination.NETWORK_TYPES
    }
    return {**built, "combined": coordination.combine(list(built.values()))}


@pytest.fixture(scope="module")
def found(networks) -> dict[str, list[list[str]]]:
    return {
        name: coordination.member_lists(coordination.communities(n.edges)) for name, n in networks.items()
    }


def jaccard(a: list[str], b: list[str]) -> float:
    return len(set(a) & set(b)) / len(set(a) | set(b))


def planted_accounts(truth: dict) -> set[str]:
    return {account for kind in PLANTED for group in truth[kind] for account in group}


# --- Recovery of the planted groups ------------------------------------------------------------------


def test_truth_plants_several_groups_of_each_kind(truth, small_dataset):
    users = pl.read_csv(small_dataset[0] / USERS_FILE, infer_schema=False)["userid"]
    for kind in PLANTED:
        assert len(truth[kind]) >= 3, kind
        for group in truth[kind]:
            assert len(group) >= 4 and group == sorted(group) and set(group) <= set(users)
        assert truth["events_planted"][kind] == len(truth[kind]) * truth["params"]["events_per_group"]


@pytest.mark.parametrize("kind", PLANTED)
def test_every_planted_group_is_recovered_by_a_community(kind, truth, found):
    for group in truth[kind]:
        best = max((jaccard(group, community) for community in found[kind]), default=0.0)
        assert best >= MATCH, (kind, group)


@pytest.mark.parametrize("name", [*coordination.NETWORK_TYPES, "combined"])
def test_no_community_is_made_of_background_accounts_only(name, truth, found):
    planted = planted_accounts(truth)
    assert all(set(community) & planted for community in found[name]), name


def test_background_co_activity_exists_and_the_parameters_remove_it(ingested, truth):
    """Incidental bursts link background accounts once (weight 1); spread-out groups only over hours."""
    tweets, planted = ingested.scan_tweets(), list(planted_accounts(truth))
    for kind in ("co_retweet", "co_tweet"):
        loose = coordination.build_network(tweets, kind, min_weight=1).edges
        background = loose.filter(~pl.col("source").is_in(planted) & ~pl.col("target").is_in(planted))
        assert background.height > 0 and background["weight"].max() == 1, kind
        spread = truth["spread_out"][kind]
        day_long = coordination.build_network(tweets, kind, window_seconds=86_400).edges
        recovered = coordination.member_lists(coordination.communities(day_long))
        for group in spread:
            assert max(jaccard(group, c) for c in recovered) >= MATCH, (kind, group)
            in_group = pl.col("source").is_in(group) & pl.col("target").is_in(group)
            assert coordination.build_network(tweets, kind).edges.filter(in_group).is_empty()


def test_communities_are_deterministic(networks):
    edges = networks["combined"].edges
    first = coordination.communities(edges)
    assert first.equals(coordination.communities(edges))
    assert first.equals(coordination.communities(edges.sample(fraction=1.0, shuffle=True, seed=3)))


def test_evidence_backs_every_edge(networks):
    """An edge's weight is the number of its evidence rows (in the combined network, summed over networks)."""
    for name, network in networks.items():
        behind = network.evidence.group_by("source", "target").agg(
            items=pl.struct("network", "item").n_unique()
        )
        edges = network.edges.join(behind, on=["source", "target"], how="left")
        assert (edges["items"] == edges["weight"]).all(), name
        tweetids, texts = network.evidence["tweetids"].list.len(), network.evidence["texts"].list.len()
        assert (tweetids >= 2).all() and (tweetids == texts).all(), name


# --- The rules, on hand-made tweets --------------------------------------------------------------------


def tweets(*rows: dict) -> pl.LazyFrame:
    """Tweets with the columns coordination reads; a row gives userid, ms (after START) and what it used."""
    return pl.LazyFrame(
        {
            "userid": [row["userid"] for row in rows],
            "tweetid": [row.get("tweetid", 1000 + i) for i, row in enumerate(rows)],
            TWEET_TIMESTAMP: [START + timedelta(milliseconds=row.get("ms", 0)) for row in rows],
            "tweet_text": [row.get("text", f"tweet {i}") for i, row in enumerate(rows)],
            "retweet_tweetid": [row.get("retweet") for row in rows],
            "in_reply_to_tweetid": [row.get("reply") for row in rows],
            "hashtags": [row.get("hashtags", []) for row in rows],
            "urls": [row.get("urls", []) for row in rows],
        },
        schema_overrides={
            TWEET_TIMESTAMP: pl.Datetime("ms", "UTC"),
            "retweet_tweetid": pl.Int64,
            "in_reply_to_tweetid": pl.Int64,
            "hashtags": pl.List(pl.String),
            "urls": pl.List(pl.String),
        },
    )


def edge_set(network: coordination.CoordinationNetwork) -> set[tuple[str, str, int]]:
    return set(network.edges.iter_rows())


@pytest.mark.parametrize(
    ("gap_ms", "linked"), [(60_000, True), (60_001, False), (-60_000, True), (-60_001, False)]
)
def test_the_window_includes_its_boundary_to_the_millisecond(gap_ms, linked):
    frame = tweets(
        {"userid": "a", "retweet": 7, "ms": 100_000}, {"userid": "b", "retweet": 7, "ms": 100_000 + gap_ms}
    )
    network = coordination.build_network(frame, "co_retweet", window_seconds=60, min_weight=1)
    assert edge_set(network) == ({("a", "b", 1)} if linked else set())


def test_min_weight_counts_distinct_items():
    frame = tweets(
        {"userid": "a", "retweet": 1},
        {"userid": "b", "retweet": 1, "ms": 10},
        {"userid": "a", "retweet": 2, "ms": 5_000},
        {"userid": "b", "retweet": 2, "ms": 5_010},
        {"userid": "c", "retweet": 2, "ms": 5_020},
    )
    assert edge_set(coordination.build_network(frame, "co_retweet", min_weight=2)) == {("a", "b", 2)}
    assert edge_set(coordination.build_network(frame, "co_retweet", min_weight=1)) == {
        ("a", "b", 2),
        ("a", "c", 1),
        ("b", "c", 1),
    }


def test_an_item_shared_many_times_counts_once_and_keeps_all_its_tweets():
    frame = tweets(
        *({"userid": "a", "hashtags": ["HK", "hk"], "ms": 100 * i, "tweetid": 10 + i} for i in range(3)),
        *({"userid": "b", "hashtags": ["ＨＫ"], "ms": 100 * i + 50, "tweetid": 20 + i} for i in range(2)),
    )
    network = coordination.build_network(frame, "co_hashtag", min_weight=1)
    assert edge_set(network) == {("a", "b", 1)}
    evidence = network.evidence.row(0, named=True)
    assert evidence["item"] == "#hk" and evidence["tweetids"] == [10, 11, 12, 20, 21]
    assert evidence["texts"] == ["tweet 0", "tweet 1", "tweet 2", "tweet 3", "tweet 4"]
    assert evidence["first"] == START and evidence["last"] == START + timedelta(milliseconds=200)


def test_edges_run_from_the_smaller_userid_and_never_loop():
    frame = tweets(
        {"userid": "zed", "retweet": 1},
        {"userid": "zed", "retweet": 1, "ms": 1},
        {"userid": "amy", "retweet": 1, "ms": 2},
        {"userid": "mia", "retweet": 1, "ms": 3},
    )
    edges = coordination.build_network(frame, "co_retweet", min_weight=1).edges
    assert (edges["source"] < edges["target"]).all()
    assert edge_set(coordination.build_network(frame, "co_retweet", min_weight=1)) == {
        ("amy", "mia", 1),
        ("amy", "zed", 1),
        ("mia", "zed", 1),
    }


def test_the_pair_cap_bounds_each_use():
    uses = pl.DataFrame({"userid": list("abcde"), "tweetid": range(5), "time": [0] * 5, "item": ["x"] * 5})
    assert co_occurrences(uses, 1_000).height == 10
    assert co_occurrences(uses, 1_000, cap=2).height == 2 + 2 + 2 + 1  # the last uses have fewer after them


@pytest.mark.parametrize(
    ("network_type", "used"),
    [
        ("co_tweet", {"text": "Same words https://t.co/abc @x"}),
        ("co_link", {"urls": ["https://example.org/a"]}),
        ("co_reply", {"reply": 99}),
    ],
)
def test_each_type_links_by_its_item_and_ignores_retweets(network_type, used):
    frame = tweets(
        {"userid": "a", **used},
        {"userid": "b", **used, "ms": 10},
        {"userid": "c", **used, "retweet": 5, "ms": 20},  # a retweet repeats; co_retweet covers it
    )
    assert edge_set(coordination.build_network(frame, network_type, min_weight=1)) == {("a", "b", 1)}


def test_copy_paste_text_normalisation_default_and_toolkit():
    frame = tweets(
        {"userid": "a", "text": "Stop the  VIOLENCE @someone https://t.co/one"},
        {"userid": "b", "text": "stop the violence https://t.co/two", "ms": 10},
        {"userid": "c", "text": "@other Stop the violence https://t.co/one", "ms": 20},
    )
    default = coordination.build_network(frame, "co_tweet", min_weight=1)
    assert edge_set(default) == {("a", "b", 1), ("a", "c", 1), ("b", "c", 1)}
    toolkit = coordination.build_network(frame, "co_tweet", min_weight=1, text_mode="toolkit")
    assert edge_set(toolkit) == {("a", "c", 1)}  # links are kept: only identical ones match


CHINESE = "香港暴徒破坏社会秩序，必须依法严惩。止暴制乱是香港当前最紧迫的任务，支持香港警察严正执法！"


@pytest.mark.parametrize(
    "variant",
    [
        CHINESE.replace("必须", "必需"),  # one character
        CHINESE.replace("严惩", "严办").replace("最紧迫", "最紧要"),  # two
        CHINESE + "🇨🇳",
    ],
    ids=["one character", "two characters", "an emoji"],
)
def test_chinese_near_duplicates_are_grouped(variant):
    labels = group_labels(pl.Series([CHINESE, variant]), NearDuplicateSettings())
    assert labels["label"].n_unique() == 1


def test_unrelated_texts_are_not_near_duplicates():
    texts = [
        CHINESE,
        "中国抗击新冠肺炎疫情取得积极成效。病毒没有国界，团结合作才能战胜疫情。",
        "香港暴徒破坏社会秩序，必须依法严惩。中国为世界抗疫争取了宝贵时间。",  # shares one sentence
        "Rioters in Hong Kong are destroying the city's rule of law. Support the police.",
    ]
    labels = group_labels(pl.Series(texts), NearDuplicateSettings())
    assert labels["label"].n_unique() == len(texts)


def test_near_duplicate_network_links_paraphrases_within_the_window():
    frame = tweets(
        {"userid": "a", "text": CHINESE},
        {"userid": "b", "text": CHINESE.replace("必须", "必需"), "ms": 30_000},
        {"userid": "c", "text": CHINESE + "！", "ms": 200_000},
    )
    network = coordination.build_network(frame, "near_duplicate", window_seconds=60, min_weight=1)
    assert edge_set(network) == {("a", "b", 1)}
    # The item is the group's first text, normalised (NFKC: full-width punctuation becomes ASCII).
    assert network.evidence["item"][0] == unicodedata.normalize(
        "NFKC", min(CHINESE, CHINESE.replace("必须", "必需"))
    )


# --- Output files ----------------------------------------------------------------------------------


@pytest.fixture
def small_network() -> coordination.CoordinationNetwork:
    frame = tweets(
        {"userid": "a", "retweet": 1, "text": 'RT @s: say "hi", then\nbye'},
        {"userid": "b", "retweet": 1, "ms": 10, "text": "RT @s: <script>x</script>"},
        {"userid": "c", "retweet": 1, "ms": 20},
    )
    return coordination.build_network(frame, "co_retweet", min_weight=1)


def test_csv_edges_and_evidence_beside_them(small_network, tmp_path):
    path = tmp_path / "edges.csv"
    evidence = write_network(small_network, path)
    assert evidence == evidence_path(path) == tmp_path / "edges.evidence.csv"
    edges = pl.read_csv(path, infer_schema=False)
    assert edges.columns == ["source", "target", "weight"]
    assert set(edges.iter_rows()) == {("a", "b", "1"), ("a", "c", "1"), ("b", "c", "1")}
    rows = pl.read_csv(evidence, infer_schema=False)
    assert rows.columns[:6] == ["source", "target", "network", "item", "tweetids", "texts"]
    first = rows.row(0, named=True)
    assert (first["source"], first["target"], first["item"], first["tweetids"]) == (
        "a",
        "b",
        "1",
        "1000 1001",
    )
    assert json.loads(first["texts"]) == ['RT @s: say "hi", then\nbye', "RT @s: <script>x</script>"]


def test_graphml_for_gephi(small_network, tmp_path):
    path = tmp_path / "net.graphml"
    membership = coordination.communities(small_network.edges)
    write_network(small_network, path, membership)
    graph = igraph.Graph.Read_GraphML(str(path))
    names = graph.vs["name"]
    assert sorted((names[e.source], names[e.target], e["weight"]) for e in graph.es) == [
        ("a", "b", 1.0),
        ("a", "c", 1.0),
        ("b", "c", 1.0),
    ]
    assert graph.vs["label"] == names and set(graph.vs["community"]) == {1.0}
    assert (tmp_path / "net.evidence.csv").exists()


def test_network_command_writes_edges_and_evidence(small_params, tmp_path, monkeypatch):
    monkeypatch.setenv("IOREPORT_DATA_DIR", str(tmp_path / "data"))
    out = tmp_path / "co_retweet.csv"
    result = CliRunner().invoke(
        cli.app,
        [
            "network",
            str(small_params),
            "--type",
            "co_retweet",
            "--window",
            "60",
            "--min-weight",
            "2",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    edges = pl.read_csv(out, schema_overrides={"source": pl.String, "target": pl.String})
    assert edges.height > 0 and (edges["source"] < edges["target"]).all() and (edges["weight"] >= 2).all()
    assert pl.read_csv(tmp_path / "co_retweet.evidence.csv").height >= edges.height
    bad = CliRunner().invoke(
        cli.app, ["network", str(small_params), "--type", "co_nothing", "--out", str(out)]
    )
    assert bad.exit_code == 2 and "co_nothing" in bad.output


# --- The notebook --------------------------------------------------------------------------------


def test_notebook_runs_and_records_the_planted_groups(small_params, truth, tmp_path, monkeypatch):
    monkeypatch.setenv("IOREPORT_DATA_DIR", str(tmp_path / "data"))
    run_dir = tmp_path / "run"
    execute_section("coordination", small_params, run_dir, tmp_path / "executed.ipynb")
    recorded = json.loads((run_dir / "findings" / "coordination.json").read_text())
    for kind in PLANTED:
        entry = recorded[kind]
        assert {"window_seconds", "min_weight", "edges", "accounts", "communities"} <= set(entry)
        sizes = [len(c) for c in entry["communities"]]
        assert sizes == sorted(sizes, reverse=True) and all(c == sorted(c) for c in entry["communities"])
        for group in truth[kind]:
            assert max(jaccard(group, c) for c in entry["communities"]) >= MATCH
    for name in ("network", "cluster-sizes", "amplification"):
        assert (run_dir / "figures" / f"coordination-{name}.png").stat().st_size > 10_000
    tables = {path.name for path in Path(run_dir / "tables").glob("*.csv")}
    assert {f"coordination-{name}.csv" for name in ("networks", "clusters", "evidence")} <= tables
    executed = (tmp_path / "executed.ipynb").read_text()
    assert "<script>" not in executed.replace("&lt;script&gt;", "")
