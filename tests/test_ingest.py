"""The archive loader: format quirks, bad rows, fatal errors, the cache (real files: test_ingest_real.py)."""

from __future__ import annotations

import csv
import gzip
import random
import re
import threading
import zipfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from ioreport.archive import discover, read, store, validate
from ioreport.archive import ingest as ingest_module
from ioreport.archive.ingest import FileCounts, IngestResult, ingest
from ioreport.archive.schema import (
    SNOWFLAKE_EPOCH_MS,
    SNOWFLAKE_SHIFT,
    SOURCE_FILE,
    SOURCE_LINE,
    TWEET_TIMESTAMP,
    TWEETS,
    USERS,
)
from ioreport.errors import InputError

START = datetime(2020, 1, 1, 10, 0, tzinfo=UTC)
# The 2018 releases put in_reply_to_tweetid before in_reply_to_userid.
ORDER_2018 = [
    {"in_reply_to_userid": "in_reply_to_tweetid", "in_reply_to_tweetid": "in_reply_to_userid"}.get(name, name)
    for name in TWEETS.names
]
HASH_BASE64 = "vMm2zemFOF7kmXoDyX24Bo+TorqhNutpZlATYyxsE="
HASH_HEX = "a" * 64


def snowflake(when: datetime, sequence: int = 0) -> int:
    milliseconds = (when - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)
    return ((milliseconds - SNOWFLAKE_EPOCH_MS) << SNOWFLAKE_SHIFT) + sequence


def tweet(number: int = 0, **fields: object) -> dict[str, str]:
    """A valid 31-column tweets record; `number` spaces tweets a minute apart."""
    when = START + timedelta(minutes=number)
    row = dict.fromkeys(TWEETS.names, "")
    row.update(
        tweetid=str(snowflake(when + timedelta(seconds=30), number)),
        userid="1001",
        user_display_name="Alice",
        user_screen_name="alice",
        follower_count="10",
        following_count="20",
        account_creation_date="2017-08-30",
        account_language="en",
        tweet_language="en",
        tweet_text=f"tweet {number}",
        tweet_time=when.strftime("%Y-%m-%d %H:%M"),
        is_retweet="false",
        latitude="absent",
        longitude="absent",
        hashtags="[]",
        urls="[]",
        user_mentions="[]",
    )
    row.update({name: str(value) for name, value in fields.items()})
    return row


def account(userid: str, screen_name: str, **fields: object) -> dict[str, str]:
    row = dict.fromkeys(USERS.names, "")
    row.update(userid=userid, user_display_name=screen_name, user_screen_name=screen_name, follower_count="1")
    row.update({name: str(value) for name, value in fields.items()})
    return row


def write_csv(
    path: Path, rows: list[dict[str, str] | list[str]], header: list[str], bom: bool = False
) -> Path:
    """Rows as dicts (written in header order) or as ready field lists (to write malformed records)."""
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row[name] for name in header] if isinstance(row, dict) else row)
    return path


def tweets_csv(path: Path, rows: list[dict[str, str]], header: list[str] | None = None, **options) -> Path:
    return write_csv(path, rows, header or TWEETS.names, **options)


def users_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    return write_csv(path, rows, USERS.names)


def load(result: IngestResult) -> pl.DataFrame:
    return result.scan_tweets().collect()


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


# --- Column layouts and containers ----------------------------------------------------------------------


def sample_tweets() -> list[dict[str, str]]:
    return [
        tweet(0, poll_choices="yes|no"),
        tweet(1, in_reply_to_userid="1002", in_reply_to_tweetid="1211", tweet_text="a reply"),
        tweet(2, userid="1002", user_screen_name="bob", follower_count=""),
    ]


