"""Load an archive's tweets and users CSV files into typed, deduplicated, sorted Parquet.

The orchestration: each input file is opened (`sources`), read into raw chunks (`read`), validated and
typed (`validate`) and stored as parts, which are deduplicated, sorted and written into one cache
directory per set of inputs (`store`). Two workers validate and write chunks while the next is read.
Every input row is loaded, quarantined (file, line, column, reason, record) or dropped as a duplicate;
problems with a whole file (missing columns, not CSV text) raise InputError.
"""

from __future__ import annotations

import gc
import shutil
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from ioreport.archive.read import read_chunks, records_at
from ioreport.archive.schema import RETWEETED_SCREEN_NAME, TWEET_TIMESTAMP, TWEETS, USERS, FileSchema
from ioreport.archive.sources import sources
from ioreport.archive.store import (
    Deduplicated,
    FileCounts,
    IngestResult,
    TableParts,
    cache_key,
    concat_parts,
    deduplicate,
    derive_users,
    describe_inputs,
    is_complete,
    publish,
    read_manifest,
    remove_abandoned_work,
    work_directory,
    write_manifest,
    write_sorted,
)
from ioreport.archive.validate import QUARANTINE_SCHEMA, USERID, check_chunk
from ioreport.config.paths import CACHE_DIR
from ioreport.errors import InputError

__all__ = ["FileCounts", "IngestResult", "ingest"]

RETWEET_USERID = TWEETS.by_name["retweet_userid"].name
USER_SCREEN_NAME = TWEETS.by_name["user_screen_name"].name
NAME_KEY = "_screen_name_key"  # working column of the screen-name lookup (never written)
UNNAMED_RETWEET = pl.col(RETWEET_USERID).is_null() & pl.col(RETWEETED_SCREEN_NAME).is_not_null()
# Chunks checked at once, beside the one being read. With one, reading waited half its time for the
# checks; with two, both cores stay busy (1 M rows: 4.6-5.0 s instead of 5.8-6.1 s of reading and checking).
CHECKING_WORKERS = 2


