"""Claims from evidence: each holds where the planted truth put it, not where it did not, and is
undecided where the data are too few; the report's sentences follow the claims.

Networks: the small PRC-like operation (every claim planted), an organic network with no operation
(no claim planted), the real 2020–21 archive heads (26 and 31 rows: too few for any claim), the real
2019 users file (creation batches of 119 and 97 accounts)."""

from __future__ import annotations

import html
import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from ioreport import cli
from ioreport.analysis import accounts, activity, engagement
from ioreport.analysis.claims import CLAIM_IDS
from ioreport.publish import prose
from ioreport.synthetic.generate import TRUTH_FILE, TWEETS_FILE, USERS_FILE, generate
from tests.conftest import write_params

REAL_HEADS = {
    "CNHU_0621_tweets_csv_hashed_2021.head.csv": {"rows": 31, "accounts": 28, "quotes": 4},
    "hashed_2020_12_GRU_202012_GRU_202012_tweets.head.csv": {"rows": 26, "accounts": 10, "quotes": 0},
}
FORBIDDEN_IN_PROSE = re.compile(
    r"\bn/a\b|\bNone\b|\bnan\b|(?<![\d,.])1 (accounts|tweets|days|rows|communities)\b"
)
ORGANIC_SCALE = 0.5


def report_text(run_dir: Path) -> str:
    """The report's words, without tags, styles, charts or tables."""
    page = (run_dir / "index.html").read_text(encoding="utf-8")
    for block in (r"<style.*?</style>", r"<svg.*?</svg>", r"<table.*?</table>", r"<script.*?</script>"):
        page = re.sub(block, " ", page, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def run_cli(*args: str) -> None:
    outcome = CliRunner().invoke(cli.app, list(args))
    assert outcome.exit_code == 0, outcome.output


# --- The planted operation: every claim holds ------------------------------------------------------


def test_every_claim_holds_on_the_planted_operation(small_run, small_dataset):
    _, found = small_run
    _, truth = small_dataset
    assert set(found["claims"]) == set(CLAIM_IDS)
    assert {name: claim["holds"] for name, claim in found["claims"].items()} == truth["claims"]
    assert all(claim["holds"] for claim in found["claims"].values())
    for claim in found["claims"].values():
        assert claim["rule"] and claim["evidence"]


def test_the_key_findings_state_the_claims_that_hold(small_run):
    result, found = small_run
    text = report_text(result.run_dir)
    assert "Accounts were created in batches." in text
    assert "Posting followed an office week" in text and "Public holidays were quiet" in text
    assert "with a midday dip at 12:00" in text  # the planted lunch break, Beijing time
    assert "acted in coordination" in text and "Almost no real engagement" in text
    assert not FORBIDDEN_IN_PROSE.search(text), FORBIDDEN_IN_PROSE.search(text)


# --- An organic network: no claim holds -----------------------------------------------------------


@pytest.fixture(scope="module")
def organic_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("organic")
    truth = generate(out / "data", scale=ORGANIC_SCALE, seed=5, network="organic")
    params = write_params(
        out / "organic.yaml",
        name="organic",
        tweets=str(out / "data" / TWEETS_FILE),
        users=str(out / "data" / USERS_FILE),
        timezone="UTC",
        holidays="US",
    )
    run_cli("run", str(params), "--out", str(out / "run"))
    return out / "run", json.loads((out / "run" / "findings.json").read_text()), truth


def test_no_claim_holds_on_an_organic_network(organic_run):
    run_dir, found, truth = organic_run
    assert not any(truth["claims"].values()), "the organic preset plants no operation"
    held = {name: claim["evidence"] for name, claim in found["claims"].items() if claim["holds"] is not False}
    assert held == {}, held
    coordinated = sum(len(community) for community in found["coordination"]["combined"]["communities"])
    assert coordinated <= 0.01 * found["overview"]["tweeting_accounts"]
    text = report_text(run_dir)
    assert "Account creation shows no batches" in text
    assert "does not follow an office week" in text and "saw no dip" in text
    assert "No sign of repurposed accounts" in text and "No anomalous engagement" in text
    assert "The tweets drew engagement" in text and "No coordination beyond chance" in text
    assert "Accounts were created in batches." not in text and "Almost no real engagement" not in text
    assert "midday dip" not in text
    assert not FORBIDDEN_IN_PROSE.search(text), FORBIDDEN_IN_PROSE.search(text)


# --- The real archive heads: every row loaded, nothing claimed -------------------------------------


@pytest.mark.parametrize("head", sorted(REAL_HEADS))
def test_a_folder_of_real_archive_rows_runs_whole_and_claims_nothing(head, real_data_dir, tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    shutil.copy(real_data_dir / head, folder / head)
    run_cli("run", str(folder), "--out", str(tmp_path / "run"))
    found = json.loads((tmp_path / "run" / "findings.json").read_text())
    expected = REAL_HEADS[head]
    dataset = found["dataset"]
    assert (dataset["tweets"], dataset["quarantined_rows"], dataset["duplicate_rows"]) == (
        expected["rows"],
        0,
        0,
    )
    assert dataset["accounts"] == expected["accounts"] and dataset["parameters_file"] is None
    assert round(found["overview"]["share_quotes"] * expected["rows"]) == expected["quotes"]
    assert found["activity"]["timezone"] == "UTC"
    assert not [name for name, claim in found["claims"].items() if claim["holds"]]
    text = report_text(tmp_path / "run")
    assert "could not be decided" in text
    assert "No parameters file was given, so the posting is read in UTC" in text
    assert "midday dip" not in text  # a quiet hour among a few tweets is no lunch break
    assert not FORBIDDEN_IN_PROSE.search(text), FORBIDDEN_IN_PROSE.search(text)


# --- The rules, one by one ------------------------------------------------------------------------


def test_batches_of_the_real_2019_release_are_found(real_users):
    users = pl.scan_csv(real_users, infer_schema=False).select(
        "userid", pl.col("account_creation_date").str.to_date()
    )
    claim = accounts.batch_claim(users)
    assert claim.holds is True
    assert (claim.evidence["largest_day"], claim.evidence["largest_day_accounts"]) == ("2017-08-30", 119)


def _users_created(days: list[str]) -> pl.LazyFrame:
    return pl.LazyFrame(
        {"userid": [str(k) for k in range(len(days))], "account_creation_date": days}
    ).with_columns(pl.col("account_creation_date").str.to_date())


def test_a_steady_trickle_of_new_accounts_is_no_batch():
    days = pl.date_range(pl.date(2015, 1, 1), pl.date(2019, 12, 31), "3d", eager=True)
    users = _users_created([d.isoformat() for d in days] * 2)  # two accounts every third day
    claim = accounts.batch_claim(users)
    assert claim.holds is False and claim.evidence["batch_days"] == 0


def test_creation_batches_are_undecided_on_few_accounts():
    claim = accounts.batch_claim(_users_created(["2020-01-01"] * 50))
    assert claim.holds is None and "50 accounts" in claim.evidence["reason"]


def _tweets_at(times: list) -> pl.LazyFrame:
    return pl.LazyFrame({"userid": ["a"] * len(times), "tweet_timestamp": times}).with_columns(
        pl.col("tweet_timestamp").cast(pl.Datetime("ms", "UTC"))
    )


def test_round_the_clock_posting_is_no_office_week():
    times = pl.datetime_range(
        pl.datetime(2020, 1, 6, time_zone="UTC"), pl.datetime(2020, 3, 1, time_zone="UTC"), "37m", eager=True
    )
    tweets = _tweets_at(times.to_list())
    found = activity.summarise(tweets, "UTC", None)
    claim = activity.claims(tweets, found)["office_hours"]
    assert claim.holds is False
    assert activity.claims(tweets, found)["holiday_dip"].holds is None  # no calendar named


def test_the_rhythm_is_undecided_on_few_tweets():
    tweets = _tweets_at([datetime(2020, 1, 6, 9 + k % 8, tzinfo=UTC) for k in range(40)])
    found = activity.summarise(tweets, "UTC", "US")
    claims = activity.claims(tweets, found)
    assert (
        claims["office_hours"].holds is None and "only 40 tweets" in claims["office_hours"].evidence["reason"]
    )


def _engaged(followers: list[int], likes: list[int], retweets: list[int] | None = None) -> pl.LazyFrame:
    """Own tweets 0, 1, ... with these counts, and no tweet of the archive answering another."""
    n = len(followers)
    references = {
        ref: pl.Series([None] * n, dtype=pl.Int64) for ref in engagement.GIVEN_BY_THE_ARCHIVE.values()
    }
    return pl.LazyFrame(
        {
            "tweetid": list(range(n)),
            "follower_count": followers,
            "like_count": likes,
            "retweet_count": retweets or [0] * n,
            "reply_count": [0] * n,
            "quote_count": [0] * n,
            "is_retweet": [False] * n,
            **references,
            **{f"{ref}_lossy": pl.Series([None] * n, dtype=pl.Boolean) for ref in references},
        }
    )


def test_engagement_claims_follow_their_thresholds():
    quiet = engagement.claims(_engaged([0] * 200, [0] * 195 + [60] * 5))
    assert quiet["anomalous_engagement"].holds is True and quiet["low_engagement"].holds is True
    earned = engagement.claims(_engaged([0] * 200, [1] * 196 + [60] * 4))
    assert earned["anomalous_engagement"].holds is False and earned["low_engagement"].holds is False
    few = engagement.claims(_engaged([5] * 50, [0] * 50))
    assert few["anomalous_engagement"].holds is None and few["low_engagement"].holds is None


def test_retweets_by_the_archive_itself_are_no_real_engagement():
    own = _engaged([3] * 100, [0] * 100, [1] * 100)  # every tweet retweeted once
    assert engagement.claims(own)["low_engagement"].holds is False  # by someone outside the archive
    by_the_archive = pl.concat(
        [
            own,
            own.with_columns(
                tweetid=pl.col("tweetid") + 1000,
                retweet_tweetid=pl.col("tweetid"),
                retweet_count=pl.lit(0, pl.Int64),
                is_retweet=pl.lit(True),
            ),
        ]
    )
    claim = engagement.claims(by_the_archive)["low_engagement"]
    assert claim.holds is True and claim.evidence["engaged_only_by_the_archive"] == 100


# --- The sentences ------------------------------------------------------------------------------


def test_numbers_agree_with_their_nouns():
    from ioreport.publish.format import count

    assert count(1, "account") == "1 account" and count(2, "account") == "2 accounts"
    assert count(1, "community", "communities") == "1 community"
    assert count(3, "community", "communities") == "3 communities"
    assert count(12_000, "most used hashtag") == "12,000 most used hashtags"
    assert count(0, "tweet") == "0 tweets"


@pytest.mark.parametrize(
    "office_week, ratio, said",
    [(True, 0.0, True), (True, 0.5, True), (True, 1.2, False), (False, 0.0, False), (None, 0.5, False)],
)
def test_a_midday_dip_is_said_only_within_an_office_week(office_week, ratio, said):
    """A quiet inner hour, even one without a tweet, is a lunch break only when the office week holds."""
    activity = {
        "timezone": "Asia/Shanghai",
        "peak_hour_local": 10,
        "lunch_dip_hour": 12,
        "lunch_dip_ratio": ratio,
        "working_hours_share": 0.8,
        "working_hours": [9, 18],
        "weekend_share": 0.05,
        "regular_accounts_share": None,
    }
    found = {"activity": activity, "claims": {"office_hours": {"holds": office_week}}}
    assert ("midday dip at 12:00" in prose.rhythm(found)) is said


def test_undecided_claims_say_why_without_placeholders(small_run):
    _, found = small_run
    undecided = {
        **found,
        "claims": {
            name: {**claim, "holds": None, "evidence": {"reason": "only 3 tweets; the rule needs 500"}}
            for name, claim in found["claims"].items()
        },
    }
    for name, sentence in prose.sentences(undecided).items():
        assert not FORBIDDEN_IN_PROSE.search(sentence), (name, sentence)
    assert "could not be decided: only 3 tweets" in html.unescape(prose.sentences(undecided)["office_hours"])


def test_text_from_the_dataset_is_escaped_in_the_prose(small_run):
    _, found = small_run
    hostile = {**found, "dataset": {**found["dataset"], "name": "<img src=x onerror=alert(1)>**"}}
    lead = prose.sentences(hostile)["lead"]
    assert "<img" not in lead and "**" not in lead and "&#60;img" in lead


def test_the_truth_file_names_every_claim(small_dataset):
    data_dir, truth = small_dataset
    assert json.loads((data_dir / TRUTH_FILE).read_text())["claims"].keys() == set(CLAIM_IDS)
