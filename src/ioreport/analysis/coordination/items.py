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
    text = pl.col("tweet_text").fill_null("")
    if mode == "toolkit":
        text = text.str.to_lowercase().str.replace_all(TOOLKIT_MENTION, "")
    else:
        text = without_links_and_mentions(text).str.normalize("NFKC").str.to_lowercase()
    return collapsed_whitespace(text)


def uses(
    tweets: pl.LazyFrame,
    network_type: str,
    text_mode: TextMode = "default",
    near_duplicates: NearDuplicateSettings | None = None,
) -> pl.DataFrame:
    """Each use of an item: userid, tweetid, time (ms) and item (text)."""
    if network_type not in NETWORK_TYPES:
        raise ValueError(f"unknown network type {network_type!r} (known: {', '.join(NETWORK_TYPES)})")
    timed = tweets.filter(pl.col(TWEET_TIMESTAMP).is_not_null())
    if network_type == "co_retweet":
        return _uses(
            timed.filter(pl.col("retweet_tweetid").is_not_null()), pl.col("retweet_tweetid").cast(pl.String)
        )
    own = timed.filter(pl.col("retweet_tweetid").is_null())
    if network_type == "co_reply":
        replies = own.filter(pl.col("in_reply_to_tweetid").is_not_null())
        return _uses(replies, pl.col("in_reply_to_tweetid").cast(pl.String))
    if network_type == "co_hashtag":
        return _uses(own.explode("hashtags"), "#" + folded_hashtag(pl.col("hashtags")), drop_empty="hashtags")
    if network_type == "co_link":
        return _uses(own.explode("urls"), pl.col("urls"), drop_empty="urls")
    texts = _uses(own, normalised_text(text_mode))
    if network_type == "co_tweet":
        return texts
    labels = group_labels(texts["item"], near_duplicates or NearDuplicateSettings())
    return texts.join(labels, left_on="item", right_on="text").select(
        "userid", "tweetid", "time", item="label"
    )


def _uses(frame: pl.LazyFrame, item: pl.Expr, drop_empty: str | None = None) -> pl.DataFrame:
    """userid, tweetid, time and item; without uses of an empty item, when `drop_empty` names its column."""
    if drop_empty is not None:
        frame = frame.filter(pl.col(drop_empty).str.len_chars() > 0)
    used = frame.select(
        "userid", "tweetid", pl.col(TWEET_TIMESTAMP).dt.epoch("ms").alias("time"), item.alias("item")
    )
    return used.filter(pl.col("item").str.len_chars() > 0).collect()
