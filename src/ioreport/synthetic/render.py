"""Spelling rows out as archive fields, a range of tweets at a time.

Rendering is a pure function of the rows, so a row rendered twice (an exact duplicate) comes out
identical, and nothing but the rows in hand is held as strings. Fields are built a column at a time on
numpy object arrays, whose element-wise `+` joins strings without a Python loop per row.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ioreport.archive import schema
from ioreport.synthetic.core.context import Context
from ioreport.synthetic.core.ids import SHORT_CODE_RANGE, short_codes, snowflake_ms
from ioreport.synthetic.core.rows import JOINERS, Accounts, Engagement, Kind, TweetBlock

ABSENT = "absent"  # the archive's latitude/longitude when there is no geotag
BOOLEANS = np.array(["false", "true", "False", "True"], dtype=object)  # by pandas round trip, then value
ENGAGEMENT_COLUMNS = ("like_count", "retweet_count", "reply_count", "quote_count")
SMALL_NUMBERS = np.array([str(k) for k in range(1_000)], dtype=object)


def strings(values: list[str]) -> np.ndarray:
    """An object array of the strings and, last, "" (so that index -1 spells nothing)."""
    return np.array([*values, ""], dtype=object)


def account_profiles(accounts: Accounts) -> dict[str, np.ndarray]:
    """The profile columns of every account, as written in both files."""
    return {
        "userid": np.array(accounts.userid, dtype=object),
        "user_display_name": np.array(accounts.display_name, dtype=object),
        "user_screen_name": np.array(accounts.screen_name, dtype=object),
        "user_reported_location": np.array(accounts.location, dtype=object),
        "user_profile_description": np.array(accounts.description, dtype=object),
        "user_profile_url": np.array(accounts.profile_url, dtype=object),
        "follower_count": accounts.followers.astype(str).astype(object),
        "following_count": accounts.following.astype(str).astype(object),
        "account_creation_date": np.datetime_as_string(accounts.created).astype(object),
        "account_language": np.array(accounts.account_language, dtype=object),
    }


def encode_lists(items: np.ndarray, styles: np.ndarray) -> np.ndarray:
    """A list column in the archive's spellings: `items` is (rows, slots) of strings, "" for none, filled
    from the left; styles are quoted ['a', 'b'] with [] empty, unquoted [a, b], or quoted with '' empty."""
    written = np.where(styles == "quoted_blank_empty", "", "[]").astype(object)
    listed = np.flatnonzero(items[:, 0] != "")
    items, quoted = items[listed], (styles[listed] != "unquoted")[:, None]
    filled = items != ""
    chosen = np.where(filled & quoted, "'" + items + "'", items)
    body = chosen[:, 0]
    for slot in range(1, items.shape[1]):
        body = body + np.where(filled[:, slot], ", " + chosen[:, slot], "")
    written[listed] = "[" + body + "]"
    return written


def left_filled(items: np.ndarray) -> np.ndarray:
    """Each row's non-empty strings moved to its first slots, in order."""
    order = np.argsort(items == "", axis=1, kind="stable")
    return np.take_along_axis(items, order, axis=1)


