"""The synthetic archive: deterministic, in the archive's format, and true to its own truth.json.

Everything here is measured from the written files (the csv module, then polars over the valid rows), never
with the project's loader or analyses, which are what the truth is meant to test. What each network
promises is written out here rather than read from its preset.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import json
import re
import shutil
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from pathlib import Path

import holidays
import polars as pl
import pytest
import yaml

from ioreport.analysis import narratives
from ioreport.archive import schema
from ioreport.config.params import load_params
from ioreport.errors import InputError
from ioreport.synthetic.core.preset import PRESETS_DIR, load_preset, read_preset
from ioreport.synthetic.generate import NETWORKS, TRUTH_FILE, TWEETS_FILE, USERS_FILE, generate

FILES = (TWEETS_FILE, USERS_FILE, TRUTH_FILE)
HASH = re.compile(r"[A-Za-z0-9+/]{43}=")
PARAMS_DIR = Path(__file__).resolve().parents[1] / "params"
SYNTHETIC_DIR = Path(__file__).resolve().parents[1] / "src" / "ioreport" / "synthetic"
MS_PER_DAY = 86_400_000
DORMANCY_MS = 180 * MS_PER_DAY
LOCKSTEP = ("co_retweet", "co_tweet", "near_duplicate", "co_hashtag")
CLAIMS = (  # the claims a report makes, each planted by a network or not
    *("batch_creation", "office_hours", "holiday_dip", "coordination", "repurposed_accounts"),
    *("anomalous_engagement", "low_engagement"),
)


@dataclass(frozen=True)
class Promise:
    """What a network promises."""

    tweets: int  # at scale 1
    accounts: int
    frame: str  # the time zone its truth counts local figures in
    working_hours: tuple[int, int]  # local [start, end), Mon-Fri, that its truth counts as working hours
    claims: frozenset[str]  # the claims it plants


@dataclass(frozen=True)
class Office:
    """What an operation's office promises besides."""

    lunch_hour: int
    period: tuple[str, str]  # local first and last day
    zero_followers: float
    under_8_followers: float
    like_outliers: int  # 0-follower tweets over 50 likes, at scale 1
    retweet_outliers: int  # ... over 10 retweets


OPERATION = frozenset(CLAIMS)
PROMISES = {
    # Calibrated to the published figures of china_052020.
    "prc": Promise(348_608, 23_750, "Asia/Shanghai", (9, 18), OPERATION),
    # Moscow-run and far smaller, its office day an hour later than Beijing's; no bought accounts.
    "ru": Promise(60_000, 1_200, "Europe/Moscow", (10, 19), OPERATION - {"repurposed_accounts"}),
    # Ordinary people in several zones: no operation at all.
    "organic": Promise(40_000, 1_000, "UTC", (9, 17), frozenset()),
    # The same kind of people, a few of them in coordinated groups.
    "noisy": Promise(60_000, 1_500, "UTC", (9, 17), frozenset({"coordination"})),
}
OFFICES = {
    "prc": Office(12, ("2018-01-02", "2020-04-17"), 0.785, 0.95, 156, 26),
    "ru": Office(13, ("2018-06-01", "2020-03-31"), 0.42, 0.7, 30, 6),
}
SCALES = {"prc": 0.03, "ru": 0.2, "organic": 0.5, "noisy": 0.5}  # the prc one is conftest's small dataset
SEEDS = {"ru": 20200612, "organic": 5, "noisy": 5}


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


def decode_list(value: str) -> list[str]:
    """A list column in any of the archive's spellings."""
    inner = value.strip("[]")
    return [item.strip().strip("'") for item in inner.split(", ")] if inner else []


