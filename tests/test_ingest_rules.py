"""Plausibility rules at ingest: each reproduces the problem it guards against, with its own reason."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ioreport.archive import store
from ioreport.archive.ingest import FileCounts, ingest
from ioreport.archive.schema import SOURCE_LINE
from tests.test_ingest import START, account, load, snowflake, tweet, tweets_csv, users_csv


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def quarantined(result) -> list[tuple]:
    return result.scan_quarantine().collect().select("line", "column", "reason").rows()


# --- Time ----------------------------------------------------------------------------------------------


def test_tweet_time_before_twitter_existed(tmp_path, cache):
    rows = [tweet(0), tweet(1, tweetid=12345, tweet_time="2006-03-20 23:59")]
    result = ingest([tweets_csv(tmp_path / "t.csv", rows)], None, cache)
    assert result.counts["tweets"] == FileCounts(2, 1, 1, 0)
    assert quarantined(result) == [
        (3, "tweet_time", "tweet_time before Twitter existed (2006-03-21): '2006-03-20 23:59'")
    ]


def test_tweet_time_in_the_future(tmp_path, cache):
    later = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    rows = [tweet(0), tweet(1, tweetid=12345, tweet_time=later)]
    result = ingest([tweets_csv(tmp_path / "t.csv", rows)], None, cache)
    assert quarantined(result) == [(3, "tweet_time", f"tweet_time after the time of ingest: '{later}'")]


def test_tweet_time_disagreeing_with_the_snowflake_id(tmp_path, cache):
    precise = START + timedelta(seconds=45, milliseconds=123)
    rows = [
        tweet(0, tweetid=snowflake(precise)),  # same minute: the id's millisecond time is used
        tweet(1, tweetid=snowflake(precise + timedelta(minutes=5))),  # the id says 10:05, the row 10:01
        tweet(2, tweetid=12345),  # predates snowflakes: the minute is all there is
        tweet(3, tweetid=snowflake(START + timedelta(minutes=3, seconds=59, milliseconds=999))),
    ]
    result = ingest([tweets_csv(tmp_path / "t.csv", rows)], None, cache)
    assert quarantined(result) == [
        (
            3,
            "tweet_time",
            "tweet_time disagrees with the time in tweetid (2020-01-01 10:05:45): '2020-01-01 10:01'",
        )
    ]
    tweets = load(result)
    assert tweets["tweet_timestamp"].to_list() == [
        precise,
        START + timedelta(minutes=2),
        START + timedelta(minutes=3, seconds=59, milliseconds=999),
    ]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2006-03-20", "account_creation_date before Twitter existed (2006-03-21): '2006-03-20'"),
        ("2999-01-01", "account_creation_date after the time of ingest: '2999-01-01'"),
    ],
)
def test_implausible_account_creation_dates(tmp_path, cache, value, reason):
    rows = [account("1", "a"), account("2", "b", account_creation_date=value), account("3", "c")]
    result = ingest([], users_csv(tmp_path / "users.csv", rows), cache)
    assert result.counts["users"] == FileCounts(3, 2, 1, 0)
    assert quarantined(result) == [(3, "account_creation_date", reason)]


# --- Duplicates and conflicts --------------------------------------------------------------------------


def test_same_tweetid_with_other_content_is_a_conflict_not_a_duplicate(tmp_path, cache):
    rows = [
        tweet(0),  # line 2
        tweet(1),  # 3: repeated exactly on line 5
        tweet(0, tweet_text="edited"),  # 4: same tweetid as line 2, other text
        tweet(1),  # 5
        tweet(2),  # 6
        tweet(0, like_count="7"),  # 7: a third version of line 2's tweet
    ]
    result = ingest([tweets_csv(tmp_path / "t.csv", rows)], None, cache)
    assert result.counts["tweets"] == FileCounts(6, 2, 3, 1)
    assert load(result)["tweet_text"].to_list() == ["tweet 1", "tweet 2"]
    tweetid = rows[0]["tweetid"]
    clash = f"conflicting tweetid {tweetid}: 3 different records (t.csv lines 2, 4, 7)"
    assert quarantined(result) == [(2, "tweetid", clash), (4, "tweetid", clash), (7, "tweetid", clash)]
    records = result.scan_quarantine().collect()["record"].to_list()
    assert [("edited" in record, ",7," in record) for record in records] == [
        (False, False),
        (True, False),
        (False, True),
    ]


def test_values_swapped_between_columns_are_a_conflict(tmp_path, cache):
    """The record hash adds one hash per field: each column hashes with its own seed, so the same values
    in other columns make another record."""
    here = {"user_reported_location": "Beijing", "user_profile_description": ""}
    swapped = {"user_reported_location": "", "user_profile_description": "Beijing"}
    rows = [tweet(0, **here), tweet(0, **swapped), tweet(1, **here), tweet(1, **here)]
    result = ingest([tweets_csv(tmp_path / "t.csv", rows)], None, cache)
    assert result.counts["tweets"] == FileCounts(4, 1, 2, 1)
    assert [reason.split(":")[0] for _, _, reason in quarantined(result)] == [
        f"conflicting tweetid {rows[0]['tweetid']}"
    ] * 2


def test_conflicts_across_files_and_in_users(tmp_path, cache):
    first = tweets_csv(tmp_path / "a.csv", [tweet(0)])
    second = tweets_csv(tmp_path / "b.csv", [tweet(0, follower_count="11"), tweet(1)])
    users = users_csv(tmp_path / "users.csv", [account("1", "a"), account("1", "A"), account("2", "b")])
    result = ingest([first, second], users, cache)
    assert result.counts["tweets"] == FileCounts(3, 1, 2, 0)
    assert result.counts["users"] == FileCounts(3, 1, 2, 0)
    reasons = result.scan_quarantine().collect()["reason"].to_list()
    tweetid = tweet(0)["tweetid"]
    assert reasons == [
        f"conflicting tweetid {tweetid}: 2 different records (a.csv line 2, b.csv line 2)",
        f"conflicting tweetid {tweetid}: 2 different records (a.csv line 2, b.csv line 2)",
        "conflicting userid 1: 2 different records (users.csv lines 2, 3)",
        "conflicting userid 1: 2 different records (users.csv lines 2, 3)",
    ]


# --- Bytes ---------------------------------------------------------------------------------------------


def test_invalid_utf8_quarantines_only_its_record_at_its_line(tmp_path, cache):
    path = tweets_csv(tmp_path / "t.csv", [tweet(0), tweet(1, tweet_text="two\nlines CAFE"), tweet(2)])
    path.write_bytes(path.read_bytes().replace(b"CAFE", "café".encode("latin-1")))
    result = ingest([path], None, cache)
    assert result.counts["tweets"] == FileCounts(3, 2, 1, 0)
    assert quarantined(result) == [(3, None, "not UTF-8: byte 0xe9 on line 4")]
    assert "caf\\xe9" in result.scan_quarantine().collect()["record"][0]
    assert load(result)[SOURCE_LINE].to_list() == [2, 5]


def test_control_characters_in_ids_are_removed_and_counted(tmp_path, cache):
    rows = [
        tweet(0, userid="10\x0b01"),
        tweet(1, userid="1001\x0b", in_reply_to_userid="\x001002"),
        tweet(2, retweet_tweetid="12\x0c3"),
    ]
    messages = []
    result = ingest([tweets_csv(tmp_path / "t.csv", rows)], None, cache, progress=messages.append)
    tweets = load(result)
    assert result.counts["tweets"] == FileCounts(3, 3, 0, 0)
    assert tweets["userid"].to_list() == ["1001"] * 3 and not tweets["is_hashed"].any()
    assert tweets["in_reply_to_userid"].to_list() == [None, "1002", None]
    assert tweets["retweet_tweetid"].to_list() == [None, None, 123]
    assert result.control_characters_removed == {"tweets": 4}
    manifest = json.loads((result.users.parent / store.MANIFEST).read_text())
    assert manifest["control_characters_removed"] == {"tweets": 4}
    assert "tweets: removed control characters from 4 id fields" in messages


# --- Reasons -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("follower_count", "-1", "negative follower_count: '-1'"),
        ("like_count", "1e3", "like_count is not an integer: '1e3'"),
        ("like_count", "2.5", "like_count is not an integer: '2.5'"),
        ("retweet_count", "9" * 30, f"retweet_count too large: '{'9' * 30}'"),
        ("quote_count", "many", "non-numeric quote_count: 'many'"),
        ("in_reply_to_tweetid", "-5", "negative in_reply_to_tweetid: '-5'"),
        ("tweetid", "1.5e18", "tweetid is not an integer: '1.5e18'"),
    ],
)
def test_reasons_for_bad_numbers_say_what_is_wrong(tmp_path, cache, field, value, reason):
    result = ingest([tweets_csv(tmp_path / "t.csv", [tweet(0), tweet(1, **{field: value})])], None, cache)
    assert quarantined(result) == [(3, field, reason)]


# --- Work directories left by a killed ingest ----------------------------------------------------------


KILLED_INGEST = """
import os, signal, sys
from pathlib import Path
from ioreport.archive import ingest as ingest_module

