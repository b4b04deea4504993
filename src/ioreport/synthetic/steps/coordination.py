"""Coordinated groups: accounts that retweet, post, paraphrase or hashtag in lockstep; and their decoys.

Four kinds of group, each a handful of accounts: `co_retweet` (within seconds they retweet what one of
them has just posted), `co_tweet` (they post the same text, link included), `near_duplicate` (the same
text, each with its own ending) and `co_hashtag` (texts of their own carrying the same hashtags). At each
of a group's events all its members but one take part, within `burst_seconds` of the first; in a
co_retweet event the one left out is the one who posted.

Decoys make both parameters of a coordination network matter: one-off bursts of unrelated accounts
(co-activity of weight 1, which a minimum weight of 2 removes) and spread-out groups whose members repeat
each other hours apart on one day (which only a window of hours links).

Every event adds tweets of its own, on a day after all its accounts began tweeting, at an hour the
routine is busy on the frame's clock. Copies of one text share its language: the detector sees one text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ioreport.synthetic.core import compose
from ioreport.synthetic.core.calendar import MS_PER_HOUR
from ioreport.synthetic.core.context import Context
from ioreport.synthetic.core.ids import SHORT_CODE_RANGE
from ioreport.synthetic.core.preset import LOCKSTEP_KINDS, Coordination
from ioreport.synthetic.core.rows import HASHTAG_SLOTS, JOINERS, Accounts, Origin, Role, TweetBlock, Tweets

SPREAD_MINUTES = (5, 55)  # within its hour, so a spread group's tweets stay far more than a minute apart
COPIED_HASHTAGS = (1, 3)  # a copied text carries [low, high) of its topic's hashtags


@dataclass
class Events:
    """Events of one kind: per event its style, and per tweet of theirs (flattened) who and when."""

    topic: np.ndarray  # per event
    script: np.ndarray
    group: np.ndarray  # the planted group's label
    start_ms: np.ndarray
    poster: np.ndarray  # the member whose post a co_retweet event passes on; -1: an outside tweet
    event: np.ndarray  # per tweet: which event
    account: np.ndarray
    utc_ms: np.ndarray

    @classmethod
    def join(cls, parts: list[Events]) -> Events:
        joined = {
            name: np.concatenate([getattr(p, name) for p in parts]) for name in cls.__dataclass_fields__
        }
        offsets = np.cumsum([0] + [len(p.topic) for p in parts[:-1]])
        joined["event"] = np.concatenate([p.event + offset for p, offset in zip(parts, offsets, strict=True)])
        return cls(**joined)


class Planner:
    """Draws the step's accounts (each takes part in one group or decoy at most) and numbers its labels."""

    def __init__(self, ctx: Context, accounts: Accounts, tweets: Tweets, rng: np.random.Generator) -> None:
        spec = ctx.preset.coordination
        self.ctx, self.accounts, self.spec, self.rng = ctx, accounts, spec, rng
        last = len(ctx.calendar) - 1
        open_ = (accounts.role == Role.ORDINARY) & (accounts.first_tweet_day <= last - spec.active_days)
        self.members = open_ & ctx.in_cohorts(accounts.cohort, spec.members_from)
        self.decoys = open_ & ctx.in_cohorts(accounts.cohort, spec.decoys_from)
        self.next_group = tweets.next_label("group")
        self.next_event = tweets.next_label("event")
        self.weights = compose.day_weights(ctx)

    def draw(self, pool: np.ndarray, size: int) -> np.ndarray | None:
        """`size` accounts of the pool, no longer in any pool afterwards; None if it has too few."""
        if pool.sum() < size:
            return None
        drawn = np.sort(self.rng.choice(np.flatnonzero(pool), size, replace=False))
        self.members[drawn] = self.decoys[drawn] = False
        return drawn

    def groups(self, n: int) -> np.ndarray:
        first, self.next_group = self.next_group, self.next_group + n
        return np.arange(first, first + n, dtype=np.int32)

    def events(self, n: int) -> np.ndarray:
        first, self.next_event = self.next_event, self.next_event + n
        return np.arange(first, first + n, dtype=np.int32)

    def event_days(self, after: np.ndarray) -> np.ndarray:
        """A day for each event later than `after` (when its last account began), by the routine's day
        weights."""
        return compose.days_after(self.weights, after, self.rng)

    def burst_starts(self, days: np.ndarray) -> np.ndarray:
        """A moment in a busy hour of each day, early enough in it for a burst to fit."""
        ctx, rng = self.ctx, self.rng
        hour = compose.routine_hours(ctx, len(days), rng)
        midnight = ctx.calendar.midnight_utc_ms(ctx.frame_zone, days)
        return midnight + hour * MS_PER_HOUR + rng.integers(0, MS_PER_HOUR - self.burst_ms, len(days))

    @property
    def burst_ms(self) -> int:
        return round(self.spec.burst_seconds * 1000)

    def topics(self, kind: str, n: int) -> np.ndarray:
        """Topics for `n` groups: the allowed ones; for hashtag lockstep, those with the most hashtags."""
        ctx = self.ctx
        content = ctx.preset.content
        allowed = [ctx.topic_index(name) for name in self.spec.topics or content.topics]
        if not self.spec.topics:
            allowed.remove(ctx.topic_index(content.untagged_topic))
        if kind == "co_hashtag":
            most = max(len(_distinct(ctx, k)) for k in allowed)
            allowed = [k for k in allowed if len(_distinct(ctx, k)) == most]
        return np.array(allowed)[self.rng.integers(0, len(allowed), n)]