@dataclass
class Dataset:
    """A generated dataset's files, read independently, and its truth."""

    out: Path
    truth: dict

    @property
    def network(self) -> str:
        return self.truth["generator"]["network"]

    @property
    def scale(self) -> float:
        return self.truth["generator"]["scale"]

    def valid_rows(self, file: str) -> list[dict[str, str]]:
        """The file's rows minus the header, the planted faulty rows and the duplicates, as dicts."""
        bad_lines = {m["line"] for m in self.truth["dataset"]["malformed"] if m["file"] == file}
        records = read_records(self.out / file)
        header = records[0][1]
        return [dict(zip(header, row, strict=True)) for line, row in records[1:] if line not in bad_lines]

    @cached_property
    def tweets(self) -> pl.DataFrame:
        """Valid tweets, with the snowflake's UTC milliseconds, and the list columns decoded."""
        frame = pl.DataFrame(
            self.valid_rows(TWEETS_FILE), schema=dict.fromkeys(schema.TWEETS.names, pl.String)
        )
        return frame.with_columns(
            ms=(pl.col("tweetid").cast(pl.Int64) // (1 << schema.SNOWFLAKE_SHIFT))
            + schema.SNOWFLAKE_EPOCH_MS,
            retweet=pl.col("is_retweet").str.to_lowercase() == "true",
            tags=pl.col("hashtags").map_elements(decode_list, return_dtype=pl.List(pl.String)),
            **{
                c: pl.col(c).replace("", None).cast(pl.Int64)
                for c in (*schema.ENGAGEMENT_COUNTS, "follower_count")
            },
        ).sort("ms")

    @cached_property
    def users(self) -> list[dict[str, str]]:
        return self.valid_rows(USERS_FILE)

    def local(self, timezone: str | None = None) -> pl.DataFrame:
        """The tweets with their hour, weekday (Monday = 1) and day on a clock (the truth's by default)."""
        moment = pl.from_epoch("ms", time_unit="ms").dt.replace_time_zone("UTC")
        moment = moment.dt.convert_time_zone(timezone or self.truth["activity"]["timezone"])
        return self.tweets.with_columns(
            hour=moment.dt.hour(), weekday=moment.dt.weekday(), day=moment.dt.date()
        )


def small(tmp_path_factory: pytest.TempPathFactory, network: str) -> Dataset:
    out = tmp_path_factory.mktemp(f"{network}_dataset")
    return Dataset(out, generate(out, scale=SCALES[network], seed=SEEDS[network], network=network))


@pytest.fixture(scope="module")
def ru(tmp_path_factory) -> Dataset:
    return small(tmp_path_factory, "ru")


@pytest.fixture(scope="module")
def organic(tmp_path_factory) -> Dataset:
    return small(tmp_path_factory, "organic")


@pytest.fixture(scope="module")
def noisy(tmp_path_factory) -> Dataset:
    return small(tmp_path_factory, "noisy")


@pytest.fixture(scope="module")
def prc(small_dataset) -> Dataset:
    return Dataset(*small_dataset)


@pytest.fixture(scope="module", params=sorted(PROMISES))
def dataset(request: pytest.FixtureRequest) -> Dataset:
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="module", params=sorted(OFFICES))
def operation(request: pytest.FixtureRequest) -> Dataset:
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="module", params=["prc", "ru", "noisy"])
def coordinated(request: pytest.FixtureRequest) -> Dataset:
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="module", params=["organic", "noisy"])
def people(request: pytest.FixtureRequest) -> Dataset:
    return request.getfixturevalue(request.param)


# --- Every network: the files, and the truth they are described by ------------------------------------


@pytest.mark.parametrize("network", sorted(PROMISES))
def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path: Path, network: str) -> None:
    scale = 2 * load_preset(network).min_scale
    for name, seed in (("a", 11), ("b", 11), ("c", 12)):
        generate(tmp_path / name, scale=scale, seed=seed, network=network)
    for file in FILES:
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes(), file
        assert (tmp_path / "a" / file).read_bytes() != (tmp_path / "c" / file).read_bytes(), file


def test_files_are_utf8_without_bom_and_fully_quoted(dataset: Dataset) -> None:
    for file in (TWEETS_FILE, USERS_FILE):
        data = (dataset.out / file).read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        assert b"\r" not in data
        data.decode("utf-8")
        assert data.startswith(b'"') and data.endswith(b'"\n')


def test_headers_are_the_schema_columns(dataset: Dataset) -> None:
    assert read_records(dataset.out / TWEETS_FILE)[0][1] == schema.TWEETS.names
    assert read_records(dataset.out / USERS_FILE)[0][1] == schema.USERS.names


def test_row_counts_match_the_truth(dataset: Dataset) -> None:
    data, promise = dataset.truth["dataset"], PROMISES[dataset.network]
    assert data["tweets"] == round(promise.tweets * dataset.scale)
    assert data["accounts"] == round(promise.accounts * dataset.scale)
    assert len(read_records(dataset.out / TWEETS_FILE)) - 1 == data["tweet_rows_written"]
    assert len(read_records(dataset.out / USERS_FILE)) - 1 == data["user_rows_written"]
    assert data["tweet_rows_written"] == data["tweets"] + 8 + data["duplicate_rows"]
    assert data["user_rows_written"] == data["accounts"] + 1
    assert (data["quarantined_rows"], data["duplicate_rows"]) == (9, 3)
    tweets = dataset.tweets
    assert tweets.height == tweets["tweetid"].n_unique() == data["tweets"]
    assert len(dataset.users) == len({u["userid"] for u in dataset.users}) == data["accounts"]
    assert set(tweets["userid"]) <= {u["userid"] for u in dataset.users}


def test_malformed_rows_are_at_the_recorded_lines(dataset: Dataset) -> None:
    malformed = dataset.truth["dataset"]["malformed"]
    assert Counter(m["fault"] for m in malformed) == {
        "unparseable_time": 2,
        "non_numeric_count": 3,  # two like counts in the tweets, one follower count in the users
        "missing_tweetid": 2,
        "too_few_fields": 1,
        "too_many_fields": 1,
        "duplicate_row": 3,
    }
    for file, names in ((TWEETS_FILE, schema.TWEETS.names), (USERS_FILE, schema.USERS.names)):
        records = read_records(dataset.out / file)
        by_line = dict(records)
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


