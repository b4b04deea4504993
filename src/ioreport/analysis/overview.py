"""What the dataset holds: size, time span, languages, kinds of tweet and client apps."""

from __future__ import annotations

import datetime as dt

import polars as pl

from ioreport.analysis.buckets import zero_filled_periods
from ioreport.analysis.findings import Findings
from ioreport.archive.schema import TWEET_TIMESTAMP

TOP_LANGUAGES = 12


class OverviewFindings(Findings):
    share_retweets: float | None
    share_replies: float | None
    share_quotes: float | None
    tweeting_accounts: int
    tweet_languages: dict[str, int]  # tweets per language (the most common, then "(other)")


def summarise(tweets: pl.LazyFrame) -> OverviewFindings:
    languages = share_table(tweets, "tweet_language", "language", top=TOP_LANGUAGES)
    return OverviewFindings(
        **tweet_kind_shares(tweets),
        tweeting_accounts=span(tweets)["tweeting_accounts"],
        tweet_languages=dict(zip(languages["language"], languages["rows"], strict=True)),
    )


def tweet_kind_shares(tweets: pl.LazyFrame) -> dict:
    """Shares of retweets, replies and quotes (a tweet may be a reply and a quote)."""
    return (
        tweets.select(
            share_retweets=pl.col("is_retweet").fill_null(False).mean(),
            share_replies=pl.col("in_reply_to_tweetid").is_not_null().mean(),
            share_quotes=pl.col("quoted_tweet_tweetid").is_not_null().mean(),
        )
        .collect()
        .row(0, named=True)
    )


def share_table(frame: pl.LazyFrame, column: str, label: str, top: int | None = None) -> pl.DataFrame:
    """Rows per value of `column` with shares, largest first; the tail beyond `top` folded into 'other'."""
    counts = (
        frame.group_by(pl.col(column).fill_null("(blank)").alias(label))
        .agg(rows=pl.len())
        .sort(["rows", label], descending=[True, False])
        .collect()
    )
    if top is not None and counts.height > top:
        rest = counts.slice(top)["rows"].sum()
        counts = pl.concat(
            [counts.head(top), pl.DataFrame({label: ["(other)"], "rows": [rest]}, schema=counts.schema)]
        )
    return counts.with_columns(share=pl.col("rows") / pl.col("rows").sum())


def volume_per(tweets: pl.LazyFrame, every: str) -> pl.DataFrame:
    """Tweets per calendar period (`1d`, `1w`, `1mo`) in UTC, split by kind; periods without tweets are
    there with 0, so a chart shows the gaps."""
    kind = pl.when(pl.col("is_retweet")).then(pl.lit("retweet")).otherwise(pl.lit("original or reply"))
    counts = (
        tweets.group_by(period=pl.col(TWEET_TIMESTAMP).dt.truncate(every).dt.date(), kind=kind)
        .agg(tweets=pl.len())
        .collect()
    )
    return zero_filled_periods(counts, "period", every, {"kind": ["original or reply", "retweet"]}, "tweets")


def span(tweets: pl.LazyFrame) -> dict:
    """First and last tweet (UTC dates) and the accounts that tweeted."""
    row = (
        tweets.select(
            first=pl.col(TWEET_TIMESTAMP).min(),
            last=pl.col(TWEET_TIMESTAMP).max(),
            accounts=pl.col("userid").n_unique(),
        )
        .collect()
        .row(0, named=True)
    )
    return {
        "first_tweet": _utc_date(row["first"]),
        "last_tweet": _utc_date(row["last"]),
        "tweeting_accounts": row["accounts"],
    }


def _utc_date(moment: dt.datetime | None) -> dt.date | None:
    return moment.date() if moment else None


def quarantine_summary(quarantine: pl.LazyFrame) -> pl.DataFrame:
    """Quarantined rows per file, column and kind of fault (reason without the bad value)."""
    return (
        quarantine.with_columns(fault=pl.col("reason").str.replace(r":.*$", ""))
        .group_by("file", "column", "fault")
        .agg(rows=pl.len(), first_line=pl.col("line").min())
        .sort(["file", "first_line"])
        .collect()
    )
