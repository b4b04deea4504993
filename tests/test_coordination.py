"""Coordination networks: planted groups recovered, and chance structure not taken for coordination.

Recovery is measured against the generator's truth.json (`coordination`), never against this module's own
earlier output: on the small PRC-like archive, on `organic` (no operation at all: viral retweet bursts,
stock phrases, trending hashtags and coincidences, which must make no community) and on `noisy` (planted
groups buried in that chance structure, which must be found, and nothing else). The rules, and the chance
model, on hand-made tweets.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import igraph
import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from ioreport import cli
from ioreport.analysis import coordination
from ioreport.analysis.coordination import section, tables
from ioreport.analysis.coordination.export import evidence_path, write_network
from ioreport.analysis.coordination.near_duplicates import NearDuplicateSettings, group_labels
from ioreport.analysis.coordination.pairs import SortedUses, co_occurring_rows
from ioreport.archive.ingest import ingest
from ioreport.archive.schema import TWEET_TIMESTAMP
from ioreport.config.coordination import CoordinationSettings
from ioreport.synthetic.generate import TWEETS_FILE, USERS_FILE, generate
from tests.conftest import execute_section

PLANTED = ("co_retweet", "co_tweet", "near_duplicate", "co_hashtag")
MATCH = 0.9  # Jaccard similarity of a planted group and the community that recovers it
START = datetime(2020, 3, 2, 4, tzinfo=UTC)
SETTINGS = CoordinationSettings().model_dump(mode="json")
EVERYTHING = {"chance_threshold": 1.0}  # keeps every edge at the window and weight: the rules alone
CHANCE_SCALE = 1.0  # of the organic and noisy presets: 40,000 and 60,000 tweets
MAX_ORGANIC_SHARE = 0.01  # of tweeting accounts in coordinated communities, with no operation at all


def jaccard(a: list[str], b: list[str]) -> float:
    return len(set(a) & set(b)) / len(set(a) | set(b))


def planted_groups(truth: dict) -> list[list[str]]:
    return [group for kind in PLANTED for group in truth[kind]]


def planted_accounts(truth: dict) -> set[str]:
    return {account for group in planted_groups(truth) for account in group}


def recovered(groups: list[list[str]], found: list[list[str]]) -> int:
    """How many of `groups` a community of `found` matches (Jaccard at least MATCH)."""
    return sum(
        max((jaccard(group, community) for community in found), default=0.0) >= MATCH for group in groups
    )


def tweeting_accounts(tweets: pl.LazyFrame) -> int:
    return tweets.select(pl.col("userid").n_unique()).collect().item()


# --- The small PRC-like archive -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ingested(small_ingested):
    return small_ingested


@pytest.fixture(scope="module")
def truth(small_dataset) -> dict:
    return small_dataset[1]["coordination"]


@pytest.fixture(scope="module")
def analysed(ingested) -> section.Coordination:
    return section.analyse(ingested.scan_tweets(), SETTINGS)


@pytest.fixture(scope="module")
def found(analysed) -> dict[str, list[list[str]]]:
    return {name: coordination.member_lists(m) for name, m in analysed.memberships.items()}


def test_truth_plants_several_groups_of_each_kind(truth, small_dataset):
    users = pl.read_csv(small_dataset[0] / USERS_FILE, infer_schema=False)["userid"]
    for kind in PLANTED:
        assert len(truth[kind]) >= 3, kind
        for group in truth[kind]:
            assert len(group) >= 4 and group == sorted(group) and set(group) <= set(users)
        assert truth["events_planted"][kind] == len(truth[kind]) * truth["params"]["events_per_group"]


@pytest.mark.parametrize("kind", PLANTED)
def test_every_planted_group_is_recovered_by_a_community(kind, truth, found):
    assert recovered(truth[kind], found[kind]) == len(truth[kind]), kind


def test_the_combined_communities_are_the_planted_groups(truth, found):
    groups, communities = planted_groups(truth), found["combined"]
    assert recovered(groups, communities) == len(groups)
    assert recovered(communities, groups) == len(communities)


@pytest.mark.parametrize("name", [*coordination.NETWORK_TYPES, "combined"])
def test_no_community_is_made_of_background_accounts_only(name, truth, found):
    planted = planted_accounts(truth)
    assert all(set(community) & planted for community in found[name]), name


def test_the_claim_holds_where_groups_were_planted(analysed, truth):
    claim = analysed.claims["coordination"]
    assert claim.holds is True
    assert claim.evidence["communities"] == len(planted_groups(truth))
    assert claim.evidence["accounts_in_communities"] == len(planted_accounts(truth))
    assert 0 <= claim.evidence["weakest_community_chance"] <= SETTINGS["co_tweet"]["chance_threshold"]


def test_background_co_activity_exists_and_the_parameters_remove_it(ingested, truth):
    """Incidental bursts link background accounts, and chance no more; spread-out groups repeat each other
    only over hours, which a day-long window links."""
    tweets, planted = ingested.scan_tweets(), list(planted_accounts(truth))
    background = ~pl.col("source").is_in(planted) & ~pl.col("target").is_in(planted)
    for kind in ("co_retweet", "co_tweet"):
        loose = coordination.build_network(tweets, kind, min_weight=1, **EVERYTHING).edges
        assert loose.filter(background).height > 0, kind
        assert coordination.build_network(tweets, kind).edges.filter(background).is_empty(), kind
        day_long = coordination.build_network(tweets, kind, window_seconds=86_400).edges
        recovered_by_day = coordination.member_lists(coordination.communities(day_long))
        spread = truth["spread_out"][kind]
        assert recovered(spread, recovered_by_day) == len(spread), kind
        for group in spread:
            in_group = pl.col("source").is_in(group) & pl.col("target").is_in(group)
            assert coordination.build_network(tweets, kind).edges.filter(in_group).is_empty()


def test_same_data_and_parameters_same_edges_and_communities(ingested, analysed):
    tweets = ingested.scan_tweets()
    for kind in coordination.NETWORK_TYPES:
        again = coordination.build_network(tweets, kind)
        assert again.candidate_edges.equals(analysed.networks[kind].candidate_edges), kind
    shuffled = tweets.collect().sample(fraction=1.0, shuffle=True, seed=3).lazy()
    assert coordination.build_network(shuffled, "co_hashtag").edges.equals(
        analysed.networks["co_hashtag"].edges
    )
    edges = analysed.combined.edges
    first = coordination.communities(edges)
    assert first.equals(coordination.communities(edges.sample(fraction=1.0, shuffle=True, seed=3)))


def test_evidence_backs_every_edge_with_its_chance(analysed):
    """An edge's weight is the number of its evidence rows (in the combined network, summed over networks),
    and every row carries the edge's chance."""
    for name, network in analysed.networks.items():
        behind = network.evidence.group_by("source", "target").agg(
            items=pl.struct("network", "item").n_unique(), chance=pl.col("chance").min()
        )
        edges = network.edges.join(behind, on=["source", "target"], how="left")
        assert (edges["items"] == edges["weight"]).all(), name
        assert (edges["chance"] == edges["chance_right"]).all(), name
        tweetids, texts = network.evidence["tweetids"].list.len(), network.evidence["texts"].list.len()
        assert (tweetids >= 2).all() and (tweetids == texts).all(), name