def test_valid_rows_are_well_formed_and_ids_agree_with_tweet_time(dataset: Dataset) -> None:
    tweets = dataset.tweets
    assert tweets["tweetid"].str.contains(r"^\d+$").all() and all(map(is_minute, tweets["tweet_time"]))
    minutes = pl.from_epoch(tweets["ms"], time_unit="ms").dt.strftime("%Y-%m-%d %H:%M")
    assert (minutes == tweets["tweet_time"]).all()
    assert set(tweets["is_retweet"]) <= {"true", "false", "True", "False"}
    assert all(u["follower_count"].isdigit() for u in dataset.users)
    assert (tweets["retweet"] == tweets["tweet_text"].str.starts_with("RT @")).all()


def test_period_matches_the_truth(dataset: Dataset) -> None:
    days = dataset.tweets["tweet_time"].str.slice(0, 10)
    assert (days.min(), days.max()) == (
        dataset.truth["dataset"]["first_tweet"],
        dataset.truth["dataset"]["last_tweet"],
    )


def test_accounts_match_the_truth(dataset: Dataset) -> None:
    users, accounts = dataset.users, dataset.truth["accounts"]
    followers = sorted(int(u["follower_count"]) for u in users)
    assert sum(f == 0 for f in followers) / len(users) == pytest.approx(
        accounts["share_zero_followers"], abs=1e-6
    )
    assert sum(f < 8 for f in followers) / len(users) == pytest.approx(
        accounts["share_under_8_followers"], abs=1e-6
    )
    assert sum(not u["user_profile_description"] for u in users) / len(users) == pytest.approx(
        accounts["share_no_bio"], abs=1e-6
    )
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


def test_activity_matches_the_truth(dataset: Dataset) -> None:
    """Counted on the truth's clock from the tweet ids, as the truth counts."""
    activity = dataset.truth["activity"]
    assert activity["timezone"] == PROMISES[dataset.network].frame
    local = dataset.local()
    start, end = PROMISES[dataset.network].working_hours
    working = local.select(
        ((pl.col("weekday") <= 5) & pl.col("hour").is_between(start, end - 1)).mean()
    ).item()
    assert working == pytest.approx(activity["working_hours_share"], abs=1e-6)
    assert local.select((pl.col("weekday") >= 6).mean()).item() == pytest.approx(
        activity["weekend_share"], abs=1e-6
    )
    per_hour = Counter(local["hour"])
    assert max(per_hour, key=lambda h: (per_hour[h], -h)) == activity["peak_hour_local"]
    assert holiday_ratio(local, activity["holiday_country"]) == pytest.approx(
        activity["holiday_ratio"], abs=1e-6
    )


def holiday_ratio(local: pl.DataFrame, country: str) -> float:
    """Mean tweets per public holiday over mean per other Mon-Fri day, local days from the first tweet to the
    last, zero days included."""
    per_day = Counter(local["day"])
    first, last = min(per_day), max(per_day)
    days = [first + timedelta(days=k) for k in range((last - first).days + 1)]
    public = holidays.country_holidays(country, years=range(first.year, last.year + 1))
    on_holidays = [per_day[d] for d in days if d in public]
    on_working_days = [per_day[d] for d in days if d.weekday() < 5 and d not in public]
    return (sum(on_holidays) / len(on_holidays)) / (sum(on_working_days) / len(on_working_days))


def test_retweets_hostile_text_and_quirks_match_the_truth(dataset: Dataset) -> None:
    tweets, truth = dataset.tweets, dataset.truth
    retweets = tweets.filter("retweet")
    assert retweets.height / tweets.height == pytest.approx(truth["retweets"]["share"], abs=1e-6)
    assert (retweets["retweet_userid"] == "").sum() == truth["retweets"]["blank_retweet_userid"]
    hostile = truth["dataset"]["hostile"]
    carriers = tweets.filter(pl.col("tweet_text").str.contains(hostile["tweet_markup"], literal=True))
    assert carriers["tweetid"].to_list() == [hostile["tweetid"]]
    user = next(u for u in dataset.users if u["userid"] == hostile["userid"])
    assert (
        hostile["display_name_markup"] in user["user_display_name"] and int(user["follower_count"]) >= 5_000
    )
    data = truth["dataset"]
    assert tweets["tweet_text"].str.contains("\n").sum() == data["texts_with_newlines"] > 0
    assert (tweets["latitude"] != "absent").sum() == data["geotagged_tweets"] > 0
    assert (tweets["poll_choices"] != "").sum() == data["poll_tweets"] > 0
    languages = tweets["tweet_language"].value_counts(normalize=True)
    assert dict(languages.iter_rows()) == pytest.approx(data["tweet_language_shares"], abs=1e-6)
    assert {"quoted", "unquoted", "blank"} <= list_styles(tweets)
    assert {"true", "True", "false", "False"} <= set(tweets["is_retweet"])


def list_styles(tweets: pl.DataFrame) -> set[str]:
    """Which of the archive's list spellings the files use."""
    lists = pl.concat([tweets["hashtags"], tweets["urls"], tweets["user_mentions"]])
    spellings = {
        "quoted": lists.str.starts_with("['").any(),
        "unquoted": lists.str.contains(r"^\[[^'\]]").any(),
        "blank": (lists == "").any(),
    }
    return {name for name, used in spellings.items() if used}


