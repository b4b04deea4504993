"""Planting step for coordinated groups: accounts that retweet, post, paraphrase or hashtag in lockstep.

Four kinds of group, each a handful of accounts from the creation batches: `co_retweet` (they retweet
the same tweet within seconds, mostly one of a fellow member's), `co_tweet` (they post the same text,
link included), `near_duplicate` (the same text, each with its own small edit: another ending) and
`co_hashtag` (texts of their own carrying the same three hashtags). Each event of a group rewrites a run
of consecutive tweets within one local hour into the members' tweets and squeezes them into a burst of
seconds; one member sits each event out.

Decoys make both parameters of a coordination network matter: one-off bursts of unrelated background
accounts (co-activity of weight 1, which a minimum weight of 2 removes) and spread-out groups whose
members repeat each other hours apart, on one day (which only a window of hours links).

Runs after the hostile step and before engagement. It rewrites only tweets nothing else depends on: no
account's first tweet, nothing retweeted, replied to or quoted, nothing scripted or otherwise planted,
and none of old or repurposed accounts. A rewritten tweet keeps its local day and hour and its place in
the file, so the activity and account truth hold; the steps whose arrays change record their truth again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ioreport.synthetic.accounts import Cohort
from ioreport.synthetic.content import HASHTAG_SLOTS, _phrases, _record_text, _record_topics, repeat_words
from ioreport.synthetic.interactions import Kind, _record_interactions
from ioreport.synthetic.network import SHORT_CODE_RANGE, Network
from ioreport.synthetic.repurposed import record_dormancy
from ioreport.synthetic.timing import unique_snowflakes

KINDS = ("co_retweet", "co_tweet", "near_duplicate", "co_hashtag")
GROUPS_PER_KIND = 12  # at scale 1.0
MIN_GROUPS_PER_KIND = 3  # so that even a small dataset tests recovery on several groups
GROUP_SIZE = (5, 9)  # members, [low, high)
EVENTS_PER_GROUP = 8
BURST_MS = 15_000  # an event's tweets fall within this long after its first
EVENT_HASHTAGS = 3  # a hashtag lockstep event's hashtags, from the topic with the most
INCIDENTAL_BURSTS = 150  # per kind at scale 1.0: one-off co-activity of unrelated background accounts
INCIDENTAL_SIZE = (2, 4)
SPREAD_GROUPS = 3  # per kind at scale 1.0 (at least one): the same events, hours apart on one day
RECENT_ORIGINALS = 500  # a retweet burst without a member's tweet to pass on takes one of these
ACTIVE_DAYS = 60  # members start tweeting at least this long before the last day, leaving room for events
BURST_SIZES = range(1, GROUP_SIZE[1])  # the tweets a burst may need: a group less its absent member, at most


@dataclass
class Coordination:
    groups: dict[str, list[np.ndarray]]  # kind -> the member accounts of each planted group
    events: dict[str, int]  # kind -> the events its groups were given (fewer only when tweets run out)
    spread: dict[str, list[np.ndarray]]  # kind -> the member accounts of each spread-out decoy group


class Slots:
    """The tweets free to rewrite, and the runs of them that fall within one local hour.

    Every query and update touches one hour's tweets or a per-hour tally, never the whole timeline: a scan
    per event made planting quadratic in the scale. Runs are numbered in file order, as are the hours."""

    def __init__(self, net: Network, free: np.ndarray) -> None:
        self.free = free
        self.hour_of = net.timeline.day.astype(np.int64) * 24 + net.timeline.hour
        if (np.diff(self.hour_of) < 0).any():  # a zone without daylight saving keeps them in hour order
            raise ValueError("coordination slots need the timeline in local-hour order")
        n_hours = len(net.calendar) * 24
        self.hour_start = np.searchsorted(self.hour_of, np.arange(n_hours + 1))  # an hour's tweets
        starts = free & np.r_[True, ~free[:-1] | (self.hour_of[1:] != self.hour_of[:-1])]
        start = np.flatnonzero(starts)
        self.run_length = np.zeros(len(free), dtype=np.int64)  # at each run's first tweet, 0 elsewhere
        self.run_length[start] = np.diff(np.r_[np.cumsum(free)[start] - 1, free.sum()])
        # runs_fitting[s - 1, h]: runs of at least s tweets in hour h, for every burst size s.
        self.runs_fitting = np.array(
            [
                np.bincount(self.hour_of[start[self.run_length[start] >= s]], minlength=n_hours)
                for s in BURST_SIZES
            ]
        )
        self.free_per_hour = np.bincount(self.hour_of[free], minlength=n_hours)

    def burst(self, size: int, after_day: int, rng: np.random.Generator) -> np.ndarray | None:
        """`size` consecutive free tweets within one hour of a day after `after_day`, taken."""
        first_hour = (after_day + 1) * 24
        fitting = np.cumsum(self.runs_fitting[size - 1, first_hour:])
        if not len(fitting) or not fitting[-1]:
            return None
        run = rng.choice(int(fitting[-1]))  # the same draw as a choice among the fitting runs themselves
        hour = np.searchsorted(fitting, run, side="right")
        run_in_hour = run - (fitting[hour - 1] if hour else 0)
        lo, hi = self.hour_start[first_hour + hour : first_hour + hour + 2]
        start = lo + np.flatnonzero(self.run_length[lo:hi] >= size)[run_in_hour]
        first = start + rng.integers(0, self.run_length[start] - size + 1)
        return self.take(np.arange(first, first + size))

    def spread(self, size: int, after_day: int, rng: np.random.Generator) -> np.ndarray | None:
        """Free tweets in `size` different hours of one day after `after_day`, one per hour, taken."""
        first_hour = (after_day + 1) * 24
        hours = first_hour + np.flatnonzero(self.free_per_hour[first_hour:])
        days, hours_per_day = np.unique(hours // 24, return_counts=True)
        if not (hours_per_day >= size).any():
            return None
        day = rng.choice(days[hours_per_day >= size])
        picked = rng.choice(np.flatnonzero(hours // 24 == day), size, replace=False)
        return self.take(np.sort([self._first_free(hour) for hour in hours[picked]]))

    def take(self, positions: np.ndarray) -> np.ndarray:
        """Mark tweets as used (no longer free to rewrite), splitting the runs they were in."""
        for position in positions[self.free[positions]]:
            self._split_run(int(position))
            self.free_per_hour[self.hour_of[position]] -= 1
        self.free[positions] = False
        return positions

    def _first_free(self, hour: int) -> int:
        lo, hi = self.hour_start[hour : hour + 2]
        return int(lo + np.flatnonzero(self.free[lo:hi])[0])

    def _split_run(self, position: int) -> None:
        """The run holding a free tweet becomes the runs before and after it (either may be empty)."""
        hour = self.hour_of[position]
        lo = self.hour_start[hour]
        start = int(lo + np.flatnonzero(self.run_length[lo : position + 1])[-1])  # the last run start so far
        length = int(self.run_length[start])
        before, after = position - start, start + length - position - 1
        self.runs_fitting[: min(length, len(BURST_SIZES)), hour] -= 1
        self.runs_fitting[: min(before, len(BURST_SIZES)), hour] += 1
        self.runs_fitting[: min(after, len(BURST_SIZES)), hour] += 1
        self.run_length[start] = before
        if after:
            self.run_length[position + 1] = after


class Senders:
    """Who sent each tweet, with each account's tweets at hand: events hand tweets to new senders, and
    finding an account's tweets by a scan of the timeline per event made planting quadratic in the scale."""

    def __init__(self, account: np.ndarray) -> None:
        self.account = account  # the timeline's own array, kept current here
        self._by_account = np.argsort(account, kind="stable")
        self._sorted_accounts = account[self._by_account]
        self._handed: dict[int, list[int]] = {}  # account -> tweets events gave it since

    def hand(self, positions: np.ndarray, accounts: np.ndarray) -> None:
        self.account[positions] = accounts
        for position, account in zip(positions.tolist(), accounts.tolist(), strict=True):
            self._handed.setdefault(account, []).append(position)

    def tweets_of(self, accounts: np.ndarray) -> np.ndarray:
        """The tweets the accounts sent, in file order."""
        bounds = np.searchsorted(self._sorted_accounts, np.c_[accounts, np.add(accounts, 1)])
        had = [self._by_account[lo:hi] for lo, hi in bounds]
        handed = [np.array(self._handed.get(int(a), []), dtype=np.int64) for a in accounts]
        candidates = np.unique(np.concatenate([*had, *handed]))
        return candidates[np.isin(self.account[candidates], accounts)]  # less those handed on


