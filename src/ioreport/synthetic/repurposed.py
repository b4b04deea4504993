"""Planting step for repurposed accounts: a bought account's former life, a sleep, a test, then the campaign.

ASPI (2019) found the PRC network hastily built from bought spam, porn and marketing accounts: they had
tweeted in other languages from other apps, posted "test new owner" and the like, then switched to Chinese
and the Twitter Web Client when the Hong Kong work began. Each planted account shows at least two of those
four signals (language switch, dormancy then reactivation, client switch, test tweets). Three kinds of decoy
show a look-alike of one, so that precision means something: ordinary accounts that mention a test in a
sentence, accounts back after a short break, and bilingual accounts that never switch.

The former lives and the decoys' tweets are *scripted*: their day, words, language and client are written
here, not drawn. The timing step schedules them, topics count them untagged, interactions keep them original
and never point at them, the text step gives them their language and client (`apply_scripted`), and
rendering writes their words. The new owners' tweets are ordinary ones, in the campaign's script and client,
which this step gives the accounts.

Runs after `plant_creation` and before `plant_tweet_times`: it moves the first ordinary tweet of the
repurposed accounts to after their takeover, and of the short-break decoys to after their return.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ioreport.synthetic.accounts import Cohort
from ioreport.synthetic.network import MS_PER_DAY, Network, pick
from ioreport.synthetic.preset import RepurposingPreset, Weighted

if TYPE_CHECKING:
    from ioreport.synthetic.content import Text

LANGUAGE_SWITCH = "language_switch"
DORMANT = "dormant_reactivated"
CLIENT_SWITCH = "client_switch"
TEST_TWEETS = "test_tweets"
SIGNALS = (LANGUAGE_SWITCH, DORMANT, CLIENT_SWITCH, TEST_TWEETS)
MIN_SIGNALS = 2
DECOYS = ("test_in_sentence", "short_break", "bilingual")
DORMANCY_DAYS = 180  # a gap between two tweets at least this long counts as dormancy in the truth
# Ranges are [low, high), in tweets or days.
FORMER_TWEETS = (8, 31)
FORMER_SPAN_DAYS = (60, 301)
DORMANT_GAP_DAYS = (200, 401)  # from the last former tweet to the takeover
SHORT_GAP_DAYS = (7, 61)  # a former life that runs up to the takeover
TESTS_PER_ACCOUNT = (1, 7)
FIRST_CAMPAIGN_LAG_DAYS = (1, 15)  # from the takeover (and its tests) to the first campaign tweet
MIN_ACTIVITY = 2.0  # enough campaign tweets to tell the new owners' language and client
DECOY_TWEETS = (8, 21)
DECOY_SPAN_DAYS = (60, 151)
DECOY_BREAK_DAYS = (60, 151)
DECOY_RETURN_MARGIN_DAYS = 60  # a short-break decoy is back at least this long before the last day
BILINGUAL_TWEETS = (16, 41)
TEST_SENTENCES_PER_ACCOUNT = (1, 3)


@dataclass
class ScriptedTweets:
    """Tweets whose day, words, language and client the step writes."""

    account: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    day: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # calendar index
    text: list[str] = field(default_factory=list)
    language: list[str] = field(default_factory=list)  # tweet_language code
    client: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.account)

    @classmethod
    def join(cls, parts: list[ScriptedTweets]) -> ScriptedTweets:
        return cls(
            account=np.concatenate([p.account for p in parts]).astype(np.int32),
            day=np.concatenate([p.day for p in parts]).astype(np.int64),
            text=[t for p in parts for t in p.text],
            language=[code for p in parts for code in p.language],
            client=[name for p in parts for name in p.client],
        )


@dataclass
class Repurposed:
    accounts: np.ndarray  # the repurposed accounts, sorted
    signals: dict[str, np.ndarray]  # signal -> the repurposed accounts planted with it
    decoys: dict[str, np.ndarray]  # kind of decoy -> its accounts
    tweets: ScriptedTweets = field(default_factory=ScriptedTweets)
    test_tweets: int = 0


def plant_repurposed(net: Network, rng: np.random.Generator) -> Repurposed:
    preset = net.preset.repurposing
    if preset is None:
        none = np.zeros(0, dtype=np.int64)
        repurposed = Repurposed(none, {s: none for s in SIGNALS}, {d: none for d in DECOYS})
    else:
        repurposed = _plant(net, preset, rng)
    _record_planted(net, repurposed)
    return repurposed


def _plant(net: Network, preset: RepurposingPreset, rng: np.random.Generator) -> Repurposed:
    accounts, decoys = _choose_accounts(net, preset, rng)
    planted = _planted_signals(len(accounts), preset, rng)
    former, tests = _take_over(net, preset, accounts, planted, rng)
    tweets = ScriptedTweets.join(
        [
            former,
            tests,
            _test_sentences(net, preset, decoys["test_in_sentence"], rng),
            _short_breaks(net, preset, decoys["short_break"], rng),
            _bilingual(net, preset, decoys["bilingual"], rng),
        ]
    )
    return Repurposed(
        accounts=accounts,
        signals={signal: accounts[planted[:, k]] for k, signal in enumerate(SIGNALS)},
        decoys=decoys,
        tweets=tweets,
        test_tweets=len(tests),
    )


def _choose_accounts(
    net: Network, preset: RepurposingPreset, rng: np.random.Generator
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Repurposed accounts and two kinds of decoy among the old accounts created before the period;
    the decoys that mention a test among the new ones."""
    cohort, created = net.accounts.cohort, net.creation.created
    old = cohort == Cohort.OLD
    # The oldest account's first tweet opens the archive on the first working day: leave it be.
    old[np.flatnonzero(old)[np.argmin(created[old])]] = False
    n, n_decoys = net.count(preset.accounts), net.count(preset.decoys)
    drawn = rng.choice(
        np.flatnonzero(old & (created < net.calendar.days[0])), n + 2 * n_decoys, replace=False
    )
    new = rng.choice(np.flatnonzero(cohort != Cohort.OLD), n_decoys, replace=False)
    decoys = {
        "test_in_sentence": np.sort(new),
        "short_break": np.sort(drawn[n : n + n_decoys]),
        "bilingual": np.sort(drawn[n + n_decoys :]),
    }
    return np.sort(drawn[:n]), decoys


