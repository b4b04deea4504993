"""Narratives: planted topics, peaks and hashtags recovered from the synthetic archive; the lexicon rules.

Recovery is measured against the generator's truth.json, never against this
module's own earlier output.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from ioreport.analysis import narratives
from ioreport.analysis.text import normalise
from ioreport.archive.ingest import ingest
from ioreport.archive.schema import TWEET_TIMESTAMP
from ioreport.config.lexicon import load_lexicon
from ioreport.config.paths import PARAMS_DIR
from ioreport.errors import InputError
from tests.conftest import execute_section

PRC_LEXICON = PARAMS_DIR / "topics_prc.yaml"
TIMEZONE = "Asia/Shanghai"  # the synthetic PRC network's office clock, in which the truth's weeks are counted
# One phrase of a big topic's simplified-Chinese pool missed or mis-tagged moves its share by about 0.02
# (share x script weight x 2 phrases per tweet / pool size); tagging is otherwise exact, so 0.01 catches it.
SHARE_TOLERANCE = 0.01
# Hashtag counts: ingest keeps every planted tweet, so counts agree but for the odd planted faulty row.
HASHTAG_COUNT_TOLERANCE = 0.01


@pytest.fixture(scope="module")
def ingested(small_ingested):
    return small_ingested


@pytest.fixture(scope="module")
def truth(small_dataset) -> dict:
    return small_dataset[1]["narratives"]


@pytest.fixture(scope="module")
def tagged(ingested) -> pl.DataFrame:
    return narratives.tag_topics(ingested.scan_tweets(), load_lexicon(PRC_LEXICON))


def tweets_frame(texts: list[str], hashtags: list[list[str]] | None = None, **columns) -> pl.LazyFrame:
    """A few tweets with the columns the narratives functions read."""
    n = len(texts)
    start = datetime(2020, 3, 2, 4, tzinfo=UTC)
    return pl.LazyFrame(
        {
            "tweetid": list(range(1, n + 1)),
            "userid": columns.pop("userid", [f"u{i % 3}" for i in range(n)]),
            "user_screen_name": [f"name{i % 3}" for i in range(n)],
            TWEET_TIMESTAMP: columns.pop("times", [start + timedelta(hours=i) for i in range(n)]),
            "tweet_text": texts,
            "hashtags": hashtags if hashtags is not None else [[] for _ in range(n)],
            "is_retweet": columns.pop("is_retweet", [False] * n),
            "user_mentions": columns.pop("user_mentions", [[] for _ in range(n)]),
            "urls": columns.pop("urls", [[] for _ in range(n)]),
        },
        schema_overrides={
            TWEET_TIMESTAMP: pl.Datetime("ms", "UTC"),
            **{name: pl.List(pl.String) for name in ("hashtags", "user_mentions", "urls")},
        },
    )


def flags(texts: list[str], entries: list[str], hashtags: list[list[str]] | None = None) -> list[bool]:
    """Whether each text carries the one topic made of `entries`."""
    return narratives.tag_topics(tweets_frame(texts, hashtags), {"topic": entries})["topic"].to_list()


# --- Recovery of the planted narratives -------------------------------------------------------------


def test_topic_shares_match_the_planted_shares(tagged, truth):
    found = narratives.topic_shares(tagged)
    assert set(found["topic_shares"]) == set(truth["topic_shares"])
    for topic, planted in truth["topic_shares"].items():
        assert found["topic_shares"][topic] == pytest.approx(planted, abs=SHARE_TOLERANCE), topic
    assert found["untagged_share"] == pytest.approx(truth["untagged_share"], abs=SHARE_TOLERANCE)


def test_planted_topics_do_not_overlap(tagged):
    """The generator gives each tweet one topic: any off-diagonal count is a keyword reaching too far."""
    overlap = narratives.topic_overlap(tagged)
    topics = overlap["topic"].to_list()
    for row in overlap.iter_rows(named=True):
        assert all(row[other] == 0 for other in topics if other != row["topic"]), row
        assert row[row["topic"]] == tagged[row["topic"]].sum()


def test_peak_weeks_match_the_planted_peaks(tagged, truth):
    peaks = narratives.peak_weeks(narratives.topic_over_time(tagged, TIMEZONE))
    covid = date.fromisoformat(peaks["covid19"])
    assert abs(covid - date.fromisoformat(truth["topic_peak_week"]["covid19"])) <= timedelta(weeks=1)
    assert date(2020, 3, 16) <= covid <= date(2020, 3, 30), "COVID-19 peaks in late March 2020"
    hong_kong = date.fromisoformat(peaks["hong_kong"])
    assert abs(hong_kong - date.fromisoformat(truth["topic_peak_week"]["hong_kong"])) <= timedelta(weeks=1)
    assert all(date.fromisoformat(week).weekday() == 0 for week in peaks.values()), "weeks start on Monday"


def test_top_hashtags_match_the_planted_ones(ingested, truth):
    found = narratives.top_hashtags(ingested.scan_tweets(), 20)
    planted = {entry["hashtag"].casefold(): entry["tweets"] for entry in truth["top_hashtags"][:10]}
    assert set(found["hashtag"].head(10)) == set(planted)
    for hashtag, tweets in found.head(10).iter_rows():
        assert tweets == pytest.approx(planted[hashtag], rel=HASHTAG_COUNT_TOLERANCE), hashtag


def test_top_terms_are_whole_words_of_each_topic(tagged):
    terms = narratives.top_terms(tagged, 10)
    by_topic = {topic: set(group["term"]) for (topic,), group in terms.group_by("topic")}
    assert {"疫情", "新冠"} <= by_topic["covid19"]
    assert "郭文贵" in by_topic["guo_wengui"]
    assert "香港" in by_topic["hong_kong"]
    assert all(len(term) >= 2 and term not in narratives.STOPWORDS for term in terms["term"])
    assert terms.group_by("topic").len()["len"].max() == 10


def test_topic_map_is_small_coloured_by_topic_and_deterministic(tagged):
    first_nodes, first_edges = narratives.topic_map(tagged)
    again_nodes, again_edges = narratives.topic_map(tagged)
    assert_frame_equal(first_nodes, again_nodes)
    assert_frame_equal(first_edges, again_edges)
    assert first_nodes.height <= 40 + 20 * 5
    assert set(first_nodes["topic"]) <= {*narratives.topic_columns(tagged), narratives.UNTAGGED}
    hashtag_topics = dict(first_nodes.filter(pl.col("kind") == "hashtag").select("node", "topic").iter_rows())
    assert hashtag_topics["新冠肺炎"] == "covid19" and hashtag_topics["hongkong"] == "hong_kong"
    other_nodes, _ = narratives.topic_map(tagged, seed=1)
    assert not other_nodes["x"].equals(first_nodes["x"]), "the seed decides the layout"


# --- Normalisation and matching -------------------------------------------------------------------


def test_traditional_and_simplified_chinese_match_each_other():
    assert flags(["台湾是中国的一部分", "今天天气不错"], ["臺灣"]) == [True, False]
    assert flags(["亂港分子勾結外部勢力", "香港"], ["乱港"]) == [True, False]


def test_case_folding_for_latin_cyrillic_and_greek():
    assert flags(["Support #HONGKONG", "STRASSE", "ＣＯＶＩＤ-19"], ["hongkong", "straße", "covid"]) == [
        True,
        True,
        True,
    ]
    assert flags(["МОСКВА сегодня", "Киев"], ["Москва"]) == [True, False]
    assert flags(["Ο ΣΊΣΥΦΟΣ", "σίσυφοσ", "Αθήνα"], ["Σίσυφος"]) == [True, True, False]


def test_hashtags_are_matched_and_links_and_mentions_are_not():
    texts = ["RT @HongKongNews: good morning https://t.co/wuhan", "nothing here", "nothing here either"]
    assert flags(texts, ["hong kong", "hongkong", "wuhan"], [[], ["HongKong"], []]) == [False, True, False]


def test_regular_expressions_are_case_insensitive():
    assert flags(
        ["One Country Two Systems", "one country, two systems", "one system"], ["/one country,? two systems/"]
    ) == [True, True, False]
    assert flags(["The DPP said", "dppx"], [r"/\bdpp\b/"]) == [True, False]


def test_a_tweet_can_carry_several_topics():
    frame = tweets_frame(["香港 and the coronavirus", "香港", "nothing"])
    tagged = narratives.tag_topics(frame, {"hk": ["香港"], "covid": ["coronavirus"]})
    assert tagged.select("hk", "covid", narratives.UNTAGGED).rows() == [
        (True, True, False),
        (True, False, False),
        (False, False, True),
    ]
    assert narratives.topic_overlap(tagged).rows() == [("hk", 2, 1), ("covid", 1, 1)]


def test_weeks_are_local_and_shares_normalised_among_topic_tweets():
    # Sunday 29 March 2020, 20:00 UTC is already Monday 30 March in Shanghai.
    sunday_evening = datetime(2020, 3, 29, 20, tzinfo=UTC)
    times = [sunday_evening, sunday_evening, sunday_evening - timedelta(days=3)]
    frame = tweets_frame(["a b", "a", "none"], times=times)
    tagged = narratives.tag_topics(frame, {"a": ["a"], "b": ["b"]})
    local = narratives.topic_over_time(tagged, TIMEZONE)
    monday = local.filter(pl.col("period") == date(2020, 3, 30))
    shares = dict(monday.select("topic", "share").iter_rows())
    assert shares == {"a": pytest.approx(2 / 3), "b": pytest.approx(1 / 3)}
    assert narratives.peak_weeks(local) == {"a": "2020-03-30", "b": "2020-03-30"}
    in_utc = narratives.topic_over_time(tagged, "UTC")
    assert narratives.peak_weeks(in_utc) == {"a": "2020-03-23", "b": "2020-03-23"}


def test_mentions_leave_out_retweets_and_domains_drop_www():
    frame = tweets_frame(
        ["RT @x: hi", "@x hello", "@y hey"],
        is_retweet=[True, False, False],
        user_mentions=[["u1"], ["u1"], ["u9"]],
        urls=[["https://www.Facebook.com/a"], ["http://facebook.com/b", "https://youtu.be/c"], []],
    )
    assert narratives.top_mentions(frame).rows() == [("name1", 1), ("u9", 1)]
    assert narratives.top_domains(frame).rows() == [("facebook.com", 2), ("youtu.be", 1)]


def test_hashtags_are_folded_and_counted_once_per_tweet():
    frame = tweets_frame(["a", "b"], hashtags=[["HongKong", "#hongkong"], ["香港"]])
    assert narratives.top_hashtags(frame).rows() == [("hongkong", 1), ("香港", 1)]


# --- Lexicon files -------------------------------------------------------------------------------


def test_the_shipped_lexicon_loads():
    lexicon = load_lexicon(PRC_LEXICON)
    assert list(lexicon) == ["hong_kong", "covid19", "guo_wengui", "taiwan", "us_protests"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("hong_kong: [香港\n", "not valid YAML"),
        ("- 香港\n- 台湾\n", "mapping"),
        ("hong_kong: 香港\n", "list"),
        ("hong_kong: []\n", "list"),
        ("hong_kong: [香港, 3]\n", "text"),
        ("untagged: [香港]\n", "topic name"),
        ('hong_kong: ["/(unclosed/"]\n', "invalid regular expression"),
        ('hong_kong: ["/(?<=a)b/"]\n', "look-around"),
    ],
)
def test_lexicon_errors_name_the_file(tmp_path, content, problem):
    path = tmp_path / "topics.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(str(path))) as caught:
        load_lexicon(path)
    assert problem in str(caught.value)


def test_a_missing_lexicon_is_named(tmp_path):
    with pytest.raises(InputError, match=re.escape(str(tmp_path / "nope.yaml"))):
        load_lexicon(tmp_path / "nope.yaml")


# --- The notebook --------------------------------------------------------------------------------


def test_notebook_runs_and_records_the_planted_findings(small_params, truth, tmp_path, monkeypatch):
    monkeypatch.setenv("IOREPORT_DATA_DIR", str(tmp_path / "data"))
    run_dir = tmp_path / "run"
    execute_section("narratives", small_params, run_dir, tmp_path / "executed.ipynb")
    recorded = json.loads((run_dir / "findings" / "narratives.json").read_text())["findings"]
    assert {"topic_shares", "untagged_share", "topic_peak_week", "top_hashtags"} <= set(recorded)
    for topic, planted in truth["topic_shares"].items():
        assert recorded["topic_shares"][topic] == pytest.approx(planted, abs=SHARE_TOLERANCE)
    assert len(recorded["top_hashtags"]) == 20
    for name in ("topic-timeline", "topic-map"):
        assert (run_dir / "figures" / f"narratives-{name}.png").stat().st_size > 10_000
    tables = {path.name for path in Path(run_dir / "tables").glob("*.csv")}
    expected = ("topic-shares", "topic-overlap", "top-hashtags", "top-terms", "top-mentions-domains")
    assert {f"narratives-{name}.csv" for name in expected} <= tables


def test_normalise_handles_no_texts_and_empty_texts():
    assert normalise([]) == []
    assert normalise(["", "臺灣\nTaiwan"]) == ["", "台湾 taiwan"]


def test_tagging_no_tweets_gives_an_empty_typed_frame(small_dataset):

    data_dir, _ = small_dataset
    tweets = ingest([data_dir / "synthetic_tweets_csv_hashed.csv"], None).scan_tweets().head(0)
    lexicon = load_lexicon(PARAMS_DIR / "topics_prc.yaml")
    tagged = narratives.tag_topics(tweets, lexicon)
    assert tagged.height == 0 and set(lexicon) <= set(tagged.columns)