def test_findings_carry_the_chance_of_every_network_and_community(analysed):
    found = analysed.findings
    for kind in coordination.NETWORK_TYPES:
        entry = getattr(found, kind)
        assert entry.chance_threshold == SETTINGS[kind]["chance_threshold"]
        assert entry.window_seconds == SETTINGS[kind]["window_seconds"]
        assert entry.candidate_edges >= entry.edges
        assert len(entry.community_chance) == len(entry.communities)
        assert all(0 <= chance <= entry.chance_threshold for chance in entry.community_chance)
    assert len(found.combined.community_chance) == len(found.combined.communities)


# --- Networks that can embarrass the method --------------------------------------------------------------


def synthetic(tmp_path_factory, network: str) -> tuple[pl.LazyFrame, dict]:
    out = tmp_path_factory.mktemp(network)
    truth = generate(out, scale=CHANCE_SCALE, network=network)
    return ingest([out / TWEETS_FILE], out / USERS_FILE).scan_tweets(), truth


@pytest.fixture(scope="module")
def organic(tmp_path_factory) -> tuple[pl.LazyFrame, section.Coordination]:
    tweets, _ = synthetic(tmp_path_factory, "organic")
    return tweets, section.analyse(tweets, SETTINGS)


@pytest.fixture(scope="module")
def noisy(tmp_path_factory) -> tuple[pl.LazyFrame, dict, section.Coordination]:
    tweets, truth = synthetic(tmp_path_factory, "noisy")
    return tweets, truth, section.analyse(tweets, SETTINGS)