def comparable(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.drop(SOURCE_FILE, SOURCE_LINE, "poll_choices")


@pytest.mark.parametrize(
    "header",
    [
        pytest.param([name for name in TWEETS.names if name != "poll_choices"], id="30-columns"),
        pytest.param(random.Random(7).sample(TWEETS.names, len(TWEETS.names)), id="shuffled"),
        pytest.param(ORDER_2018, id="2018-order"),
    ],
)
def test_columns_are_mapped_by_header_name(tmp_path, cache, header):
    reference = load(ingest([tweets_csv(tmp_path / "reference.csv", sample_tweets())], None, cache))
    result = ingest([tweets_csv(tmp_path / "layout.csv", sample_tweets(), header)], None, cache)
    tweets = load(result)
    assert comparable(tweets).equals(comparable(reference))
    assert tweets.schema == reference.schema
    assert result.counts["tweets"] == FileCounts(3, 3, 0, 0)


def test_30_column_files_get_typed_null_poll_choices(tmp_path, cache):
    header = [name for name in TWEETS.names if name != "poll_choices"]
    tweets = load(ingest([tweets_csv(tmp_path / "t.csv", sample_tweets(), header)], None, cache))
    assert tweets["poll_choices"].dtype == pl.String and tweets["poll_choices"].null_count() == 3


def test_aliases_without_user_prefix(tmp_path, cache):
    aliases = {column.name: column.aliases[0] for column in TWEETS.columns if column.aliases}
    header = [aliases.get(name, name) for name in TWEETS.names]
    assert "screen_name" in header and "tweet_id" in header
    rows = [{aliases.get(name, name): value for name, value in row.items()} for row in sample_tweets()]
    reference = load(ingest([tweets_csv(tmp_path / "reference.csv", sample_tweets())], None, cache))
    tweets = load(ingest([write_csv(tmp_path / "aliases.csv", rows, header)], None, cache))
    assert tweets.equals(reference.with_columns(pl.lit("aliases.csv").alias(SOURCE_FILE)))


def test_gzip_zip_and_parts(tmp_path, cache):
    rows = [tweet(number) for number in range(6)]
    plain = tweets_csv(tmp_path / "part1.csv", rows[:2])
    gzipped = tmp_path / "part2.csv.gz"
    gzipped.write_bytes(gzip.compress(tweets_csv(tmp_path / "part2.csv", rows[2:4]).read_bytes()))
    archive = tmp_path / "part3.zip"
    with zipfile.ZipFile(archive, "w") as bundle:  # members are read in name order, not archive order
        bundle.write(tweets_csv(tmp_path / "b.csv", rows[5:]), "b.csv")
        bundle.write(tweets_csv(tmp_path / "a.csv", rows[4:5]), "a.csv")
    messages = []
    result = ingest([plain, gzipped, archive], None, cache, progress=messages.append)
    tweets = load(result)
    assert tweets["tweet_text"].to_list() == [row["tweet_text"] for row in rows]
    assert tweets[SOURCE_FILE].to_list() == ["part1.csv"] * 2 + ["part2.csv.gz"] * 2 + [
        "part3.zip:a.csv",
        "part3.zip:b.csv",
    ]
    assert [item["path"] for item in result.inputs] == [str(plain), str(gzipped), str(archive)]
    assert [item["bytes"] for item in result.inputs] == [
        path.stat().st_size for path in (plain, gzipped, archive)
    ]
    assert any(message.startswith("tweets part 3/3 (part3.zip:b.csv)") for message in messages)


def test_header_only_file_gives_empty_typed_tables(tmp_path, cache):
    result = ingest([tweets_csv(tmp_path / "t.csv", [])], None, cache)
    assert result.counts == {"tweets": FileCounts(0, 0, 0, 0), "users": FileCounts(0, 0, 0, 0)}
    assert load(result).schema == validate.output_schema(TWEETS)
    assert result.scan_users().collect().schema == validate.output_schema(USERS)
    assert result.scan_quarantine().collect().schema == validate.QUARANTINE_SCHEMA


def test_unknown_columns_are_ignored_with_a_message(tmp_path, cache):
    rows = [dict(tweet(0), note="internal")]
    messages = []
    result = ingest(
        [write_csv(tmp_path / "t.csv", rows, [*TWEETS.names, "note"])], None, cache, messages.append
    )
    assert "note" not in load(result).columns and result.counts["tweets"].loaded == 1
    assert f"{tmp_path / 't.csv'}: ignoring unknown column(s) note" in messages


# --- Value quirks ---------------------------------------------------------------------------------------


def test_field_encodings(tmp_path, cache):
    rows = [
        tweet(0, latitude="22.3", longitude="114.2", is_retweet="True", hashtags="['hk', \"it's\"]"),
        tweet(1, is_retweet="False", hashtags="[hk, china]", urls="[http://a.example/x, http://b.example/y]"),
        tweet(2, is_retweet="TRUE", hashtags="", urls="['http://goo.gl/x']", user_mentions="[2572896396]"),
        tweet(3, is_retweet="", like_count="", account_language="zh-CN", tweet_language="ZH"),
    ]
    tweets = load(ingest([tweets_csv(tmp_path / "t.csv", rows)], None, cache))
    assert tweets["latitude"].to_list() == [22.3, None, None, None]
    assert tweets["is_retweet"].to_list() == [True, False, True, None]
    assert tweets["hashtags"].to_list() == [["hk", "it's"], ["hk", "china"], [], []]
    assert tweets["urls"].to_list() == [
        [],
        ["http://a.example/x", "http://b.example/y"],
        ["http://goo.gl/x"],
        [],
    ]
    assert tweets["user_mentions"].to_list() == [[], [], ["2572896396"], []]
    assert tweets["like_count"].to_list() == [None, None, None, None]
    assert tweets["follower_count"].to_list() == [10] * 4
    assert tweets["account_language"].to_list() == ["en", "en", "en", "zh-cn"]
    assert tweets["tweet_language"].to_list() == ["en", "en", "en", "zh"]
    assert tweets["tweet_time"].dtype == pl.Datetime("ms", "UTC")
    assert tweets["account_creation_date"].to_list() == [datetime(2017, 8, 30).date()] * 4


def test_hashed_ids_multiline_text_and_bom(tmp_path, cache):
    rows = [
        tweet(0, userid=HASH_BASE64, tweet_text="first line\nsecond line\r\nthird"),
        tweet(1, userid=HASH_HEX),
        tweet(2, userid="919755217121316864"),
    ]
    result = ingest([tweets_csv(tmp_path / "t.csv", rows, bom=True)], None, cache)
    tweets = load(result)
    assert result.counts["tweets"] == FileCounts(3, 3, 0, 0)  # the BOM did not hide the tweetid column
    assert tweets["userid"].to_list() == [HASH_BASE64, HASH_HEX, "919755217121316864"]
    assert tweets["is_hashed"].to_list() == [True, True, False]
    assert tweets["tweet_text"][0] == "first line\nsecond line\r\nthird"
    assert tweets[SOURCE_LINE].to_list() == [2, 5, 6]
    users = result.scan_users().collect()
    assert result.users_derived_from_tweets and users["is_hashed"].to_list() == [False, True, True]


# The 2020-21 disclosures: 30 columns, in_reply_to_userid before in_reply_to_tweetid, no poll_choices.
ORDER_2021 = [name for name in TWEETS.names if name != "poll_choices"]


def test_ids_written_as_floats_keep_the_nearest_integer_and_say_so(tmp_path, cache):
    rows = [
        tweet(0, quoted_tweet_tweetid="1.207965844074107e+18", in_reply_to_tweetid="1211"),
        tweet(1, in_reply_to_tweetid="1.3510829641893724e+18", retweet_tweetid="12.0"),
        tweet(2),
    ]
    result = ingest([tweets_csv(tmp_path / "t.csv", rows, ORDER_2021)], None, cache)
    tweets = load(result)
    assert result.counts["tweets"] == FileCounts(3, 3, 0, 0)
    assert tweets["quoted_tweet_tweetid"].to_list() == [round(1.207965844074107e18), None, None]
    assert tweets["quoted_tweet_tweetid_lossy"].to_list() == [True, None, None]
    assert tweets["in_reply_to_tweetid"].to_list() == [1211, round(1.3510829641893724e18), None]
    assert tweets["in_reply_to_tweetid_lossy"].to_list() == [False, True, None]
    assert tweets["retweet_tweetid"].to_list() == [None, 12, None]
    assert tweets["retweet_tweetid_lossy"].to_list() == [None, True, None]


@pytest.mark.parametrize("value", ["1.3729e+18", "1372537056165949449.0"])
def test_the_tweetid_itself_stays_a_strict_integer(tmp_path, cache, value):
    result = ingest([tweets_csv(tmp_path / "t.csv", [tweet(0), tweet(1, tweetid=value)])], None, cache)
    assert result.counts["tweets"] == FileCounts(2, 1, 1, 0)
    assert result.scan_quarantine().collect()["column"].to_list() == ["tweetid"]


def test_2021_quirks_quoted_fields_hashes_lists_and_carriage_returns(tmp_path, cache):
    rows = [
        tweet(
            0, userid=HASH_BASE64, is_retweet="False", user_mentions="['919755217121316864', 'Zm9v+YmFy=']"
        ),
        tweet(
            1, userid=HASH_HEX, is_retweet="True", in_reply_to_userid=HASH_BASE64, user_mentions="[443196382]"
        ),
        tweet(2, userid="919755217121316864", tweet_text='bare\rreturn, "quoted" and\nnewline', hashtags=""),
        tweet(3),
    ]
    result = ingest([tweets_csv(tmp_path / "t.csv", rows, ORDER_2021)], None, cache)
    tweets = load(result)
    assert result.counts["tweets"] == FileCounts(4, 4, 0, 0)
    assert tweets["is_hashed"].to_list() == [True, True, False, False]
    assert tweets["is_retweet"].to_list() == [False, True, False, False]
    assert tweets["in_reply_to_userid"].to_list() == [None, HASH_BASE64, None, None]
    assert tweets["user_mentions"].to_list() == [["919755217121316864", "Zm9v+YmFy="], ["443196382"], [], []]
    assert tweets["tweet_text"][2] == 'bare\rreturn, "quoted" and\nnewline'
    assert tweets[SOURCE_LINE].to_list() == [2, 3, 4, 6]  # a bare CR does not end a physical line


# --- Finding a dataset's files in a folder --------------------------------------------------------------


def test_discover_classifies_files_by_header_not_name(tmp_path):
    folder = tmp_path / "release"
    folder.mkdir()
    tweets_csv(folder / "hashed_2020_12_X_X_tweets.csv", [tweet(0)], ORDER_2021)
    tweets_csv(folder / "X_tweets_csv_hashed_2019.csv", [tweet(1)])
    gzipped = folder / "X_tweets_csv_hashed_2020_2.csv.gz"
    gzipped.write_bytes(gzip.compress(tweets_csv(tmp_path / "part.csv", [tweet(2)]).read_bytes()))
    zip_of(folder / "X_tweets_1.zip", {"a.csv": tweets_csv(tmp_path / "a.csv", [tweet(3)]).read_text()})
    users = users_csv(folder / "hashed_2021_12_X_X_users.csv", [account("1001", "alice")])
    write_bytes(folder / "notes.csv", b"when,what\n2021-01-01,downloaded\n")
    zip_of(folder / "X_media.zip", {"1.jpg": "not csv"})
    write_bytes(folder / "README.md", b"not looked at")
    found = discover(folder)
    assert [path.name for path in found.tweets] == [
        "X_tweets_1.zip",
        "X_tweets_csv_hashed_2019.csv",
        "X_tweets_csv_hashed_2020_2.csv.gz",
        "hashed_2020_12_X_X_tweets.csv",
    ]
    assert found.users == users
    assert [path.name for path, _ in found.ignored] == ["X_media.zip", "notes.csv"]
    assert any("notes.csv: ignored, not an archive file" in message for message in found.messages)
    assert ingest(found.tweets, found.users, tmp_path / "cache").counts["tweets"].loaded == 4


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        pytest.param({}, "no archive tweets or users file", id="empty-folder"),
        pytest.param({"notes.csv": b"a,b\n1,2\n"}, "notes.csv: ignored", id="no-archive-file"),
        pytest.param(
            {"u1.csv": b"userid,user_screen_name\n1,a\n", "u2.csv": b"userid,user_screen_name\n2,b\n"},
            "more than one users file (u1.csv, u2.csv)",
            id="two-users-files",
        ),
    ],
)
def test_discover_errors(tmp_path, files, problem):
    for name, content in files.items():
        write_bytes(tmp_path / name, content)
    with pytest.raises(InputError, match=re.escape(problem)):
        discover(tmp_path)


