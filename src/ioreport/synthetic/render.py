"""Spelling rows out as archive fields, a range of tweets at a time.

Rendering is a pure function of the rows, so a row rendered twice (an exact duplicate) comes out
identical, and nothing but the rows in hand is held as strings.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ioreport.archive import schema
from ioreport.synthetic.core.context import Context
from ioreport.synthetic.core.ids import SHORT_CODE_RANGE, short_code
from ioreport.synthetic.core.rows import JOINERS, Accounts, Engagement, Kind, TweetBlock

ABSENT = "absent"  # the archive's latitude/longitude when there is no geotag
BOOLEANS = {False: ("false", "true"), True: ("False", "True")}  # by pandas round trip, then value


def account_profiles(accounts: Accounts) -> dict[str, list[str]]:
    """The profile columns of every account, as written in both files."""
    return {
        "userid": accounts.userid,
        "user_display_name": accounts.display_name,
        "user_screen_name": accounts.screen_name,
        "user_reported_location": accounts.location,
        "user_profile_description": accounts.description,
        "user_profile_url": accounts.profile_url,
        "follower_count": accounts.followers.astype(str).tolist(),
        "following_count": accounts.following.astype(str).tolist(),
        "account_creation_date": np.datetime_as_string(accounts.created).tolist(),
        "account_language": accounts.account_language,
    }


def encode_list(items: list[str], style: str) -> str:
    """A list column in one of the archive's spellings."""
    if not items:
        return "" if style == "quoted_blank_empty" else "[]"
    if style == "unquoted":
        return "[" + ", ".join(items) + "]"
    return "[" + ", ".join(f"'{item}'" for item in items) + "]"