def test_engagement_matches_the_truth(dataset: Dataset) -> None:
    tweets, engagement = dataset.tweets, dataset.truth["engagement"]
    zero = tweets.filter(pl.col("follower_count") == 0)
    assert (zero["like_count"] > 50).sum() == engagement["zero_follower_tweets_over_50_likes"]
    assert (zero["retweet_count"] > 10).sum() == engagement["zero_follower_tweets_over_10_retweets"]
    top = tweets.drop_nulls("like_count").sort(["like_count", "tweetid"], descending=[True, False])
    assert top["tweetid"][0] == engagement["most_liked_tweetid"]
    none = tweets.select(
        pl.all_horizontal(pl.col(c) == 0 for c in schema.ENGAGEMENT_COUNTS).fill_null(False).mean()
    )
    assert none.item() == pytest.approx(engagement["share_tweets_zero_engagement"], abs=1e-6)
    assert tweets.filter("retweet").select(pl.sum_horizontal(schema.ENGAGEMENT_COUNTS).max()).item() == 0


def test_top_hashtags_match_the_truth(dataset: Dataset) -> None:
    counts = Counter(tag for tags in dataset.tweets["tags"] for tag in tags)
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:20]
    assert [{"hashtag": h, "tweets": n} for h, n in top] == dataset.truth["narratives"]["top_hashtags"]


def test_dormancy_matches_the_truth(dataset: Dataset) -> None:
    gaps = dataset.tweets.select("userid", gap=pl.col("ms").diff().over("userid"))
    dormant = set(gaps.filter(pl.col("gap") >= DORMANCY_MS)["userid"])
    assert dormant == set(dataset.truth["forensics"]["dormant_reactivated"])


def test_claims_are_what_the_network_plants(dataset: Dataset) -> None:
    claims = dataset.truth["claims"]
    assert set(claims) == set(CLAIMS)
    assert {claim for claim, planted in claims.items() if planted} == PROMISES[dataset.network].claims


def test_truth_file_is_the_returned_truth(dataset: Dataset) -> None:
    text = (dataset.out / TRUTH_FILE).read_text(encoding="utf-8")
    truth = dataset.truth
    assert text == json.dumps(truth, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert set(truth["generator"]) == {"network", "seed", "scale", "version"}
    for section, keys in {
        "dataset": [
            "name",
            "synthetic",
            "first_tweet",
            "last_tweet",
            "malformed",
            "hostile",
            "tweet_language_shares",
        ],
        "accounts": ["creation_batches", "share_zero_followers", "median_followers", "hashed_accounts"],
        "activity": [
            "timezone",
            "utc_offset_hours",
            "working_hours_share",
            "holiday_ratio",
            "holiday_country",
        ],
        "narratives": ["topic_shares", "untagged_share", "topic_peak_week", "top_hashtags"],
        "retweets": ["share", "blank_retweet_userid"],
        "forensics": ["repurposed", "decoys", "test_owner_tweets", "dormancy_days", "language_switch"],
        "coordination": [*LOCKSTEP, "spread_out", "events_planted", "params"],
        "chance": ["viral_bursts", "stock_phrases", "trending", "coincidences"],
    }.items():
        assert set(keys) <= set(truth[section]), section


@pytest.mark.parametrize(("scale", "network"), [(1.0, "atlantis"), (0.001, "prc"), (0.01, "organic")])
def test_bad_arguments_are_input_errors(tmp_path: Path, scale: float, network: str) -> None:
    with pytest.raises(InputError, match="noisy, organic, prc, ru" if network == "atlantis" else "too small"):
        generate(tmp_path, scale=scale, network=network)


# --- Presets: validated data, in the package ----------------------------------------------------------


def test_every_shipped_preset_validates() -> None:
    assert tuple(sorted(PROMISES)) == NETWORKS
    for network in NETWORKS:
        preset = load_preset(network)
        assert preset.name == network and (PRESETS_DIR / f"{network}.yaml").is_file()


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda p: p["accounts"]["cohorts"][0].update(shares=0.1), "accounts.cohorts.0.shares"),
        (lambda p: p["routine"].update(hours=[1.0] * 23), "routine.hours"),
        (lambda p: p["frame"].update(timezone="Mars/Olympus"), "frame.timezone"),
        (lambda p: p["accounts"]["zones"]["Asia/Shanghai"]["scripts"].update(klingon=1), "unknown script"),
        (lambda p: p["repurposing"]["spam"].pop("ko"), "unknown spam language(s) ['ko']"),
    ],
)
def test_a_broken_preset_is_an_error_naming_the_file_and_key(tmp_path: Path, change, named: str) -> None:
    raw = yaml.safe_load((PRESETS_DIR / "prc.yaml").read_text(encoding="utf-8"))
    change(raw)
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_preset(broken)
    assert str(broken) in str(error.value) and named in str(error.value)