def test_times_with_seconds_are_accepted(tmp_path, cache):
    tweets = load(
        ingest([tweets_csv(tmp_path / "t.csv", [tweet(0, tweet_time="2020-01-01 10:00:30")])], None, cache)
    )
    assert tweets["tweet_time"].to_list() == [START + timedelta(seconds=30)]


def test_tweets_are_sorted_by_timestamp_then_id(tmp_path, cache):
    rows = [tweet(3), tweet(1), tweet(2, tweetid=50), tweet(2, tweetid=40), tweet(0)]
    tweets = load(ingest([tweets_csv(tmp_path / "t.csv", rows)], None, cache))
    assert tweets["tweet_text"].to_list() == ["tweet 0", "tweet 1", "tweet 2", "tweet 2", "tweet 3"]
    assert tweets["tweetid"][2:4].to_list() == [40, 50]


@pytest.mark.parametrize("sort", ["in-memory", "in-ranges"])
def test_retweeted_account_recovered_from_text(tmp_path, cache, monkeypatch, sort):
    if sort == "in-ranges":  # parts written out, the month sorted two rows at a time
        monkeypatch.setattr(read, "CHUNK_ROWS", 2)
        monkeypatch.setattr(store, "BUCKET_ROWS", 2)
        monkeypatch.setattr(store, "PARTS_HELD_BYTES", 0)
    users = users_csv(tmp_path / "users.csv", [account("555", "Known_Acct"), account("1001", "alice")])
    rows = [
        tweet(0, is_retweet="true", tweet_text="RT @known_acct: hello"),  # known: filled
        tweet(1, is_retweet="true", tweet_text="RT @stranger: hi"),  # unknown: stays null
        tweet(2, is_retweet="true", tweet_text="RT @alice: x", retweet_userid="777"),  # given: kept
        tweet(3, is_retweet="false", tweet_text="RT @alice: not flagged as a retweet"),
        tweet(4, is_retweet="true", tweet_text="RT @bob: known from the tweets", retweet_userid=""),
        tweet(5, userid="1002", user_screen_name="bob"),
    ]
    tweets = load(ingest([tweets_csv(tmp_path / "t.csv", rows)], users, cache))
    assert tweets["retweeted_screen_name"].to_list() == ["known_acct", "stranger", "alice", None, "bob", None]
    assert tweets["retweet_userid"].to_list() == ["555", None, "777", None, "1002", None]


