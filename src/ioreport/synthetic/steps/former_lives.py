"""Repurposed accounts' former lives, their new owners' tests, and the tweets that make decoys look like them.

ASPI (2019) found the PRC network hastily built from bought spam, porn and marketing accounts: they had
tweeted in other languages from other apps, posted "test new owner" and the like, then switched to Chinese
and the Twitter Web Client when the Hong Kong work began. Each account the cast made repurposed shows at
least two of four signals: a language switch, dormancy then reactivation, an app switch, test tweets.
Three kinds of decoy show a look-alike of one, so that precision means something: accounts that mention a
test in a sentence, accounts back after a short break, and bilingual accounts that never switch.

All these tweets are one line of a pool's text, with no hashtags, links or mentions, at the routine's
hours on the account's own clock. The campaign after the takeover is the routine's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ioreport.synthetic.core import compose
from ioreport.synthetic.core.context import Context
from ioreport.synthetic.core.preset import Repurposing
from ioreport.synthetic.core.rows import Accounts, Origin, Role, TweetBlock, Tweets

SIGNALS = ("language_switch", "dormant_reactivated", "client_switch", "test_tweets")
MIN_SIGNALS = 2
# Ranges are [low, high), in tweets or days.
FORMER_TWEETS = (8, 31)
FORMER_SPAN_DAYS = (60, 301)
DORMANT_GAP_DAYS = (200, 401)  # from the last former tweet to the takeover
SHORT_GAP_DAYS = (7, 61)  # a former life that runs up to the takeover
TESTS_PER_ACCOUNT = (1, 7)
DECOY_TWEETS = (8, 21)
DECOY_SPAN_DAYS = (60, 151)
DECOY_BREAK_DAYS = (60, 151)
BILINGUAL_TWEETS = (16, 41)
TEST_SENTENCES_PER_ACCOUNT = (1, 3)


@dataclass
class Lines:
    """One-line tweets: who, which local day, which pool (by language) and which app."""

    account: np.ndarray
    day: np.ndarray
    language: np.ndarray  # tweet_language codes, which also name the pools
    client: np.ndarray  # vocabulary numbers
    origin: Origin
    pool: str  # the vocabulary's pool family: spam, tests, everyday, test_in_sentence


def add(ctx: Context, accounts: Accounts, tweets: Tweets, rng: np.random.Generator) -> TweetBlock:
    spec = ctx.preset.repurposing
    draft = compose.Draft(tweets)
    if spec is None:
        return draft.finish(rng)
    role = accounts.role
    for lines in (
        *_former_lives(ctx, spec, accounts, np.flatnonzero(role == Role.REPURPOSED), rng),
        _test_sentences(ctx, spec, accounts, np.flatnonzero(role == Role.TEST_IN_SENTENCE), rng),
        _short_breaks(ctx, accounts, np.flatnonzero(role == Role.SHORT_BREAK), rng),
        _bilingual(ctx, spec, accounts, np.flatnonzero(role == Role.BILINGUAL), rng),
    ):
        _write(ctx, accounts, lines, draft, rng)
    return draft.finish(rng)


def _former_lives(
    ctx: Context, spec: Repurposing, accounts: Accounts, bought: np.ndarray, rng: np.random.Generator
) -> tuple[Lines, Lines]:
    """Spam up to a sleep before the takeover (long if dormant), in another language and from another app
    where those signals are planted, else already in the campaign's; then the tests, on the takeover day."""
    n = len(bought)
    has = dict(zip(SIGNALS, _planted_signals(n, spec, rng).T, strict=True))
    takeover = accounts.takeover_day[bought].astype(np.int64)
    gap = np.where(
        has["dormant_reactivated"], rng.integers(*DORMANT_GAP_DAYS, n), rng.integers(*SHORT_GAP_DAYS, n)
    )
    end = np.maximum(takeover - gap, 0)
    start = np.maximum(end - rng.integers(*FORMER_SPAN_DAYS, n), 0)
    campaign_language = ctx.preset.scripts[spec.campaign_script].language
    language = np.where(has["language_switch"], _names(spec.former_languages, n, rng), campaign_language)
    campaign_client = ctx.vocabulary.client(spec.campaign_client)
    former_clients = np.array([ctx.vocabulary.client(name) for name in spec.former_clients])
    client = np.where(
        has["client_switch"], former_clients[compose.pick(rng, spec.former_clients, n)], campaign_client
    )
    owner, day = _spread(rng.integers(*FORMER_TWEETS, n), start, end, rng, end_on_last=True)
    former = Lines(bought[owner], day, language[owner], client[owner], Origin.FORMER_LIFE, "spam")
    testers = np.flatnonzero(has["test_tweets"])
    tester = np.repeat(testers, rng.integers(*TESTS_PER_ACCOUNT, len(testers)))
    tests = Lines(
        bought[tester],
        takeover[tester],
        np.full(len(tester), spec.test_language),
        np.full(len(tester), campaign_client),
        Origin.OWNER_TEST,
        "tests",
    )
    return former, tests