class TweetRows:
    """Rows of the tweets file, fields in `schema.TWEETS` order."""

    def __init__(self, ctx: Context, accounts: Accounts, rows: TweetBlock, engagement: Engagement) -> None:
        words = ctx.vocabulary
        self.rows, self.engagement = rows, engagement
        self.profiles = account_profiles(accounts)
        # Archive accounts first, then the outside ones, as `target_account` numbers them.
        self.userids = accounts.userid + accounts.outside_userid
        self.screen_names = accounts.screen_name + accounts.outside_userid
        self.words = words
        self.list_styles = list(ctx.preset.content.list_styles)  # the `list_style` column numbers these
        self.poll = " | ".join(ctx.preset.quirks.poll_choices)

    def __len__(self) -> int:
        return len(self.rows)

    def records(self, start: int, stop: int) -> Iterator[tuple[str, ...]]:
        columns = self._columns(start, stop)
        return zip(*(columns[name] for name in schema.TWEETS.names), strict=True)

    def _columns(self, start: int, stop: int) -> dict[str, list[str]]:
        rows, span, words = self.rows, slice(start, stop), self.words
        accounts = rows["account"][span].tolist()
        columns = {name: [values[a] for a in accounts] for name, values in self.profiles.items()}
        kind = rows["kind"][span].tolist()
        target = rows["target_account"][span].tolist()
        target_id = rows["target_tweetid"][span].astype(str).tolist()
        styles = [self.list_styles[k] for k in rows["list_style"][span].tolist()]
        minutes = np.datetime_as_string(
            ((rows["tweetid"][span] >> schema.SNOWFLAKE_SHIFT) + schema.SNOWFLAKE_EPOCH_MS).astype(
                "datetime64[ms]"
            ),
            unit="m",
        ).tolist()
        latitude, longitude = (_coordinates(rows[name][span]) for name in ("latitude", "longitude"))
        columns.update(
            tweetid=rows["tweetid"][span].astype(str).tolist(),
            tweet_language=[words.languages[k] for k in rows["language"][span].tolist()],
            tweet_text=self._texts(start, stop),
            tweet_time=[m.replace("T", " ") for m in minutes],
            tweet_client_name=[words.clients[k] for k in rows["client"][span].tolist()],
            in_reply_to_userid=[
                self.userids[a] if k == Kind.REPLY else "" for k, a in zip(kind, target, strict=True)
            ],
            in_reply_to_tweetid=[t if k == Kind.REPLY else "" for k, t in zip(kind, target_id, strict=True)],
            quoted_tweet_tweetid=[t if k == Kind.QUOTE else "" for k, t in zip(kind, target_id, strict=True)],
            is_retweet=[
                BOOLEANS[pandas][k == Kind.RETWEET]
                for k, pandas in zip(kind, rows["pandas_boolean"][span].tolist(), strict=True)
            ],
            retweet_userid=[
                self.userids[a] if k == Kind.RETWEET and not blank else ""
                for k, a, blank in zip(kind, target, rows["blank_retweet_userid"][span].tolist(), strict=True)
            ],
            retweet_tweetid=[t if k == Kind.RETWEET else "" for k, t in zip(kind, target_id, strict=True)],
            latitude=latitude,
            longitude=longitude,
            hashtags=[
                encode_list([words.hashtags[h] for h in tags if h >= 0], style)
                for tags, style in zip(rows.hashtags[span].tolist(), styles, strict=True)
            ],
            urls=[
                encode_list(urls, style) for urls, style in zip(self._urls(start, stop), styles, strict=True)
            ],
            user_mentions=[
                encode_list(ids, style)
                for ids, style in zip(self._mentions(start, stop), styles, strict=True)
            ],
            poll_choices=[self.poll if poll else "" for poll in rows["poll"][span].tolist()],
        )
        blank = self.engagement.blank[span].tolist()
        for name, counts in (
            ("like_count", self.engagement.like),
            ("retweet_count", self.engagement.retweet),
            ("reply_count", self.engagement.reply),
            ("quote_count", self.engagement.quote),
        ):
            columns[name] = [
                "" if b else c for b, c in zip(blank, counts[span].astype(str).tolist(), strict=True)
            ]
        return columns

    def _texts(self, start: int, stop: int) -> list[str]:
        rows, span, words = self.rows, slice(start, stop), self.words
        sentences, tails, hashtags = words.sentences, words.tails, words.hashtags
        texts = []
        for first, second, joiner, tail, tags, url, mention, kind, target, target_id in zip(
            rows["sentence_1"][span].tolist(),
            rows["sentence_2"][span].tolist(),
            rows["joiner"][span].tolist(),
            rows["tail"][span].tolist(),
            rows.hashtags[span].tolist(),
            rows["url"][span].tolist(),
            rows["mention"][span].tolist(),
            rows["kind"][span].tolist(),
            rows["target_account"][span].tolist(),
            rows["target_tweetid"][span].tolist(),
            strict=True,
        ):
            text = sentences[first]
            if second >= 0:
                text += JOINERS[joiner] + sentences[second]
            if tail >= 0:
                text += tails[tail]
            parts = [text, *("#" + hashtags[h] for h in tags if h >= 0)]
            if mention >= 0:
                parts.append("@" + self.screen_names[mention])
            if url:
                parts.append("https://t.co/" + short_code(url))
            if kind == Kind.RETWEET:
                parts.insert(0, f"RT @{self.screen_names[target]}:")
            elif kind == Kind.REPLY:
                parts.insert(0, "@" + self.screen_names[target])
            elif kind == Kind.QUOTE:
                parts.append("https://t.co/" + short_code(target_id % SHORT_CODE_RANGE[1]))
            texts.append(" ".join(parts))
        return texts

    def _urls(self, start: int, stop: int) -> list[list[str]]:
        """Expanded links: the shared page, and for a quote the quoted tweet."""
        rows, span, domains = self.rows, slice(start, stop), self.words.url_domains
        urls = []
        for url, domain, kind, target, target_id in zip(
            rows["url"][span].tolist(),
            rows["url_domain"][span].tolist(),
            rows["kind"][span].tolist(),
            rows["target_account"][span].tolist(),
            rows["target_tweetid"][span].tolist(),
            strict=True,
        ):
            links = [f"https://{domains[domain]}/{short_code(url)}"] if url else []
            if kind == Kind.QUOTE:
                links.append(f"https://twitter.com/{self.screen_names[target]}/status/{target_id}")
            urls.append(links)
        return urls

    def _mentions(self, start: int, stop: int) -> list[list[str]]:
        """Userids mentioned: the account retweeted or replied to, and any @mention in the text."""
        rows, span = self.rows, slice(start, stop)
        mentions = []
        for kind, target, mention in zip(
            rows["kind"][span].tolist(),
            rows["target_account"][span].tolist(),
            rows["mention"][span].tolist(),
            strict=True,
        ):
            ids = [self.userids[target]] if kind in (Kind.RETWEET, Kind.REPLY) else []
            if mention >= 0:
                ids.append(self.userids[mention])
            mentions.append(ids)
        return mentions


def _coordinates(values: np.ndarray) -> list[str]:
    written = [ABSENT] * len(values)
    for k in np.flatnonzero(~np.isnan(values)).tolist():
        written[k] = f"{values[k]:.4f}"
    return written
