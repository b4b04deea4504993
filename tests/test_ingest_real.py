"""The loader on real archive files (fixture real_data_dir): every record loads, with the measured facts."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from ioreport.archive import discover, validate
from ioreport.archive.ingest import FileCounts, IngestResult, ingest
from ioreport.archive.schema import SOURCE_LINE, TWEETS, USERS

USERS_FILE = "china_082019_1_users_csv_hashed.csv"
USERS_SHA256 = "d501db9ada6bca5da1f809ae64fde16b78dff891451779bf421c7b49cff04604"
CNHU = "CNHU_0621_tweets_csv_hashed_2021.head.csv"
GRU = "hashed_2020_12_GRU_202012_GRU_202012_tweets.head.csv"
# Base64 of a SHA-256 with every "/" removed.
HASH = r"^[A-Za-z0-9+]{40,43}=$"


def physical_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n")


def last_record_line(path: Path) -> int:
    """Where the file's last record starts: its line count less the newlines inside that record."""
    with path.open(newline="", encoding="utf-8") as handle:
        *_, record = csv.reader(handle)
    return physical_lines(path) - sum(field.count("\n") for field in record)


# --- The users file of china_082019_1 -------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_users_ingested(real_users, tmp_path_factory) -> tuple[IngestResult, pl.DataFrame]:
    result = ingest([], real_users, cache_dir=tmp_path_factory.mktemp("cache"))
    return result, result.scan_users().collect()


def test_real_users_counts(real_users_ingested, real_users):
    result, users = real_users_ingested
    assert result.counts == {"users": FileCounts(input_rows=744, loaded=744, quarantined=0, duplicates=0)}
    assert result.tweets is None and not result.users_derived_from_tweets
    assert result.inputs == [
        {"path": str(real_users), "table": "users", "sha256": USERS_SHA256, "bytes": 98_747}
    ]
    assert result.scan_quarantine().collect().height == 0
    assert users.height == 744 and users["userid"].n_unique() == 744


def test_real_users_facts(real_users_ingested):
    _, users = real_users_ingested
    assert users["is_hashed"].sum() == 254
    assert users.filter("is_hashed")["userid"].str.contains(HASH).all()
    assert (users["follower_count"] == 0).sum() == 273
    batches = users["account_creation_date"].value_counts(sort=True).head(5).rows()
    assert [(day.isoformat(), accounts) for day, accounts in batches] == [
        ("2017-08-30", 119),
        ("2017-08-18", 97),
        ("2016-06-27", 30),
        ("2017-08-19", 13),
        ("2018-07-13", 12),
    ]
    assert dict(Counter(users["account_language"].to_list())) == {
        "zh-cn": 569 + 13,
        "en": 104,
        "ru": 36,
        "zh-tw": 10,
        "es": 8,
        "en-gb": 3,
        "ja": 1,
    }
    assert users.schema == validate.output_schema(USERS)


def test_real_users_multiline_records(real_users_ingested, real_users):
    _, users = real_users_ingested
    path = real_users
    with path.open(newline="", encoding="utf-8") as handle:
        published = {row["userid"]: row for row in csv.DictReader(handle)}
    multiline = users.filter(pl.col("user_profile_description").str.contains("\n"))
    assert multiline.height == 4
    for row in multiline.iter_rows(named=True):
        assert row["user_profile_description"] == published[row["userid"]]["user_profile_description"]
    assert physical_lines(path) == 759
    assert users[SOURCE_LINE].max() == last_record_line(path)


# --- Heads of two tweets files of the 2020-21 disclosures -----------------------------------------------


def minute(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


@dataclass(frozen=True)
class Head:
    """Facts measured on a real head (../shared/data/real/README.md)."""

    records: int
    lines: int
    userids: int
    quoted: tuple[int, int]  # quoted_tweet_tweetid filled, and written as a float
    first_last: tuple[str, str]
    languages: list[str]


HEADS = {
    CNHU: Head(31, 43, 28, (4, 4), ("2021-01-16 11:16", "2021-04-02 11:14"), ["ca", "cy", "en", "und", "zh"]),
    GRU: Head(26, 55, 10, (0, 0), ("2016-10-11 00:11", "2020-10-15 06:41"), ["ar", "en", "ru", "uk", "und"]),
}


@pytest.fixture(scope="module", params=list(HEADS))
def real_head(request, real_data_dir, tmp_path_factory) -> tuple[Path, IngestResult, pl.DataFrame]:
    path = real_data_dir / request.param
    result = ingest([path], None, cache_dir=tmp_path_factory.mktemp("cache"))
    return path, result, result.scan_tweets().collect()


def test_real_head_loads_every_record(real_head):
    path, result, tweets = real_head
    facts = HEADS[path.name]
    assert physical_lines(path) == facts.lines
    assert result.counts["tweets"] == FileCounts(facts.records, facts.records, 0, 0)
    assert result.scan_quarantine().collect().height == 0
    assert tweets.schema == validate.output_schema(TWEETS)
    assert tweets[SOURCE_LINE].max() == last_record_line(path)


def test_real_head_facts(real_head):
    path, _, tweets = real_head
    facts = HEADS[path.name]
    assert tweets["userid"].n_unique() == facts.userids
    assert tweets["is_hashed"].all() and tweets["userid"].str.contains(HASH).all()
    quoted = tweets.drop_nulls("quoted_tweet_tweetid")
    assert (quoted.height, quoted["quoted_tweet_tweetid_lossy"].sum()) == facts.quoted
    assert tweets["is_retweet"].null_count() == 0 and not tweets["is_retweet"].any()  # "False" and "false"
    assert (tweets["tweet_time"].min(), tweets["tweet_time"].max()) == tuple(map(minute, facts.first_last))
    assert sorted(tweets["tweet_language"].unique()) == facts.languages
    assert tweets["poll_choices"].null_count() == facts.records  # 30-column files


def test_real_head_float_ids_keep_the_nearest_integer(real_head):
    path, _, tweets = real_head
    with path.open(newline="", encoding="utf-8") as handle:
        written = {row["tweetid"]: row["quoted_tweet_tweetid"] for row in csv.DictReader(handle)}
    for row in tweets.drop_nulls("quoted_tweet_tweetid").iter_rows(named=True):
        assert row["quoted_tweet_tweetid"] == round(float(written[str(row["tweetid"])]))


def test_discover_the_real_folder(real_data_dir):
    found = discover(real_data_dir)
    assert [path.name for path in found.tweets] == sorted([CNHU, GRU])
    assert found.users == real_data_dir / USERS_FILE
    assert found.ignored == []