def test_users_derived_from_latest_tweet(tmp_path, cache):
    rows = [
        tweet(2, follower_count=30, user_display_name="Alice 3"),
        tweet(0, follower_count=10, user_display_name="Alice 1"),
        tweet(1, userid="1002", user_screen_name="bob", tweetid=snowflake(START + timedelta(minutes=1), 99)),
        tweet(1, follower_count=20, user_display_name="Alice 2"),
    ]
    result = ingest([tweets_csv(tmp_path / "t.csv", rows)], None, cache)
    users = result.scan_users().collect()
    assert result.users_derived_from_tweets
    assert result.counts["users"] == FileCounts(2, 2, 0, 0)
    assert users["userid"].to_list() == ["1001", "1002"]
    assert users["follower_count"][0] == 30 and users["user_display_name"][0] == "Alice 3"
    assert users[SOURCE_LINE][0] == 2
    assert users.schema == validate.output_schema(USERS)


# --- Bad rows -------------------------------------------------------------------------------------------


def test_bad_rows_are_quarantined(tmp_path, cache):
    too_many = [*tweet(6).values(), "extra\nfield"]
    records = [
        tweet(0),  # line 2
        tweet(1, tweet_text="two\nlines"),  # lines 3-4
        tweet(2, tweet_time="2020-13-45 99:99"),  # 5
        tweet(3, follower_count="abc"),  # 6
        tweet(4, tweetid=""),  # 7
        ["1", "2", "3"],  # 8: too few fields
        too_many,  # 9-10: too many fields
        tweet(7, is_retweet="yes"),  # 11
        tweet(0),  # 12: a duplicate of line 2
        tweet(8, follower_count="-1", tweet_time="bad"),  # 13: the first failing column in the file is named
        tweet(9),  # 14
    ]
    path = tweets_csv(tmp_path / "bad.csv", records)
    result = ingest([path], None, cache)
    assert result.counts["tweets"] == FileCounts(input_rows=11, loaded=3, quarantined=7, duplicates=1)
    assert load(result)["tweet_text"].to_list() == ["tweet 0", "two\nlines", "tweet 9"]
    quarantine = result.scan_quarantine().collect()
    assert quarantine.select("file", "line", "column", "reason").rows() == [
        ("bad.csv", 5, "tweet_time", "unparseable tweet_time: '2020-13-45 99:99'"),
        ("bad.csv", 6, "follower_count", "non-numeric follower_count: 'abc'"),
        ("bad.csv", 7, "tweetid", "missing tweetid"),
        ("bad.csv", 8, None, "expected 31 fields, found 3"),
        ("bad.csv", 9, None, "expected 31 fields, found 32"),
        ("bad.csv", 11, "is_retweet", "is_retweet is not true/false: 'yes'"),
        ("bad.csv", 13, "follower_count", "negative follower_count: '-1'"),
    ]
    assert quarantine["record"][3] == "1,2,3"
    assert quarantine["record"][4].endswith(',"extra\nfield"')
    assert "2020-13-45 99:99" in quarantine["record"][0]


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("latitude", "north", "latitude is not a number or 'absent': 'north'"),
        ("account_creation_date", "2017-02-30", "unparseable account_creation_date: '2017-02-30'"),
        ("hashtags", "hk", "hashtags is not a [list]: 'hk'"),
        ("in_reply_to_tweetid", "12a", "non-numeric in_reply_to_tweetid: '12a'"),
        ("tweet_time", " ", "missing tweet_time"),
        ("userid", "", "missing userid"),
        ("retweet_count", "9" * 100, f"retweet_count too large: '{'9' * 80}…'"),
    ],
)
def test_each_kind_of_bad_field(tmp_path, cache, field, value, reason):
    path = tweets_csv(tmp_path / "t.csv", [tweet(0), tweet(1, **{field: value})])
    result = ingest([path], None, cache)
    assert result.counts["tweets"] == FileCounts(2, 1, 1, 0)
    assert result.scan_quarantine().collect().select("line", "column", "reason").row(0) == (3, field, reason)


