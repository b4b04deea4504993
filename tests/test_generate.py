"""The synthetic archive: deterministic, in the archive's format, and true to its own truth.json.

Everything here is measured from the written files with the csv module, never
with the project's loader or analyses, which are what the truth is meant to test.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ioreport import schema
from ioreport.errors import InputError
from ioreport.generate import TRUTH_FILE, TWEETS_FILE, USERS_FILE, generate

FILES = (TWEETS_FILE, USERS_FILE, TRUTH_FILE)
HASH = re.compile(r"[A-Za-z0-9+/]{43}=")


@pytest.fixture(scope="module")
def dataset(small_dataset: tuple[Path, dict]) -> tuple[Path, dict]:
    """conftest's small dataset, generated once per session."""
    return small_dataset


def is_minute(value: str) -> bool:
    """A tweet_time as the archive writes it: YYYY-MM-DD HH:MM, a real date and time."""
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M").strftime("%Y-%m-%d %H:%M") == value
    except ValueError:
        return False


def read_records(path: Path) -> list[tuple[int, list[str]]]:
    """Every CSV record with the physical line it starts on (the header is line 1)."""
    records = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        start = 1
        for row in reader:
            records.append((start, row))
            start = reader.line_num + 1
    return records


def valid_rows(path: Path, truth: dict) -> list[dict[str, str]]:
    """The file's rows minus the header, the planted faulty rows and the duplicates, as dicts."""
    bad_lines = {m["line"] for m in truth["dataset"]["malformed"] if m["file"] == path.name}
    records = read_records(path)
    header = records[0][1]
    return [dict(zip(header, row, strict=True)) for line, row in records[1:] if line not in bad_lines]


@pytest.fixture(scope="module")
def tweets(dataset: tuple[Path, dict]) -> list[dict[str, str]]:
    out, truth = dataset
    return valid_rows(out / TWEETS_FILE, truth)


@pytest.fixture(scope="module")
def users(dataset: tuple[Path, dict]) -> list[dict[str, str]]:
    out, truth = dataset
    return valid_rows(out / USERS_FILE, truth)


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    for name, seed in (("a", 11), ("b", 11), ("c", 12)):
        generate(tmp_path / name, scale=0.02, seed=seed)
    for file in FILES:
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes(), file
        assert (tmp_path / "a" / file).read_bytes() != (tmp_path / "c" / file).read_bytes(), file


def test_files_are_utf8_without_bom_and_fully_quoted(dataset: tuple[Path, dict]) -> None:
    out, _ = dataset
    for file in (TWEETS_FILE, USERS_FILE):
        data = (out / file).read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        assert b"\r" not in data
        data.decode("utf-8")
        assert data.startswith(b'"') and data.endswith(b'"\n')


def test_headers_are_the_schema_columns(dataset: tuple[Path, dict]) -> None:
    out, _ = dataset
    assert read_records(out / TWEETS_FILE)[0][1] == schema.TWEETS.names
    assert read_records(out / USERS_FILE)[0][1] == schema.USERS.names


def test_row_counts_match_the_truth(dataset: tuple[Path, dict], tweets: list, users: list) -> None:
    out, truth = dataset
    data, scale = truth["dataset"], truth["generator"]["scale"]
    assert data["tweets"] == round(348_608 * scale)
    assert data["accounts"] == round(23_750 * scale)
    assert len(read_records(out / TWEETS_FILE)) - 1 == data["tweet_rows_written"]
    assert len(read_records(out / USERS_FILE)) - 1 == data["user_rows_written"]
    assert data["tweet_rows_written"] == data["tweets"] + 8 + data["duplicate_rows"]
    assert data["user_rows_written"] == data["accounts"] + 1
    assert (data["quarantined_rows"], data["duplicate_rows"]) == (9, 3)
    assert len(tweets) == len({t["tweetid"] for t in tweets}) == data["tweets"]
    assert len(users) == len({u["userid"] for u in users}) == data["accounts"]


