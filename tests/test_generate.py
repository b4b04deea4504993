"""The synthetic archive: deterministic, in the archive's format, and true to its own truth.json.

Everything here is measured from the written files with the csv module, never
with the project's loader or analyses, which are what the truth is meant to test.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest

from ioreport.analysis import narratives
from ioreport.archive import schema
from ioreport.config.params import load_params
from ioreport.errors import InputError
from ioreport.synthetic.generate import TRUTH_FILE, TWEETS_FILE, USERS_FILE, generate
from ioreport.synthetic.ru import RU

FILES = (TWEETS_FILE, USERS_FILE, TRUTH_FILE)
HASH = re.compile(r"[A-Za-z0-9+/]{43}=")
PARAMS_DIR = Path(__file__).resolve().parents[1] / "params"
RU_SCALE, RU_SEED = 0.2, 20200612


@dataclass(frozen=True)
class Promise:
    """What a network preset promises, written out here rather than read from the preset."""

    tweets: int  # at scale 1
    accounts: int
    timezone: str
    office_hours: tuple[int, int]  # local [start, end), Mon-Fri
    lunch_hour: int
    period: tuple[str, str]  # local first and last day
    zero_followers: float
    under_8_followers: float
    like_outliers: int  # 0-follower tweets over 50 likes, at scale 1
    retweet_outliers: int  # ... over 10 retweets


PROMISES = {
    # Calibrated to the published figures of china_052020.
    "prc": Promise(
        tweets=348_608,
        accounts=23_750,
        timezone="Asia/Shanghai",
        office_hours=(9, 18),
        lunch_hour=12,
        period=("2018-01-01", "2020-04-17"),
        zero_followers=0.785,
        under_8_followers=0.95,
        like_outliers=156,
        retweet_outliers=26,
    ),
    # Moscow-run and far smaller; its office day starts and lunches an hour later than Beijing's.
    "ru": Promise(
        tweets=60_000,
        accounts=1_200,
        timezone="Europe/Moscow",
        office_hours=(10, 19),
        lunch_hour=13,
        period=("2018-06-01", "2020-03-31"),
        zero_followers=0.42,
        under_8_followers=0.7,
        like_outliers=30,
        retweet_outliers=6,
    ),
}


def promise(truth: dict) -> Promise:
    return PROMISES[truth["generator"]["network"]]


@pytest.fixture(scope="module")
def ru_dataset(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("ru_dataset")
    return out, generate(out, scale=RU_SCALE, seed=RU_SEED, network="ru")


@pytest.fixture(scope="module", params=sorted(PROMISES))
def dataset(request: pytest.FixtureRequest) -> tuple[Path, dict]:
    """Each network's small dataset: conftest's PRC one (generated once per session) and a Moscow-run one."""
    return request.getfixturevalue("small_dataset" if request.param == "prc" else "ru_dataset")


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


def local_times(tweets: list, timezone: str) -> list[datetime]:
    zone = ZoneInfo(timezone)
    return [
        datetime.strptime(t["tweet_time"], "%Y-%m-%d %H:%M").replace(tzinfo=UTC).astimezone(zone)
        for t in tweets
    ]


@pytest.mark.parametrize("network", sorted(PROMISES))
def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path: Path, network: str) -> None:
    for name, seed in (("a", 11), ("b", 11), ("c", 12)):
        generate(tmp_path / name, scale=0.02, seed=seed, network=network)
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
    assert data["tweets"] == round(promise(truth).tweets * scale)
    assert data["accounts"] == round(promise(truth).accounts * scale)
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
    first, last = promise(truth).period
    days = sorted(t["tweet_time"][:10] for t in tweets)
    assert (days[0], days[-1]) == (truth["dataset"]["first_tweet"], truth["dataset"]["last_tweet"])
    assert days[0][:7] == first[:7] and days[-1] == last


def test_planted_engagement_thresholds_hold_exactly(dataset: tuple[Path, dict], tweets: list) -> None:
    _, truth = dataset
    engagement, scale = truth["engagement"], truth["generator"]["scale"]
    zero = [t for t in tweets if t["follower_count"] == "0"]
    over_50_likes = sum(int(t["like_count"] or 0) > 50 for t in zero)
    over_10_retweets = sum(int(t["retweet_count"] or 0) > 10 for t in zero)
    planted = promise(truth)
    assert (
        over_50_likes
        == engagement["zero_follower_tweets_over_50_likes"]
        == round(planted.like_outliers * scale)
    )
    assert over_10_retweets == engagement["zero_follower_tweets_over_10_retweets"]
    assert over_10_retweets == max(1, round(planted.retweet_outliers * scale))
    likes = sorted(((int(t["like_count"] or 0), t["tweetid"]) for t in tweets), reverse=True)
    assert likes[0][1] == engagement["most_liked_tweetid"] and likes[0][0] > likes[1][0]
    no_engagement = sum(all(t[c] == "0" for c in schema.ENGAGEMENT_COUNTS) for t in tweets)
    assert no_engagement / len(tweets) == pytest.approx(engagement["share_tweets_zero_engagement"], abs=1e-6)


def test_tweets_follow_the_operators_office_hours(dataset: tuple[Path, dict], tweets: list) -> None:
    """Beijing 09:00-18:00 with lunch at 12:00 for the PRC; Moscow 10:00-19:00 with lunch at 13:00 for ru."""
    _, truth = dataset
    office = promise(truth)
    start, end = office.office_hours
    local = local_times(tweets, office.timezone)
    per_hour = Counter(moment.hour for moment in local)
    peak = max(per_hour, key=per_hour.get)
    assert start <= peak < end and peak == truth["activity"]["peak_hour_local"]
    lunch = office.lunch_hour
    assert per_hour[lunch] < 0.6 * min(per_hour[lunch - 1], per_hour[lunch + 1])
    working = sum(m.weekday() < 5 and start <= m.hour < end for m in local) / len(local)
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
    assert accounts["share_zero_followers"] == pytest.approx(promise(truth).zero_followers, abs=0.005)
    assert accounts["share_under_8_followers"] == pytest.approx(promise(truth).under_8_followers, abs=0.005)
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


@pytest.mark.parametrize(("scale", "network"), [(1.0, "atlantis"), (0.001, "prc")])
def test_bad_arguments_are_input_errors(tmp_path: Path, scale: float, network: str) -> None:
    with pytest.raises(InputError):
        generate(tmp_path, scale=scale, network=network)


# The PRC network: its files stay as they were, and its narratives fall where the release's did.

# sha256 of the three files of generate(scale=0.02, seed=11), one after another, as of GENERATOR_VERSION 3.
PRC_FILES_SHA256 = "be2546a42f37bec8c504cdfc0498260a9f2b2b7810d27aea841016d975769a51"


def test_prc_files_are_unchanged(tmp_path: Path) -> None:
    generate(tmp_path, scale=0.02, seed=11)
    digest = hashlib.sha256()
    for file in FILES:
        digest.update((tmp_path / file).read_bytes())
    assert digest.hexdigest() == PRC_FILES_SHA256, (
        "the PRC network's files changed: if that is intended, bump GENERATOR_VERSION and update this digest"
    )


def test_prc_tweets_mostly_in_2020_with_covid_peaking_in_spring(small_dataset: tuple[Path, dict]) -> None:
    out, truth = small_dataset
    days = [t["tweet_time"][:10] for t in valid_rows(out / TWEETS_FILE, truth)]
    assert sum(d >= "2020-01-01" for d in days) > len(days) / 2
    assert truth["narratives"]["topic_peak_week"]["covid19"][:7] in {"2020-03", "2020-04"}


# The Moscow-run network: the same archive, another zone, holiday calendar, script and lexicon.

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
RU_PEAK_WEEKS = {  # the Mondays of the planted peaks
    "ukraine": "2018-11-26",  # the Kerch Strait incident
    "nato": "2019-12-02",  # the London summit
    "elections": "2019-09-02",  # the Moscow City Duma election
    "covid": "2020-03-23",
    "syria": "2019-10-14",  # Turkey's offensive
}


@pytest.fixture(scope="module")
def ru_tweets(ru_dataset: tuple[Path, dict]) -> list[dict[str, str]]:
    out, truth = ru_dataset
    return valid_rows(out / TWEETS_FILE, truth)


def test_ru_headers_are_the_prc_headers(
    ru_dataset: tuple[Path, dict], small_dataset: tuple[Path, dict]
) -> None:
    for file in (TWEETS_FILE, USERS_FILE):
        assert read_records(ru_dataset[0] / file)[0][1] == read_records(small_dataset[0] / file)[0][1]


def test_ru_truth_has_moscow_activity_and_its_own_narratives(ru_dataset: tuple[Path, dict]) -> None:
    _, truth = ru_dataset
    assert truth["generator"]["network"] == "ru" and truth["dataset"]["name"] == "synthetic_ru"
    activity = truth["activity"]
    assert (activity["timezone"], activity["utc_offset_hours"], activity["holiday_country"]) == (
        "Europe/Moscow",
        3,
        "RU",
    )
    assert 10 <= activity["peak_hour_local"] < 19
    narratives = truth["narratives"]
    assert set(narratives["topic_shares"]) == set(RU_PEAK_WEEKS)
    assert narratives["topic_peak_week"] == RU_PEAK_WEEKS
    assert 0 < narratives["untagged_share"] < 0.5
    tags = {entry["hashtag"] for entry in narratives["top_hashtags"]}
    assert {"НАТО", "нато", "Украина", "украина"} <= tags  # equal once case-folded
    assert set(truth["dataset"]["tweet_language_shares"]) == {"ru", "en", "", "und"}


def test_ru_texts_are_mostly_cyrillic_with_some_english(ru_tweets: list) -> None:
    cyrillic = sum(bool(CYRILLIC.search(t["tweet_text"])) for t in ru_tweets) / len(ru_tweets)
    assert cyrillic > 0.75
    languages = Counter(t["tweet_language"] for t in ru_tweets)
    assert languages["ru"] > 3 * languages["en"] > 0
    assert {"ru", "RU"} <= {t["account_language"] for t in ru_tweets}
    hashtags = {tag.strip("'") for t in ru_tweets for tag in t["hashtags"].strip("[]").split(", ")}
    assert {"НАТО", "нато", "NATO"} <= hashtags


def test_ru_tweets_are_fewer_on_russian_holidays(ru_dataset: tuple[Path, dict], ru_tweets: list) -> None:
    """Counted per Moscow day from the first to the last tweet, zero days included, as the truth counts."""
    _, truth = ru_dataset
    per_day = Counter(moment.date() for moment in local_times(ru_tweets, "Europe/Moscow"))
    first, last = min(per_day), max(per_day)
    days = [first + timedelta(days=k) for k in range((last - first).days + 1)]
    public = holidays.country_holidays("RU", years=range(first.year, last.year + 1))
    # Among them the New Year week, Defender of the Fatherland Day, Russia Day and Unity Day.
    assert {date(2019, 1, 3), date(2019, 2, 23), date(2019, 6, 12), date(2019, 11, 4)} <= set(public)
    on_holidays = [per_day[d] for d in days if d in public]
    on_working_days = [per_day[d] for d in days if d.weekday() < 5 and d not in public]
    ratio = (sum(on_holidays) / len(on_holidays)) / (sum(on_working_days) / len(on_working_days))
    assert ratio == pytest.approx(truth["activity"]["holiday_ratio"], abs=1e-6) and ratio < 0.3


def test_ru_lexicon_finds_each_topic_in_its_own_texts_only() -> None:
    """params/topics_ru.yaml, matched as the narratives analysis matches: every sentence and hashtag of a
    topic, and nothing untagged."""
    lexicon = narratives.load_lexicon(PARAMS_DIR / "topics_ru.yaml")
    assert set(lexicon) == set(RU_PEAK_WEEKS)
    patterns = {topic: re.compile(narratives.topic_pattern(entries)) for topic, entries in lexicon.items()}
    for topic in RU.content.topics:
        texts = [sentence for pool in topic.phrases.values() for sentence in pool]
        texts += ["#" + tag for tag in topic.hashtags]
        for text, folded in zip(texts, narratives.normalise(texts), strict=True):
            found = {name for name, pattern in patterns.items() if pattern.search(folded)}
            assert found == ({topic.name} if topic.name in lexicon else set()), text


def test_ru_params_file_runs_the_ru_network() -> None:
    params = load_params(PARAMS_DIR / "synthetic_ru.yaml")
    assert (params.name, params.timezone, params.holidays, params.published) == (
        "synthetic_ru",
        "Europe/Moscow",
        "RU",
        None,
    )
    assert (params.synthetic.network, params.synthetic.seed, params.synthetic.scale) == ("ru", 20200612, 1.0)
    assert params.topics == PARAMS_DIR / "topics_ru.yaml"
