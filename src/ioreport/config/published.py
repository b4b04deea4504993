"""What SIO, ASPI and Twitter published, to set beside a run's figures (`publish.published` builds the table).

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
        PublishedFigure(
            "accounts.median_creation_date",
            "Account creation (median date)",
            "majority created after October 2019",
            "SIO",
            "P",
        ),
        PublishedFigure(
            "accounts.largest_creation_day",
            "Creation in batches (largest day)",
            "created in batches, weeks before use",
            "SIO",
            "P",
        ),
        PublishedFigure("accounts.share_zero_followers", "Accounts with 0 followers", "78.5 %", "ASPI", "P"),
        PublishedFigure(
            "accounts.share_under_8_followers", "Accounts with fewer than 8 followers", "95 %", "ASPI", "P"
        ),
        PublishedFigure("accounts.share_no_bio", "Accounts with no biography", "most", "SIO", "P"),
        PublishedFigure(
            "activity.working_hours_share",
            "Tweets in Beijing working hours (Mon–Fri)",
            "maps cleanly to working hours in Beijing (about 8 am–5 pm)",
            "ASPI",
            "V/P",
        ),
        PublishedFigure(
            "activity.weekend_share", "Tweets at weekends", "almost nothing at weekends", "ASPI", "V/P"
        ),
        PublishedFigure(
            "narratives.topic_pair_union_shares.covid19+hong_kong",
            "Tweets on coronavirus, Hong Kong, or both",
            "47.1 %",
            "SIO",
            "P",
        ),
        PublishedFigure(
            "narratives.topic_peak_week.covid19",
            "COVID-19 tweets: peak week",
            "began late January 2020, peaked late March 2020",
            "SIO",
            "P",
        ),
        PublishedFigure(
            "engagement.share_tweets_zero_engagement",
            "Tweets with no engagement at all",
            "low engagement",
            "Twitter",
            "V",
        ),
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
    # ASPI's 2019 figures cover the whole August 2019 release (all tranches), not one tranche.
    "china_082019": (
        PublishedFigure("dataset.accounts", "Accounts (whole release)", "936", "ASPI 2019", "V/P"),
        PublishedFigure("dataset.tweets", "Tweets (whole release)", "about 3.6 million", "ASPI 2019", "V/P"),
        PublishedFigure(
            "forensics.test_owner_tweets",
            'Tweets saying "test new owner", "test" or "new own"',
            "over 630",
            "ASPI 2019",
            "P",
        ),
        PublishedFigure(
            "activity.weekend_share",
            "Tweets at weekends",
            "breaks at weekends and public holidays",
            "ASPI 2019",
            "P",
        ),
    ),
}
