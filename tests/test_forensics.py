"""Account forensics: planted repurposed accounts and each of their signals recovered, decoys left alone;
the signal rules, batch homogeneity, screen-name patterns, and the notebook.

Recovery is measured against the generator's truth.json, at a scale with enough planted accounts (30) and
decoys (10 of each kind) for precision and recall to mean something.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from ioreport.analysis import accounts, forensics
from ioreport.archive.ingest import ingest
from ioreport.archive.schema import IS_HASHED, TWEET_TIMESTAMP
from ioreport.synthetic.generate import TWEETS_FILE, USERS_FILE, generate
from tests.conftest import execute_section, write_params

FORENSICS_SCALE, FORENSICS_SEED = 0.1, 7
MIN_PRECISION = MIN_RECALL = 0.9
# Each signal's truth: (analysis signal, truth key of the accounts it must find).
SIGNAL_TRUTH = {
    forensics.LANGUAGE_SWITCH: "language_switch",
    forensics.DORMANT: "dormant_reactivated",
    forensics.CLIENT_SWITCH: "client_switch",
    forensics.TEST_TWEETS: "test_owner_accounts",
}
# The signals planted in a repurposed account, by truth key.
PLANTED = {
    forensics.LANGUAGE_SWITCH: "language_switch",
    forensics.DORMANT: "planted_dormant",
    forensics.CLIENT_SWITCH: "client_switch",
    forensics.TEST_TWEETS: "test_owner_accounts",
}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("forensics_dataset")
    return out, generate(out, scale=FORENSICS_SCALE, seed=FORENSICS_SEED)


@pytest.fixture(scope="module")
def truth(dataset) -> dict:
    return dataset[1]["forensics"]


@pytest.fixture(scope="module")
def ingested(dataset, tmp_path_factory):
    out, _ = dataset
    return ingest([out / TWEETS_FILE], out / USERS_FILE, cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def signals(ingested) -> pl.DataFrame:
    return forensics.repurposing_signals(ingested.scan_tweets())


@pytest.fixture(scope="module")
def behaviour(ingested) -> pl.DataFrame:
    return forensics.account_behaviour(ingested.scan_users(), ingested.scan_tweets(), "Asia/Shanghai")


def fired(signals: pl.DataFrame, signal: str) -> set[str]:
    return set(signals.filter(pl.col("signals").list.contains(signal))["userid"])


def precision_recall(found: set[str], planted: set[str]) -> tuple[float, float]:
    hits = len(found & planted)
    return hits / len(found), hits / len(planted)


# --- Recovery of the planted truth --------------------------------------------------------------------


def test_planted_repurposed_accounts_are_recovered(signals, truth):
    found = set(signals.filter("repurposed")["userid"])
    assert len(truth["repurposed"]) >= 30
    precision, recall = precision_recall(found, set(truth["repurposed"]))
    assert precision >= MIN_PRECISION and recall >= MIN_RECALL, (precision, recall)


@pytest.mark.parametrize("signal", forensics.SIGNALS)
def test_each_signal_recovers_its_planted_accounts(signals, truth, signal):
    assert truth["dormancy_days"] == forensics.DORMANCY_DAYS  # the truth counts silences as the analysis does
    planted = set(truth[SIGNAL_TRUTH[signal]])
    assert planted, signal
    precision, recall = precision_recall(fired(signals, signal), planted)
    assert precision >= MIN_PRECISION and recall >= MIN_RECALL, (signal, precision, recall)


def test_test_tweets_are_counted_exactly(signals, truth):
    assert forensics.signal_summary(signals)["test_owner_tweets"] == truth["test_owner_tweets"] > 0


def test_each_flag_lists_the_signals_that_fired(signals, truth):
    flagged = signals.filter("repurposed")
    for row in flagged.iter_rows(named=True):
        evidence = [name for name, column in forensics.FIRED_BY.items() if row[column] is not None]
        assert row["signals"] == evidence and len(evidence) >= forensics.MIN_SIGNALS
    # Every signal planted in an account is among those its flag lists.
    listed = dict(flagged.select("userid", "signals").iter_rows())
    for signal, key in PLANTED.items():
        missed = [userid for userid in truth[key] if signal not in listed.get(userid, [])]
        assert len(missed) <= (1 - MIN_RECALL) * len(truth[key]), (signal, missed)


@pytest.mark.parametrize(
    ("decoy", "signal"),
    [("test_in_sentence", forensics.TEST_TWEETS), ("short_break", forensics.DORMANT), ("bilingual", None)],
)
def test_decoys_are_not_flagged(signals, truth, decoy, signal):
    """Decoys look like one signal: none is flagged, and none fires the signal it imitates."""
    decoys = set(truth["decoys"][decoy])
    assert decoys
    assert not decoys & set(signals.filter("repurposed")["userid"])
    if signal:
        assert not decoys & fired(signals, signal)
    else:  # a bilingual decoy may drift, rarely enough to leave the signal's precision intact
        assert len(decoys & fired(signals, forensics.LANGUAGE_SWITCH)) <= 1


def test_summary_is_ints_and_flags_sorted_by_userid(signals):
    summary = forensics.signal_summary(signals)
    counts = {key: value for key, value in summary.items() if key != "flagged"}
    assert all(type(value) is int for value in counts.values())
    userids = [flag["userid"] for flag in summary["flagged"]]
    assert userids == sorted(userids) and len(userids) == summary["repurposed_accounts"]


# --- The signal rules, on small frames ------------------------------------------------------------------


def tweets_frame(rows: list[dict]) -> pl.LazyFrame:
    """Tweets of one or more accounts, an hour apart unless `time` is given."""
    start = datetime(2019, 1, 1, tzinfo=UTC)
    defaults = {"is_retweet": False, "tweet_language": "zh", "tweet_client_name": "Web", "tweet_text": "你好"}
    filled = [
        {
            "tweetid": i,
            "userid": row.get("userid", "u"),
            TWEET_TIMESTAMP: row.get("time", start + timedelta(hours=i)),
            **{key: row.get(key, value) for key, value in defaults.items()},
        }
        for i, row in enumerate(rows)
    ]
    return pl.LazyFrame(filled, schema_overrides={TWEET_TIMESTAMP: pl.Datetime("ms", "UTC")})


@pytest.mark.parametrize(
    ("text", "is_retweet", "expected"),
    [
        ("test", False, True),
        ("Test new owner!", False, True),
        ("new own", False, True),
        ("testing 123 https://t.co/abc", False, True),
        ("@someone test test 😀", False, True),
        ("Driving test tomorrow, wish me luck!", False, False),
        ("contest", False, False),
        ("testament", False, False),
        ("测试 test", False, False),
        ("RT @someone: test", True, False),
    ],
)
def test_a_test_tweet_is_the_whole_tweet(text, is_retweet, expected):
    frame = tweets_frame([{"tweet_text": text, "is_retweet": is_retweet}])
    assert frame.select(forensics.is_test_tweet()).collect().item() is expected


def test_an_abrupt_language_switch_is_found_where_it_happened():
    rows = [{"tweet_language": "ja"}] * 10 + [{"tweet_language": "zh"}] * 12
    found = forensics.language_switches(tweets_frame(rows).collect().lazy())
    assert found.select("before", "after", "share_before", "share_after").row(0) == ("ja", "zh", 1.0, 0.0)
    assert found["switched_at"][0] == datetime(2019, 1, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    "languages",
    [
        ["ja", "zh"] * 12,  # bilingual throughout
        ["ja"] * 7 + ["zh"] * 7,  # a switch, but too few tweets on each side
        ["ja"] * 10 + ["zh", "ja"] * 6,  # from one language to two: the drop is too small
    ],
)
def test_no_switch_without_an_abrupt_drop_on_enough_tweets(languages):
    frame = tweets_frame([{"tweet_language": code} for code in languages])
    assert forensics.language_switches(frame).is_empty()


def test_retweets_and_undetermined_languages_are_not_the_accounts_language():
    rows = [{"tweet_language": "ja"}] * 10 + [{"tweet_language": "zh", "is_retweet": True}] * 10
    rows += [{"tweet_language": "und"}] * 10
    assert forensics.language_switches(tweets_frame(rows)).is_empty()


def test_dormancy_is_the_longest_silence_of_at_least_the_threshold():
    start = datetime(2018, 1, 1, tzinfo=UTC)
    days = {"a": [0, 10, 200, 420], "b": [0, 179, 300]}  # a: silences of 190 and 220 days; b: none of 180
    rows = [{"userid": u, "time": start + timedelta(days=d)} for u, ds in days.items() for d in ds]
    found = forensics.dormancies(tweets_frame(rows))
    assert found.select("userid", "gap_days").rows() == [("a", 220)]
    assert found["reactivated_at"][0] == start + timedelta(days=420)


# --- Batches, names and profiles, lifelines ------------------------------------------------------------


def test_batches_are_the_largest_creation_days_and_start_together(ingested, behaviour, dataset):
    _, full_truth = dataset
    table = forensics.batch_homogeneity(behaviour, accounts.creation_batches(ingested.scan_users(), top=10))
    planted = full_truth["accounts"]["creation_batches"]
    assert table["batch"].to_list() == [forensics.BASELINE] + [b["date"] for b in planted]
    assert table["accounts"].to_list()[1:] == [b["accounts"] for b in planted]
    baseline = table.row(0, named=True)
    assert baseline["accounts"] == full_truth["dataset"]["accounts"]
    # Batch-mates start tweeting within days of each other; the network over many months.
    assert table["first_tweet_iqr_days"][1:].max() < baseline["first_tweet_iqr_days"] / 5
    assert table["main_language_share"].is_between(0, 1).all()


@pytest.mark.parametrize(
    ("name", "hashed", "pattern"),
    [
        ("john12345678", False, "name + 6 or more digits"),
        ("gurevadona88", False, "name + 1-5 digits"),
        ("sV8jxdXfJwDNZns", False, "15 random letters and digits"),
        ("lishuishi", False, "letters only"),
        ("wuming11xia", False, forensics.OTHER_PATTERN),
        ("vMm2zemFOF7kmXoDyX24Bo+TorqhNutpZlATYyxsE=", True, forensics.HASHED_PATTERN),
    ],
)
def test_screen_name_patterns(name, hashed, pattern):
    frame = pl.LazyFrame({"user_screen_name": [name], IS_HASHED: [hashed]})
    assert frame.select(forensics.screen_name_pattern()).collect().item() == pattern


def test_patterns_and_profiles_of_the_real_users_file(real_users, tmp_path):
    users = ingest([], real_users, cache_dir=tmp_path).scan_users()
    patterns = forensics.screen_name_patterns(users)
    n, hashed = users.select(pl.len(), pl.col(IS_HASHED).sum()).collect().row(0)
    assert patterns["accounts"].sum() == n
    assert patterns.filter(pl.col("pattern") == forensics.HASHED_PATTERN)["accounts"].item() == hashed
    profiles = forensics.profile_completeness(users)
    assert profiles["accounts"].sum() == n
    assert profiles.filter("hashed")["display_is_screen_name"].item() == 1.0


def test_lifelines_draw_every_flagged_account_and_a_seeded_sample(ingested, behaviour, signals):
    drawn = forensics.lifeline_accounts(behaviour, signals, others=40, seed=3)
    assert drawn.equals(forensics.lifeline_accounts(behaviour, signals, others=40, seed=3))
    flagged = drawn.filter(pl.col("group") == forensics.FLAGGED)
    assert set(flagged["userid"]) == set(signals.filter("repurposed")["userid"])
    assert drawn.height == flagged.height + 40 and drawn["row"].to_list() == list(range(drawn.height))
    runs = forensics.lifelines(ingested.scan_tweets(), drawn)
    assert set(runs["userid"]) == set(drawn["userid"])
    assert runs["language"].n_unique() <= 6 + 2  # six languages, "other" and "undetermined"
    tweets = ingested.scan_tweets().filter(pl.col("userid").is_in(drawn["userid"].implode()))
    assert runs["tweets"].sum() == tweets.select(pl.len()).collect().item()


# --- The notebook --------------------------------------------------------------------------------------


def test_notebook_records_the_findings_and_writes_its_figures(dataset, signals, tmp_path, monkeypatch):
    monkeypatch.setenv("IOREPORT_DATA_DIR", str(tmp_path / "data"))
    out, _ = dataset
    params = write_params(
        tmp_path / "params.yaml",
        name="forensics_synthetic",
        tweets=str(out / TWEETS_FILE),
        users=str(out / USERS_FILE),
        timezone="Asia/Shanghai",
    )
    run_dir = tmp_path / "run"
    execute_section("forensics", params, run_dir, tmp_path / "executed.ipynb")
    recorded = json.loads((run_dir / "findings" / "forensics.json").read_text())["findings"]
    expected = json.loads(json.dumps(forensics.signal_summary(signals)))
    assert recorded["min_signals"] == forensics.MIN_SIGNALS
    assert {key: recorded[key] for key in expected} == expected
    for name in ("lifelines", "creation-first-tweet"):
        assert (run_dir / "figures" / f"forensics-{name}.png").stat().st_size > 10_000
    tables = {path.name for path in (run_dir / "tables").glob("*.csv")}
    names = ("flagged", "batch-homogeneity", "screen-names", "profiles")
    assert {f"forensics-{name}.csv" for name in names} <= tables