class TweetRows:
    """Rows of the tweets file, fields in `schema.TWEETS` order."""

    def __init__(self, ctx: Context, accounts: Accounts, rows: TweetBlock, engagement: Engagement) -> None:
        words = ctx.vocabulary
        self.rows, self.engagement = rows, engagement
        self.profiles = account_profiles(accounts)
        # Archive accounts first, then the outside ones, as `target_account` numbers them.
        self.userids = strings(accounts.userid + accounts.outside_userid)
        self.screen_names = strings(accounts.screen_name + accounts.outside_userid)
        self.sentences, self.tails = strings(words.sentences), strings(words.tails)
        self.joiners = np.array(JOINERS, dtype=object)
        self.hashtags = strings(words.hashtags)
        self.languages, self.clients = strings(words.languages), strings(words.clients)
        self.domains = np.array(words.url_domains, dtype=object)
        self.list_styles = np.array(list(ctx.preset.content.list_styles), dtype=object)
        self.poll = " | ".join(ctx.preset.quirks.poll_choices)

    def __len__(self) -> int:
        return len(self.rows)

    def records(self, start: int, stop: int) -> Iterator[tuple[str, ...]]:
        columns = self._columns(start, stop)
        return zip(*(columns[name].tolist() for name in schema.TWEETS.names), strict=True)

    def _columns(self, start: int, stop: int) -> dict[str, np.ndarray]:
        rows, span = self.rows, slice(start, stop)
        account, kind = rows["account"][span], rows["kind"][span]
        target, target_id = rows["target_account"][span], _ids(rows["target_tweetid"][span])
        styles = self.list_styles[rows["list_style"][span]]
        minutes = np.datetime_as_string(
            snowflake_ms(rows["tweetid"][span]).astype("datetime64[ms]"), unit="m"
        )
        retweet, reply, quote = kind == Kind.RETWEET, kind == Kind.REPLY, kind == Kind.QUOTE
        links = self._links(rows["url"][span], rows["url_domain"][span])
        columns = {name: values[account] for name, values in self.profiles.items()}
        columns.update(
            tweetid=_ids(rows["tweetid"][span]),
            tweet_language=self.languages[rows["language"][span]],
            tweet_text=self._texts(span, links[0]),
            tweet_time=np.char.replace(minutes, "T", " ").astype(object),
            tweet_client_name=self.clients[rows["client"][span]],
            in_reply_to_userid=np.where(reply, self.userids[target], ""),
            in_reply_to_tweetid=np.where(reply, target_id, ""),
            quoted_tweet_tweetid=np.where(quote, target_id, ""),
            is_retweet=BOOLEANS[2 * rows["pandas_boolean"][span] + retweet],
            retweet_userid=np.where(retweet & ~rows["blank_retweet_userid"][span], self.userids[target], ""),
            retweet_tweetid=np.where(retweet, target_id, ""),
            latitude=_coordinates(rows["latitude"][span]),
            longitude=_coordinates(rows["longitude"][span]),
            hashtags=encode_lists(left_filled(self.hashtags[rows.hashtags[span]]), styles),
            urls=encode_lists(
                left_filled(
                    np.stack([links[1], np.where(quote, self._status_links(target, target_id), "")], axis=1)
                ),
                styles,
            ),
            user_mentions=encode_lists(
                left_filled(
                    np.stack(
                        [
                            np.where(retweet | reply, self.userids[target], ""),
                            self.userids[rows["mention"][span]],
                        ],
                        axis=1,
                    )
                ),
                styles,
            ),
            poll_choices=np.where(rows["poll"][span], self.poll, "").astype(object),
        )
        blank = self.engagement.blank[span]
        for name, counts in zip(ENGAGEMENT_COLUMNS, self.engagement.counts(), strict=True):
            columns[name] = np.where(blank, "", _numbers(counts[span]))
        return columns

    def _links(self, url: np.ndarray, domain: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The shared page of each row, as written in the text (a t.co link) and in `urls` (expanded)."""
        codes = np.where(url > 0, short_codes(url).astype(object), "")
        has = url > 0
        return (
            np.where(has, " https://t.co/" + codes, ""),
            np.where(has, "https://" + self.domains[domain] + "/" + codes, ""),
        )

    def _status_links(self, target: np.ndarray, target_id: np.ndarray) -> np.ndarray:
        return "https://twitter.com/" + self.screen_names[target] + "/status/" + target_id

    def _texts(self, span: slice, link: np.ndarray) -> np.ndarray:
        """Sentences, ending, hashtags, mention and link; prefixed for a retweet or reply, and for a quote
        followed by the quoted tweet's link. Each piece is added only to the rows that have it."""
        rows = self.rows
        text = self.sentences[rows["sentence_1"][span]]
        pieces = [
            (
                rows["sentence_2"][span],
                lambda k, at: self.joiners[rows["joiner"][span][at]] + self.sentences[k],
            ),
            (rows["tail"][span], lambda k, at: self.tails[k]),
            *((slot, lambda k, at: " #" + self.hashtags[k]) for slot in rows.hashtags[span].T),
            (rows["mention"][span], lambda k, at: " @" + self.screen_names[k]),
        ]
        for index, spelled in pieces:
            at = np.flatnonzero(index >= 0)
            text[at] = text[at] + spelled(index[at], at)
        at = np.flatnonzero(link != "")
        text[at] = text[at] + link[at]
        kind, target = rows["kind"][span], rows["target_account"][span]
        at = np.flatnonzero(kind == Kind.QUOTE)
        quoted = short_codes(rows["target_tweetid"][span][at] % SHORT_CODE_RANGE[1]).astype(object)
        text[at] = text[at] + " https://t.co/" + quoted
        at = np.flatnonzero(kind == Kind.REPLY)
        text[at] = "@" + self.screen_names[target[at]] + " " + text[at]
        at = np.flatnonzero(kind == Kind.RETWEET)
        text[at] = "RT @" + self.screen_names[target[at]] + ": " + text[at]
        return text


def _numbers(values: np.ndarray) -> np.ndarray:
    """Integers spelled out, the small ones (most counts) from a table."""
    written = SMALL_NUMBERS[np.minimum(values, len(SMALL_NUMBERS) - 1)]
    large = np.flatnonzero(values >= len(SMALL_NUMBERS) - 1)
    written[large] = [str(v) for v in values[large].tolist()]
    return written


def _ids(values: np.ndarray) -> np.ndarray:
    return np.array([str(v) for v in values.tolist()], dtype=object)


def _coordinates(values: np.ndarray) -> np.ndarray:
    written = np.full(len(values), ABSENT, dtype=object)
    placed = np.flatnonzero(~np.isnan(values))
    written[placed] = [f"{v:.4f}" for v in values[placed].tolist()]
    return written
