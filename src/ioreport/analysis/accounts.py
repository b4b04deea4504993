"""Who the accounts were: when they were made, in what batches, and how few followed them.

SIO found most accounts created after October 2019, in batches, weeks before
use; ASPI found 78.5 % with 0 followers and 95 % with fewer than 8.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from pydantic import BaseModel

from ioreport.analysis.buckets import bucket_counts
from ioreport.analysis.findings import Findings
from ioreport.archive.schema import IS_HASHED, TWEET_TIMESTAMP

UNDER_FOLLOWERS = 8  # ASPI's threshold
TOP_BATCHES = 10
FOLLOW_BUCKETS = (0, 1, 2, UNDER_FOLLOWERS, 100, 1000, 5000)
FOLLOW_LABELS = ("0", "1", "2–7", "8–99", "100–999", "1,000–4,999", "5,000+")


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
    return (
        users.drop_nulls("account_creation_date")
        .group_by(month=pl.col("account_creation_date").dt.truncate("1mo"))
        .agg(accounts=pl.len())
        .sort("month")
        .collect()
    )


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


def lag_summary(lags: pl.DataFrame) -> dict:
    return lags.select(
        accounts_with_tweets=pl.len(),
        median_lag_days=pl.col("lag_days").median(),
        share_first_tweet_within_30_days=(pl.col("lag_days") <= 30).mean(),
    ).row(0, named=True)
