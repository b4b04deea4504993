"""What SIO, ASPI and Twitter published, to set beside this run's figures.

Transcribed from shared/reference/published_findings.md. Marks: V = read in
the report or Twitter's post; P = reported by the press (approximate).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PublishedFigure:
    finding: str  # dotted path into findings.json
    label: str
    published: str  # as published
    source: str
    mark: str


PUBLISHED: dict[str, tuple[PublishedFigure, ...]] = {
    "china_052020": (
        PublishedFigure("dataset.accounts", "Accounts", "23,750", "Twitter; SIO; ASPI", "V"),
        PublishedFigure("dataset.tweets", "Tweets", "348,608", "SIO; ASPI", "V"),
        PublishedFigure("dataset.first_tweet", "First tweet", "January 2018", "ASPI", "V"),
        PublishedFigure("dataset.last_tweet", "Last tweet", "17 April 2020", "ASPI", "V"),
        PublishedFigure("accounts.share_zero_followers", "Accounts with 0 followers", "78.5 %", "ASPI", "P"),
        PublishedFigure(
            "accounts.share_under_8_followers", "Accounts with fewer than 8 followers", "95 %", "ASPI", "P"
        ),
        PublishedFigure(
            "accounts.creation_batches.0.date",
            "Largest creation day",
            "majority created after October 2019",
            "SIO",
            "P",
        ),
        PublishedFigure("accounts.share_no_bio", "Accounts with no biography", "most", "SIO", "P"),
        PublishedFigure(
            "engagement.zero_follower_tweets_over_50_likes",
            "Tweets from 0-follower accounts with > 50 likes",
            "156",
            "ASPI",
            "P",
        ),
        PublishedFigure(
            "engagement.zero_follower_tweets_over_10_retweets",
            "Tweets from 0-follower accounts with > 10 retweets",
            "26",
            "ASPI",
            "P",
        ),
    ),
}
