"""What links two accounts in each network type: the *item* each tweet uses, and when.

co_retweet: the retweeted tweet. co_tweet: the text, normalised. near_duplicate: the text's group of
near-duplicates. co_hashtag: each hashtag, case folded. co_link: each link. co_reply: the tweet replied
to. Retweets count only for co_retweet: they repeat their source's text, hashtags and links, and
co_retweet already links the accounts that pass a tweet on. Times are the milliseconds of the snowflake
id (`tweet_timestamp`); tweets whose id carries no time (before November 2010) are left out.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

from ioreport.analysis.coordination.near_duplicates import NearDuplicateSettings, group_labels
from ioreport.analysis.text import collapsed_whitespace, folded_hashtag, without_links_and_mentions
from ioreport.archive.schema import TWEET_TIMESTAMP

NETWORK_TYPES = ("co_retweet", "co_tweet", "near_duplicate", "co_hashtag", "co_link", "co_reply")
TextMode = Literal["default", "toolkit"]
TEXT_MODES = ("default", "toolkit")
# coordination-network-toolkit's mention pattern (`@.*?(?=(?:\s|$))`): "@" up to the next white space.
TOOLKIT_MENTION = r"@\S*"


def normalised_text(mode: TextMode = "default") -> pl.Expr:
    """The text two tweets must share to be copies.

    default: links and @mentions removed (t.co links differ between copies of one text), NFKC, lower case,
    white space collapsed. toolkit: coordination-network-toolkit's `message_preprocessor` (lower case,
    @mentions removed, white space collapsed), for parity with it.
    """
    return _normalised(_stripped(mode), mode)


def _stripped(mode: TextMode) -> pl.Expr:
    """The tweet's text without what differs between copies of it: links and mentions (toolkit: mentions;
    its lower case first changes nothing they match)."""
    text = pl.col("tweet_text").fill_null("")
    return (
        text.str.replace_all(TOOLKIT_MENTION, "") if mode == "toolkit" else without_links_and_mentions(text)
    )


def _normalised(stripped: pl.Expr, mode: TextMode) -> pl.Expr:
    if mode == "default":
        stripped = stripped.str.normalize("NFKC")
    return collapsed_whitespace(stripped.str.to_lowercase())


def uses(
    tweets: pl.LazyFrame,
    network_type: str,
    text_mode: TextMode = "default",
    near_duplicates: NearDuplicateSettings | None = None,
) -> pl.DataFrame:
    """Each use of an item: userid, tweetid, time (ms) and item (a tweet id, or a text)."""
    if network_type not in NETWORK_TYPES:
        raise ValueError(f"unknown network type {network_type!r} (known: {', '.join(NETWORK_TYPES)})")
    timed = tweets.filter(pl.col(TWEET_TIMESTAMP).is_not_null())
    if network_type == "co_retweet":
        return _uses(timed, pl.col("retweet_tweetid"))
    own = timed.filter(pl.col("retweet_tweetid").is_null())
    if network_type == "co_reply":
        return _uses(own, pl.col("in_reply_to_tweetid"))
    if network_type == "co_hashtag":
        return _uses(
            own.explode("hashtags"), _non_empty("#" + folded_hashtag(pl.col("hashtags")), "hashtags")
        )
    if network_type == "co_link":
        return _uses(own.explode("urls"), _non_empty(pl.col("urls"), "urls"))
    # Copies are many: the costly steps (NFKC, lower case) run once per distinct stripped text.
    stripped = own.with_columns(stripped=_stripped(text_mode))
    distinct = (
        stripped.select("stripped").unique().with_columns(text=_normalised(pl.col("stripped"), text_mode))
    )
    texts = _uses(stripped.join(distinct, on="stripped"), _non_empty(pl.col("text")))
    return texts if network_type == "co_tweet" else near_duplicate_uses(texts, near_duplicates)


def near_duplicate_uses(texts: pl.DataFrame, settings: NearDuplicateSettings | None = None) -> pl.DataFrame:
    """The co_tweet uses (`texts`) as near-duplicate uses: each text's item its group's label."""
    labels = group_labels(texts["item"], settings or NearDuplicateSettings())
    return texts.join(labels, left_on="item", right_on="text").select(
        "userid", "tweetid", "time", item="label"
    )


def _non_empty(item: pl.Expr, column: str | None = None) -> pl.Expr:
    """The item, null where it is empty (or where `column`, the item's source, is)."""
    present = item.str.len_chars() > 0
    if column is not None:
        present = present & (pl.col(column).str.len_chars() > 0)
    return pl.when(present).then(item)


def _uses(frame: pl.LazyFrame, item: pl.Expr) -> pl.DataFrame:
    """userid, tweetid, time and item, for the uses with an item."""
    used = frame.select(
        "userid", "tweetid", pl.col(TWEET_TIMESTAMP).dt.epoch("ms").alias("time"), item.alias("item")
    )
    return used.drop_nulls("item").collect()
