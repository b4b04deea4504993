"""Who the accounts were: when they were made, in what batches, and how few followed them.

SIO found most accounts created after October 2019, in batches, weeks before
use; ASPI found 78.5 % with 0 followers and 95 % with fewer than 8.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
from pydantic import BaseModel

from ioreport.analysis.buckets import bucket_counts, zero_filled_periods
from ioreport.analysis.claims import Claim, decided, undecided
from ioreport.analysis.findings import Findings
from ioreport.analysis.stats import poisson_tail
from ioreport.archive.schema import IS_HASHED, TWEET_TIMESTAMP

UNDER_FOLLOWERS = 8  # ASPI's threshold
TOP_BATCHES = 10
FOLLOW_BUCKETS = (0, 1, 2, UNDER_FOLLOWERS, 100, 1000, 5000)
FOLLOW_LABELS = ("0", "1", "2–7", "8–99", "100–999", "1,000–4,999", "5,000+")
# The batch test (CLAIM_RULES): a day is judged against the days around it, and against the dataset's
# mean rate, so a quiet stretch does not make every ordinary day look like a batch.
MIN_DATED_ACCOUNTS = 100
MIN_BATCH_ACCOUNTS = 10
BASE_RATE_DAYS = 30
BATCH_SIGNIFICANCE = 0.001
CLAIM_RULES = {
    "batch_creation": (
        f"A day is a creation batch when at least {MIN_BATCH_ACCOUNTS} accounts were registered on it and "
        "a Poisson count at the day's base rate (the median daily count of the "
        f"{BASE_RATE_DAYS} days either side, and at least the mean daily rate over all creation dates) "
        f"reaches it with probability below {BATCH_SIGNIFICANCE} divided by the number of days tested "
        "(Bonferroni). The claim holds when at least one day is a batch; it is undecided with fewer than "
        f"{MIN_DATED_ACCOUNTS} dated accounts."
    ),
}


class CreationBatch(BaseModel):
    date: dt.date
    accounts: int


class AccountsFindings(Findings):
    accounts: int
    share_zero_followers: float | None
    share_under_8_followers: float | None
    median_followers: float | None
    median_following: float | None
    share_no_bio: float | None
    hashed_accounts: int
    median_creation_date: dt.date | None
    creation_batches: list[CreationBatch]  # the largest creation days, accounts descending, ties by date
    largest_creation_day: dt.date | None  # creation_batches[0], for prose
    largest_creation_day_accounts: int | None
    # Only when the dataset has tweets:
    accounts_with_tweets: int | None = None
    median_lag_days: float | None = None
    share_first_tweet_within_30_days: float | None = None


def summarise(users: pl.LazyFrame, tweets: pl.LazyFrame | None) -> AccountsFindings:
    batches = creation_batches(users, top=TOP_BATCHES)
    largest = batches.row(0, named=True) if batches.height else {"date": None, "accounts": None}
    lags = lag_summary(first_tweet_lag(users, tweets)) if tweets is not None else {}
    return AccountsFindings(
        **profile_summary(users),
        creation_batches=batches.to_dicts(),
        largest_creation_day=largest["date"],
        largest_creation_day_accounts=largest["accounts"],
        **lags,
    )


def creation_per_day(users: pl.LazyFrame) -> pl.DataFrame:
    """Accounts created on each day (days with none are absent)."""
    return (
        users.drop_nulls("account_creation_date")
        .group_by(date="account_creation_date")
        .agg(accounts=pl.len())
        .sort("date")
        .collect()
    )


def creation_batches(users: pl.LazyFrame, top: int = TOP_BATCHES) -> pl.DataFrame:
    """The largest creation days: accounts descending, ties by date."""
    return creation_per_day(users).sort(["accounts", "date"], descending=[True, False]).head(top)


def creation_per_month(users: pl.LazyFrame) -> pl.DataFrame:
    """Accounts created in each month from the first to the last creation, months without any at 0."""
    counts = (
        users.drop_nulls("account_creation_date")
        .group_by(month=pl.col("account_creation_date").dt.truncate("1mo"))
        .agg(accounts=pl.len())
        .collect()
    )
    return zero_filled_periods(counts, "month", "1mo", {}, "accounts")


def profile_summary(users: pl.LazyFrame) -> dict:
    """Follower shares, median, bios and hashing, over all accounts."""
    row = (
        users.select(
            accounts=pl.len(),
            share_zero_followers=(pl.col("follower_count") == 0).mean(),
            share_under_8_followers=(pl.col("follower_count") < UNDER_FOLLOWERS).mean(),
            median_followers=pl.col("follower_count").median(),
            median_following=pl.col("following_count").median(),
            share_no_bio=pl.col("user_profile_description").is_null().mean(),
            hashed_accounts=pl.col(IS_HASHED).sum(),
            median_creation_date=pl.col("account_creation_date").median().dt.date(),
        )
        .collect()
        .row(0, named=True)
    )
    row["hashed_accounts"] = int(row["hashed_accounts"] or 0)
    return row


def follow_distributions(users: pl.LazyFrame) -> pl.DataFrame:
    """Followers and following side by side (long form), with shares of accounts."""
    return pl.concat(
        bucket_counts(users, column, FOLLOW_BUCKETS, FOLLOW_LABELS, "accounts").with_columns(
            count=pl.lit(column.removesuffix("_count"))
        )
        for column in ("follower_count", "following_count")
    ).with_columns(share=pl.col("accounts") / pl.col("accounts").sum().over("count"))


def first_tweet_lag(users: pl.LazyFrame, tweets: pl.LazyFrame) -> pl.DataFrame:
    """Per account: creation date, first tweet date and the days between."""
    first = tweets.group_by("userid").agg(first_tweet=pl.col(TWEET_TIMESTAMP).min().dt.date())
    return (
        users.select("userid", "account_creation_date")
        .join(first, on="userid", how="inner")
        .with_columns(lag_days=(pl.col("first_tweet") - pl.col("account_creation_date")).dt.total_days())
        .sort("userid")
        .collect()
    )


def lag_counts(lags: pl.DataFrame) -> pl.DataFrame:
    """lag_days, accounts: accounts per day of waiting (non-negative), for the chart. As many rows as
    distinct waits, not as accounts: a chart's inline data stays small on the largest releases."""
    return lags.filter(pl.col("lag_days") >= 0).group_by("lag_days").agg(accounts=pl.len()).sort("lag_days")


