"""Stock phrases: what many people type on their own ("Good morning!", "Thank you!", emoji), each use by
an account that writes the phrase's language, often at the same local hour, some only on one day a year.

Identical texts from unrelated accounts, sometimes within seconds of each other: chance, not copy-paste.
"""

from __future__ import annotations

import numpy as np

from ioreport.synthetic.core import compose
from ioreport.synthetic.core.context import Context
from ioreport.synthetic.core.rows import Accounts, Origin, TweetBlock, Tweets


def add(ctx: Context, accounts: Accounts, tweets: Tweets, rng: np.random.Generator) -> TweetBlock:
    draft = compose.Draft(tweets)
    calendar, words = ctx.calendar, ctx.vocabulary
    month_day = np.array([str(day)[5:] for day in calendar.days])
    script_language = np.array([spec.language for spec in ctx.preset.scripts.values()])
    for k, phrase in enumerate(ctx.preset.stock_phrases):
        writes = (script_language[accounts.script] == phrase.language) | (
            (script_language[accounts.script_2] == phrase.language) & (accounts.script_mix > 0)
        )
        tweeters = compose.Tweeters(
            accounts, writes if phrase.language in script_language else np.ones(len(accounts), bool)
        )
        weights = compose.day_weights(ctx) * (tweeters.active_on(np.arange(len(calendar))) > 0)
        if phrase.day:
            weights = weights * (month_day == phrase.day)
        n = ctx.count(phrase.uses)
        if not n or not weights.any():
            continue
        day = compose.pick(rng, weights, n)
        account = tweeters.draw(day, rng)
        hour = rng.integers(*phrase.local_hours, n)
        columns = {
            "account": account,
            "sentence_1": np.full(n, words.pools["stock", str(k)].start),
            "language": np.full(n, words.language(phrase.language)),
            "client": compose.tweet_clients(accounts, account, rng),
            "origin": Origin.STOCK_PHRASE,
            "topic": ctx.topic_index(ctx.preset.content.untagged_topic),
            **compose.formatting(ctx, n, rng),
        }
        draft.add(columns, None, compose.utc_times(ctx, accounts.zone[account], day, hour, rng))
    return draft.finish(rng)
