"""Planting steps for what tweets say: topics over time, then text parts, hashtags, links, clients.

Text is kept as indices into the preset's pools; `render` spells it out while
writing, so a retweet repeats its source's words by copying the indices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ioreport.synthetic.interactions import Kind
from ioreport.synthetic.network import SHORT_CODE_RANGE, Network, iso, pick, share
from ioreport.synthetic.repurposed import apply_scripted

TOP_HASHTAGS = 20
HASHTAG_SLOTS = 3
HASHTAGS_PER_TAGGED_TWEET = ((1, 0.65), (2, 0.27), (3, 0.08))
URL_SHARE = 0.15
MENTION_SHARE = 0.04
NEWLINE_SHARE = 0.02  # texts whose two sentences are on separate lines
BLANK_LANGUAGE_SHARE = 0.004
UNDETERMINED_LANGUAGE_SHARE = 0.004
# The three ways the archive spells list columns: ['a', 'b'] with [] empty, [a, b], and ['a'] with '' empty.
QUOTED, UNQUOTED, QUOTED_BLANK_EMPTY = "quoted", "unquoted", "quoted_blank_empty"
LIST_STYLES = ((QUOTED, 0.6), (UNQUOTED, 0.3), (QUOTED_BLANK_EMPTY, 0.1))
PANDAS_BOOLEAN_SHARE = 0.05  # is_retweet as True/False, as after a pandas round trip
HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_DISPLAY_NAME = "<img src=x onerror=alert(1)>"


@dataclass
class Topics:
    topic: np.ndarray  # index into the preset's topics, per tweet


@dataclass
class Text:
    script: np.ndarray
    phrase_a: np.ndarray  # sentence indices into the (topic, script) pool
    phrase_b: np.ndarray
    newline: np.ndarray  # the sentences are joined by a newline
    tail: np.ndarray
    hashtags: np.ndarray  # (tweets, HASHTAG_SLOTS) indices into `hashtag_names`, -1 empty
    hashtag_names: tuple[str, ...]
    url: np.ndarray  # short-link code, 0 = no link
    url_domain: np.ndarray
    mention: np.ndarray  # archive account mentioned, -1 none
    language: np.ndarray  # index into `languages`
    languages: tuple[str, ...]
    client: np.ndarray  # index into the accounts' clients
    list_style: np.ndarray  # index into LIST_STYLES
    pandas_boolean: np.ndarray
    geotagged: np.ndarray  # tweet indices with coordinates
    coordinates: np.ndarray  # (geotagged, 2): latitude, longitude
    polls: np.ndarray  # tweet indices with poll choices


@dataclass
class Hostile:
    tweet: int  # carries HOSTILE_SCRIPT in its text
    account: int  # an unhashed account whose display name carries HOSTILE_DISPLAY_NAME


def plant_topics(net: Network, rng: np.random.Generator) -> Topics:
    """Each tweet's topic drawn from its day's mix of topic intensities."""
    day = net.timeline.day
    mix = np.stack([net.calendar.curve(t.intensity) for t in net.preset.content.topics], axis=1)
    cumulative = np.cumsum(mix / mix.sum(axis=1, keepdims=True), axis=1)[day]
    u = rng.random(len(day))
    topic = np.zeros(len(day), dtype=np.int8)
    for k in range(mix.shape[1] - 1):
        topic += u >= cumulative[:, k]
    # Scripted tweets (former lives of repurposed accounts, decoys) are on no narrative.
    topic[net.timeline.scripted >= 0] = net.preset.topic_names().index(net.preset.content.untagged_topic)
    topics = Topics(topic=topic)
    _record_topics(net, topics)
    return topics


def _record_topics(net: Network, topics: Topics) -> None:
    calendar = net.calendar
    day = net.timeline.day
    week = calendar.days[day] - calendar.weekday[day]  # the local Monday
    counts = np.bincount(topics.topic, minlength=len(net.preset.content.topics))
    shares, peaks = {}, {}
    for k, name in enumerate(net.preset.topic_names()):
        if name == net.preset.content.untagged_topic:
            continue
        shares[name] = share(counts[k], len(day))
        mondays, per_week = np.unique(week[topics.topic == k], return_counts=True)
        peaks[name] = iso(mondays[np.argmax(per_week)])  # the earliest of equal weeks
    untagged = net.preset.topic_names().index(net.preset.content.untagged_topic)
    net.record(
        "narratives",
        topic_shares=shares,
        untagged_share=share(counts[untagged], len(day)),
        topic_peak_week=peaks,
    )


def plant_text(net: Network, rng: np.random.Generator) -> Text:
    content = net.preset.content
    n = len(net.timeline)
    topic = net.topics.topic
    script = _tweet_scripts(net, rng)
    phrase_a, phrase_b = _phrases(net, topic, script, rng)
    hashtags, hashtag_names = _hashtags(net, topic, rng)
    languages = (*dict.fromkeys(s.language for s in content.scripts), "", "und")
    geotagged = _some_originals(net, net.count(net.preset.geotagged_tweets), rng)
    coordinates = np.array(content.geotag_center) + rng.uniform(-0.05, 0.05, (len(geotagged), 2))
    language = np.array([languages.index(s.language) for s in content.scripts], dtype=np.int8)[script]
    text = Text(
        script=script,
        phrase_a=phrase_a,
        phrase_b=phrase_b,
        newline=rng.random(n) < NEWLINE_SHARE,
        tail=rng.integers(0, len(content.tails), n).astype(np.int8),
        hashtags=hashtags,
        hashtag_names=hashtag_names,
        url=np.where(rng.random(n) < URL_SHARE, rng.integers(*SHORT_CODE_RANGE, n), 0),
        url_domain=rng.integers(0, len(content.url_domains), n).astype(np.int8),
        mention=np.where(rng.random(n) < MENTION_SHARE, rng.integers(0, net.n_accounts, n), -1),
        language=language,
        languages=languages,
        client=_tweet_clients(net, rng),
        list_style=pick(rng, LIST_STYLES, n).astype(np.int8),
        pandas_boolean=rng.random(n) < PANDAS_BOOLEAN_SHARE,
        geotagged=geotagged,
        coordinates=np.round(coordinates, 4),
        polls=_some_originals(net, net.count(net.preset.poll_tweets), rng),
    )
    _copy_retweeted_words(net, text)
    # Twitter's language detector gives up on some tweets: blank or "und", retweets included.
    u = rng.random(n)
    text.language[u < BLANK_LANGUAGE_SHARE] = languages.index("")
    text.language[(u >= BLANK_LANGUAGE_SHARE) & (u < BLANK_LANGUAGE_SHARE + UNDETERMINED_LANGUAGE_SHARE)] = (
        languages.index("und")
    )
    apply_scripted(net, text)
    _record_text(net, text)
    return text


def _tweet_scripts(net: Network, rng: np.random.Generator) -> np.ndarray:
    """Mostly the account's main script, sometimes another."""
    scripts = net.preset.content.scripts
    n = len(net.timeline)
    own = net.accounts.script[net.timeline.account]
    other = pick(rng, [(s.name, s.weight) for s in scripts], n)
    return np.where(rng.random(n) < net.preset.script_loyalty, own, other).astype(np.int8)