def test_a_preset_extends_another_key_by_key(tmp_path: Path) -> None:
    shutil.copy(PRESETS_DIR / "organic.yaml", tmp_path / "organic.yaml")
    (tmp_path / "variant.yaml").write_text("extends: organic\nname: variant\nsize: {tweets: 1234}\n")
    variant = read_preset(tmp_path / "variant.yaml")
    organic = load_preset("organic")
    assert (variant.name, variant.size.tweets, variant.size.accounts) == (
        "variant",
        1234,
        organic.size.accounts,
    )
    assert variant.content == organic.content


def test_steps_import_only_the_core_and_nothing_imports_in_a_cycle() -> None:
    """The synthetic package's imports, as parsed: steps import only `core`, `core` no step, no cycle."""
    imports = {}
    for path in SYNTHETIC_DIR.rglob("*.py"):
        module = "ioreport." + ".".join(path.relative_to(SYNTHETIC_DIR.parent).with_suffix("").parts)
        module = module.removesuffix(".__init__")
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
            elif isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
        imports[module] = {name for name in found if name.startswith("ioreport.")}
    modules = set(imports)
    graph = {module: {name for name in names if name in modules} for module, names in imports.items()}
    for module, names in imports.items():
        # Beside the archive's schema and errors, presets name time zones and calendars as runs do.
        outside = {
            name for name in names if not name.startswith(("ioreport.synthetic", "ioreport.config.calendars"))
        }
        assert outside <= {
            "ioreport.archive",
            "ioreport.archive.schema",
            "ioreport.errors",
            "ioreport.errors.InputError",
        }
        if ".steps." in module:
            assert all(name.startswith("ioreport.synthetic.core") for name in graph[module]), module
        if ".core." in module:
            assert not any(".steps" in name for name in graph[module]), module
    assert_acyclic(graph)


def assert_acyclic(graph: dict[str, set[str]]) -> None:
    done, on_path = set(), []

    def visit(module: str) -> None:
        if module in on_path:
            raise AssertionError(f"import cycle: {' -> '.join([*on_path[on_path.index(module) :], module])}")
        if module in done:
            return
        on_path.append(module)
        for imported in sorted(graph[module]):
            visit(imported)
        on_path.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)


# --- Operations (prc, ru): office hours, calibration -------------------------------------------------


def test_operation_files_keep_the_promised_calibration(operation: Dataset) -> None:
    office, truth, scale = OFFICES[operation.network], operation.truth, operation.scale
    first, last = office.period
    assert truth["dataset"]["first_tweet"][:7] == first[:7] and truth["dataset"]["last_tweet"] == last
    assert truth["accounts"]["share_zero_followers"] == pytest.approx(office.zero_followers, abs=0.005)
    assert truth["accounts"]["share_under_8_followers"] == pytest.approx(office.under_8_followers, abs=0.005)
    engagement = truth["engagement"]
    assert engagement["zero_follower_tweets_over_50_likes"] == max(1, round(office.like_outliers * scale))
    assert engagement["zero_follower_tweets_over_10_retweets"] == max(
        1, round(office.retweet_outliers * scale)
    )
    per_day = Counter(u["account_creation_date"] for u in operation.users)
    batches = [batch["accounts"] for batch in truth["accounts"]["creation_batches"][:5]]
    assert len(set(batches)) == 5 and min(batches) >= 3 * statistics.median(per_day.values())


def test_operation_tweets_follow_the_office_hours(operation: Dataset) -> None:
    """Beijing 09:00-18:00 with lunch at 12:00 for the PRC; Moscow 10:00-19:00 with lunch at 13:00 for ru."""
    office, (start, end) = OFFICES[operation.network], PROMISES[operation.network].working_hours
    per_hour = Counter(operation.local()["hour"])
    peak = max(per_hour, key=per_hour.get)
    assert start <= peak < end
    lunch = office.lunch_hour
    assert per_hour[lunch] < 0.6 * min(per_hour[lunch - 1], per_hour[lunch + 1])
    assert (
        operation.truth["activity"]["working_hours_share"]
        > 0.7
        > 0.1
        > operation.truth["activity"]["weekend_share"]
    )
    assert operation.truth["activity"]["holiday_ratio"] < 0.3


def test_prc_tweets_mostly_in_2020_with_covid_peaking_in_spring(prc: Dataset) -> None:
    days = prc.tweets["tweet_time"].str.slice(0, 10)
    assert (days >= "2020-01-01").sum() > prc.tweets.height / 2
    assert prc.truth["narratives"]["topic_peak_week"]["covid19"] == "2020-03-23"
    assert set(prc.truth["narratives"]["topic_shares"]) == {
        "hong_kong",
        "covid19",
        "guo_wengui",
        "taiwan",
        "us_protests",
    }