def test_first_failing_column_in_file_order(tmp_path, cache):
    header = ["tweet_time", *(name for name in TWEETS.names if name != "tweet_time")]
    path = tweets_csv(tmp_path / "t.csv", [tweet(0, follower_count="x", tweet_time="noon")], header)
    quarantine = ingest([path], None, cache).scan_quarantine().collect()
    assert quarantine.select("column", "reason").row(0) == ("tweet_time", "unparseable tweet_time: 'noon'")


def test_quarantine_record_is_truncated(tmp_path, cache):
    path = tweets_csv(tmp_path / "t.csv", [tweet(0, tweet_text="x" * 5000, like_count="many")])
    quarantine = ingest([path], None, cache).scan_quarantine().collect()
    assert len(quarantine["record"][0]) == read.RECORD_TEXT_LIMIT
    assert quarantine["reason"][0] == "non-numeric like_count: 'many'"


def test_bad_and_duplicate_users(tmp_path, cache):
    rows = [
        account("1", "a"),
        account("", "nobody"),
        account("2", "b", following_count="x"),
        account("1", "a"),
    ]
    result = ingest([], users_csv(tmp_path / "users.csv", rows), cache)
    assert result.counts["users"] == FileCounts(input_rows=4, loaded=1, quarantined=2, duplicates=1)
    assert result.scan_users().collect()["user_screen_name"].to_list() == ["a"]
    quarantine = result.scan_quarantine().collect()
    assert quarantine["reason"].to_list() == ["missing userid", "non-numeric following_count: 'x'"]


