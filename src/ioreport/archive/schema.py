"""The archive's columns: the single source of truth for names, kinds and types.

Twitter's information-operations archive ships a tweets file (30 or 31
columns, order varying between releases) and a users file per dataset. The
loader maps columns by header name, so only names and kinds matter here.

Ids of other tweets (replies, quotes, retweets) are often written as floats in the 2020-21 files and then
hold only the nearest double, not the id: they cannot be joined exactly to `tweetid`; see `lossy_column`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

import polars as pl


class Kind(Enum):
    """How a raw CSV field is parsed; each kind has one parser in the loader."""

    TWEET_ID = "tweet_id"  # the tweets key: a strict integer, never hashed -> Int64
    # Another tweet's id: an integer, or a float that lost precision -> Int64 (and a `<column>_lossy` flag).
    TWEET_REFERENCE = "tweet_reference"
    ACCOUNT_ID = "account_id"  # numeric or hashed account id -> String
    TEXT = "text"  # free text, hostile -> String
    COUNT = "count"  # non-negative integer, may be blank -> Int64
    DATE = "date"  # YYYY-MM-DD -> Date
    MINUTE_TIME = "minute_time"  # YYYY-MM-DD HH:MM, UTC -> Datetime
    LANGUAGE = "language"  # language code, case folded -> String
    BOOLEAN = "boolean"  # true/false/True/False -> Boolean
    COORDINATE = "coordinate"  # float or the literal "absent" -> Float64
    STRING_LIST = "string_list"  # [], '', ['a', 'b'] or [a, b] -> List(String)


DTYPES: dict[Kind, pl.DataType] = {
    Kind.TWEET_ID: pl.Int64(),
    Kind.TWEET_REFERENCE: pl.Int64(),
    Kind.ACCOUNT_ID: pl.String(),
    Kind.TEXT: pl.String(),
    Kind.COUNT: pl.Int64(),
    Kind.DATE: pl.Date(),
    Kind.MINUTE_TIME: pl.Datetime("ms", "UTC"),
    Kind.LANGUAGE: pl.String(),
    Kind.BOOLEAN: pl.Boolean(),
    Kind.COORDINATE: pl.Float64(),
    Kind.STRING_LIST: pl.List(pl.String()),
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    # Other header names the same column has been published under.
    aliases: tuple[str, ...] = ()

    @property
    def dtype(self) -> pl.DataType:
        return DTYPES[self.kind]


def _profile_columns() -> list[Column]:
    """Account columns shared by the tweets and users files."""
    return [
        Column("userid", Kind.ACCOUNT_ID, required=True, aliases=("user_id",)),
        Column("user_display_name", Kind.TEXT, aliases=("display_name",)),
        Column("user_screen_name", Kind.TEXT, aliases=("screen_name",)),
        Column("user_reported_location", Kind.TEXT, aliases=("reported_location",)),
        Column("user_profile_description", Kind.TEXT, aliases=("profile_description",)),
        Column("user_profile_url", Kind.TEXT, aliases=("profile_url",)),
        Column("follower_count", Kind.COUNT),
        Column("following_count", Kind.COUNT),
        Column("account_creation_date", Kind.DATE),
        Column("account_language", Kind.LANGUAGE),
    ]


@dataclass(frozen=True)
class FileSchema:
    kind: str  # "tweets" or "users"
    columns: tuple[Column, ...]
    # The column whose value identifies a row; duplicates of it are dropped.
    key: str
    by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookup = {}
        for column in self.columns:
            for name in (column.name, *column.aliases):
                lookup[name] = column
        object.__setattr__(self, "by_name", lookup)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def polars_schema(self) -> dict[str, pl.DataType]:
        return {c.name: c.dtype for c in self.columns}


_profile = _profile_columns()

TWEETS = FileSchema(
    kind="tweets",
    key="tweetid",
    columns=(
        Column("tweetid", Kind.TWEET_ID, required=True, aliases=("tweet_id",)),
        *_profile,
        Column("tweet_language", Kind.LANGUAGE),
        Column("tweet_text", Kind.TEXT, required=True),
        Column("tweet_time", Kind.MINUTE_TIME, required=True),
        Column("tweet_client_name", Kind.TEXT),
        Column("in_reply_to_userid", Kind.ACCOUNT_ID),
        Column("in_reply_to_tweetid", Kind.TWEET_REFERENCE),
        Column("quoted_tweet_tweetid", Kind.TWEET_REFERENCE),
        Column("is_retweet", Kind.BOOLEAN, required=True),
        Column("retweet_userid", Kind.ACCOUNT_ID),
        Column("retweet_tweetid", Kind.TWEET_REFERENCE),
        Column("latitude", Kind.COORDINATE),
        Column("longitude", Kind.COORDINATE),
        Column("quote_count", Kind.COUNT),
        Column("reply_count", Kind.COUNT),
        Column("like_count", Kind.COUNT),
        Column("retweet_count", Kind.COUNT),
        Column("hashtags", Kind.STRING_LIST),
        Column("urls", Kind.STRING_LIST),
        Column("user_mentions", Kind.STRING_LIST),
        Column("poll_choices", Kind.TEXT),  # absent from the 30-column 2020 releases
    ),
)

USERS = FileSchema(kind="users", key="userid", columns=tuple(_profile))

# Columns the loader adds to every loaded table.
SOURCE_FILE = "source_file"  # input file the row came from
SOURCE_LINE = "source_line"  # physical line where the record starts (1 = header)
IS_HASHED = "is_hashed"  # userid replaced by Twitter's hash (not all digits)
# Columns the loader adds to tweets.
TWEET_TIMESTAMP = "tweet_timestamp"  # millisecond UTC time from the snowflake id
RETWEETED_SCREEN_NAME = "retweeted_screen_name"  # from "RT @name:" in the text


def lossy_column(name: str) -> str:
    """The Boolean column added beside a tweet-reference column: true where the file wrote the id as a float.

    Twitter's 2020-21 files often write in_reply_to_tweetid and quoted_tweet_tweetid as floats
    ("1.207965844074107e+18"). A double holds only every 256th integer at that size, so the loaded value is
    the nearest integer to what was written, not the id: such ids cannot be joined exactly to `tweetid`
    (match them within the float's precision, or not at all). Null where the field is blank.
    """
    return f"{name}_lossy"


# Tweets columns holding another tweet's id, each with its `_lossy` column.
TWEET_REFERENCES = tuple(column.name for column in TWEETS.columns if column.kind is Kind.TWEET_REFERENCE)
LOSSY_COLUMNS = tuple(lossy_column(name) for name in TWEET_REFERENCES)

# Twitter snowflake ids encode milliseconds since this epoch in the bits above 22.
SNOWFLAKE_EPOCH_MS = 1288834974657
SNOWFLAKE_SHIFT = 22
# Ids below this predate snowflakes (November 2010) and carry no time.
FIRST_SNOWFLAKE_ID = 10**12

ENGAGEMENT_COUNTS = ("like_count", "retweet_count", "reply_count", "quote_count")