def test_prc_repurposed_accounts_have_former_lives_in_the_files(prc: Dataset) -> None:
    forensics = prc.truth["forensics"]
    tests = set(load_preset("prc").repurposing.tests)
    own = prc.tweets.filter(~pl.col("retweet"))
    test_tweets = own.filter(pl.col("tweet_text").is_in(tests))
    assert (
        set(test_tweets["userid"]) == set(forensics["test_owner_accounts"])
        and test_tweets.height == forensics["test_owner_tweets"]
    )
    assert set(forensics["language_switch"]) | set(forensics["client_switch"]) <= set(forensics["repurposed"])
    for userid in forensics["language_switch"]:  # a former life in another language, then the campaign's
        languages = own.filter(pl.col("userid") == userid)["tweet_language"].to_list()
        assert languages[0] != "zh" and "zh" in languages, userid
    decoys = set().union(*forensics["decoys"].values())
    assert not decoys & set(forensics["repurposed"]) and all(forensics["decoys"].values())


RU_PEAK_WEEKS = {  # the Mondays of the planted peaks
    "ukraine": "2018-11-26",  # the Kerch Strait incident
    "nato": "2019-12-02",  # the London summit
    "elections": "2019-09-02",  # the Moscow City Duma election
    "covid": "2020-03-23",
    "syria": "2019-10-14",  # Turkey's offensive
}
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def test_ru_truth_has_moscow_activity_and_its_own_narratives(ru: Dataset) -> None:
    truth = ru.truth
    assert truth["dataset"]["name"] == "synthetic_ru"
    activity = truth["activity"]
    assert (activity["timezone"], activity["utc_offset_hours"], activity["holiday_country"]) == (
        "Europe/Moscow",
        3,
        "RU",
    )
    narratives_truth = truth["narratives"]
    assert narratives_truth["topic_peak_week"] == RU_PEAK_WEEKS
    assert 0 < narratives_truth["untagged_share"] < 0.5
    assert {"НАТО", "нато", "Украина", "украина"} <= {e["hashtag"] for e in narratives_truth["top_hashtags"]}
    assert set(truth["dataset"]["tweet_language_shares"]) == {"ru", "en", "", "und"}


def test_ru_texts_are_mostly_cyrillic_with_some_english(ru: Dataset) -> None:
    tweets = ru.tweets
    assert (
        tweets["tweet_text"].map_elements(lambda t: bool(CYRILLIC.search(t)), return_dtype=pl.Boolean).mean()
        > 0.75
    )
    languages = Counter(tweets["tweet_language"])
    assert languages["ru"] > 2 * languages["en"] > 0  # 18 % of the accounts write mainly English
    assert {"ru", "RU"} <= set(tweets["account_language"])
    assert {"НАТО", "нато", "NATO"} <= {tag for tags in tweets["tags"] for tag in tags}


def test_ru_tweets_are_fewer_on_russian_holidays(ru: Dataset) -> None:
    public = holidays.country_holidays("RU", years=range(2018, 2021))
    # Among them the New Year week, Defender of the Fatherland Day, Russia Day and Unity Day.
    assert {date(2019, 1, 3), date(2019, 2, 23), date(2019, 6, 12), date(2019, 11, 4)} <= set(public)
    assert holiday_ratio(ru.local("Europe/Moscow"), "RU") < 0.3


@pytest.mark.parametrize(
    ("network", "lexicon", "with_hashtags"),
    [("prc", "topics_prc.yaml", False), ("ru", "topics_ru.yaml", True)],
)
def test_the_lexicon_finds_each_topic_in_its_own_texts_only(
    network: str, lexicon: str, with_hashtags: bool
) -> None:
    """The default lexicon, matched as the narratives analysis matches: every sentence of a topic (for ru
    every hashtag too: its lexicon lists them), and nothing untagged."""
    topics = yaml.safe_load((PARAMS_DIR / lexicon).read_text(encoding="utf-8"))
    content = load_preset(network).content
    assert set(topics) == set(content.topics) - {content.untagged_topic}
    rows = [
        (name, text)
        for name, topic in content.topics.items()
        for text in [
            *(sentence for pool in topic.phrases.values() for sentence in pool),
            *("#" + tag for tag in topic.hashtags if with_hashtags),
        ]
    ]
    frame = pl.LazyFrame(
        {
            "tweetid": range(len(rows)),
            "userid": ["u"] * len(rows),
            schema.TWEET_TIMESTAMP: [datetime(2020, 1, 1, tzinfo=UTC)] * len(rows),
            "hashtags": [[]] * len(rows),
            "tweet_text": [text for _, text in rows],
        },
        schema_overrides={"hashtags": pl.List(pl.String), schema.TWEET_TIMESTAMP: pl.Datetime("ms", "UTC")},
    )
    tagged = narratives.tag_topics(frame, topics)
    for (name, text), flags in zip(rows, tagged.select(list(topics)).iter_rows(named=True), strict=True):
        assert {topic for topic, found in flags.items() if found} == ({name} & set(topics)), text


def test_ru_params_file_runs_the_ru_network() -> None:
    params = load_params(PARAMS_DIR / "synthetic_ru.yaml")
    assert (params.name, params.timezone, params.holidays, params.published) == (
        "synthetic_ru",
        "Europe/Moscow",
        "RU",
        None,
    )
    assert (params.synthetic.network, params.synthetic.seed, params.synthetic.scale) == ("ru", 20200612, 1.0)