def test_organic_chance_structure_is_there_to_be_mistaken(organic):
    """Viral bursts, stock phrases and trending hashtags make candidate edges: chance alone links pairs
    on several items."""
    _, analysed = organic
    for kind in ("co_retweet", "co_hashtag", "near_duplicate"):
        assert analysed.networks[kind].candidate_edges.height > 10, kind


@pytest.mark.parametrize("name", [*coordination.NETWORK_TYPES, "combined"])
def test_organic_makes_no_coordinated_communities(name, organic):
    tweets, analysed = organic
    in_communities = analysed.memberships[name].height
    assert in_communities <= MAX_ORGANIC_SHARE * tweeting_accounts(tweets), name


def test_organic_coordination_claim_is_false(organic):
    claim = organic[1].claims["coordination"]
    assert claim.holds is False and claim.evidence["communities"] == 0


def test_noisy_planted_groups_are_recovered_with_precision_and_recall(noisy):
    _, truth, analysed = noisy
    groups = planted_groups(truth["coordination"])
    communities = coordination.member_lists(analysed.memberships["combined"])
    recall, precision = (
        recovered(groups, communities) / len(groups),
        recovered(communities, groups) / len(communities),
    )
    assert recall >= MATCH and precision >= MATCH, (recall, precision)
    for kind in PLANTED:
        planted = truth["coordination"][kind]
        assert recovered(planted, coordination.member_lists(analysed.memberships[kind])) >= MATCH * len(
            planted
        )


@pytest.mark.parametrize("name", [*coordination.NETWORK_TYPES, "combined"])
def test_noisy_no_community_is_made_only_of_chance_pairs(name, noisy):
    """Every community holds at least one edge between members of one planted group."""
    _, truth, analysed = noisy
    group_of = {
        account: i for i, group in enumerate(planted_groups(truth["coordination"])) for account in group
    }
    inside = coordination.within_communities(analysed.networks[name].edges, analysed.memberships[name])
    planted_pair = [
        group_of.get(source, -1) == group_of.get(target, -2)
        for source, target in inside.select("source", "target").rows()
    ]
    with_planted_pair = set(inside.filter(pl.Series(planted_pair, dtype=pl.Boolean))["community"])
    assert with_planted_pair == set(analysed.memberships[name]["community"]), name


def test_noisy_coordination_claim_holds(noisy):
    _, truth, analysed = noisy
    claim = analysed.claims["coordination"]
    assert claim.holds is True
    assert claim.evidence["communities"] >= MATCH * len(planted_groups(truth["coordination"]))


# --- The chance model, on a hand-made world --------------------------------------------------------------


def hand_made_world(seed: int = 11) -> tuple[pl.LazyFrame, list[str]]:
    """300 accounts over 20 days: routine tweets, 4 viral retweet bursts, 8 stock phrases said every
    morning between 7 and 8, a trending hour with 3 hashtags, and one planted group of 5 that posts each
    stock phrase within two minutes of each other, one a morning. Returns the tweets and the group."""
    rng = np.random.default_rng(seed)
    accounts = [f"u{i:03d}" for i in range(300)]
    day, hour, rows = 86_400_000, 3_600_000, []

    def add(account: int, ms: float, **what) -> None:
        rows.append({"userid": accounts[account], "ms": int(ms), **what})

    for i in range(6_000):  # routine: each its own text
        add(rng.integers(300), rng.integers(20 * day), text=f"my own thoughts number {i}")
    for burst in range(4):  # viral: 60 accounts retweet within a few minutes of the post
        posted = rng.integers(20 * day)
        for account in rng.choice(300, 60, replace=False):
            add(account, posted + rng.exponential(60_000), retweet=900 + burst)
    phrases = [
        f"{greeting}, everyone"
        for greeting in ("Good morning", "Hello", "Hi", "Hey", "Morning", "Howdy", "Greetings", "Cheers")
    ]
    for morning in range(20):
        for phrase in phrases:
            for account in rng.choice(300, 20, replace=False):
                add(account, morning * day + 7 * hour + rng.integers(hour), text=phrase)
    trending = 5 * day + 20 * hour  # one hour, everyone with the same hashtags
    for account in rng.choice(300, 150):
        add(account, trending + rng.integers(hour), text="what a final", hashtags=["Final", "Cup", "Goal"])
    group = rng.choice(300, 5, replace=False)
    for event, phrase in enumerate(phrases):
        start = (2 + 2 * event) * day + 7 * hour + 30 * 60_000
        for account in group:
            add(account, start + rng.integers(120_000), text=phrase)
    return tweets(*rows), sorted(accounts[a] for a in group)