def add(ctx: Context, accounts: Accounts, tweets: Tweets, rng: np.random.Generator) -> TweetBlock:
    draft = compose.Draft(tweets)
    if ctx.preset.coordination is None:
        return draft.finish(rng)
    plan = Planner(ctx, accounts, tweets, rng)
    planted = {kind: _groups(plan, kind) for kind in LOCKSTEP_KINDS}
    incidental = {kind: _incidental(plan, kind) for kind in LOCKSTEP_KINDS}
    spread = {kind: _spread(plan, kind) for kind in LOCKSTEP_KINDS}
    for origin, events_by_kind in (
        (Origin.COORDINATED, planted),
        (Origin.INCIDENTAL, incidental),
        (Origin.SPREAD, spread),
    ):
        for kind, events in events_by_kind.items():
            if events is not None:
                _write(plan, kind, events, origin, draft)
    return draft.finish(rng)


def _max_participants(ctx: Context, spec: Coordination, kind: str) -> int:
    """Near-duplicate events give each participant another ending; the others have no such limit."""
    return len(set(ctx.vocabulary.tails)) if kind == "near_duplicate" else spec.group_size[1]


def _groups(plan: Planner, kind: str) -> Events | None:
    """Groups of one kind: at each event all members but one, within a burst."""
    spec, rng = plan.spec, plan.rng
    n_groups = max(spec.min_groups_per_kind, plan.ctx.count(spec.groups_per_kind))
    sizes = np.minimum(rng.integers(*spec.group_size, n_groups), _max_participants(plan.ctx, spec, kind) + 1)
    sizes = sizes[np.cumsum(sizes) <= plan.members.sum()]  # as many groups as the accounts allow
    if not len(sizes):
        return None
    drawn = rng.permutation(plan.draw(plan.members, int(sizes.sum())))
    parts = []
    for members in np.split(drawn, np.cumsum(sizes)[:-1]):
        members, size, n = np.sort(members), len(members), spec.events_per_group
        absent = rng.integers(0, size, n)
        taking_part = np.arange(size)[None, :] != absent[:, None]
        start = plan.burst_starts(plan.event_days(np.full(n, plan.accounts.first_tweet_day[members].max())))
        event = np.repeat(np.arange(n), size - 1)
        parts.append(
            Events(
                topic=np.repeat(plan.topics(kind, 1), n),
                script=np.full(n, plan.accounts.script[rng.choice(members)]),
                group=np.repeat(plan.groups(1), n),
                start_ms=start,
                poster=members[absent],
                event=event,
                account=np.broadcast_to(members, (n, size))[taking_part],
                utc_ms=start[event] + rng.integers(0, plan.burst_ms, len(event)),
            )
        )
    return Events.join(parts)