# sha256 of the three files of generate(scale=0.02, seed=11), one after another, as of GENERATOR_VERSION 4.
PRC_FILES_SHA256 = "aaff6c27de7a04d586a0b1fc26cdca7284f84c28aeeac1baaaee3459b4fe59ea"


def test_prc_files_are_unchanged(tmp_path: Path) -> None:
    generate(tmp_path, scale=0.02, seed=11)
    digest = hashlib.sha256()
    for file in FILES:
        digest.update((tmp_path / file).read_bytes())
    assert digest.hexdigest() == PRC_FILES_SHA256, (
        "the PRC network's files changed: if that is intended, bump GENERATOR_VERSION and update this digest"
    )


# --- Coordinated groups: in the files as bursts ------------------------------------------------------


def lockstep_item(kind: str) -> pl.Expr:
    """What a group's members share in one event of the kind."""
    if kind == "co_retweet":
        return pl.col("retweet_tweetid")
    if kind == "co_tweet":
        return pl.col("tweet_text")
    tags = pl.col("tags").list.sort().list.join(" ")
    if kind == "co_hashtag":
        return tags
    return pl.concat_str(tags, pl.col("tweet_text").str.slice(0, 8))  # one text: its start and its hashtags


def bursts(tweets: pl.DataFrame, members: list[str], kind: str, gap_ms: int) -> pl.DataFrame:
    """The members' uses of each item, in runs with no more than `gap_ms` between uses: per run how many
    members took part, how many distinct texts, its span and its closest two uses."""
    used = tweets.filter(pl.col("userid").is_in(members) & (pl.col("retweet") == (kind == "co_retweet")))
    runs = used.with_columns(item=lockstep_item(kind)).sort("item", "ms")
    runs = runs.with_columns(run=(pl.col("ms").diff().over("item").fill_null(gap_ms + 1) > gap_ms).cum_sum())
    return runs.group_by("item", "run").agg(
        uses=pl.len(),
        members=pl.col("userid").n_unique(),
        texts=pl.col("tweet_text").n_unique(),
        span=pl.col("ms").max() - pl.col("ms").min(),
        closest=pl.col("ms").diff().min(),
    )


def test_planted_groups_appear_as_bursts_in_the_files(coordinated: Dataset) -> None:
    """Every group's events: all members but one do the same thing within the burst, once per event."""
    coordination = coordinated.truth["coordination"]
    params = coordination["params"]
    window = round(params["burst_seconds"] * 1000)
    for kind in LOCKSTEP:
        assert len(coordination[kind]) >= 3, kind
        assert coordination["events_planted"][kind] == len(coordination[kind]) * params["events_per_group"]
        for group in coordination[kind]:
            found = bursts(coordinated.tweets, group, kind, window).filter(
                pl.col("members") >= len(group) - 1
            )
            assert found.height == params["events_per_group"], (kind, group)
            assert (found["span"] <= window).all()
            if kind == "near_duplicate":  # each member its own ending: as many texts as members
                assert (found["texts"] == found["members"]).all()
            if kind == "co_tweet":
                assert (found["texts"] == 1).all()


