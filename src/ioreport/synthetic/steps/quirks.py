"""The archive's odd rows: a few geotagged tweets, a few polls, and one tweet carrying hostile markup.

Each is an original tweet on a tagged topic by a hashed account, on a day it tweets anyway. Only the
routine passes tweets on, and only its own, so nobody retweets these: the hostile text appears once.
"""

from __future__ import annotations

import numpy as np

from ioreport.synthetic.core import compose
from ioreport.synthetic.core.context import Context
from ioreport.synthetic.core.rows import JOINERS, Accounts, Origin, TweetBlock, Tweets

GEOTAG_SPREAD_DEGREES = 0.05  # geotags fall within this of the preset's centre
COORDINATE_DECIMALS = 4


def add(ctx: Context, accounts: Accounts, tweets: Tweets, rng: np.random.Generator) -> TweetBlock:
    spec = ctx.preset.quirks
    draft = compose.Draft(tweets)
    hashed = accounts.hashed
    local = (
        hashed
        if spec.geotag_zone is None
        else hashed & (accounts.zone == ctx.calendar.zone(spec.geotag_zone))
    )
    for origin, n, authors in (
        (Origin.GEOTAGGED, ctx.count(spec.geotagged_tweets), local),
        (Origin.POLL, ctx.count(spec.poll_tweets), hashed),
        (Origin.HOSTILE, 1, hashed),
    ):
        account = rng.choice(np.flatnonzero(authors), n)
        day = compose.days_after(
            compose.day_weights(ctx), accounts.first_tweet_day[account].astype(np.int64) - 1, rng
        )
        columns, hashtags = compose.originals(ctx, accounts, account, compose.tagged_topics(ctx, n, rng), rng)
        columns["origin"] = origin
        if origin == Origin.GEOTAGGED:
            place = np.array(spec.geotag_center) + rng.uniform(
                -GEOTAG_SPREAD_DEGREES, GEOTAG_SPREAD_DEGREES, (n, 2)
            )
            columns["latitude"], columns["longitude"] = np.round(place, COORDINATE_DECIMALS).T
        elif origin == Origin.POLL:
            columns["poll"] = np.ones(n, dtype=bool)
        else:
            columns["sentence_2"] = np.full(n, ctx.vocabulary.pools["hostile",].start)
            columns["joiner"] = np.full(n, JOINERS.index(" "))
        draft.add(
            columns,
            hashtags,
            compose.utc_times(ctx, accounts.zone[account], day, compose.routine_hours(ctx, n, rng), rng),
        )
    return draft.finish(rng)
