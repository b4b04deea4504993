"""Writing the two archive CSV files, with the faulty rows at their places.

Twitter wrote every field quoted and "\\n" line ends; texts hold newlines, so a record can span several
physical lines. The writer counts the newlines it writes, which gives the physical line of each faulty row
exactly: what it reports is read off the files as written.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ioreport.archive import schema
from ioreport.synthetic.core.rows import DUPLICATE, TOO_FEW_FIELDS, TOO_MANY_FIELDS, FaultyRow
from ioreport.synthetic.render import TweetRows

TWEETS_FILE = "synthetic_tweets_csv_hashed.csv"
USERS_FILE = "synthetic_users_csv_hashed.csv"
ROWS_PER_CHUNK = 20_000  # tweets rendered to strings at a time


@dataclass(frozen=True)
class Written:
    """What the writer put where."""

    malformed: list[dict]  # file, physical line, column, fault: every faulty row, in file order
    tweet_rows: int
    user_rows: int


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


def write_dataset(
    out_dir: Path, tweets: TweetRows, tweet_faults: list[FaultyRow], user_fault: FaultyRow
) -> Written:
    out_dir.mkdir(parents=True, exist_ok=True)
    malformed = _write_tweets(out_dir / TWEETS_FILE, tweets, tweet_faults)
    malformed.append(_write_users(out_dir / USERS_FILE, tweets.profiles, user_fault))
    return Written(malformed, len(tweets) + len(tweet_faults), len(tweets.profiles["userid"]) + 1)


def _write_tweets(path: Path, tweets: TweetRows, faults: list[FaultyRow]) -> list[dict]:
    malformed = []
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = LineCountingCsv(handle)
        out.writerow(schema.TWEETS.names)
        written = 0
        for faulty in faults:
            out.writerows(_chunked(tweets, written, faulty.position))
            written = faulty.position
            malformed.append(_entry(path.name, out.next_line, faulty))
            out.writerow(_faulty_tweet(tweets, faulty))
        out.writerows(_chunked(tweets, written, len(tweets)))
    return malformed


def _chunked(tweets: TweetRows, start: int, stop: int) -> Iterator[tuple[str, ...]]:
    for begin in range(start, stop, ROWS_PER_CHUNK):
        yield from tweets.records(begin, min(stop, begin + ROWS_PER_CHUNK))


def _faulty_tweet(tweets: TweetRows, faulty: FaultyRow) -> list[str]:
    row = list(next(tweets.records(faulty.base, faulty.base + 1)))
    fault = faulty.fault
    if fault.kind == DUPLICATE:
        return row
    row[schema.TWEETS.names.index("tweetid")] = faulty.key
    if fault.kind == TOO_FEW_FIELDS:
        return row[:-1]
    if fault.kind == TOO_MANY_FIELDS:
        return [*row, ""]
    row[schema.TWEETS.names.index(fault.column)] = fault.value
    return row


def _write_users(path: Path, profiles: dict[str, list[str]], faulty: FaultyRow) -> dict:
    """All accounts, and at the fault's place one extra account whose follower count is not a number."""
    names = schema.USERS.names
    rows = list(zip(*(profiles[name] for name in names), strict=True))
    extra = dict(zip(names, rows[faulty.base], strict=True))
    extra.update(userid=faulty.key, user_display_name=faulty.key, user_screen_name=faulty.key)
    extra[faulty.fault.column] = faulty.fault.value
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = LineCountingCsv(handle)
        out.writerow(names)
        out.writerows(rows[: faulty.position])
        entry = _entry(path.name, out.next_line, faulty)
        out.writerow([extra[name] for name in names])
        out.writerows(rows[faulty.position :])
    return entry


def _entry(file: str, line: int, faulty: FaultyRow) -> dict:
    return {"file": file, "line": line, "column": faulty.fault.column, "fault": faulty.fault.kind}