def test_many_parts_and_buckets_match_one_pass(tmp_path, tmp_path_factory, monkeypatch):
    """The external sort and cross-part deduplication give what one in-memory pass would."""
    numbers = random.Random(3).sample(range(500), 150)
    rows = [tweet(number, tweet_text=f"row {index}") for index, number in enumerate(numbers)]
    rows += [rows[index] for index in (5, 77, 149)] + [dict(rows[10], tweet_text="conflicting")]
    path = tweets_csv(tmp_path / "t.csv", rows)
    whole = load(ingest([path], None, tmp_path_factory.mktemp("one")))
    monkeypatch.setattr(read, "CHUNK_ROWS", 7)
    monkeypatch.setattr(store, "BUCKET_ROWS", 10)
    monkeypatch.setattr(store, "PARTS_HELD_BYTES", 0)  # every part written out
    result = ingest([path], None, tmp_path_factory.mktemp("many"))
    assert load(result).equals(whole)
    assert result.counts["tweets"] == FileCounts(154, 149, 2, 3)
    assert sorted(whole["tweet_text"]) == sorted(
        row["tweet_text"] for row in rows[:150] if row is not rows[10]
    )
    assert whole.select(TWEET_TIMESTAMP, "tweetid").equals(
        whole.select(TWEET_TIMESTAMP, "tweetid").sort(pl.all())
    )


def test_chunks_checked_out_of_order_are_added_in_input_order(tmp_path, tmp_path_factory, monkeypatch):
    """Chunks are checked side by side. One that finishes first still waits its turn, so that of duplicate
    records the first in the file is loaded, as in one pass."""
    numbers = random.Random(4).sample(range(500), 30)
    rows = [tweet(number, tweet_text=f"row {index}") for index, number in enumerate(numbers)]
    rows.insert(8, rows[3])  # the second chunk of 7 rows repeats a record of the first
    path = tweets_csv(tmp_path / "t.csv", rows)
    whole = ingest([path], None, tmp_path_factory.mktemp("one"))
    monkeypatch.setattr(read, "CHUNK_ROWS", 7)
    check_chunk, checked, second_checked = ingest_module.check_chunk, [], threading.Event()

    def first_chunk_last(chunk, *args):
        first_line = chunk.records[validate.SOURCE_LINE][0]
        if first_line == 2:  # the first record (line 1 is the header): held until the second is checked
            second_checked.wait(timeout=20)  # never set with one worker: then the first comes first
        result = check_chunk(chunk, *args)
        checked.append(first_line)
        if first_line == 9:
            second_checked.set()
        return result

    monkeypatch.setattr(ingest_module, "check_chunk", first_chunk_last)
    chunked = ingest([path], None, tmp_path_factory.mktemp("chunked"))
    assert checked[:2] == [9, 2]  # the second chunk was checked before the first
    assert chunked.counts == whole.counts
    assert load(chunked).equals(load(whole))
    repeated = load(whole).filter(pl.col("tweetid") == int(rows[3]["tweetid"]))
    assert repeated[validate.SOURCE_LINE].to_list() == [5]  # the first of the two, not line 10