def test_malformed_rows_are_at_the_recorded_lines(dataset: tuple[Path, dict]) -> None:
    out, truth = dataset
    malformed = truth["dataset"]["malformed"]
    assert Counter(m["fault"] for m in malformed) == {
        "unparseable_time": 2,
        "non_numeric_count": 3,  # two like counts in the tweets, one follower count in the users
        "missing_tweetid": 2,
        "too_few_fields": 1,
        "too_many_fields": 1,
        "duplicate_row": 3,
    }
    for file, names in ((TWEETS_FILE, schema.TWEETS.names), (USERS_FILE, schema.USERS.names)):
        records = read_records(out / file)
        by_line = {line: row for line, row in records}
        earlier_rows = {}
        for line, row in records:
            earlier_rows.setdefault(tuple(row), line)
        for fault in (m for m in malformed if m["file"] == file):
            row = by_line[fault["line"]]
            value = row[names.index(fault["column"])] if fault["column"] else None
            match fault["fault"]:
                case "unparseable_time":
                    assert not is_minute(value)
                case "non_numeric_count":
                    assert value and not value.isdigit()
                case "missing_tweetid":
                    assert value == ""
                case "too_few_fields":
                    assert len(row) == len(names) - 1
                case "too_many_fields":
                    assert len(row) == len(names) + 1
                case "duplicate_row":
                    assert earlier_rows[tuple(row)] < fault["line"]


def test_valid_rows_are_well_formed(tweets: list, users: list) -> None:
    for tweet in tweets:
        assert tweet["tweetid"].isdigit() and is_minute(tweet["tweet_time"])
        assert all(tweet[c] == "" or tweet[c].isdigit() for c in schema.ENGAGEMENT_COUNTS)
        assert tweet["is_retweet"] in {"true", "false", "True", "False"}
    assert all(u["follower_count"].isdigit() for u in users)


def test_snowflake_ids_agree_with_tweet_time(tweets: list) -> None:
    for tweet in tweets:
        ms = (int(tweet["tweetid"]) >> schema.SNOWFLAKE_SHIFT) + schema.SNOWFLAKE_EPOCH_MS
        minute = datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M")
        assert minute == tweet["tweet_time"], tweet["tweetid"]


def test_period_matches_the_truth(dataset: tuple[Path, dict], tweets: list) -> None:
    _, truth = dataset
    days = sorted(t["tweet_time"][:10] for t in tweets)
    assert (days[0], days[-1]) == (truth["dataset"]["first_tweet"], truth["dataset"]["last_tweet"])
    assert days[0].startswith("2018-01") and days[-1] == "2020-04-17"
    assert sum(d >= "2020-01-01" for d in days) > len(days) / 2  # most tweets in 2020


def test_planted_engagement_thresholds_hold_exactly(dataset: tuple[Path, dict], tweets: list) -> None:
    _, truth = dataset
    engagement, scale = truth["engagement"], truth["generator"]["scale"]
    zero = [t for t in tweets if t["follower_count"] == "0"]
    over_50_likes = sum(int(t["like_count"] or 0) > 50 for t in zero)
    over_10_retweets = sum(int(t["retweet_count"] or 0) > 10 for t in zero)
    assert over_50_likes == engagement["zero_follower_tweets_over_50_likes"] == round(156 * scale)
    assert (
        over_10_retweets == engagement["zero_follower_tweets_over_10_retweets"] == max(1, round(26 * scale))
    )
    likes = sorted(((int(t["like_count"] or 0), t["tweetid"]) for t in tweets), reverse=True)
    assert likes[0][1] == engagement["most_liked_tweetid"] and likes[0][0] > likes[1][0]
    no_engagement = sum(all(t[c] == "0" for c in schema.ENGAGEMENT_COUNTS) for t in tweets)
    assert no_engagement / len(tweets) == pytest.approx(engagement["share_tweets_zero_engagement"], abs=1e-6)


