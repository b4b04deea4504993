"""How little real engagement the tweets drew, and where it was anomalous.

ASPI counted tweets from 0-follower accounts with more than 50 likes (156) or
more than 10 retweets (26) as anomalous: engagement a 0-follower account
cannot earn organically.
"""

from __future__ import annotations

import polars as pl

from ioreport.analysis.buckets import bucket_counts
from ioreport.analysis.findings import Findings
from ioreport.archive.schema import ENGAGEMENT_COUNTS, TWEET_TIMESTAMP

ANOMALOUS_LIKES = 50
ANOMALOUS_RETWEETS = 10
COUNT_BUCKETS = (0, 1, 2, 11, 51)
COUNT_LABELS = ("0", "1", "2–10", "11–50", "51+")
# A blank count is unknown, not zero: a tweet has zero engagement only if all four counts say 0.
ZERO_ENGAGEMENT = pl.all_horizontal([pl.col(c) == 0 for c in ENGAGEMENT_COUNTS]).fill_null(False)


class EngagementFindings(Findings):
    share_tweets_zero_engagement: float | None
    zero_follower_tweets_over_50_likes: int
    zero_follower_tweets_over_10_retweets: int
    most_liked_tweetid: str | None


def summarise(tweets: pl.LazyFrame) -> EngagementFindings:
    zero_followers = pl.col("follower_count") == 0
    row = (
        tweets.select(
            share_tweets_zero_engagement=ZERO_ENGAGEMENT.mean(),
            zero_follower_tweets_over_50_likes=(
                zero_followers & (pl.col("like_count") > ANOMALOUS_LIKES)
            ).sum(),
            zero_follower_tweets_over_10_retweets=(
                zero_followers & (pl.col("retweet_count") > ANOMALOUS_RETWEETS)
            ).sum(),
        )
        .collect()
        .row(0, named=True)
    )
    return EngagementFindings(**row, most_liked_tweetid=most_liked_tweetid(tweets))


def most_liked_tweetid(tweets: pl.LazyFrame) -> str | None:
    top = top_tweets(tweets, "like_count", 1)
    return str(top["tweetid"][0]) if top.height else None


def top_tweets(tweets: pl.LazyFrame, by: str = "like_count", n: int = 10) -> pl.DataFrame:
    """The most engaged tweets by one count; ties broken by tweet id for stable reruns."""
    return (
        tweets.drop_nulls(by)
        .sort([by, "tweetid"], descending=[True, False])
        .head(n)
        .select("tweetid", "user_display_name", "follower_count", *ENGAGEMENT_COUNTS, "tweet_text")
        .collect()
    )


def anomalous_tweets(tweets: pl.LazyFrame) -> pl.DataFrame:
    """Tweets from 0-follower accounts with engagement above ASPI's thresholds."""
    return (
        tweets.filter(
            (pl.col("follower_count") == 0)
            & ((pl.col("like_count") > ANOMALOUS_LIKES) | (pl.col("retweet_count") > ANOMALOUS_RETWEETS))
        )
        .sort(["like_count", "tweetid"], descending=[True, False])
        .select("tweetid", "user_display_name", TWEET_TIMESTAMP, *ENGAGEMENT_COUNTS, "tweet_text")
        .collect()
    )


def count_distribution(tweets: pl.LazyFrame) -> pl.DataFrame:
    """Tweets per count bucket for each engagement count (long form; blank counts left out)."""
    return (
        pl.concat(
            bucket_counts(tweets, column, COUNT_BUCKETS, COUNT_LABELS, "tweets").with_columns(
                metric=pl.lit(column.removesuffix("_count"))
            )
            for column in ENGAGEMENT_COUNTS
        )
        .with_columns(share=pl.col("tweets") / pl.col("tweets").sum().over("metric"))
        .sort("metric", maintain_order=True)
    )