@pytest.fixture(scope="module")
def world() -> tuple[pl.LazyFrame, list[str]]:
    return hand_made_world()


def test_chance_structure_makes_candidates_but_no_edges(world):
    frame, _ = world
    for kind in ("co_retweet", "co_hashtag"):
        network = coordination.build_network(frame, kind)
        assert network.candidate_edges.height > 0 and network.edges.is_empty(), kind
        assert (network.candidate_edges["chance"] > SETTINGS[kind]["chance_threshold"]).all(), kind


def test_a_group_repeating_common_phrases_together_is_beyond_chance(world):
    frame, group = world
    network = coordination.build_network(frame, "co_tweet")
    assert coordination.member_lists(coordination.communities(network.edges)) == [group]
    # The stock phrases alone link other pairs, by chance, on fewer mornings.
    assert network.candidate_edges.height > network.edges.height


def test_the_chance_of_an_edge_falls_with_each_repetition(world):
    frame, group = world
    pair = pl.col("source").is_in(group) & pl.col("target").is_in(group)
    fewer = frame.filter(
        ~pl.col("userid").is_in(group) | (pl.col(TWEET_TIMESTAMP) < START + timedelta(days=14))
    )
    chances = [
        coordination.build_network(data, "co_tweet", **EVERYTHING).edges.filter(pair)["chance"].max()
        for data in (fewer, frame)
    ]
    assert chances[1] < chances[0]


def test_the_threshold_decides_which_candidates_are_edges(world):
    frame, _ = world
    everything = coordination.build_network(frame, "co_retweet", **EVERYTHING)
    assert everything.edges.equals(everything.candidate_edges)
    threshold = everything.candidate_edges["chance"].median()
    strict = coordination.build_network(frame, "co_retweet", chance_threshold=threshold)
    assert strict.edges.equals(everything.candidate_edges.filter(pl.col("chance") <= threshold))


def test_too_few_tweets_leave_the_claim_undecided():
    frame = tweets(*({"userid": f"u{i % 5}", "text": "same words", "ms": 1_000 * i} for i in range(40)))
    claim = section.analyse(frame, SETTINGS).claims["coordination"]
    assert claim.holds is None and claim.evidence["judged_tweets"] == 40


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
            "retweet_userid": [None for _ in rows],
            "in_reply_to_tweetid": [row.get("reply") for row in rows],
            "hashtags": [row.get("hashtags", []) for row in rows],
            "urls": [row.get("urls", []) for row in rows],
        },
        schema_overrides={
            TWEET_TIMESTAMP: pl.Datetime("ms", "UTC"),
            "retweet_tweetid": pl.Int64,
            "retweet_userid": pl.String,
            "in_reply_to_tweetid": pl.Int64,
            "hashtags": pl.List(pl.String),
            "urls": pl.List(pl.String),
        },
    )


def edge_set(network: coordination.CoordinationNetwork) -> set[tuple[str, str, int]]:
    return set(network.edges.select("source", "target", "weight").iter_rows())


@pytest.mark.parametrize(
    ("gap_ms", "linked"), [(60_000, True), (60_001, False), (-60_000, True), (-60_001, False)]
)
def test_the_window_includes_its_boundary_to_the_millisecond(gap_ms, linked):
    frame = tweets(
        {"userid": "a", "retweet": 7, "ms": 100_000}, {"userid": "b", "retweet": 7, "ms": 100_000 + gap_ms}
    )
    network = coordination.build_network(frame, "co_retweet", window_seconds=60, min_weight=1, **EVERYTHING)
    assert edge_set(network) == ({("a", "b", 1)} if linked else set())


def test_min_weight_counts_distinct_items():
    frame = tweets(
        {"userid": "a", "retweet": 1},
        {"userid": "b", "retweet": 1, "ms": 10},
        {"userid": "a", "retweet": 2, "ms": 5_000},
        {"userid": "b", "retweet": 2, "ms": 5_010},
        {"userid": "c", "retweet": 2, "ms": 5_020},
    )
    assert edge_set(coordination.build_network(frame, "co_retweet", min_weight=2, **EVERYTHING)) == {
        ("a", "b", 2)
    }
    assert edge_set(coordination.build_network(frame, "co_retweet", min_weight=1, **EVERYTHING)) == {
        ("a", "b", 2),
        ("a", "c", 1),
        ("b", "c", 1),
    }