def test_tweets_follow_beijing_office_hours(dataset: tuple[Path, dict], tweets: list) -> None:
    _, truth = dataset
    beijing = ZoneInfo("Asia/Shanghai")
    local = [
        datetime.strptime(t["tweet_time"], "%Y-%m-%d %H:%M").replace(tzinfo=UTC).astimezone(beijing)
        for t in tweets
    ]
    per_hour = Counter(moment.hour for moment in local)
    peak = max(per_hour, key=per_hour.get)
    assert 9 <= peak < 18 and peak == truth["activity"]["peak_hour_local"]
    working = sum(m.weekday() < 5 and 9 <= m.hour < 18 for m in local) / len(local)
    weekend = sum(m.weekday() >= 5 for m in local) / len(local)
    assert working == pytest.approx(truth["activity"]["working_hours_share"], abs=1e-6) and working > 0.7
    assert weekend == pytest.approx(truth["activity"]["weekend_share"], abs=1e-6) and weekend < 0.1


def test_accounts_match_the_truth(dataset: tuple[Path, dict], users: list) -> None:
    _, truth = dataset
    accounts = truth["accounts"]
    followers = [int(u["follower_count"]) for u in users]
    assert sum(f == 0 for f in followers) / len(users) == pytest.approx(
        accounts["share_zero_followers"], abs=1e-6
    )
    assert accounts["share_zero_followers"] == pytest.approx(0.785, abs=0.005)
    assert accounts["share_under_8_followers"] == pytest.approx(0.95, abs=0.005)
    created = Counter(u["account_creation_date"] for u in users)
    top = sorted(created.items(), key=lambda item: (-item[1], item[0]))[:10]
    assert [{"date": d, "accounts": n} for d, n in top] == accounts["creation_batches"]
    for user in users:
        if int(user["follower_count"]) < 5_000:
            assert HASH.fullmatch(user["userid"])
            assert user["userid"] == user["user_display_name"] == user["user_screen_name"]
        else:
            assert user["userid"].isdigit()
    assert sum(not HASH.fullmatch(u["userid"]) for u in users) == len(users) - accounts["hashed_accounts"]


def test_retweets_and_hostile_text_match_the_truth(
    dataset: tuple[Path, dict], tweets: list, users: list
) -> None:
    _, truth = dataset
    retweets = [t for t in tweets if t["is_retweet"].lower() == "true"]
    assert all(t["tweet_text"].startswith("RT @") for t in retweets)
    assert len(retweets) / len(tweets) == pytest.approx(truth["retweets"]["share"], abs=1e-6)
    assert sum(t["retweet_userid"] == "" for t in retweets) == truth["retweets"]["blank_retweet_userid"] > 0
    hostile = truth["dataset"]["hostile"]
    carriers = [t["tweetid"] for t in tweets if "<script>alert(1)</script>" in t["tweet_text"]]
    assert carriers == [hostile["tweetid"]]
    user = next(u for u in users if u["userid"] == hostile["userid"])
    assert (
        "<img src=x onerror=alert(1)>" in user["user_display_name"] and int(user["follower_count"]) >= 5_000
    )
    assert sum("\n" in t["tweet_text"] for t in tweets) == truth["dataset"]["texts_with_newlines"] > 0


def test_truth_file_is_the_returned_truth(dataset: tuple[Path, dict]) -> None:
    out, truth = dataset
    text = (out / TRUTH_FILE).read_text(encoding="utf-8")
    assert text == json.dumps(truth, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert set(truth["generator"]) == {"network", "seed", "scale", "version"}
    for section, keys in {
        "dataset": ["name", "synthetic", "first_tweet", "last_tweet", "malformed", "hostile"],
        "activity": ["timezone", "utc_offset_hours", "working_hours_share", "holiday_ratio"],
        "narratives": ["topic_shares", "untagged_share", "topic_peak_week", "top_hashtags"],
    }.items():
        assert set(keys) <= set(truth[section]), section
    assert truth["narratives"]["topic_peak_week"]["covid19"][:7] in {"2020-03", "2020-04"}


@pytest.mark.parametrize(("scale", "network"), [(1.0, "atlantis"), (0.001, "prc")])
def test_bad_arguments_are_input_errors(tmp_path: Path, scale: float, network: str) -> None:
    with pytest.raises(InputError):
        generate(tmp_path, scale=scale, network=network)
