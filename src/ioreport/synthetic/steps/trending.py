"""Trending hashtags: moments everyone tweets about at once (a final, a fire, an awards night), with the
same few hashtags, most at the start and a tail after, by accounts of every zone active then.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ioreport.synthetic.core import compose
from ioreport.synthetic.core.calendar import MS_PER_HOUR
from ioreport.synthetic.core.context import Context
from ioreport.synthetic.core.rows import HASHTAG_SLOTS, Accounts, Origin, TweetBlock, Tweets

TIMING = (1.2, 2.5)  # beta distribution of a tweet's moment within the event: early-heavy
HASHTAG_COUNTS = (0.5, 0.3, 0.2)  # weights of one, two and three of the event's hashtags


def add(ctx: Context, accounts: Accounts, tweets: Tweets, rng: np.random.Generator) -> TweetBlock:
    draft = compose.Draft(tweets)
    words, scripts = ctx.vocabulary, list(ctx.preset.scripts)
    everyone = compose.Tweeters(accounts, np.ones(len(accounts), dtype=bool))
    first_event = tweets.next_label("event")
    for k, (name, event) in enumerate(ctx.preset.trending.items()):
        n = ctx.count(event.tweets)
        start = int(event.start.replace(tzinfo=dt.UTC).timestamp() * 1000)
        utc_ms = start + (rng.beta(*TIMING, n) * event.hours * MS_PER_HOUR).astype(np.int64)
        day = ctx.calendar.local_day(ctx.frame_zone, utc_ms)
        if not n or (everyone.active_on(day) == 0).any():
            continue
        account = everyone.draw(day, rng)
        script = compose.tweet_scripts(accounts, account, rng)
        written_in = np.array([scripts.index(s) if s in event.texts else -1 for s in scripts])[script]
        fallback = scripts.index(next(iter(event.texts)))
        written_in[written_in < 0] = fallback
        sentence = np.zeros(n, dtype=np.int32)
        for s in np.unique(written_in).tolist():
            rows = np.flatnonzero(written_in == s)
            sentence[rows] = words.pools["trending", name, scripts[s]].draw(len(rows), rng)
        hashtags = compose.popular_hashtags(words.event_hashtags[name], n, rng)
        how_many = 1 + compose.pick(rng, np.array(HASHTAG_COUNTS), n)
        hashtags[np.arange(HASHTAG_SLOTS)[None, :] >= how_many[:, None]] = -1
        languages = np.array(
            [words.language(spec.language) for spec in ctx.preset.scripts.values()], dtype=np.int8
        )
        columns = {
            "account": account,
            "sentence_1": sentence,
            "language": languages[written_in],
            "client": compose.tweet_clients(accounts, account, rng),
            "origin": Origin.TRENDING,
            "event": first_event + k,
            "topic": ctx.topic_index(event.topic or ctx.preset.content.untagged_topic),
            **compose.formatting(ctx, n, rng),
        }
        draft.add(columns, hashtags, utc_ms)
    return draft.finish(rng)