def killed(*_args):
    os.kill(os.getpid(), signal.SIGKILL)

ingest_module.derive_users = killed
ingest_module.ingest([Path(sys.argv[1])], None, Path(sys.argv[2]))
"""


def work_directories(cache: Path) -> list[Path]:
    return sorted(path for path in cache.iterdir() if path.name.startswith("."))


def test_work_directory_of_a_killed_ingest_is_cleaned_next_time(tmp_path, cache):
    path = tweets_csv(tmp_path / "t.csv", [tweet(0)])
    killed = subprocess.run([sys.executable, "-c", KILLED_INGEST, str(path), str(cache)], check=False)
    assert killed.returncode == -9
    assert len(work_directories(cache)) == 1
    other = tweets_csv(tmp_path / "other.csv", [tweet(1)])
    ingest([other], None, cache)
    assert work_directories(cache) == []


def test_only_abandoned_work_directories_are_cleaned(tmp_path, cache):
    live, stale = (cache / f".{name}-{os.getpid()}-0" for name in ("live", "stale"))
    for directory in (live, stale):
        directory.mkdir(parents=True)
    long_ago = time.time() - store.ABANDONED_AFTER_SECONDS - 60
    os.utime(stale, (long_ago, long_ago))
    ingest([tweets_csv(tmp_path / "t.csv", [tweet(0)])], None, cache)
    assert work_directories(cache) == [live]