def test_spread_out_groups_repeat_each_other_hours_apart(coordinated: Dataset) -> None:
    """Decoys: all members do the same thing on one day, never two of them within a minute. (Two events of
    a hashtag group may share their hashtags and day: their runs merge, so only lone events are counted.)"""
    coordination = coordinated.truth["coordination"]
    events = coordination["params"]["events_per_group"]
    for kind in LOCKSTEP:
        for group in coordination["spread_out"][kind]:
            runs = bursts(coordinated.tweets, group, kind, MS_PER_DAY)
            events_apart = runs.filter((pl.col("members") == len(group)) & (pl.col("uses") == len(group)))
            assert events_apart.height >= (events if kind != "co_hashtag" else events // 2), (kind, group)
            assert (events_apart["closest"] > 60_000).all(), (kind, group)


# --- Ordinary people (organic, noisy): chance structure, no operation --------------------------------


def test_people_live_in_several_zones_every_day_of_the_week(people: Dataset) -> None:
    activity = people.truth["activity"]
    assert len(people.truth["accounts"]["zone_shares"]) >= 5
    assert 0.25 < activity["weekend_share"] < 0.4  # weekends as busy as weekdays, or a little more
    assert activity["holiday_ratio"] > 0.9  # no dip on public holidays
    assert activity["working_hours_share"] < 0.5
    tweets = people.tweets.with_columns(utc_hour=pl.from_epoch("ms", time_unit="ms").dt.hour())
    assert tweets["utc_hour"].value_counts()["count"].min() > tweets.height / 24 / 3  # round the clock


def test_people_were_created_smoothly_with_lognormal_followers(people: Dataset) -> None:
    users = people.users
    created = Counter(u["account_creation_date"] for u in users)
    assert max(created.values()) <= max(5, 0.01 * len(users))  # no batch day
    years = Counter(day[:4] for day in created.elements())
    assert years["2019"] > years["2015"] > years["2011"]  # a base rate that grows
    followers = sorted(int(u["follower_count"]) for u in users)
    assert 0 < sum(f == 0 for f in followers) < 0.05 * len(users)
    assert 50 < followers[len(followers) // 2] < 500


def test_people_get_engagement_from_their_followers(people: Dataset) -> None:
    originals = people.tweets.filter(~pl.col("retweet")).drop_nulls("like_count")
    engagement = people.truth["engagement"]
    assert engagement["share_originals_engaged"] > 0.5
    assert (
        engagement["zero_follower_tweets_over_50_likes"]
        == engagement["zero_follower_tweets_over_10_retweets"]
        == 0
    )
    low, high = originals["follower_count"].quantile(0.25), originals["follower_count"].quantile(0.75)
    few = originals.filter(pl.col("follower_count") <= low)["like_count"].mean()
    many = originals.filter(pl.col("follower_count") >= high)["like_count"].mean()
    assert many > 5 * few, (few, many)
    assert originals.filter(pl.col("follower_count") == 0)["like_count"].max() <= 50


def test_people_keep_their_languages(people: Dataset) -> None:
    """No account switches: its commonest language is about as common in its second half as in its first."""
    own = people.tweets.filter(~pl.col("retweet") & ~pl.col("tweet_language").is_in(["", "und"]))
    for (_,), tweets in own.group_by("userid"):
        if tweets.height >= 40:
            languages = tweets["tweet_language"].to_list()
            half = len(languages) // 2
            main = Counter(languages[:half]).most_common(1)[0][0]
            before, after = (
                languages[:half].count(main) / half,
                languages[half:].count(main) / (len(languages) - half),
            )
            assert before - after < 0.5, (tweets["userid"][0], before, after)


def test_viral_bursts_are_in_the_files(people: Dataset) -> None:
    """Many unrelated accounts retweet the same popular tweet within minutes of each other."""
    viral = people.truth["chance"]["viral_bursts"]
    assert len(viral) >= 3
    for burst in viral:
        retweets = people.tweets.filter(pl.col("retweet_tweetid") == burst["tweetid"])
        assert retweets.height == retweets["userid"].n_unique() == burst["retweets"] >= 5
        delays = (retweets["ms"] - retweets["ms"].min()) / 60_000
        assert delays.median() < 10, burst
    retweeters = Counter(
        u for b in viral for u in people.tweets.filter(pl.col("retweet_tweetid") == b["tweetid"])["userid"]
    )
    assert max(retweeters.values()) <= len(viral) // 2 + 2  # nobody is in them all


def test_coincidences_are_pairs_that_retweet_two_viral_tweets_together(people: Dataset) -> None:
    coincidences = people.truth["chance"]["coincidences"]
    viral = [b["tweetid"] for b in people.truth["chance"]["viral_bursts"]]
    assert coincidences
    for pair in coincidences:
        both = people.tweets.filter(pl.col("userid").is_in(pair) & pl.col("retweet_tweetid").is_in(viral))
        together = both.group_by("retweet_tweetid").agg(
            n=pl.len(), span=pl.col("ms").max() - pl.col("ms").min()
        )
        assert together.filter((pl.col("n") == 2) & (pl.col("span") < 20_000)).height >= 2, pair


def test_stock_phrases_and_trending_hashtags_are_in_the_files(people: Dataset) -> None:
    chance, tweets = people.truth["chance"], people.tweets
    counts = Counter(tweets["tweet_text"])
    for phrase, used in chance["stock_phrases"].items():
        assert counts[phrase] == used["tweets"] > 0 and used["accounts"] >= min(5, used["tweets"]), phrase
    new_year = tweets.filter(pl.col("tweet_text") == "Happy new year!")["tweet_time"].str.slice(5, 5)
    assert set(new_year) <= {"12-31", "01-01"}
    for event in chance["trending"]:
        tagged = tweets.filter(pl.col("tags").list.set_intersection(event["hashtags"]).list.len() > 0)
        assert tagged.height >= event["tweets"] >= 10 and event["hours"] <= 6, event


def test_organic_plants_no_operation(organic: Dataset) -> None:
    truth = organic.truth
    assert not any(
        truth["coordination"][kind] or truth["coordination"]["spread_out"][kind] for kind in LOCKSTEP
    )
    assert not truth["forensics"]["repurposed"] and not any(truth["forensics"]["decoys"].values())
    assert not any(truth["claims"].values())


def test_noisy_groups_post_everyday_texts_within_two_minutes(noisy: Dataset) -> None:
    coordination = noisy.truth["coordination"]
    assert coordination["params"]["burst_seconds"] <= 120
    copied = {
        text
        for group in coordination["co_tweet"]
        for text in noisy.tweets.filter(pl.col("userid").is_in(group))["tweet_text"]
    }
    everyday = {
        s
        for topic in load_preset("noisy").content.topics.values()
        for pool in topic.phrases.values()
        for s in pool
    }
    assert any(any(text.startswith(sentence) for sentence in everyday) for text in copied)