def lag_summary(lags: pl.DataFrame) -> dict:
    return lags.select(
        accounts_with_tweets=pl.len(),
        median_lag_days=pl.col("lag_days").median(),
        share_first_tweet_within_30_days=(pl.col("lag_days") <= 30).mean(),
    ).row(0, named=True)


def creation_base_rates(per_day: pl.DataFrame) -> pl.DataFrame:
    """date, accounts, base_rate: every day from the first creation to the last (zero days included),
    with the day's base rate as CLAIM_RULES states it."""
    days = pl.DataFrame({"date": pl.date_range(per_day["date"].min(), per_day["date"].max(), eager=True)})
    daily = days.join(per_day, on="date", how="left").with_columns(pl.col("accounts").fill_null(0))
    counts = daily["accounts"].to_numpy()
    window = 2 * BASE_RATE_DAYS + 1
    padded = np.pad(counts.astype(float), BASE_RATE_DAYS, constant_values=np.nan)
    neighbours = np.lib.stride_tricks.sliding_window_view(padded, window).copy()
    neighbours[:, BASE_RATE_DAYS] = np.nan  # the day itself is not its own base
    local = np.nanmedian(neighbours, axis=1)
    mean_rate = counts.sum() / len(counts)
    return daily.with_columns(base_rate=pl.Series(np.maximum(local, mean_rate)))


def claims(users: pl.LazyFrame) -> dict[str, Claim]:
    return {"batch_creation": batch_claim(users)}


def batch_claim(users: pl.LazyFrame) -> Claim:
    rule = CLAIM_RULES["batch_creation"]
    per_day = creation_per_day(users)
    dated = int(per_day["accounts"].sum()) if per_day.height else 0
    if dated < MIN_DATED_ACCOUNTS:
        reason = f"only {dated} accounts have a creation date; the rule needs {MIN_DATED_ACCOUNTS}"
        return undecided(rule, reason, dated_accounts=dated)
    rates = creation_base_rates(per_day)
    tested = rates.filter(pl.col("accounts") > 0).height
    threshold = BATCH_SIGNIFICANCE / tested
    judged = rates.filter(pl.col("accounts") >= MIN_BATCH_ACCOUNTS).with_columns(
        p_value=pl.struct("accounts", "base_rate").map_elements(
            lambda day: poisson_tail(day["accounts"], day["base_rate"]), return_dtype=pl.Float64
        )
    )
    batches = judged.filter(pl.col("p_value") < threshold).sort(
        ["accounts", "date"], descending=[True, False]
    )
    busiest = rates.sort(["accounts", "date"], descending=[True, False]).row(0, named=True)
    largest = batches.row(0, named=True) if batches.height else busiest
    return decided(
        batches.height > 0,
        rule,
        dated_accounts=dated,
        days_tested=tested,
        batch_days=batches.height,
        accounts_in_batches=int(batches["accounts"].sum()),
        largest_day=largest["date"].isoformat(),
        largest_day_accounts=largest["accounts"],
        largest_day_base_rate=round(largest["base_rate"], 3),
        largest_day_p_value=poisson_tail(largest["accounts"], largest["base_rate"]),
        p_threshold=threshold,
    )
