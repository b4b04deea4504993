"""The rows a dataset is made of: the accounts table, and tweets in blocks, one block per planting step.

Every column is a numpy array. Text is kept as indices into the `Vocabulary` and spelled out only when
written. Beside the columns the archive has, each tweet carries planted labels (`LABEL_COLUMNS`: which
step made it and for what, its topic, its group and event) that are never written: truth.json is computed
from the rows and these labels, after every step has run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np

from ioreport.synthetic.core.preset import HASHING_FOLLOWER_LIMIT

HASHTAG_SLOTS = 3
DORMANCY_DAYS = 180  # a silence this long between two tweets is dormancy (ASPI's sense, the truth's)
JOINERS = ("", " ", "\n")  # between a tweet's two sentences, by the `joiner` column
NEWLINE = JOINERS.index("\n")


class Kind(IntEnum):
    ORIGINAL = 0
    RETWEET = 1
    REPLY = 2
    QUOTE = 3


class Origin(IntEnum):
    """Which step planted a tweet, and as what."""

    ROUTINE = 0
    FORMER_LIFE = 1  # a repurposed account's tweets before its new owners
    OWNER_TEST = 2  # the new owners' "test new owner" and the like
    DECOY = 3  # tweets that make a decoy account look like a repurposed one
    COORDINATED = 4
    INCIDENTAL = 5  # one-off co-activity of unrelated accounts
    SPREAD = 6  # a decoy group's tweets, hours apart
    VIRAL_SOURCE = 7
    VIRAL_RETWEET = 8
    STOCK_PHRASE = 9
    TRENDING = 10
    GEOTAGGED = 11
    POLL = 12
    HOSTILE = 13


class Role(IntEnum):
    """What an account was cast as, beyond its cohort."""

    ORDINARY = 0
    REPURPOSED = 1
    TEST_IN_SENTENCE = 2  # decoys that mention a test in a sentence
    SHORT_BREAK = 3  # decoys back after a break short of dormancy
    BILINGUAL = 4  # decoys that mix two languages throughout


DECOY_ROLES = {
    "test_in_sentence": Role.TEST_IN_SENTENCE,
    "short_break": Role.SHORT_BREAK,
    "bilingual": Role.BILINGUAL,
}


@dataclass
class Accounts:
    """One row per archive account, in users-file order; and the accounts outside the archive."""

    userid: list[str]
    display_name: list[str]
    screen_name: list[str]
    location: list[str]
    description: list[str]
    profile_url: list[str]
    account_language: list[str]
    followers: np.ndarray
    following: np.ndarray
    created: np.ndarray  # datetime64[D]
    cohort: np.ndarray  # index into the preset's cohorts
    batch: np.ndarray  # index into its cohort's batches, -1 outside them
    zone: np.ndarray  # index into the calendar's zones
    script: np.ndarray  # main script (index into the preset's scripts)
    script_2: np.ndarray
    script_mix: np.ndarray  # share of the tweets in `script_2`
    client: np.ndarray  # main app (index into the vocabulary's clients)
    client_2: np.ndarray
    client_mix: np.ndarray
    activity: np.ndarray  # relative tweeting rate
    first_tweet_day: np.ndarray  # calendar index of the first day of everyday tweeting
    role: np.ndarray
    takeover_day: np.ndarray  # calendar index when new owners took a repurposed account over, -1 for others
    hostile_name: int  # the account whose display name carries hostile markup
    outside_userid: list[str]  # accounts outside the archive, all hashed (so userid = screen name)

    def __len__(self) -> int:
        return len(self.followers)

    @property
    def hashed(self) -> np.ndarray:
        return self.followers < HASHING_FOLLOWER_LIMIT


# name -> (dtype, value of a row that does not set it). Text columns index the vocabulary.
WRITTEN_COLUMNS: dict[str, tuple[type, int | float]] = {
    "tweetid": (np.int64, 0),
    "account": (np.int32, -1),
    "kind": (np.int8, Kind.ORIGINAL),
    "target_account": (np.int32, -1),  # an archive account, or len(accounts) + an outside one; -1 none
    "target_tweetid": (np.int64, 0),
    "blank_retweet_userid": (np.bool_, False),
    "sentence_1": (np.int32, -1),
    "sentence_2": (np.int32, -1),
    "joiner": (np.int8, 1),  # index into JOINERS
    "tail": (np.int8, -1),  # index into the vocabulary's tails, -1 none
    "url": (np.int64, 0),  # link code, 0 none
    "url_domain": (np.int8, 0),
    "mention": (np.int32, -1),  # an archive account mentioned
    "language": (np.int8, 0),
    "client": (np.int16, 0),
    "list_style": (np.int8, 0),
    "pandas_boolean": (np.bool_, False),
    "latitude": (np.float32, np.nan),
    "longitude": (np.float32, np.nan),
    "poll": (np.bool_, False),
}
LABEL_COLUMNS: dict[str, tuple[type, int | float]] = {
    "origin": (np.int8, Origin.ROUTINE),
    "topic": (np.int8, -1),  # index into the preset's topics
    "lockstep": (np.int8, -1),  # index into LOCKSTEP_KINDS, for coordinated, incidental and spread tweets
    "group": (np.int32, -1),  # a planted group (coordinated, spread decoy, coincidence)
    "event": (np.int32, -1),  # a planted moment (a coordinated event, a viral burst, a trending event)
}
COLUMNS = {**WRITTEN_COLUMNS, **LABEL_COLUMNS}
# What a retweet repeats of the tweet it passes on.
REPEATED_COLUMNS = (
    "sentence_1",
    "sentence_2",
    "joiner",
    "tail",
    "url",
    "url_domain",
    "mention",
    "language",
    "topic",
)


@dataclass
class TweetBlock:
    """Tweets as columns; `hashtags` is (rows, HASHTAG_SLOTS) indices into the vocabulary, -1 empty."""

    columns: dict[str, np.ndarray]
    hashtags: np.ndarray

    @classmethod
    def new(cls, n: int, hashtags: np.ndarray | None = None, **values: np.ndarray | int) -> TweetBlock:
        """`n` rows: the given columns (arrays or one value for all), defaults for the rest."""
        if unknown := set(values) - set(COLUMNS):
            raise ValueError(f"unknown tweet columns {sorted(unknown)}")
        columns = {}
        for name, (dtype, default) in COLUMNS.items():
            value = values.get(name, default)
            # The step's own arrays become the block's (no copy); single values fill a column.
            columns[name] = (
                np.full(n, value, dtype=dtype) if np.ndim(value) == 0 else np.asarray(value, dtype=dtype)
            )
            if len(columns[name]) != n:
                raise ValueError(f"column {name!r} has {len(columns[name])} rows, not {n}")
        if hashtags is None:
            hashtags = np.full((n, HASHTAG_SLOTS), -1, dtype=np.int16)
        return cls(columns, np.asarray(hashtags, dtype=np.int16))

    @classmethod
    def empty(cls) -> TweetBlock:
        return cls.new(0)

    @classmethod
    def concat(cls, blocks: list[TweetBlock]) -> TweetBlock:
        return cls(
            {name: np.concatenate([b.columns[name] for b in blocks]) for name in COLUMNS},
            np.concatenate([b.hashtags for b in blocks]),
        )

    def __len__(self) -> int:
        return len(self.hashtags)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]


@dataclass
class Tweets:
    """The blocks the steps added so far: a step reads them and never changes them; once all steps have run,
    `assemble` puts their rows in file order."""

    blocks: list[TweetBlock] = field(default_factory=list)

    def __len__(self) -> int:
        return sum(len(b) for b in self.blocks)

    def column(self, name: str) -> np.ndarray:
        dtype = COLUMNS[name][0]
        return np.concatenate([np.zeros(0, dtype=dtype), *(b[name] for b in self.blocks)])

    def next_label(self, name: str) -> int:
        """The first unused group or event number."""
        return int(self.column(name).max(initial=-1)) + 1

    def assemble(self) -> TweetBlock:
        """All rows in tweet id (that is, time) order, the order of the file. Consumes the blocks, a
        column at a time, so that the rows are held about once rather than twice."""
        order = np.argsort(self.column("tweetid"), kind="stable")
        columns = {}
        for name in COLUMNS:
            columns[name] = self.column(name)[order]
            for block in self.blocks:
                del block.columns[name]
        hashtags = np.concatenate(
            [np.zeros((0, HASHTAG_SLOTS), np.int16), *(b.hashtags for b in self.blocks)]
        )
        self.blocks = []
        return TweetBlock(columns, hashtags[order])


@dataclass(frozen=True)
class Engagement:
    """The counts each final row received, aligned with it."""

    like: np.ndarray
    retweet: np.ndarray
    reply: np.ndarray
    quote: np.ndarray
    blank: np.ndarray  # all four written blank

    @classmethod
    def of(cls, **counts: np.ndarray) -> Engagement:
        """The counts as 32-bit integers (a few bytes a row at tens of millions of rows)."""
        blank = counts.pop("blank")
        return cls(**{name: values.astype(np.int32) for name, values in counts.items()}, blank=blank)

    def counts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return self.like, self.retweet, self.reply, self.quote


@dataclass(frozen=True)
class Fault:
    kind: str
    column: str | None  # None for a wrong number of fields
    value: str = ""  # what the column holds instead


DUPLICATE = "duplicate_row"
TOO_FEW_FIELDS = "too_few_fields"
TOO_MANY_FIELDS = "too_many_fields"


@dataclass(frozen=True)
class FaultyRow:
    """A row written among the valid ones that a loader must quarantine or drop."""

    fault: Fault
    position: int  # written after this many valid rows
    base: int  # the valid row (tweet or account) it is made from
    key: str  # its own tweetid or userid, so it repeats nothing (a duplicate keeps its base's)