def ingest(
    tweets: Sequence[Path],
    users: Path | None,
    cache_dir: Path = CACHE_DIR,
    progress: Callable[[str], None] | None = None,
) -> IngestResult:
    """Typed Parquet of the given archive files, reusing the cached result of identical inputs."""
    say = progress or (lambda _message: None)
    tweets = [Path(path) for path in tweets]
    if not tweets and users is None:
        raise InputError("nothing to ingest: no tweets files and no users file given")
    roles = [(path, TWEETS.kind) for path in tweets] + (
        [(Path(users), USERS.kind)] if users is not None else []
    )
    inputs = describe_inputs(roles, Path(cache_dir))
    key = cache_key(inputs)
    target = Path(cache_dir) / key
    for abandoned in remove_abandoned_work(Path(cache_dir)):
        say(f"removed {abandoned.name}, left by an ingest that was killed")
    if is_complete(target):
        say(f"reused cached ingest {key[:12]}")
        # Same content, maybe elsewhere: report the paths given now.
        return replace(read_manifest(target), inputs=inputs)
    work = work_directory(Path(cache_dir), key)
    try:
        tables = _build(tweets, Path(users) if users is not None else None, work, say)
        write_manifest(work, key, inputs, *tables)
        publish(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return replace(read_manifest(target), inputs=inputs)


def _build(
    tweets: list[Path], users: Path | None, work: Path, say: Callable[[str], None]
) -> tuple[dict[str, FileCounts], dict[str, int]]:
    """The tables in the work directory; what happened to the rows, and the id fields cleaned, per table."""
    parts_dir = work / "parts"
    parts_dir.mkdir()
    ingested_at = datetime.now(UTC)
    tables = {}
    if tweets:
        tables[TWEETS.kind] = _load_table(tweets, TWEETS, parts_dir, ingested_at, say)
    if users is not None:
        tables[USERS.kind] = _load_table([users], USERS, parts_dir, ingested_at, say)
    deduplicated = {kind: _deduplicate(table) for kind, table in tables.items()}
    counts = {}
    if tweets:
        say("deduplicating and sorting tweets")
        lookup = _screen_name_lookup(tables)
        counts[TWEETS.kind] = write_sorted(
            tables[TWEETS.kind],
            deduplicated[TWEETS.kind],
            work / "tweets.parquet",
            sort_by=[TWEET_TIMESTAMP, TWEETS.key],
            transform=lambda frame: _fill_retweet_userid(frame, lookup),
        )
    if users is not None:
        counts[USERS.kind] = write_sorted(
            tables[USERS.kind], deduplicated[USERS.kind], work / "users.parquet", sort_by=[USERID]
        )
    else:
        say("deriving accounts from the tweets")
        counts[USERS.kind] = derive_users(work / "tweets.parquet", work / "users.parquet")
    quarantine_parts = [part for table in tables.values() for part in table.quarantine_parts]
    concat_parts(quarantine_parts, QUARANTINE_SCHEMA, work / "quarantine.parquet")
    shutil.rmtree(parts_dir)
    for kind, table_counts in counts.items():
        say(
            f"{kind}: {table_counts.loaded:,} loaded, {table_counts.quarantined:,} quarantined, "
            f"{table_counts.duplicates:,} duplicates"
        )
    cleaned = {kind: table.control_characters_removed for kind, table in tables.items()}
    for kind, fields in cleaned.items():
        if fields:
            say(f"{kind}: removed control characters from {fields:,} id fields")
    return counts, cleaned


def _deduplicate(table: TableParts) -> Deduplicated:
    """Tell duplicates from conflicts; conflicting records go to the quarantine, quoted from their files."""
    deduplicated = deduplicate(table)
    conflicts = deduplicated.conflicts
    if conflicts.height:
        texts = {
            (label, line): text
            for label, starts in conflicts.group_by("file").agg("line").iter_rows()
            for line, text in records_at(table.sources[label], set(starts)).items()
        }
        records = [texts.get(place) for place in conflicts.select("file", "line").iter_rows()]
        table.add_quarantine(conflicts.with_columns(record=pl.Series(records, dtype=pl.String)))
    return deduplicated


def _load_table(
    paths: list[Path],
    schema: FileSchema,
    directory: Path,
    ingested_at: datetime,
    say: Callable[[str], None],
) -> TableParts:
    """Read every file of one table into parts; workers type and write chunks while the next is read."""
    month = pl.col(TWEET_TIMESTAMP).dt.year() * 12 + pl.col(TWEET_TIMESTAMP).dt.month()
    table = TableParts(schema, directory, bucket_of=month if schema is TWEETS else None)

    def add(chunk, before: Future | None) -> None:
        checked = check_chunk(chunk, schema, ingested_at)
        if before:
            before.result()  # parts are added in input order: the first of duplicate records is kept
        table.add(chunk.input_rows, checked)

    with _gc_paused(), ThreadPoolExecutor(max_workers=CHECKING_WORKERS) as workers:
        writing: deque[Future] = deque()
        for number, path in enumerate(paths, start=1):
            for source in sources(path, schema):
                table.sources[source.label] = source
                for chunk in read_chunks(source, schema, say):
                    if len(writing) == CHECKING_WORKERS:
                        writing.popleft().result()  # chunks in the workers, one being read: memory stays flat
                    writing.append(workers.submit(add, chunk, writing[-1] if writing else None))
                    say(
                        f"{schema.kind} part {number}/{len(paths)} ({source.label}): {chunk.rows_read:,} rows"
                    )
        for added in writing:
            added.result()
    return table


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Parsing creates millions of short-lived lists; the cycle collector only slows it down (about 2x)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _fill_retweet_userid(frame: pl.DataFrame, lookup: pl.DataFrame) -> pl.DataFrame:
    """Retweets with a blank retweet_userid (china_052020) name the account in "RT @name:" instead."""
    if not frame.select(UNNAMED_RETWEET.any()).item():
        return frame  # most files: looking names up would cost more than everything else done here
    named = (
        pl.col(RETWEETED_SCREEN_NAME)
        .str.to_lowercase()
        .replace_strict(lookup[NAME_KEY], lookup[USERID], default=None, return_dtype=pl.String)
    )
    return frame.with_columns(pl.coalesce(RETWEET_USERID, named).alias(RETWEET_USERID))


def _retweeted_names(table: TableParts) -> pl.DataFrame:
    """The lower-cased names that retweets without a retweet_userid give, once each."""
    name = pl.col(RETWEETED_SCREEN_NAME).str.to_lowercase().alias(NAME_KEY)
    return table.scan().filter(UNNAMED_RETWEET).select(name).unique().collect()


def _screen_name_lookup(tables: dict[str, TableParts]) -> pl.DataFrame:
    """Lower-cased screen name and userid, for names that belong to exactly one account in the dataset
    (its tweets and users files), and that a retweet without retweet_userid gives: the sort looks names
    up range by range, and a map of every account's name, built for each range, took 7 s at 3.5 M tweets.
    Accounts' names are gathered only when such a retweet exists (most files have none)."""
    retweeted = _retweeted_names(tables[TWEETS.kind])
    if not retweeted.height:
        return retweeted.with_columns(pl.lit(None, pl.String).alias(USERID))
    name = pl.col(USER_SCREEN_NAME).str.to_lowercase().alias(NAME_KEY)
    return (
        pl.concat(table.scan().select(name, USERID) for table in tables.values())
        .join(retweeted.lazy(), on=NAME_KEY, how="semi")  # first: a tenth of the time
        .drop_nulls()
        .unique()
        .group_by(NAME_KEY)
        .agg(pl.col(USERID).first(), pl.len().alias("_accounts"))
        .filter(pl.col("_accounts") == 1)
        .select(NAME_KEY, USERID)
        .collect()
    )