def plant_coordination(net: Network, rng: np.random.Generator) -> Coordination:
    slots = Slots(net, _rewritable(net))
    senders = Senders(net.timeline.account)
    members = _member_pools(net)
    planted = {kind: _plant_groups(net, kind, slots, senders, members["batch"], rng) for kind in KINDS}
    for kind in KINDS:
        _plant_incidental(net, kind, slots, senders, members["background"], rng)
    spread = {kind: _plant_spread(net, kind, slots, senders, members["background"], rng) for kind in KINDS}
    coordination = Coordination(
        groups={kind: groups for kind, (groups, _) in planted.items()},
        events={kind: events for kind, (_, events) in planted.items()},
        spread=spread,
    )
    # The rewritten tweets changed kinds, topics, words and who sent them: record those truths again.
    _record_interactions(net, net.interactions)
    _record_topics(net, net.topics)
    _record_text(net, net.text)
    record_dormancy(net)
    _record_coordination(net, coordination)
    return coordination


def _rewritable(net: Network) -> np.ndarray:
    """Tweets no other planted truth depends on."""
    timeline, interactions, text = net.timeline, net.interactions, net.text
    free = timeline.scripted < 0
    _, first_tweets = np.unique(timeline.account, return_index=True)  # the timeline is in time order
    free[first_tweets] = False
    free[interactions.target_tweet[interactions.target_tweet >= 0]] = False
    free[[net.hostile.tweet, len(timeline) - 1, *text.geotagged, *text.polls]] = False
    free &= ~_settled_accounts(net)[timeline.account]
    return free


