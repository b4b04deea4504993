"""Rows a loader must survive: malformed rows at fixed places among the valid ones, and exact duplicates.

Each faulty tweet row goes in after an equal share of the valid rows and is made from the valid row just
before it (a duplicate from one DUPLICATE_DISTANCE rows earlier), with an id of its own. The users file
gets one account midway whose follower count is not a number.
"""

from __future__ import annotations

import numpy as np

from ioreport.synthetic.core.context import Context
from ioreport.synthetic.core.ids import snowflake_ms, snowflakes
from ioreport.synthetic.core.rows import (
    DUPLICATE,
    TOO_FEW_FIELDS,
    TOO_MANY_FIELDS,
    Accounts,
    Fault,
    FaultyRow,
    TweetBlock,
)

# In file order.
TWEET_FAULTS = (
    Fault("unparseable_time", "tweet_time", "2020-13-45 25:61"),
    Fault("non_numeric_count", "like_count", "many"),
    Fault("missing_tweetid", "tweetid"),
    Fault(DUPLICATE, "tweetid"),
    Fault(TOO_FEW_FIELDS, None),
    Fault("unparseable_time", "tweet_time", "yesterday"),
    Fault("non_numeric_count", "like_count", "1.2k"),
    Fault(DUPLICATE, "tweetid"),
    Fault("missing_tweetid", "tweetid"),
    Fault(TOO_MANY_FIELDS, None),
    Fault(DUPLICATE, "tweetid"),
)
USER_FAULT = Fault("non_numeric_count", "follower_count", "n/a")
DUPLICATE_DISTANCE = 997  # a duplicate row repeats the row this many rows before it


def tweet_faults(rows: TweetBlock, rng: np.random.Generator) -> list[FaultyRow]:
    n = len(rows)
    positions = [(k + 1) * n // (len(TWEET_FAULTS) + 1) for k in range(len(TWEET_FAULTS))]
    bases = [
        max(0, p - 1 - DUPLICATE_DISTANCE) if f.kind == DUPLICATE else p - 1
        for f, p in zip(TWEET_FAULTS, positions, strict=True)
    ]
    taken = np.concatenate([rows["tweetid"], rows["target_tweetid"]])
    fresh = snowflakes(snowflake_ms(rows["tweetid"][bases]), rng, taken)
    return [
        FaultyRow(fault, position, base, str(rows["tweetid"][base] if fault.kind == DUPLICATE else tweetid))
        for fault, position, base, tweetid in zip(TWEET_FAULTS, positions, bases, fresh.tolist(), strict=True)
    ]


def user_fault(ctx: Context, accounts: Accounts) -> FaultyRow:
    """An extra account midway, like the first but with its own hashed identity."""
    return FaultyRow(USER_FAULT, len(accounts) // 2, 0, ctx.account_hash(str(len(accounts))))
