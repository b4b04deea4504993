"""How little real engagement the tweets drew, and where it was anomalous.

ASPI counted tweets from 0-follower accounts with more than 50 likes (156) or
more than 10 retweets (26) as anomalous: engagement a 0-follower account
cannot earn organically.
"""

from __future__ import annotations

import polars as pl

from ioreport.analysis.buckets import bucket_counts
from ioreport.analysis.claims import Claim, decided, undecided
from ioreport.analysis.findings import Findings
from ioreport.archive.schema import ENGAGEMENT_COUNTS, TWEET_TIMESTAMP, lossy_column

ANOMALOUS_LIKES = 50
ANOMALOUS_RETWEETS = 10
COUNT_BUCKETS = (0, 1, 2, 11, 51)
COUNT_LABELS = ("0", "1", "2–10", "11–50", "51+")
MIN_ZERO_FOLLOWER_TWEETS = 100
MIN_ANOMALOUS_TWEETS = 5
MIN_COUNTED_TWEETS = 100
LOW_ENGAGEMENT_SHARE = 0.9
CLAIM_RULES = {
    "anomalous_engagement": (
        f"ASPI's test: tweets of accounts with 0 followers that got more than {ANOMALOUS_LIKES} likes or "
        f"more than {ANOMALOUS_RETWEETS} retweets, engagement such accounts cannot earn on their own. "
        f"The claim holds when at least {MIN_ANOMALOUS_TWEETS} tweets do; it is undecided with fewer than "
        f"{MIN_ZERO_FOLLOWER_TWEETS} tweets (with counts) from 0-follower accounts."
    ),
    "low_engagement": (
        f"The claim holds when at least {LOW_ENGAGEMENT_SHARE:.0%} of the network's own tweets (retweets "
        "carry no engagement of their own) drew no like, retweet, reply or quote from outside the "
        "archive: the retweets, replies and quotes that accounts of the archive gave a tweet are taken off "
        "its counts (ids written as floating-point numbers cannot be matched, and stay counted). It is "
        f"undecided with fewer than {MIN_COUNTED_TWEETS} own tweets whose four counts are known."
    ),
}
# The count each archive column answers to: a retweet, reply or quote of a tweet by an archive account.
GIVEN_BY_THE_ARCHIVE = {
    "retweet_count": "retweet_tweetid",
    "reply_count": "in_reply_to_tweetid",
    "quote_count": "quoted_tweet_tweetid",
}
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


def given_by_the_archive(tweets: pl.LazyFrame) -> pl.LazyFrame:
    """Per tweet id: the retweets, replies and quotes it got from tweets of the archive itself, matched on
    exact ids only (an id the file wrote as a float is not one)."""
    received = [
        tweets.filter(pl.col(reference).is_not_null() & ~pl.col(lossy_column(reference)).fill_null(False))
        .group_by(tweetid=reference)
        .agg(pl.len().alias(f"archive_{count}"))
        for count, reference in GIVEN_BY_THE_ARCHIVE.items()
    ]
    ids = tweets.select("tweetid")
    for frame in received:
        ids = ids.join(frame, on="tweetid", how="left")
    return ids.with_columns(pl.col(f"archive_{count}").fill_null(0) for count in GIVEN_BY_THE_ARCHIVE)


def claims(tweets: pl.LazyFrame) -> dict[str, Claim]:
    """ASPI's anomalous engagement, and how little engagement came from outside the network."""
    counted = pl.all_horizontal([pl.col(c).is_not_null() for c in ENGAGEMENT_COUNTS])
    zero_followers = (pl.col("follower_count") == 0) & counted
    anomalous = (pl.col("like_count") > ANOMALOUS_LIKES) | (pl.col("retweet_count") > ANOMALOUS_RETWEETS)
    own = ~pl.col("is_retweet").fill_null(False) & counted
    from_outside = [pl.col("like_count")] + [
        (pl.col(count) - pl.col(f"archive_{count}")).clip(lower_bound=0) for count in GIVEN_BY_THE_ARCHIVE
    ]
    lossy = pl.any_horizontal(
        pl.col(lossy_column(ref)).fill_null(False) for ref in GIVEN_BY_THE_ARCHIVE.values()
    )
    row = (
        tweets.join(given_by_the_archive(tweets), on="tweetid", how="left")
        .select(
            zero_follower_tweets=zero_followers.sum(),
            anomalous_tweets=(zero_followers & anomalous).sum(),
            own_tweets=own.sum(),
            own_without_engagement=(own & pl.all_horizontal(c == 0 for c in from_outside)).sum(),
            engaged_only_by_the_archive=(
                own & ~ZERO_ENGAGEMENT & pl.all_horizontal(c == 0 for c in from_outside)
            ).sum(),
            unmatched_float_ids=lossy.sum(),
        )
        .collect()
        .row(0, named=True)
    )
    anomalous_rule, low_rule = CLAIM_RULES["anomalous_engagement"], CLAIM_RULES["low_engagement"]
    if row["zero_follower_tweets"] < MIN_ZERO_FOLLOWER_TWEETS:
        anomalous_claim = undecided(
            anomalous_rule,
            f"only {row['zero_follower_tweets']} tweets (with counts) from 0-follower accounts; the rule "
            f"needs {MIN_ZERO_FOLLOWER_TWEETS}",
            zero_follower_tweets=row["zero_follower_tweets"],
        )
    else:
        anomalous_claim = decided(
            row["anomalous_tweets"] >= MIN_ANOMALOUS_TWEETS,
            anomalous_rule,
            zero_follower_tweets=row["zero_follower_tweets"],
            anomalous_tweets=row["anomalous_tweets"],
        )
    own_tweets = row["own_tweets"]
    if own_tweets < MIN_COUNTED_TWEETS:
        reason = f"only {own_tweets} own tweets with counts; the rule needs {MIN_COUNTED_TWEETS}"
        low_claim = undecided(low_rule, reason, own_tweets=own_tweets)
    else:
        share = row["own_without_engagement"] / own_tweets
        low_claim = decided(
            share >= LOW_ENGAGEMENT_SHARE,
            low_rule,
            own_tweets=own_tweets,
            own_tweets_without_engagement=row["own_without_engagement"],
            share_without_engagement=round(share, 6),
            engaged_only_by_the_archive=row["engaged_only_by_the_archive"],
            unmatched_float_ids=row["unmatched_float_ids"],
        )
    return {"anomalous_engagement": anomalous_claim, "low_engagement": low_claim}


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
