"""Writing the two archive CSV files, with malformed and duplicate rows at fixed places.

Twitter wrote every field quoted and "\\n" line ends; texts hold newlines, so
a record can span several physical lines. The writer counts the newlines it
writes, which gives the physical line of each planted fault exactly.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from ioreport.archive import schema
from ioreport.synthetic.network import Network
from ioreport.synthetic.render import TweetRows, account_profiles
from ioreport.synthetic.timing import unique_snowflakes

TWEETS_FILE = "synthetic_tweets_csv_hashed.csv"
USERS_FILE = "synthetic_users_csv_hashed.csv"
ROWS_PER_CHUNK = 20_000  # tweets rendered to strings at a time
DUPLICATE_DISTANCE = 997  # a duplicate row repeats the tweet this many rows before it


@dataclass(frozen=True)
class Fault:
    kind: str
    column: str | None  # None for a wrong number of fields
    value: str = ""  # what the column holds instead


DUPLICATE = "duplicate_row"
TOO_FEW_FIELDS = "too_few_fields"
TOO_MANY_FIELDS = "too_many_fields"
# In file order; each row goes in after an equal share of the valid rows.
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


@dataclass(frozen=True)
class PlannedFault:
    fault: Fault
    position: int  # written after this many valid rows
    base: int  # the valid tweet the row is made from
    tweetid: int  # a fresh id, so the faulty row duplicates nothing (unused by duplicates)


class LineCountingCsv:
    """A csv writer in the archive's dialect that knows the physical line its next record starts on."""

    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle
        self._newlines = 0
        self._writer = csv.writer(self, quoting=csv.QUOTE_ALL, lineterminator="\n")

    def write(self, text: str) -> int:  # called by csv.writer, once per record
        self._newlines += text.count("\n")
        return self._handle.write(text)

    @property
    def next_line(self) -> int:
        return self._newlines + 1

    def writerow(self, row: Iterable[str]) -> None:
        self._writer.writerow(row)

    def writerows(self, rows: Iterable[Iterable[str]]) -> None:
        self._writer.writerows(rows)


def plant_malformed_rows(net: Network, rng: np.random.Generator) -> list[PlannedFault]:
    """Where the faulty rows go, and the valid tweets they are made from."""
    timeline = net.timeline
    n = len(timeline)
    positions = [(k + 1) * n // (len(TWEET_FAULTS) + 1) for k in range(len(TWEET_FAULTS))]
    bases = [
        max(0, p - 1 - DUPLICATE_DISTANCE) if f.kind == DUPLICATE else p - 1
        for f, p in zip(TWEET_FAULTS, positions, strict=True)
    ]
    fresh_ids = unique_snowflakes(timeline.utc_ms[bases], rng, taken=timeline.tweetid)
    return [
        PlannedFault(fault, position, base, int(tweetid))
        for fault, position, base, tweetid in zip(TWEET_FAULTS, positions, bases, fresh_ids, strict=True)
    ]


def write_dataset(out_dir: Path, net: Network, faults: list[PlannedFault]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    profiles = account_profiles(net)
    malformed = _write_tweets(out_dir / TWEETS_FILE, TweetRows(net, profiles), faults, len(net.timeline))
    malformed.append(_write_users(out_dir / USERS_FILE, net, profiles))
    duplicates = sum(1 for f in faults if f.fault.kind == DUPLICATE)
    net.record(
        "dataset",
        name=net.preset.dataset_name,
        synthetic=True,
        accounts=net.n_accounts,
        tweet_rows_written=len(net.timeline) + len(faults),
        user_rows_written=net.n_accounts + 1,
        quarantined_rows=len(malformed) - duplicates,
        duplicate_rows=duplicates,
        malformed=malformed,
    )


def _write_tweets(path: Path, rows: TweetRows, faults: list[PlannedFault], n_tweets: int) -> list[dict]:
    malformed = []
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = LineCountingCsv(handle)
        out.writerow(schema.TWEETS.names)
        written = 0
        for planned in faults:
            out.writerows(_chunked_rows(rows, written, planned.position))
            written = planned.position
            malformed.append(_malformed_entry(TWEETS_FILE, out.next_line, planned.fault))
            out.writerow(_faulty_tweet_row(rows, planned))
        out.writerows(_chunked_rows(rows, written, n_tweets))
    return malformed


def _chunked_rows(rows: TweetRows, start: int, stop: int) -> Iterator[tuple[str, ...]]:
    for begin in range(start, stop, ROWS_PER_CHUNK):
        yield from rows.rows(begin, min(stop, begin + ROWS_PER_CHUNK))


def _faulty_tweet_row(rows: TweetRows, planned: PlannedFault) -> list[str]:
    row = list(next(rows.rows(planned.base, planned.base + 1)))
    fault = planned.fault
    if fault.kind == DUPLICATE:
        return row
    row[schema.TWEETS.names.index("tweetid")] = str(planned.tweetid)
    if fault.kind == TOO_FEW_FIELDS:
        return row[:-1]
    if fault.kind == TOO_MANY_FIELDS:
        return [*row, ""]
    row[schema.TWEETS.names.index(fault.column)] = fault.value
    return row


def _write_users(path: Path, net: Network, profiles: dict[str, list[str]]) -> dict:
    """All accounts, and midway one extra account whose follower count is not a number."""
    names = schema.USERS.names
    rows = list(zip(*(profiles[name] for name in names), strict=True))
    extra = dict(zip(names, rows[0], strict=True))
    extra_id = net.account_hash(str(net.n_accounts))
    extra.update(userid=extra_id, user_display_name=extra_id, user_screen_name=extra_id)
    extra[USER_FAULT.column] = USER_FAULT.value
    middle = len(rows) // 2
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = LineCountingCsv(handle)
        out.writerow(names)
        out.writerows(rows[:middle])
        entry = _malformed_entry(USERS_FILE, out.next_line, USER_FAULT)
        out.writerow([extra[name] for name in names])
        out.writerows(rows[middle:])
    return entry


def _malformed_entry(file: str, line: int, fault: Fault) -> dict:
    return {"file": file, "line": line, "column": fault.column, "fault": fault.kind}
