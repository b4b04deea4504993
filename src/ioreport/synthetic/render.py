"""Spelling the planted arrays out as archive rows, a range of tweets at a time.

Rendering is a pure function of the arrays, so a row rendered twice (an
exact duplicate row) comes out identical, and nothing but the rows in hand is
held as strings.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ioreport.archive import schema
from ioreport.synthetic.content import HOSTILE_SCRIPT, LIST_STYLES, QUOTED_BLANK_EMPTY, UNQUOTED
from ioreport.synthetic.interactions import Kind
from ioreport.synthetic.network import SHORT_CODE_RANGE, Network, short_code

ABSENT = "absent"  # the archive's latitude/longitude when there is no geotag
LIST_STYLE_NAMES = [name for name, _ in LIST_STYLES]
BOOLEANS = {False: ("false", "true"), True: ("False", "True")}  # by pandas round trip, then value


def account_profiles(net: Network) -> dict[str, list[str]]:
    """The profile columns of every account, as written in both files."""
    accounts = net.accounts
    return {
        "userid": accounts.userid,
        "user_display_name": accounts.display_name,
        "user_screen_name": accounts.screen_name,
        "user_reported_location": accounts.location,
        "user_profile_description": accounts.description,
        "user_profile_url": accounts.profile_url,
        "follower_count": accounts.followers.astype(str).tolist(),
        "following_count": accounts.following.astype(str).tolist(),
        "account_creation_date": np.datetime_as_string(net.creation.created).tolist(),
        "account_language": accounts.account_language,
    }


def encode_list(items: list[str], style: str) -> str:
    """A list column in one of the archive's spellings."""
    if not items:
        return "" if style == QUOTED_BLANK_EMPTY else "[]"
    if style == UNQUOTED:
        return "[" + ", ".join(items) + "]"
    return "[" + ", ".join(f"'{item}'" for item in items) + "]"


