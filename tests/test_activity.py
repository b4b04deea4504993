"""Posting rhythm: the planted office hours, weekend and holiday dips and operator time zone are recovered,
for the PRC default and for a Moscow-run network, from the run parameters alone."""

from __future__ import annotations

import json

import pytest

from ioreport.analysis import activity, narratives
from ioreport.archive.ingest import ingest
from ioreport.config.lexicon import load_lexicon
from ioreport.config.params import load_params
from ioreport.config.paths import PARAMS_DIR
from ioreport.pipeline.data import load_data
from tests.conftest import write_params


@pytest.fixture(scope="module")
def prc(small_dataset, small_params):
    _, truth = small_dataset
    params = load_params(small_params)
    return params, ingest(params.tweets, params.users).scan_tweets(), truth


@pytest.fixture(scope="module")
def moscow(tmp_path_factory):
    """The Moscow-run preset at a small scale, configured only through a parameters file."""
    shipped = load_params(PARAMS_DIR / "synthetic_ru.yaml")
    path = write_params(
        tmp_path_factory.mktemp("ru") / "ru.yaml",
        name="small_ru",
        synthetic={"network": "ru", "seed": 11, "scale": 0.2},
        timezone=shipped.timezone,
        holidays=shipped.holidays,
        working_hours=list(shipped.working_hours),
        topics=str(shipped.topics),
    )
    params = load_params(path)
    data = load_data(params)
    truth_path = params.synthetic_dir / "truth.json"

    return params, data.scan_tweets(), json.loads(truth_path.read_text())


@pytest.mark.parametrize("network", ["prc", "moscow"])
def test_rhythm_matches_the_planted_office_hours(network, request):
    params, tweets, truth = request.getfixturevalue(network)
    planted = truth["activity"]
    assert params.timezone == planted["timezone"]
    found = activity.rhythm_summary(tweets, params.timezone, params.working_hours)
    assert found["working_hours_share"] == pytest.approx(planted["working_hours_share"], abs=1e-6)
    assert found["weekend_share"] == pytest.approx(planted["weekend_share"], abs=1e-6)
    assert found["peak_hour_local"] == planted["peak_hour_local"]
    assert found["lunch_dip_ratio"] < 0.8  # a visible midday break


@pytest.mark.parametrize("network", ["prc", "moscow"])
def test_holiday_dip_matches_the_planted_calendar(network, request):
    params, tweets, truth = request.getfixturevalue(network)
    assert params.holidays == truth["activity"]["holiday_country"]
    daily = activity.daily_counts(tweets, params.timezone, params.holidays)
    ratio = activity.holiday_ratio(daily)
    assert ratio == pytest.approx(truth["activity"]["holiday_ratio"], abs=1e-6)
    assert ratio < 0.5


@pytest.mark.parametrize("network", ["prc", "moscow"])
def test_offset_and_working_day_are_fitted_together(network, request):
    """Without being told the office hours, the planted offset and working day are among the best fits,
    the named zone is consistent with them, and the ambiguity of offset and start hour is listed."""
    params, tweets, truth = request.getfixturevalue(network)
    planted = truth["activity"]
    inferred = activity.infer_utc_offset(tweets, params.timezone)
    fits = {(fit["utc_offset_hours"], tuple(fit["working_hours"])) for fit in inferred["offset_fits"]}
    planted_day = tuple(params.working_hours)  # the preset's office hours, which the fit is not told
    assert (planted["utc_offset_hours"], planted_day) in fits
    # An hour earlier on the clock and an hour earlier in the zone fit as well: both are reported.
    shifted = (planted["utc_offset_hours"] - 1, (planted_day[0] - 1, planted_day[1] - 1))
    assert shifted in fits
    assert inferred["named_zone_offsets_hours"] == [planted["utc_offset_hours"]]
    assert inferred["named_zone_consistent"] is True
    assert 0 < inferred["inferred_offset_confidence"] <= 1


def test_offset_inference_follows_the_clock_not_the_parameters(prc):
    """Shifting every tweet by three hours shifts the inferred offset by three hours."""
    import polars as pl

    params, tweets, truth = prc
    before = activity.infer_utc_offset(tweets, params.timezone)
    shifted = tweets.with_columns(pl.col("tweet_timestamp") - pl.duration(hours=3))
    after = activity.infer_utc_offset(shifted, params.timezone)
    assert after["inferred_utc_offset_hours"] == before["inferred_utc_offset_hours"] + 3
    assert after["inferred_working_hours"] == before["inferred_working_hours"]
    assert after["named_zone_consistent"] is False  # the zone named no longer fits the clock


def test_regular_accounts_are_mostly_office_workers(prc):
    params, tweets, _ = prc
    share = activity.regular_accounts_share(tweets, params.timezone, params.working_hours)
    assert share is not None and 0 < share <= 1
    # In UTC the same accounts look nothing like office workers.
    assert activity.regular_accounts_share(tweets, "UTC", params.working_hours) < share / 5


def test_moscow_narratives_recovered_with_a_cyrillic_lexicon(moscow):
    params, tweets, truth = moscow
    tagged = narratives.tag_topics(tweets, load_lexicon(params.topics))
    shares = narratives.topic_shares(tagged)
    planted = truth["narratives"]
    for topic, share in planted["topic_shares"].items():
        assert shares["topic_shares"][topic] == pytest.approx(share, abs=0.01), topic
    assert shares["untagged_share"] == pytest.approx(planted["untagged_share"], abs=0.01)
    peaks = narratives.peak_weeks(narratives.topic_over_time(tagged, params.timezone))
    assert peaks == planted["topic_peak_week"]