def _incidental(plan: Planner, kind: str) -> Events | None:
    """One-off bursts of unrelated accounts that have nothing else to do with each other."""
    spec, rng = plan.spec, plan.rng
    sizes = rng.integers(*spec.incidental_size, plan.ctx.count(spec.incidental_bursts_per_kind))
    sizes = sizes[np.cumsum(sizes) <= plan.decoys.sum()]
    if not len(sizes):
        return None
    chosen = rng.permutation(plan.draw(plan.decoys, int(sizes.sum())))
    event = np.repeat(np.arange(len(sizes)), sizes)
    firsts = np.cumsum(sizes) - sizes
    start = plan.burst_starts(
        plan.event_days(np.maximum.reduceat(plan.accounts.first_tweet_day[chosen], firsts))
    )
    return Events(
        topic=plan.topics(kind, len(sizes)),
        script=plan.accounts.script[chosen[firsts]],
        group=plan.groups(len(sizes)),
        start_ms=start,
        poster=np.full(len(sizes), -1),
        event=event,
        account=chosen,
        utc_ms=start[event] + rng.integers(0, plan.burst_ms, len(event)),
    )


def _spread(plan: Planner, kind: str) -> Events | None:
    """Decoy groups whose members repeat each other like a planted group, but each in another hour."""
    ctx, spec, rng = plan.ctx, plan.spec, plan.rng
    hours = np.array(ctx.preset.routine.hours)
    parts = []
    for _ in range(ctx.count(spec.spread_groups_per_kind)):
        members = plan.draw(plan.decoys, min(spec.group_size[0], _max_participants(ctx, spec, kind)))
        if members is None:
            break
        n, size = spec.events_per_group, len(members)
        days = plan.event_days(np.full(n, plan.accounts.first_tweet_day[members].max()))
        hour = np.array([rng.choice(24, size, replace=False, p=hours / hours.sum()) for _ in range(n)])
        minute = rng.integers(*SPREAD_MINUTES, (n, size))
        midnight = ctx.calendar.midnight_utc_ms(ctx.frame_zone, days)
        utc_ms = midnight[:, None] + hour * MS_PER_HOUR + minute * 60_000 + rng.integers(0, 60_000, (n, size))
        parts.append(
            Events(
                topic=np.repeat(plan.topics(kind, 1), n),
                script=np.full(n, plan.accounts.script[rng.choice(members)]),
                group=np.repeat(plan.groups(1), n),
                start_ms=utc_ms.min(axis=1),
                poster=np.full(n, -1),
                event=np.repeat(np.arange(n), size),
                account=np.tile(members, n),
                utc_ms=utc_ms.ravel(),
            )
        )
    return Events.join(parts) if parts else None