def test_an_item_shared_many_times_counts_once_and_keeps_all_its_tweets():
    frame = tweets(
        *({"userid": "a", "hashtags": ["HK", "hk"], "ms": 100 * i, "tweetid": 10 + i} for i in range(3)),
        *({"userid": "b", "hashtags": ["ＨＫ"], "ms": 100 * i + 50, "tweetid": 20 + i} for i in range(2)),
    )
    network = coordination.build_network(frame, "co_hashtag", min_weight=1, **EVERYTHING)
    assert edge_set(network) == {("a", "b", 1)}
    evidence = network.evidence.row(0, named=True)
    assert evidence["item"] == "#hk" and evidence["tweetids"] == [10, 11, 12, 20, 21]
    assert evidence["texts"] == ["tweet 0", "tweet 1", "tweet 2", "tweet 3", "tweet 4"]
    assert evidence["first"] == START and evidence["last"] == START + timedelta(milliseconds=200)
    assert evidence["chance"] == network.edges["chance"][0]


def test_edges_run_from_the_smaller_userid_and_never_loop():
    frame = tweets(
        {"userid": "zed", "retweet": 1},
        {"userid": "zed", "retweet": 1, "ms": 1},
        {"userid": "amy", "retweet": 1, "ms": 2},
        {"userid": "mia", "retweet": 1, "ms": 3},
    )
    network = coordination.build_network(frame, "co_retweet", min_weight=1, **EVERYTHING)
    assert (network.edges["source"] < network.edges["target"]).all()
    assert edge_set(network) == {("amy", "mia", 1), ("amy", "zed", 1), ("mia", "zed", 1)}


def test_the_pair_cap_bounds_each_use():
    uses = SortedUses.of(
        pl.DataFrame(
            {
                "account": np.arange(5, dtype=np.uint32),
                "tweetid": range(5),
                "time": [0] * 5,
                "item": ["x"] * 5,
            }
        )
    )

    def pairs(**cap: int) -> int:
        return sum(len(left) for left, _ in co_occurring_rows(uses, 1_000, **cap))

    assert pairs() == 10
    assert pairs(cap=2) == 2 + 2 + 2 + 1  # the last uses have fewer after them


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
    network = coordination.build_network(frame, network_type, min_weight=1, **EVERYTHING)
    assert edge_set(network) == {("a", "b", 1)}


def test_copy_paste_text_normalisation_default_and_toolkit():
    frame = tweets(
        {"userid": "a", "text": "Stop the  VIOLENCE @someone https://t.co/one"},
        {"userid": "b", "text": "stop the violence https://t.co/two", "ms": 10},
        {"userid": "c", "text": "@other Stop the violence https://t.co/one", "ms": 20},
    )
    default = coordination.build_network(frame, "co_tweet", min_weight=1, **EVERYTHING)
    assert edge_set(default) == {("a", "b", 1), ("a", "c", 1), ("b", "c", 1)}
    toolkit = coordination.build_network(frame, "co_tweet", min_weight=1, text_mode="toolkit", **EVERYTHING)
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


def test_near_duplicate_groups_are_chains_of_near_duplicates_in_any_order():
    """A chain of small edits is one group, labelled by its first text, whatever order the texts come in."""
    chain = [
        CHINESE,
        CHINESE.replace("必须", "必需"),
        CHINESE.replace("必须", "必需").replace("严惩", "严办"),
    ]
    shuffled = pl.Series([*reversed(chain), "something else entirely, not a copy"])
    labels = group_labels(shuffled, NearDuplicateSettings())
    assert set(labels.filter(pl.col("text").is_in(chain))["label"]) == {min(chain)}


def test_near_duplicate_network_links_paraphrases_within_the_window():
    frame = tweets(
        {"userid": "a", "text": CHINESE},
        {"userid": "b", "text": CHINESE.replace("必须", "必需"), "ms": 30_000},
        {"userid": "c", "text": CHINESE + "！", "ms": 200_000},
    )
    network = coordination.build_network(frame, "near_duplicate", min_weight=1, **EVERYTHING)
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
    return coordination.build_network(frame, "co_retweet", min_weight=1, **EVERYTHING)


