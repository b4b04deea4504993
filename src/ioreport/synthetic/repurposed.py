"""Planting step for repurposed accounts: a bought account's former life, a sleep, a test, then the campaign.

ASPI (2019) found the PRC network hastily built from bought spam, porn and marketing accounts: they had
tweeted in other languages from other apps, posted "test new owner" and the like, then switched to Chinese
and the Twitter Web Client when the Hong Kong work began. Each planted account shows at least two of those
four signals (language switch, dormancy then reactivation, client switch, test tweets). Three kinds of decoy
show a look-alike of one, so that precision means something: ordinary accounts that mention a test in a
sentence, accounts back after a short break, and bilingual accounts that never switch.

The former lives and the decoys' tweets are *scripted*: their words, language and client are written here,
not drawn from the topic pools. The timing step schedules them on the days set here, topics count them
untagged, interactions keep them original and never point at them, the text step gives them their language
and client (`apply_scripted`), and rendering writes their words. The new owners' tweets are ordinary ones,
in the campaign script and client this step gives the accounts.

Runs after `plant_creation` and before `plant_tweet_times`: it moves the first ordinary tweet of the
repurposed accounts and short-break decoys to after their takeover or return.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ioreport.synthetic.accounts import Cohort
from ioreport.synthetic.network import MS_PER_DAY, Network, pick
from ioreport.synthetic.preset import RepurposingPreset

if TYPE_CHECKING:
    from ioreport.synthetic.content import Text

LANGUAGE_SWITCH = "language_switch"
DORMANT = "dormant_reactivated"
CLIENT_SWITCH = "client_switch"
TEST_TWEETS = "test_owner_tweets"
SIGNALS = (LANGUAGE_SWITCH, DORMANT, CLIENT_SWITCH, TEST_TWEETS)
MIN_SIGNALS = 2
DECOYS = ("test_in_sentence", "short_break", "bilingual")
DORMANCY_DAYS = 180  # the gap between two tweets the truth counts as dormancy
# Ranges are [low, high) in tweets or days.
FORMER_TWEETS = (8, 31)
FORMER_SPAN_DAYS = (60, 301)
DORMANT_GAP_DAYS = (200, 401)  # from the last former tweet to the takeover
SHORT_GAP_DAYS = (7, 61)  # a former life that runs up to the takeover
TESTS_PER_ACCOUNT = (1, 7)
FIRST_CAMPAIGN_LAG_DAYS = (1, 15)  # from the takeover (and its tests) to the first campaign tweet
MIN_ACTIVITY = 2.0  # enough campaign tweets to tell the new owner's language and client
DECOY_TWEETS = (8, 21)
DECOY_SPAN_DAYS = (60, 151)
DECOY_BREAK_DAYS = (60, 151)
DECOY_RETURN_MARGIN_DAYS = 60  # a short-break decoy returns at least this long before the last day
BILINGUAL_TWEETS = (16, 41)
TEST_SENTENCES_PER_ACCOUNT = (1, 3)


@dataclass
class ScriptedTweets:
    """Tweets whose day, words, language and client this step writes."""

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
    tweets: ScriptedTweets


def plant_repurposed(net: Network, rng: np.random.Generator) -> Repurposed:
    preset = net.preset.repurposing
    if preset is None:
        empty = np.zeros(0, dtype=np.int64)
        repurposed = Repurposed(empty, {s: empty for s in SIGNALS}, {d: empty for d in DECOYS}, ScriptedTweets())
    else:
        repurposed = _plant(net, preset, rng)
    _record_planted(net, repurposed)
    return repurposed


def _plant(net: Network, preset: RepurposingPreset, rng: np.random.Generator) -> Repurposed:
    accounts, decoys = _choose_accounts(net, preset, rng)
    planted = _planted_signals(len(accounts), preset, rng)
    signals = {signal: accounts[planted[:, k]] for k, signal in enumerate(SIGNALS)}
    tweets = ScriptedTweets.join(
        [
            *_take_over(net, preset, accounts, planted, rng),
            _test_sentences(net, preset, decoys["test_in_sentence"], rng),
            _short_breaks(net, preset, decoys["short_break"], rng),
            _bilingual(net, preset, decoys["bilingual"], rng),
        ]
    )
    return Repurposed(accounts=accounts, signals=signals, decoys=decoys, tweets=tweets)


def _choose_accounts(
    net: Network, preset: RepurposingPreset, rng: np.random.Generator
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Repurposed and look-alike accounts among the old ones created before the period; decoys mentioning
    a test among the new ones."""
    cohort, created = net.accounts.cohort, net.creation.created
    old = cohort == Cohort.OLD
    # The oldest account's first tweet opens the archive on the first working day: leave it be.
    old[np.flatnonzero(old)[np.argmin(created[old])]] = False
    candidates = np.flatnonzero(old & (created < net.calendar.days[0]))
    n, n_decoys = net.count(preset.accounts), net.count(preset.decoys)
    drawn = rng.choice(candidates, n + 2 * n_decoys, replace=False)
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
    net: Network, preset: RepurposingPreset, accounts: np.ndarray, planted: np.ndarray, rng: np.random.Generator
) -> list[ScriptedTweets]:
    """The former lives and the new owners' tests; the accounts turn to the campaign's script and client."""
    calendar, n = net.calendar, len(accounts)
    takeover = rng.integers(calendar.index(preset.reactivation[0]), calendar.index(preset.reactivation[1]) + 1, n)
    dormant = planted[:, SIGNALS.index(DORMANT)]
    former_end = takeover - np.where(dormant, rng.integers(*DORMANT_GAP_DAYS, n), rng.integers(*SHORT_GAP_DAYS, n))
    former_start = np.maximum(former_end - rng.integers(*FORMER_SPAN_DAYS, n), 0)
    switch_language = planted[:, SIGNALS.index(LANGUAGE_SWITCH)]
    switch_client = planted[:, SIGNALS.index(CLIENT_SWITCH)]
    former_language = np.where(
        switch_language, _names(preset.former_languages, n, rng), preset.campaign_language
    )
    former_client = np.where(switch_client, _names(preset.former_clients, n, rng), preset.campaign_client)
    former = _spread(accounts, rng.integers(*FORMER_TWEETS, n), former_start, former_end, rng)
    testers = planted[:, SIGNALS.index(TEST_TWEETS)]
    tests = np.repeat(np.arange(n)[testers], rng.integers(*TESTS_PER_ACCOUNT, int(testers.sum())))
    _turn_to_campaign(net, preset, accounts, takeover + rng.integers(*FIRST_CAMPAIGN_LAG_DAYS, n))
    return [
        _scripted(accounts[former], former_day(former, former_end), former_language[former], former_client[former],
                  preset.spam, rng),
    ]