def _planted_signals(n: int, preset: RepurposingPreset, rng: np.random.Generator) -> np.ndarray:
    """(accounts, SIGNALS) booleans: each signal by its chance, topped up to at least MIN_SIGNALS."""
    chances = dict(preset.signal_shares)
    planted = rng.random((n, len(SIGNALS))) < np.array([chances[s] for s in SIGNALS])
    for row in np.flatnonzero(planted.sum(axis=1) < MIN_SIGNALS):
        planted[row, rng.choice(len(SIGNALS), MIN_SIGNALS, replace=False)] = True
    return planted


def _take_over(
    net: Network,
    preset: RepurposingPreset,
    accounts: np.ndarray,
    planted: np.ndarray,
    rng: np.random.Generator,
) -> tuple[ScriptedTweets, ScriptedTweets]:
    """The former lives and the new owners' tests; then the accounts turn to the campaign."""
    calendar, n = net.calendar, len(accounts)
    has = {signal: planted[:, k] for k, signal in enumerate(SIGNALS)}
    first, last = (calendar.index(day) for day in preset.reactivation)
    takeover = rng.integers(first, last + 1, n)
    former = _former_lives(preset, accounts, has, takeover, rng)
    testers = has[TEST_TWEETS]
    tests = _tests(preset, accounts[testers], takeover[testers], rng)
    _turn_to_campaign(net, preset, accounts)
    _move_first_tweet(net, accounts, takeover + rng.integers(*FIRST_CAMPAIGN_LAG_DAYS, n))
    return former, tests


def _former_lives(
    preset: RepurposingPreset,
    accounts: np.ndarray,
    has: dict[str, np.ndarray],
    takeover: np.ndarray,
    rng: np.random.Generator,
) -> ScriptedTweets:
    """Spam up to a sleep before the takeover (long if dormant), in another language and from another
    app where those signals are planted, else already in the campaign's."""
    n = len(accounts)
    gap = np.where(has[DORMANT], rng.integers(*DORMANT_GAP_DAYS, n), rng.integers(*SHORT_GAP_DAYS, n))
    end = takeover - gap
    start = np.maximum(end - rng.integers(*FORMER_SPAN_DAYS, n), 0)
    language = np.where(
        has[LANGUAGE_SWITCH], _names(preset.former_languages, n, rng), preset.campaign_language
    )
    client = np.where(has[CLIENT_SWITCH], _names(preset.former_clients, n, rng), preset.campaign_client)
    owner, day = _spread(rng.integers(*FORMER_TWEETS, n), start, end, rng, end_on_last=True)
    return _scripted(accounts[owner], day, language[owner], client[owner], preset.spam, rng)