@pytest.mark.parametrize(
    ("bucket_rows", "held_bytes"),
    [(3, 0), (500_000, 0), (3, 5_000)],  # parts of 7 rows hold 1-2 kB: at 5 kB the last ones stay held
    ids=["ranges-within-months", "month-buckets", "some-parts-held"],
)
def test_months_are_sorted_bucket_by_bucket(tmp_path, tmp_path_factory, monkeypatch, bucket_rows, held_bytes):
    """Rows are split by month as parts are written out; the months, and ranges within one, come out in
    order, also beside parts still held in memory."""
    numbers = random.Random(5).sample(range(0, 200 * 24 * 60, 97), 60)  # minutes over 200 days
    rows = [tweet(number, tweet_text=f"row {index}") for index, number in enumerate(numbers)]
    path = tweets_csv(tmp_path / "t.csv", rows)
    monkeypatch.setattr(read, "CHUNK_ROWS", 7)
    monkeypatch.setattr(store, "BUCKET_ROWS", bucket_rows)
    monkeypatch.setattr(store, "PARTS_HELD_BYTES", held_bytes)
    at_sort: list[tuple[int, int]] = []  # (parts held, parts written out) when the sort starts
    buckets = store.TableParts.buckets

    def recorded(table):
        at_sort.append(
            (sum(p.rows is not None for p in table.parts), sum(p.path is not None for p in table.parts))
        )
        return buckets(table)

    monkeypatch.setattr(store.TableParts, "buckets", recorded)
    tweets = load(ingest([path], None, tmp_path_factory.mktemp("cache")))
    held, written = at_sort[0]
    assert written > 0 and (held > 0) == (held_bytes > 0)
    assert tweets["tweet_time"].dt.month().n_unique() > 5
    assert tweets["tweet_text"].to_list() == [
        f"row {index}" for index in sorted(range(60), key=numbers.__getitem__)
    ]


# --- Fatal errors ---------------------------------------------------------------------------------------