def _phrases(
    net: Network, topic: np.ndarray, script: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Two different sentences from the tweet's (topic, script) pool."""
    content = net.preset.content
    pool_sizes = np.array([[len(t.phrases[s.name]) for s in content.scripts] for t in content.topics])
    size = pool_sizes[topic, script]
    first = (rng.random(len(topic)) * size).astype(np.int16)
    second = (first + 1 + (rng.random(len(topic)) * (size - 1)).astype(np.int16)) % size
    return first, second.astype(np.int16)


def _hashtags(
    net: Network, topic: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, tuple[str, ...]]:
    """For a topic's share of tweets, one to three distinct hashtags of the topic, the first most used."""
    topics = net.preset.content.topics
    names = tuple(tag for t in topics for tag in t.hashtags)
    offsets = np.cumsum([0] + [len(t.hashtags) for t in topics])
    tags = np.full((len(topic), HASHTAG_SLOTS), -1, dtype=np.int16)
    for k, t in enumerate(topics):
        members = np.flatnonzero(topic == k)
        popularity = 1.0 / np.arange(1, len(t.hashtags) + 1)
        drawn = rng.choice(
            len(t.hashtags), size=(len(members), HASHTAG_SLOTS), p=popularity / popularity.sum()
        )
        tags[members] = offsets[k] + drawn
    how_many = np.array([count for count, _ in HASHTAGS_PER_TAGGED_TWEET])[
        pick(rng, HASHTAGS_PER_TAGGED_TWEET, len(topic))
    ]
    tagged = rng.random(len(topic)) < np.array([t.hashtag_share for t in topics])[topic]
    how_many[~tagged] = 0
    tags[np.arange(HASHTAG_SLOTS)[None, :] >= how_many[:, None]] = -1
    # A repeated draw is dropped, so each hashtag counts once per tweet.
    for slot in range(1, HASHTAG_SLOTS):
        repeated = (tags[:, :slot] == tags[:, slot : slot + 1]).any(axis=1)
        tags[repeated, slot] = -1
    return tags, names


def _tweet_clients(net: Network, rng: np.random.Generator) -> np.ndarray:
    """Mostly the account's main client, sometimes any other."""
    accounts = net.accounts
    n = len(net.timeline)
    own = accounts.client[net.timeline.account]
    other = rng.integers(0, len(accounts.clients), n).astype(np.int8)
    return np.where(rng.random(n) < net.preset.client_loyalty, own, other).astype(np.int8)


def _some_originals(net: Network, size: int, rng: np.random.Generator) -> np.ndarray:
    originals = np.flatnonzero(net.interactions.kind == Kind.ORIGINAL)
    return np.sort(rng.choice(originals, size=size, replace=False))


def _copy_retweeted_words(net: Network, text: Text) -> None:
    """A retweet of an archive tweet repeats its words, hashtags, links and language."""
    interactions = net.interactions
    retweets = np.flatnonzero((interactions.kind == Kind.RETWEET) & (interactions.target_tweet >= 0))
    sources = interactions.target_tweet[retweets]
    repeat_words(text, retweets, sources)


def repeat_words(text: Text, retweets: np.ndarray, sources: np.ndarray) -> None:
    """Give each retweet the words, hashtags, links and language of the tweet it retweets."""
    for words in (
        text.script,
        text.phrase_a,
        text.phrase_b,
        text.newline,
        text.tail,
        text.hashtags,
        text.url,
        text.url_domain,
        text.mention,
        text.language,
    ):
        words[retweets] = words[sources]


def plant_hostile(net: Network, rng: np.random.Generator) -> Hostile:
    """Markup where a report must not execute it: in one tweet's text and one display name."""
    unhashed = np.flatnonzero(~net.accounts.hashed)
    hostile = Hostile(tweet=_unretweeted_original(net, rng), account=int(rng.choice(unhashed)))
    net.accounts.display_name[hostile.account] += HOSTILE_DISPLAY_NAME
    net.record(
        "dataset",
        hostile={
            "tweetid": str(net.timeline.tweetid[hostile.tweet]),
            "userid": net.accounts.userid[hostile.account],
            "tweet_markup": HOSTILE_SCRIPT,
            "display_name_markup": HOSTILE_DISPLAY_NAME,
        },
    )
    return hostile


def _unretweeted_original(net: Network, rng: np.random.Generator) -> int:
    """An original tweet of a hashed account that nobody retweets, so the hostile text appears once."""
    interactions = net.interactions
    hashed = net.accounts.hashed[net.timeline.account]
    candidates = np.flatnonzero((interactions.kind == Kind.ORIGINAL) & hashed)
    retweeted = interactions.target_tweet[interactions.kind == Kind.RETWEET]
    return int(rng.choice(candidates[~np.isin(candidates, retweeted)]))


def _record_text(net: Network, text: Text) -> None:
    n = len(net.timeline)
    per_tag = np.bincount(text.hashtags[text.hashtags >= 0], minlength=len(text.hashtag_names))
    top = sorted(range(len(per_tag)), key=lambda k: (-per_tag[k], text.hashtag_names[k]))[:TOP_HASHTAGS]
    net.record(
        "narratives",
        top_hashtags=[
            {"hashtag": text.hashtag_names[k], "tweets": int(per_tag[k])} for k in top if per_tag[k]
        ],
        share_with_hashtags=share((text.hashtags >= 0).any(axis=1).sum(), n),
    )
    per_language = np.bincount(text.language, minlength=len(text.languages))
    per_client = np.bincount(text.client, minlength=len(net.accounts.clients))
    net.record(
        "dataset",
        tweet_language_shares={
            code: share(c, n) for code, c in zip(text.languages, per_language, strict=True)
        },
        client_shares={name: share(c, n) for name, c in zip(net.accounts.clients, per_client, strict=True)},
        texts_with_newlines=int(text.newline.sum()),
        geotagged_tweets=len(text.geotagged),
        poll_tweets=len(text.polls),
    )