class TweetRows:
    """Rows of the tweets file, fields in `schema.TWEETS` order."""

    def __init__(self, net: Network, profiles: dict[str, list[str]]) -> None:
        content = net.preset.content
        self.net = net
        self.profiles = profiles
        # Archive accounts first, then the outside ones, as `target_account` numbers them.
        self.userids = net.accounts.userid + net.interactions.external_userid
        self.screen_names = net.accounts.screen_name + net.interactions.external_userid
        self.sentences = [[t.phrases[s.name] for s in content.scripts] for t in content.topics]
        self.joiners = [s.joiner for s in content.scripts]
        self.geotags = dict(zip(net.text.geotagged.tolist(), net.text.coordinates.tolist(), strict=True))
        self.polls = set(net.text.polls.tolist())
        # Tweet index -> the words the repurposing step wrote for it.
        words = net.repurposed.tweets.text
        self.scripted = {i: words[k] for i, k in enumerate(net.timeline.scripted.tolist()) if k >= 0}
        self.poll = " | ".join(content.poll_choices)

    def rows(self, start: int, stop: int) -> Iterator[tuple[str, ...]]:
        columns = self._columns(start, stop)
        return zip(*(columns[name] for name in schema.TWEETS.names), strict=True)

    def _columns(self, start: int, stop: int) -> dict[str, list[str]]:
        net, span = self.net, slice(start, stop)
        timeline, interactions, text = net.timeline, net.interactions, net.text
        accounts = timeline.account[span].tolist()
        columns = {name: [values[a] for a in accounts] for name, values in self.profiles.items()}
        kind = interactions.kind[span].tolist()
        target = interactions.target_account[span].tolist()
        target_id = interactions.target_tweetid[span].astype(str).tolist()
        styles = [LIST_STYLE_NAMES[k] for k in text.list_style[span].tolist()]
        minutes = np.datetime_as_string(timeline.utc_ms[span].astype("datetime64[ms]"), unit="m").tolist()
        columns.update(
            tweetid=timeline.tweetid[span].astype(str).tolist(),
            tweet_language=[text.languages[k] for k in text.language[span].tolist()],
            tweet_text=self._texts(start, stop),
            tweet_time=[m.replace("T", " ") for m in minutes],
            tweet_client_name=[net.accounts.clients[k] for k in text.client[span].tolist()],
            in_reply_to_userid=[
                self.userids[a] if k == Kind.REPLY else "" for k, a in zip(kind, target, strict=True)
            ],
            in_reply_to_tweetid=[t if k == Kind.REPLY else "" for k, t in zip(kind, target_id, strict=True)],
            quoted_tweet_tweetid=[t if k == Kind.QUOTE else "" for k, t in zip(kind, target_id, strict=True)],
            is_retweet=[
                BOOLEANS[pandas][k == Kind.RETWEET]
                for k, pandas in zip(kind, text.pandas_boolean[span].tolist(), strict=True)
            ],
            retweet_userid=[
                self.userids[a] if k == Kind.RETWEET and not blank else ""
                for k, a, blank in zip(
                    kind, target, interactions.blank_retweet_userid[span].tolist(), strict=True
                )
            ],
            retweet_tweetid=[t if k == Kind.RETWEET else "" for k, t in zip(kind, target_id, strict=True)],
            latitude=[str(self.geotags[i][0]) if i in self.geotags else ABSENT for i in range(start, stop)],
            longitude=[str(self.geotags[i][1]) if i in self.geotags else ABSENT for i in range(start, stop)],
            hashtags=[
                encode_list([text.hashtag_names[h] for h in tags if h >= 0], style)
                for tags, style in zip(text.hashtags[span].tolist(), styles, strict=True)
            ],
            urls=[
                encode_list(urls, style) for urls, style in zip(self._urls(start, stop), styles, strict=True)
            ],
            user_mentions=[
                encode_list(ids, style)
                for ids, style in zip(self._mentions(start, stop), styles, strict=True)
            ],
            poll_choices=[self.poll if i in self.polls else "" for i in range(start, stop)],
        )
        blank = net.engagement.blank[span].tolist()
        for name, counts in (
            ("like_count", net.engagement.like),
            ("retweet_count", net.engagement.retweet),
            ("reply_count", net.engagement.reply),
            ("quote_count", net.engagement.quote),
        ):
            columns[name] = [
                "" if b else c for b, c in zip(blank, counts[span].astype(str).tolist(), strict=True)
            ]
        return columns

    def _texts(self, start: int, stop: int) -> list[str]:
        net, span = self.net, slice(start, stop)
        text, interactions = net.text, net.interactions
        tails = net.preset.content.tails
        texts = []
        for i, topic, script, a, b, newline, tail, tags, url, mention, kind, target, target_id in zip(
            range(start, stop),
            net.topics.topic[span].tolist(),
            text.script[span].tolist(),
            text.phrase_a[span].tolist(),
            text.phrase_b[span].tolist(),
            text.newline[span].tolist(),
            text.tail[span].tolist(),
            text.hashtags[span].tolist(),
            text.url[span].tolist(),
            text.mention[span].tolist(),
            interactions.kind[span].tolist(),
            interactions.target_account[span].tolist(),
            interactions.target_tweetid[span].tolist(),
            strict=True,
        ):
            pool = self.sentences[topic][script]
            words = pool[a] + ("\n" if newline else self.joiners[script]) + pool[b] + tails[tail]
            parts = [self.scripted.get(i, words)]
            parts += ["#" + text.hashtag_names[h] for h in tags if h >= 0]
            if mention >= 0:
                parts.append("@" + self.screen_names[mention])
            if url:
                parts.append("https://t.co/" + short_code(url))
            if i == net.hostile.tweet:
                parts.append(HOSTILE_SCRIPT)
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
        net, span = self.net, slice(start, stop)
        domains = net.preset.content.url_domains
        urls = []
        for url, domain, kind, target, target_id in zip(
            net.text.url[span].tolist(),
            net.text.url_domain[span].tolist(),
            net.interactions.kind[span].tolist(),
            net.interactions.target_account[span].tolist(),
            net.interactions.target_tweetid[span].tolist(),
            strict=True,
        ):
            links = [f"https://{domains[domain]}/{short_code(url)}"] if url else []
            if kind == Kind.QUOTE:
                links.append(f"https://twitter.com/{self.screen_names[target]}/status/{target_id}")
            urls.append(links)
        return urls

    def _mentions(self, start: int, stop: int) -> list[list[str]]:
        """Userids mentioned: the account retweeted or replied to, and any @mention in the text."""
        net, span = self.net, slice(start, stop)
        mentions = []
        for kind, target, mention in zip(
            net.interactions.kind[span].tolist(),
            net.interactions.target_account[span].tolist(),
            net.text.mention[span].tolist(),
            strict=True,
        ):
            ids = [self.userids[target]] if kind in (Kind.RETWEET, Kind.REPLY) else []
            if mention >= 0:
                ids.append(self.userids[mention])
            mentions.append(ids)
        return mentions