def _tests(
    preset: RepurposingPreset, accounts: np.ndarray, takeover: np.ndarray, rng: np.random.Generator
) -> ScriptedTweets:
    """A few "test new owner" and the like on the day of the takeover, from the campaign's client."""
    owner = np.repeat(np.arange(len(accounts)), rng.integers(*TESTS_PER_ACCOUNT, len(accounts)))
    return _scripted(
        accounts[owner],
        takeover[owner],
        np.full(len(owner), preset.test_language),
        np.full(len(owner), preset.campaign_client),
        {preset.test_language: preset.tests},
        rng,
    )


def _turn_to_campaign(net: Network, preset: RepurposingPreset, accounts: np.ndarray) -> None:
    """The new owners write in the campaign's script from its client, often enough to be seen doing so."""
    owned = net.accounts
    owned.script[accounts] = [s.name for s in net.preset.content.scripts].index(preset.campaign_script)
    owned.client[accounts] = owned.clients.index(preset.campaign_client)
    owned.activity[accounts] = np.maximum(owned.activity[accounts], MIN_ACTIVITY)


def _move_first_tweet(net: Network, accounts: np.ndarray, day: np.ndarray) -> None:
    """Ordinary tweets start on the first working day from `day`; the timing step adds none before."""
    calendar = net.calendar
    net.creation.first_tweet_day[accounts] = calendar.next_working_day()[np.minimum(day, len(calendar) - 1)]


def _test_sentences(
    net: Network, preset: RepurposingPreset, decoys: np.ndarray, rng: np.random.Generator
) -> ScriptedTweets:
    """Decoys: active accounts that mention a test in an ordinary sentence, once or twice."""
    n = len(decoys)
    last = np.full(n, len(net.calendar) - 1)
    owner, day = _spread(
        rng.integers(*TEST_SENTENCES_PER_ACCOUNT, n), net.creation.first_tweet_day[decoys], last, rng
    )
    language = np.full(len(owner), preset.test_language)
    pools = {preset.test_language: preset.test_in_sentence}
    return _scripted(decoys[owner], day, language, _own_clients(net, decoys)[owner], pools, rng)


def _short_breaks(
    net: Network, preset: RepurposingPreset, decoys: np.ndarray, rng: np.random.Generator
) -> ScriptedTweets:
    """Decoys: accounts that tweet for a while, pause for months (short of dormancy), and come back, in
    their own language and client throughout. They come back late enough that no later pause can reach
    dormancy either."""
    n, last = len(decoys), len(net.calendar) - 1
    back = rng.integers(last - DORMANCY_DAYS + 1, last - DECOY_RETURN_MARGIN_DAYS + 1, n)
    end = back - rng.integers(*DECOY_BREAK_DAYS, n)
    start = np.maximum(end - rng.integers(*DECOY_SPAN_DAYS, n), 0)
    owner, day = _spread(rng.integers(*DECOY_TWEETS, n), start, end, rng, end_on_last=True)
    _move_first_tweet(net, decoys, back)
    language = _own_languages(net, decoys)[owner]
    return _scripted(decoys[owner], day, language, _own_clients(net, decoys)[owner], preset.everyday, rng)


def _bilingual(
    net: Network, preset: RepurposingPreset, decoys: np.ndarray, rng: np.random.Generator
) -> ScriptedTweets:
    """Decoys: accounts that mix two languages evenly over the whole period, from one client."""
    n, last = len(decoys), len(net.calendar) - 1
    owner, day = _spread(
        rng.integers(*BILINGUAL_TWEETS, n), np.zeros(n, dtype=np.int64), np.full(n, last), rng
    )
    language = np.array(preset.bilingual)[rng.integers(0, len(preset.bilingual), len(owner))]
    return _scripted(decoys[owner], day, language, _own_clients(net, decoys)[owner], preset.everyday, rng)