def test_csv_edges_and_evidence_beside_them(small_network, tmp_path):
    path = tmp_path / "edges.csv"
    evidence = write_network(small_network, path)
    assert evidence == evidence_path(path) == tmp_path / "edges.evidence.csv"
    edges = pl.read_csv(path, infer_schema=False)
    assert edges.columns == ["source", "target", "weight", "chance"]
    assert {row[:3] for row in edges.iter_rows()} == {("a", "b", "1"), ("a", "c", "1"), ("b", "c", "1")}
    assert edges["chance"].cast(pl.Float64).is_between(0, 1).all()
    rows = pl.read_csv(evidence, infer_schema=False)
    assert rows.columns[:6] == ["source", "target", "network", "item", "tweetids", "texts"]
    assert "chance" in rows.columns
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
    assert all(0 <= chance <= 1 for chance in graph.es["chance"])
    assert graph.vs["label"] == names and set(graph.vs["community"]) == {1.0}
    assert (tmp_path / "net.evidence.csv").exists()


def test_network_command_writes_edges_with_their_chance_and_evidence(small_params, tmp_path, monkeypatch):
    monkeypatch.setenv("IOREPORT_DATA_DIR", str(tmp_path / "data"))
    out = tmp_path / "co_retweet.csv"

    def network(*options: str):
        return CliRunner().invoke(cli.app, ["network", str(small_params), "--out", str(out), *options])

    result = network("--type", "co_retweet", "--window", "60", "--min-weight", "2")
    assert result.exit_code == 0, result.output
    edges = pl.read_csv(out, schema_overrides={"source": pl.String, "target": pl.String})
    assert edges.height > 0 and (edges["source"] < edges["target"]).all() and (edges["weight"] >= 2).all()
    assert (edges["chance"] <= SETTINGS["co_retweet"]["chance_threshold"]).all()
    assert pl.read_csv(tmp_path / "co_retweet.evidence.csv").height >= edges.height
    # The chance threshold is the run's unless given: 1 keeps every candidate, chance structure included.
    kept = []
    for options in ((), ("--chance-threshold", "1")):
        assert network("--type", "co_hashtag", *options).exit_code == 0
        kept.append(pl.read_csv(out, schema_overrides={"source": pl.String, "target": pl.String}))
    assert kept[0]["chance"].max() <= SETTINGS["co_hashtag"]["chance_threshold"] < kept[1]["chance"].max()
    bad = network("--type", "co_nothing")
    assert bad.exit_code == 2 and "co_nothing" in bad.output


# --- The notebook --------------------------------------------------------------------------------


def test_notebook_runs_and_records_the_planted_groups(small_params, truth, tmp_path, monkeypatch):
    monkeypatch.setenv("IOREPORT_DATA_DIR", str(tmp_path / "data"))
    run_dir = tmp_path / "run"
    execute_section("coordination", small_params, run_dir, tmp_path / "executed.ipynb")
    recorded = json.loads((run_dir / "findings" / "coordination.json").read_text())
    found = recorded["findings"]
    for kind in PLANTED:
        entry = found[kind]
        assert {"window_seconds", "min_weight", "edges", "accounts", "communities"} <= set(entry)
        assert entry["chance_threshold"] == SETTINGS[kind]["chance_threshold"]
        assert len(entry["community_chance"]) == len(entry["communities"])
        sizes = [len(c) for c in entry["communities"]]
        assert sizes == sorted(sizes, reverse=True) and all(c == sorted(c) for c in entry["communities"])
        assert recovered(truth[kind], entry["communities"]) == len(truth[kind])
    assert recorded["claims"]["coordination"]["holds"] is True
    for name in ("network", "cluster-sizes", "amplification"):
        assert (run_dir / "figures" / f"coordination-{name}.png").stat().st_size > 10_000
    tables_written = {path.name for path in Path(run_dir / "tables").glob("*.csv")}
    assert {f"coordination-{name}.csv" for name in ("networks", "clusters", "evidence")} <= tables_written
    clusters = pl.read_csv(run_dir / "tables" / "coordination-clusters.csv")
    assert clusters["chance"].max() <= SETTINGS["co_tweet"]["chance_threshold"]
    executed = (tmp_path / "executed.ipynb").read_text()
    assert "<script>" not in executed.replace("&lt;script&gt;", "")


def test_the_settings_have_a_default_for_every_network():
    assert set(SETTINGS) == set(coordination.NETWORK_TYPES)
    assert tables.MIN_COMMUNITY_ACCOUNTS >= 3