def _settled_accounts(net: Network) -> np.ndarray:
    """Accounts whose tweets stay theirs: old accounts, and the repurposed ones and their decoys."""
    settled = net.accounts.cohort == Cohort.OLD
    repurposed = net.repurposed
    for accounts in (repurposed.accounts, *repurposed.decoys.values()):
        settled[accounts] = True
    return settled


def _member_pools(net: Network) -> dict[str, np.ndarray]:
    """Unused accounts that may join a group (a mask each): batch-created ones, and the background."""
    cohort = net.accounts.cohort
    started = net.creation.first_tweet_day < len(net.calendar) - ACTIVE_DAYS
    open_accounts = started & ~_settled_accounts(net)
    return {
        "batch": open_accounts & (cohort == Cohort.BATCH),
        "background": open_accounts & (cohort != Cohort.BATCH),
    }


def _draw(pool: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray | None:
    """`size` accounts from the pool, no longer in it afterwards; None if it has too few."""
    if pool.sum() < size:
        return None
    drawn = np.sort(rng.choice(np.flatnonzero(pool), size, replace=False))
    pool[drawn] = False
    return drawn


def _plant_groups(
    net: Network,
    kind: str,
    slots: Slots,
    senders: Senders,
    pool: np.ndarray,
    rng: np.random.Generator,
) -> tuple[list[np.ndarray], int]:
    """Groups of one kind, each a burst of its members, less one, at every event; and the events placed."""
    groups, events = [], 0
    for _ in range(max(MIN_GROUPS_PER_KIND, net.count(GROUPS_PER_KIND))):
        size = min(rng.integers(*GROUP_SIZE), _max_participants(net, kind) + 1)
        group = _draw(pool, size, rng)
        if group is None:
            break
        style = _group_style(net, kind, rng)
        for _ in range(EVENTS_PER_GROUP):
            absent = rng.integers(0, size)
            events += _event(
                net, kind, slots, senders, np.delete(group, absent), style, rng, group[absent], burst=True
            )
        groups.append(group)
    return groups, events


def _plant_incidental(
    net: Network,
    kind: str,
    slots: Slots,
    senders: Senders,
    pool: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """One-off bursts of background accounts that have nothing else to do with each other."""
    for _ in range(net.count(INCIDENTAL_BURSTS)):
        accounts = _draw(pool, rng.integers(*INCIDENTAL_SIZE), rng)
        if accounts is None:
            return
        style = _group_style(net, kind, rng)
        _event(net, kind, slots, senders, accounts, style, rng, source=None, burst=True)


def _plant_spread(
    net: Network,
    kind: str,
    slots: Slots,
    senders: Senders,
    pool: np.ndarray,
    rng: np.random.Generator,
) -> list[np.ndarray]:
    """Decoy groups that repeat each other like a planted group, but hours apart."""
    groups = []
    for _ in range(net.count(SPREAD_GROUPS)):
        group = _draw(pool, min(GROUP_SIZE[0], _max_participants(net, kind)), rng)
        if group is None:
            break
        style = _group_style(net, kind, rng)
        for _ in range(EVENTS_PER_GROUP):
            _event(net, kind, slots, senders, group, style, rng, source=None, burst=False)
        groups.append(group)
    return groups


def _max_participants(net: Network, kind: str) -> int:
    """Near-duplicate events give each participant a different ending; the others have no limit."""
    return len(set(net.preset.content.tails)) if kind == "near_duplicate" else GROUP_SIZE[1]


@dataclass(frozen=True)
class Style:
    """What a group's events have in common: topic and script, and for hashtag lockstep the hashtags."""

    topic: int
    script: int
    hashtags: np.ndarray  # indices into the text's hashtag names that the group's events draw from


def _group_style(net: Network, kind: str, rng: np.random.Generator) -> Style:
    content = net.preset.content
    names = net.text.hashtag_names
    tagged = [k for k, t in enumerate(content.topics) if t.name != content.untagged_topic]
    if kind == "co_hashtag":  # the topics with the most hashtags, so that events vary them
        most = max(len({h.casefold() for h in content.topics[k].hashtags}) for k in tagged)
        tagged = [k for k in tagged if len({h.casefold() for h in content.topics[k].hashtags}) == most]
    topic = int(rng.choice(tagged))
    scripts = np.array([s.weight for s in content.scripts])
    return Style(
        topic=topic,
        script=int(rng.choice(len(scripts), p=scripts / scripts.sum())),
        hashtags=np.array([names.index(h) for h in content.topics[topic].hashtags]),
    )


def _event(
    net: Network,
    kind: str,
    slots: Slots,
    senders: Senders,
    accounts: np.ndarray,
    style: Style,
    rng: np.random.Generator,
    source: int | None,
    burst: bool,
) -> bool:
    """One coordinated moment: the accounts' tweets placed (a burst, or hours apart) and rewritten.

    False when there is no room for it left (only ever on the smallest datasets)."""
    after_day = int(net.creation.first_tweet_day[accounts].max())  # every account already tweeting
    place = slots.burst if burst else slots.spread
    positions = place(len(accounts), after_day, rng)
    if positions is None:
        return False
    if kind == "co_retweet":
        passed_on = _tweet_to_pass_on(net, senders, positions[0], accounts, source, rng)
        if passed_on is None:
            return False
        slots.take(np.array([passed_on]))  # retweeted now, so no later event may rewrite it
    if burst:
        _squeeze(net, positions, rng)
    senders.hand(positions, rng.permutation(accounts))
    _make_original(net, positions)
    if kind == "co_retweet":
        _retweet(net, positions, passed_on, rng)
    elif kind == "co_hashtag":
        _lockstep_hashtags(net, positions, style, rng)
    else:
        _same_words(net, positions, style, rng, vary_endings=kind == "near_duplicate")
    return True


def _squeeze(net: Network, positions: np.ndarray, rng: np.random.Generator) -> None:
    """Consecutive tweets moved to within BURST_MS after the first, keeping their order among all tweets."""
    timeline = net.timeline
    first, last = timeline.utc_ms[positions[0]], timeline.utc_ms[positions[-1]]
    # Strictly before the last one's old time, so the tweet after the run stays after it.
    reach = int(min(BURST_MS, last - first))
    if reach <= len(positions):
        return
    later = positions[1:]
    ms = first + np.sort(rng.choice(np.arange(1, reach), len(later), replace=False))
    timeline.utc_ms[later] = ms
    # New times fall between the run's old first and last, where only the run's own ids could clash.
    run_ids = timeline.tweetid[positions[0] : positions[-1] + 1]
    timeline.tweetid[later] = np.sort(unique_snowflakes(ms, rng, taken=run_ids))


def _make_original(net: Network, positions: np.ndarray) -> None:
    interactions = net.interactions
    interactions.kind[positions] = Kind.ORIGINAL
    interactions.target_tweet[positions] = -1
    interactions.target_account[positions] = -1
    interactions.target_tweetid[positions] = 0
    interactions.blank_retweet_userid[positions] = False


def _tweet_to_pass_on(
    net: Network,
    senders: Senders,
    before: int,
    accounts: np.ndarray,
    source: int | None,
    rng: np.random.Generator,
) -> int | None:
    """An earlier plain original that none of the accounts retweeted yet: the absent member's if it has one,
    else a recent one by anyone else."""
    interactions = net.interactions
    theirs = senders.tweets_of(accounts)
    retweeted = interactions.target_tweet[theirs[interactions.kind[theirs] == Kind.RETWEET]]
    if source is not None:
        own = senders.tweets_of(np.array([source]))
        own = own[own < before]
        own = own[_plain(net, own, retweeted)]
        if len(own):
            return int(rng.choice(own))
    others = _recent_plain(net, before, accounts, retweeted)
    return int(rng.choice(others)) if len(others) else None


def _plain(net: Network, tweets: np.ndarray, retweeted: np.ndarray) -> np.ndarray:
    """Which of the tweets are plain originals (nothing scripted or otherwise planted) not yet retweeted."""
    planted = [net.hostile.tweet, *net.text.geotagged, *net.text.polls]
    return (
        (net.interactions.kind[tweets] == Kind.ORIGINAL)
        & (net.timeline.scripted[tweets] < 0)
        & ~np.isin(tweets, planted)
        & ~np.isin(tweets, retweeted)
    )


def _recent_plain(net: Network, before: int, accounts: np.ndarray, retweeted: np.ndarray) -> np.ndarray:
    """The last RECENT_ORIGINALS plain originals before `before` by others than the accounts, oldest first.

    Looks back in ever wider windows rather than at the whole timeline, which is what made it quadratic."""
    found, count, end, width = [np.zeros(0, dtype=np.int64)], 0, before, 4 * RECENT_ORIGINALS
    while end > 0 and count < RECENT_ORIGINALS:
        window = np.arange(max(0, end - width), end)
        by_others = ~np.isin(net.timeline.account[window], accounts)
        found.insert(0, window[by_others & _plain(net, window, retweeted)])
        count, end, width = count + len(found[0]), window[0], 2 * width
    return np.concatenate(found)[-RECENT_ORIGINALS:]


def _retweet(net: Network, positions: np.ndarray, tweet: int, rng: np.random.Generator) -> None:
    """Retweets of one archive tweet, repeating its topic, words, links and language."""
    interactions, text = net.interactions, net.text
    interactions.kind[positions] = Kind.RETWEET
    interactions.target_tweet[positions] = tweet
    interactions.target_account[positions] = net.timeline.account[tweet]
    interactions.target_tweetid[positions] = net.timeline.tweetid[tweet]
    interactions.blank_retweet_userid[positions] = (
        rng.random(len(positions)) < net.preset.blank_retweet_userid_share
    )
    net.topics.topic[positions] = net.topics.topic[tweet]
    repeat_words(text, positions, tweet)
    _as_sent_by_members(net, positions, language=False)


def _same_words(
    net: Network, positions: np.ndarray, style: Style, rng: np.random.Generator, vary_endings: bool
) -> None:
    """One text for all (copy-paste, one link too), or with a different ending each (near-duplicates)."""
    text, n = net.text, len(positions)
    _on_topic(net, positions, style)
    a, b = _phrases(net, np.array([style.topic]), np.array([style.script]), rng)
    text.phrase_a[positions], text.phrase_b[positions] = a[0], b[0]
    text.newline[positions] = False
    text.hashtags[positions] = _some_hashtags(style, rng)
    text.mention[positions] = -1
    endings = np.unique(net.preset.content.tails, return_index=True)[1]
    text.tail[positions] = rng.choice(endings, n if vary_endings else 1, replace=False)
    text.url[positions] = 0 if vary_endings else rng.integers(*SHORT_CODE_RANGE)
    text.url_domain[positions] = rng.integers(0, len(net.preset.content.url_domains))


def _lockstep_hashtags(net: Network, positions: np.ndarray, style: Style, rng: np.random.Generator) -> None:
    """Texts of their own on the group's topic, all carrying the same hashtags."""
    text = net.text
    _on_topic(net, positions, style)
    topic = net.topics.topic[positions]
    text.phrase_a[positions], text.phrase_b[positions] = _phrases(net, topic, text.script[positions], rng)
    text.hashtags[positions] = style.hashtags[rng.choice(len(style.hashtags), EVENT_HASHTAGS, replace=False)]


def _some_hashtags(style: Style, rng: np.random.Generator) -> np.ndarray:
    """One or two of the topic's hashtags, in the HASHTAG_SLOTS columns (-1 empty)."""
    tags = np.full(HASHTAG_SLOTS, -1)
    count = rng.integers(1, 3)
    tags[:count] = style.hashtags[rng.choice(len(style.hashtags), count, replace=False)]
    return tags


def _on_topic(net: Network, positions: np.ndarray, style: Style) -> None:
    """The group's topic and script, in the members' own clients."""
    net.topics.topic[positions] = style.topic
    net.text.script[positions] = style.script
    _as_sent_by_members(net, positions, language=True)


def _as_sent_by_members(net: Network, positions: np.ndarray, language: bool) -> None:
    """Each tweet from its new sender's client; in its script's language unless copied from a source."""
    text = net.text
    text.client[positions] = net.accounts.client[net.timeline.account[positions]]
    if language:
        codes = [text.languages.index(s.language) for s in net.preset.content.scripts]
        text.language[positions] = np.array(codes, dtype=np.int8)[text.script[positions]]


def _record_coordination(net: Network, coordination: Coordination) -> None:
    def userids(groups: list[np.ndarray]) -> list[list[str]]:
        return sorted(sorted(net.accounts.userid[a] for a in group) for group in groups)

    net.record(
        "coordination",
        **{kind: userids(groups) for kind, groups in coordination.groups.items()},
        events_planted=coordination.events,
        spread_out={kind: userids(groups) for kind, groups in coordination.spread.items()},
        params={
            "groups_per_kind": max(MIN_GROUPS_PER_KIND, net.count(GROUPS_PER_KIND)),
            "group_size": list(GROUP_SIZE),
            "events_per_group": EVENTS_PER_GROUP,
            "absent_per_event": 1,
            "burst_seconds": BURST_MS / 1000,
            "event_hashtags": EVENT_HASHTAGS,
            "incidental_bursts_per_kind": net.count(INCIDENTAL_BURSTS),
            "incidental_size": list(INCIDENTAL_SIZE),
            "spread_groups_per_kind": net.count(SPREAD_GROUPS),
        },
    )