def _names(weighted: Weighted, size: int, rng: np.random.Generator) -> np.ndarray:
    return np.array([name for name, _ in weighted])[pick(rng, weighted, size)]


def _own_languages(net: Network, accounts: np.ndarray) -> np.ndarray:
    return np.array([s.language for s in net.preset.content.scripts])[net.accounts.script[accounts]]


def _own_clients(net: Network, accounts: np.ndarray) -> np.ndarray:
    return np.array(net.accounts.clients)[net.accounts.client[accounts]]


def _spread(
    counts: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    rng: np.random.Generator,
    end_on_last: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """`counts[i]` days drawn uniformly from [start[i], end[i]] for each i, as (i, day) per tweet; with
    `end_on_last` each i's last tweet falls on end[i], so the gap that follows is exactly as planted."""
    owner = np.repeat(np.arange(len(counts)), counts)
    day = start[owner] + (rng.random(len(owner)) * (end - start + 1)[owner]).astype(np.int64)
    if end_on_last:
        day[np.cumsum(counts)[counts > 0] - 1] = end[counts > 0]
    return owner, day


def _scripted(
    account: np.ndarray,
    day: np.ndarray,
    language: np.ndarray,
    client: np.ndarray,
    pools: dict[str, tuple[str, ...]],
    rng: np.random.Generator,
) -> ScriptedTweets:
    """Scripted tweets, each text drawn from the pool of its language."""
    codes = np.asarray(language).tolist()
    text = [
        pools[code][int(u * len(pools[code]))] for code, u in zip(codes, rng.random(len(codes)), strict=True)
    ]
    return ScriptedTweets(
        account=account, day=day, text=text, language=codes, client=np.asarray(client).tolist()
    )


def apply_scripted(net: Network, text: Text) -> None:
    """The text step's hook: scripted tweets keep their language and client, and are one line with no
    hashtags, links or mentions. Their languages and clients join the tuples the indices point into."""
    tweets = net.repurposed.tweets
    rows = np.flatnonzero(net.timeline.scripted >= 0)
    which = net.timeline.scripted[rows]
    text.languages = tuple(dict.fromkeys((*text.languages, *tweets.language)))
    net.accounts.clients = tuple(dict.fromkeys((*net.accounts.clients, *tweets.client)))
    text.language[rows] = np.array([text.languages.index(c) for c in tweets.language], dtype=np.int8)[which]
    text.client[rows] = np.array([net.accounts.clients.index(c) for c in tweets.client], dtype=np.int8)[which]
    text.newline[rows] = False
    text.hashtags[rows] = -1
    text.url[rows] = 0
    text.mention[rows] = -1


def _record_planted(net: Network, repurposed: Repurposed) -> None:
    net.record(
        "forensics",
        repurposed=_userids(net, repurposed.accounts),
        language_switch=_userids(net, repurposed.signals[LANGUAGE_SWITCH]),
        client_switch=_userids(net, repurposed.signals[CLIENT_SWITCH]),
        planted_dormant=_userids(net, repurposed.signals[DORMANT]),
        test_owner_accounts=_userids(net, repurposed.signals[TEST_TWEETS]),
        test_owner_tweets=repurposed.test_tweets,
        decoys={kind: _userids(net, accounts) for kind, accounts in repurposed.decoys.items()},
        dormancy_days=DORMANCY_DAYS,
    )


def record_dormancy(net: Network) -> None:
    """After timing: every account with DORMANCY_DAYS or more between two consecutive tweets. Besides the
    planted ones, old accounts that tweeted early and again only once the campaign grew."""
    timeline = net.timeline
    order = np.lexsort((timeline.utc_ms, timeline.account))
    account, ms = timeline.account[order], timeline.utc_ms[order]
    long_gap = (account[1:] == account[:-1]) & (np.diff(ms) >= DORMANCY_DAYS * MS_PER_DAY)
    net.record("forensics", dormant_reactivated=_userids(net, np.unique(account[1:][long_gap])))


def _userids(net: Network, accounts: np.ndarray) -> list[str]:
    return sorted(net.accounts.userid[i] for i in accounts)