def _write(plan: Planner, kind: str, events: Events, origin: Origin, draft: compose.Draft) -> None:
    """The events' tweets: retweets of one post, one text, one text with other endings, or shared hashtags."""
    ctx, accounts, rng = plan.ctx, plan.accounts, plan.rng
    n_events, n = len(events.topic), len(events.account)
    event_label = plan.events(n_events)
    labels = {
        "origin": origin,
        "lockstep": LOCKSTEP_KINDS.index(kind),
        "group": events.group[events.event],
        "event": event_label[events.event],
        "client": accounts.client[events.account],  # the members' own apps
        **compose.formatting(ctx, n, rng),
    }
    if kind == "co_retweet":
        _co_retweet(plan, events, labels, event_label, draft)
        return
    first, second = compose.topic_sentences(ctx, events.topic, events.script, rng)
    joiner = np.array([JOINERS.index(s.joiner) for s in ctx.preset.scripts.values()], dtype=np.int8)
    columns = {
        "account": events.account,
        "topic": events.topic[events.event],
        "sentence_1": first[events.event],
        "sentence_2": second[events.event],
        "joiner": joiner[events.script][events.event],
        "language": compose.script_languages(ctx, events.script)[events.event],
        **labels,
    }
    if kind == "co_tweet":
        hashtags = _event_hashtags(ctx, events.topic, rng.integers(*COPIED_HASHTAGS, n_events), rng)
        columns["tail"] = compose.tails(ctx, n_events, rng)[events.event]
        columns["url"] = rng.integers(*SHORT_CODE_RANGE, n_events)[events.event]
        columns["url_domain"] = rng.integers(0, len(ctx.vocabulary.url_domains), n_events)[events.event]
    elif kind == "near_duplicate":
        hashtags = _event_hashtags(ctx, events.topic, rng.integers(*COPIED_HASHTAGS, n_events), rng)
        columns["tail"] = _own_endings(ctx, events, rng)
    else:
        hashtags = _event_hashtags(ctx, events.topic, np.full(n_events, plan.spec.event_hashtags), rng)
        own_first, own_second = compose.topic_sentences(
            ctx, columns["topic"], events.script[events.event], rng
        )
        columns.update(sentence_1=own_first, sentence_2=own_second, tail=compose.tails(ctx, n, rng))
    draft.add(columns, hashtags[events.event], events.utc_ms)


def _co_retweet(
    plan: Planner, events: Events, labels: dict, event_label: np.ndarray, draft: compose.Draft
) -> None:
    """A post, by the member left out or by an outside account, and the others retweeting it."""
    ctx, accounts, spec, rng = plan.ctx, plan.accounts, plan.spec, plan.rng
    n_events = len(events.topic)
    author = np.where(
        events.poster >= 0, events.poster, events.account[np.searchsorted(events.event, np.arange(n_events))]
    )
    posted_at = events.start_ms - (rng.uniform(*spec.source_lead_seconds, n_events) * 1000).astype(np.int64)
    posts = draft.post(
        ctx,
        accounts,
        compose.originals(ctx, accounts, author, events.topic, rng, script=events.script),
        posted_at,
        np.flatnonzero(events.poster >= 0),
        {
            "origin": labels["origin"],
            "lockstep": labels["lockstep"],
            "group": events.group,
            "event": event_label,
        },
        rng,
    )
    columns, hashtags, target_row = posts.retweeted(ctx, accounts, events.account, events.event, rng)
    columns.update(labels)
    draft.add(columns, hashtags, events.utc_ms, target_row=target_row)


def _distinct(ctx: Context, topic: int) -> np.ndarray:
    """A topic's hashtags, one spelling of each (#НАТО and #нато are one hashtag to a reader)."""
    tags = ctx.vocabulary.topic_hashtags[topic]
    folded = [ctx.vocabulary.hashtags[t].casefold() for t in tags]
    return tags[sorted({name: k for k, name in reversed(list(enumerate(folded)))}.values())]


def _event_hashtags(
    ctx: Context, topic: np.ndarray, count: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Per event, `count` different hashtags of its topic (HASHTAG_SLOTS columns, -1 empty)."""
    tags = np.full((len(topic), HASHTAG_SLOTS), -1, dtype=np.int16)
    for e, (k, size) in enumerate(zip(topic.tolist(), count.tolist(), strict=True)):
        distinct = _distinct(ctx, k)
        tags[e, : min(size, len(distinct))] = rng.choice(distinct, min(size, len(distinct)), replace=False)
    return tags


def _own_endings(ctx: Context, events: Events, rng: np.random.Generator) -> np.ndarray:
    """Each participant of an event a different ending of the text."""
    endings = np.unique(ctx.vocabulary.tails, return_index=True)[1].astype(np.int8)
    shuffled = rng.permuted(np.tile(endings, (len(events.topic), 1)), axis=1)
    starts = np.searchsorted(events.event, np.arange(len(events.topic)))
    rank = np.arange(len(events.event)) - starts[events.event]
    return shuffled[events.event, rank]