def _planted_signals(n: int, spec: Repurposing, rng: np.random.Generator) -> np.ndarray:
    """(accounts, SIGNALS) booleans: each signal by its chance, topped up to at least MIN_SIGNALS."""
    planted = rng.random((n, len(SIGNALS))) < np.array([spec.signal_shares[s] for s in SIGNALS])
    for row in np.flatnonzero(planted.sum(axis=1) < MIN_SIGNALS):
        planted[row, rng.choice(len(SIGNALS), MIN_SIGNALS, replace=False)] = True
    return planted


def _test_sentences(
    ctx: Context, spec: Repurposing, accounts: Accounts, decoys: np.ndarray, rng: np.random.Generator
) -> Lines:
    """Decoys: active accounts that mention a test in an ordinary sentence, once or twice."""
    n, last = len(decoys), len(ctx.calendar) - 1
    start = accounts.first_tweet_day[decoys].astype(np.int64)
    owner, day = _spread(rng.integers(*TEST_SENTENCES_PER_ACCOUNT, n), start, np.full(n, last), rng)
    language = np.full(len(owner), spec.test_language)
    return Lines(
        decoys[owner], day, language, accounts.client[decoys][owner], Origin.DECOY, "test_in_sentence"
    )


def _short_breaks(ctx: Context, accounts: Accounts, decoys: np.ndarray, rng: np.random.Generator) -> Lines:
    """Decoys: accounts that tweet for a while, pause for months (short of dormancy), and come back (the
    cast made them begin again late), in their own language and app throughout."""
    n = len(decoys)
    end = np.maximum(
        accounts.first_tweet_day[decoys].astype(np.int64) - rng.integers(*DECOY_BREAK_DAYS, n), 0
    )
    start = np.maximum(end - rng.integers(*DECOY_SPAN_DAYS, n), 0)
    owner, day = _spread(rng.integers(*DECOY_TWEETS, n), start, end, rng, end_on_last=True)
    language = _own_languages(ctx, accounts, decoys)[owner]
    return Lines(decoys[owner], day, language, accounts.client[decoys][owner], Origin.DECOY, "everyday")


def _bilingual(
    ctx: Context, spec: Repurposing, accounts: Accounts, decoys: np.ndarray, rng: np.random.Generator
) -> Lines:
    """Decoys: accounts that mix two languages evenly over the whole period, from one app."""
    n, last = len(decoys), len(ctx.calendar) - 1
    owner, day = _spread(
        rng.integers(*BILINGUAL_TWEETS, n), np.zeros(n, dtype=np.int64), np.full(n, last), rng
    )
    language = np.array(spec.bilingual)[rng.integers(0, len(spec.bilingual), len(owner))]
    return Lines(decoys[owner], day, language, accounts.client[decoys][owner], Origin.DECOY, "everyday")


def _names(weights: dict[str, float], size: int, rng: np.random.Generator) -> np.ndarray:
    return np.array(list(weights))[compose.pick(rng, weights, size)]


def _own_languages(ctx: Context, accounts: Accounts, chosen: np.ndarray) -> np.ndarray:
    return np.array([spec.language for spec in ctx.preset.scripts.values()])[accounts.script[chosen]]


def _spread(
    counts: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    rng: np.random.Generator,
    end_on_last: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """`counts[i]` days drawn uniformly from [start[i], end[i]] for each i, as (i, day) per tweet; with
    `end_on_last` each i's last tweet falls on end[i], so the silence that follows is exactly as planted."""
    owner = np.repeat(np.arange(len(counts)), counts)
    day = start[owner] + (rng.random(len(owner)) * (end - start + 1)[owner]).astype(np.int64)
    if end_on_last:
        day[np.cumsum(counts)[counts > 0] - 1] = end[counts > 0]
    return owner, day


def _write(
    ctx: Context, accounts: Accounts, lines: Lines, draft: compose.Draft, rng: np.random.Generator
) -> None:
    """The lines as rows, each text drawn from its language's pool."""
    words = ctx.vocabulary
    sentence = np.zeros(len(lines.account), dtype=np.int32)
    for code in np.unique(lines.language).tolist():
        rows = np.flatnonzero(lines.language == code)
        key = (lines.pool, code) if (lines.pool, code) in words.pools else (lines.pool,)
        sentence[rows] = words.pools[key].draw(len(rows), rng)
    hours = compose.routine_hours(ctx, len(lines.account), rng)
    draft.add(
        {
            "account": lines.account,
            "sentence_1": sentence,
            "language": np.array([words.language(code) for code in lines.language.tolist()], dtype=np.int8),
            "client": lines.client,
            "origin": lines.origin,
            "topic": ctx.topic_index(ctx.preset.content.untagged_topic),
            **compose.formatting(ctx, len(lines.account), rng),
        },
        None,
        compose.utc_times(ctx, accounts.zone[lines.account], lines.day, hours, rng),
    )