def write_bytes(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def zip_of(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


@pytest.mark.parametrize(
    ("make", "as_users", "problem"),
    [
        pytest.param(
            lambda tmp: tweets_csv(tmp / "t.csv", [tweet(0)], [n for n in TWEETS.names if n != "tweet_time"]),
            False,
            "missing required column(s) tweet_time",
            id="missing-column",
        ),
        pytest.param(
            lambda tmp: users_csv(tmp / "users.csv", [account("1", "a")]),
            False,
            "this looks like a users file",
            id="users-as-tweets",
        ),
        pytest.param(
            lambda tmp: tweets_csv(tmp / "t.csv", [tweet(0)]),
            True,
            "this looks like a tweets file",
            id="tweets-as-users",
        ),
        pytest.param(lambda tmp: write_bytes(tmp / "empty.csv", b""), False, "empty file", id="empty"),
        pytest.param(
            lambda tmp: write_bytes(tmp / "image.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
            False,
            "not UTF-8",
            id="binary",
        ),
        pytest.param(
            lambda tmp: write_bytes(tmp / "latin1.csv", "tweetid,café\n1,x\n".encode("latin-1")),
            False,
            "not UTF-8",
            id="not-utf8",
        ),
        pytest.param(
            lambda tmp: zip_of(tmp / "media.zip", {"readme.txt": "no data"}),
            False,
            "no .csv file",
            id="zip-no-csv",
        ),
        pytest.param(
            lambda tmp: write_bytes(tmp / "t.parquet", b"PAR1" + bytes(100)), False, "Parquet", id="parquet"
        ),
        pytest.param(lambda tmp: tmp / "missing.csv", False, "cannot read", id="missing-file"),
    ],
)
def test_fatal_input_errors_name_the_file(tmp_path, cache, make, as_users, problem):
    path = make(tmp_path)
    with pytest.raises(InputError) as raised:
        ingest([], path, cache) if as_users else ingest([path], None, cache)
    assert str(path) in str(raised.value)
    assert problem in str(raised.value)


def test_zip_member_errors_name_the_member(tmp_path, cache):
    archive = zip_of(tmp_path / "t.zip", {"t.csv": "userid,tweet_text\n1,x\n"})
    with pytest.raises(InputError, match=r"t\.zip:t\.csv: not a tweets file: missing required column"):
        ingest([archive], None, cache)


def test_nothing_to_ingest(cache):
    with pytest.raises(InputError, match="nothing to ingest"):
        ingest([], None, cache)


# --- Cache and determinism ------------------------------------------------------------------------------


def results(cache: Path) -> list[str]:
    """The directories in the cache: results, and work directories left behind."""
    return sorted(entry.name for entry in cache.iterdir() if entry.is_dir())


def test_input_hashes_are_reused_while_files_are_unchanged(tmp_path, cache, monkeypatch):
    path = tweets_csv(tmp_path / "t.csv", sample_tweets())
    first = ingest([path], None, cache)
    monkeypatch.setattr(store, "file_sha256", lambda _: pytest.fail("an unchanged input was hashed"))
    assert ingest([path], None, cache).inputs == first.inputs
    monkeypatch.undo()
    path.write_bytes(
        path.read_bytes() + tweets_csv(tmp_path / "more.csv", [tweet(9)]).read_bytes().split(b"\n", 1)[1]
    )
    assert ingest([path], None, cache).inputs[0]["sha256"] != first.inputs[0]["sha256"]


def test_cache_is_reused(tmp_path, cache):
    path = tweets_csv(tmp_path / "t.csv", sample_tweets())
    first = ingest([path], None, cache)
    written = first.tweets.stat().st_mtime_ns
    messages = []
    second = ingest([path], None, cache, progress=messages.append)
    assert second == first
    assert second.tweets.stat().st_mtime_ns == written
    assert messages == [f"reused cached ingest {first.cache_key[:12]}"]
    assert results(cache) == [first.cache_key]  # no temporary directory left


def test_a_copy_of_cached_inputs_is_not_read_again(tmp_path, cache, monkeypatch):
    """Same content at another path (a new download, a copy) is hashed, found cached and not read."""
    path = tweets_csv(tmp_path / "t.csv", sample_tweets())
    first = ingest([path], None, cache)
    copy = tmp_path / "elsewhere" / "t.csv"
    copy.parent.mkdir()
    copy.write_bytes(path.read_bytes())
    monkeypatch.setattr(ingest_module, "read_chunks", lambda *_: pytest.fail("cached inputs were read"))
    again = ingest([copy], None, cache)
    assert again == replace(first, inputs=[{**first.inputs[0], "path": str(copy)}])
    assert results(cache) == [first.cache_key]


def test_result_reopens_from_its_json_pointer(tmp_path, cache):
    result = ingest([tweets_csv(tmp_path / "t.csv", sample_tweets())], None, cache)
    result.to_json(tmp_path / "ingest-record.json")
    assert IngestResult.from_json(tmp_path / "ingest-record.json") == result


def test_changed_input_gets_a_new_key(tmp_path, cache):
    path = tweets_csv(tmp_path / "t.csv", sample_tweets())
    first = ingest([path], None, cache)
    path.write_bytes(path.read_bytes().replace(b"tweet 0", b"tweet O"))
    second = ingest([path], None, cache)
    assert second.cache_key != first.cache_key
    assert load(second)["tweet_text"][0] == "tweet O"
    assert results(cache) == sorted([first.cache_key, second.cache_key])


def test_role_is_part_of_the_key(tmp_path, cache):
    users = users_csv(tmp_path / "users.csv", [account("1001", "alice")])
    tweets = tweets_csv(tmp_path / "t.csv", sample_tweets())
    assert ingest([tweets], users, cache).cache_key != ingest([tweets], None, cache).cache_key


def test_interrupted_ingest_leaves_no_cache(tmp_path, cache, monkeypatch):
    path = tweets_csv(tmp_path / "t.csv", sample_tweets())

    def interrupted(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(ingest_module, "derive_users", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ingest([path], None, cache)
    assert results(cache) == []
    monkeypatch.undo()
    assert ingest([path], None, cache).counts["tweets"].loaded == 3


@pytest.mark.parametrize("sizes", [None, (7, 10)], ids=["in-memory-sort", "external-sort"])
def test_reruns_are_byte_identical(tmp_path, tmp_path_factory, monkeypatch, sizes):
    if sizes:
        monkeypatch.setattr(read, "CHUNK_ROWS", sizes[0])
        monkeypatch.setattr(store, "BUCKET_ROWS", sizes[1])
        monkeypatch.setattr(store, "PARTS_HELD_BYTES", 0)
    rows = [
        tweet(
            number % 40,
            tweetid=snowflake(START + timedelta(minutes=number % 40), number),
            is_retweet="true",
            tweet_text="RT @bob: x",
        )
        for number in range(120)
    ]
    rows += [tweet(3, follower_count="bad"), rows[7]]
    users = users_csv(tmp_path / "users.csv", [account("1002", "bob"), account("1001", "alice")])
    tweets = tweets_csv(tmp_path / "t.csv", rows)
    first = ingest([tweets], users, tmp_path_factory.mktemp("first"))
    second = ingest([tweets], users, tmp_path_factory.mktemp("second"))
    assert first.counts["tweets"] == FileCounts(122, 120, 1, 1)
    for name in ("tweets", "users", "quarantine"):
        assert getattr(first, name).read_bytes() == getattr(second, name).read_bytes(), name
