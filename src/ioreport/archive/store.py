"""Storing typed records: parts, deduplication, the sort, the cache directory and its manifest.

Validated chunks are kept as parts, split by a bucket number that grows with the sort order (the month of
a tweet). Parts stay in memory while they hold at most PARTS_HELD_BYTES; beyond that every part held is
written out as a Parquet file, and so are later ones. Deduplication needs only the key and record hash of
every row, kept from validation: records that repeat an earlier one exactly are duplicates, and every
record of a key with different records is a conflict, quarantined. The sort then takes one bucket at a
time, reading a bucket of more than BUCKET_ROWS rows once per range of the first sort column, and the
sorted buckets stream into the final Parquet file. Memory holds the parts held, one bucket and the keys,
whatever the input's size.

A result lives in a directory named by the inputs' content hash, whose manifest, written last, marks it
complete. Input hashes are cached by path, size and file times, so a warm run does not read the inputs.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polars as pl
from polars.io.plugins import register_io_source

from ioreport.archive.schema import SOURCE_FILE, SOURCE_LINE, TWEETS, USERS, FileSchema
from ioreport.archive.sources import Source
from ioreport.archive.validate import ADDED_COLUMNS, RECORD_HASH, USERID, Checked, output_schema
from ioreport.config.paths import file_sha256
from ioreport.errors import InputError

# Bump whenever a change to the loader changes what it writes: it is part of the cache key.
LOADER_VERSION = "3"

BUCKET_ROWS = 500_000  # rows sorted in memory at once (about 0.5 GB of tweets)
MANIFEST = "ingest.json"
INPUT_HASHES = "input-hashes.json"  # in the cache directory: sha256 by path, size and file times
FINAL_PARQUET = {"compression": "zstd", "compression_level": 1, "statistics": True}
BUCKET = "_bucket"  # working column of the external sort (never written)
# Parts are read back once: Parquet with zstd level 1 and no statistics is written in half the time of
# Arrow IPC with lz4 (which one thread writes) and is a third of its size.
PART_PARQUET = {"compression": "zstd", "compression_level": 1, "statistics": False}
# Parts of a release of up to about 1 M tweets (450 MiB) are never written out: writing and reading them
# back would cost a fifth of the ingest. Sorting them at once takes about four times this in memory.
PARTS_HELD_BYTES = 512 << 20
# A work directory whose owner is gone, or that nothing has written to for this long, was abandoned
# (by a killed ingest): the next ingest removes it.
ABANDONED_AFTER_SECONDS = 30 * 60
WORK_DIRECTORY = re.compile(r"^\.[0-9a-z]+-(?P<pid>\d+)-[0-9a-f]+$")
CONFLICT_LOCATIONS_SHOWN = 10
VERSIONS = "_versions"  # working column: how many different records a key has
ROWS = "_rows"  # working column: how many rows a key has


@dataclass(frozen=True)
class FileCounts:
    input_rows: int
    loaded: int
    quarantined: int
    duplicates: int

    def __post_init__(self) -> None:
        if self.input_rows != self.loaded + self.quarantined + self.duplicates:
            raise AssertionError(f"ingest counts do not add up: {self}")


@dataclass(frozen=True)
class IngestResult:
    tweets: Path | None
    users: Path
    quarantine: Path
    counts: dict[str, FileCounts]
    inputs: list[dict]
    users_derived_from_tweets: bool
    cache_key: str
    control_characters_removed: dict[str, int] = field(default_factory=dict)  # id fields cleaned, per table

    def scan_tweets(self) -> pl.LazyFrame | None:
        return pl.scan_parquet(self.tweets) if self.tweets else None

    def scan_users(self) -> pl.LazyFrame:
        return pl.scan_parquet(self.users)

    def scan_quarantine(self) -> pl.LazyFrame:
        return pl.scan_parquet(self.quarantine)

    def to_json(self, path: Path) -> None:
        """A pointer to this cached result, so a run's notebooks open it without hashing inputs again."""
        path.write_text(json.dumps({"cache_directory": str(self.users.parent)}) + "\n")

    @classmethod
    def from_json(cls, path: Path) -> IngestResult:
        return read_manifest(Path(json.loads(path.read_text())["cache_directory"]))


# --- Inputs and the cache -------------------------------------------------------------------------------


def describe_inputs(paths: list[tuple[Path, str]], cache_dir: Path) -> list[dict]:
    """Each input's path, table, sha256 and size; hashes are reused while a file's size and times stay."""
    known = _read_json(cache_dir / INPUT_HASHES)
    inputs = []
    for path, table in paths:
        try:
            status = path.stat()
            stamp = [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]
            entry = known.get(str(path.resolve()))
            sha256 = entry["sha256"] if entry and entry["stamp"] == stamp else file_sha256(path)
        except OSError as err:
            raise InputError(f"{path}: cannot read {table} file ({err.strerror or err})") from None
        known[str(path.resolve())] = {"stamp": stamp, "sha256": sha256}
        inputs.append({"path": str(path), "table": table, "sha256": sha256, "bytes": status.st_size})
    _write_json(cache_dir / INPUT_HASHES, known)
    return inputs


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}  # none yet, or a write cut short: hashing again is always right


def _write_json(path: Path, content: dict) -> None:
    """Written aside and renamed into place, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}-{os.getpid()}-{uuid.uuid4().hex}")
    aside.write_text(json.dumps(content, indent=1, sort_keys=True))
    aside.replace(path)


def cache_key(inputs: list[dict]) -> str:
    """Changes with any input's content, role or file name (it is written to source_file), or the loader."""
    digest = hashlib.sha256(f"loader {LOADER_VERSION}\n".encode())
    for schema in (TWEETS, USERS):
        digest.update(repr((schema.kind, schema.key, schema.columns, ADDED_COLUMNS[schema.kind])).encode())
    for item in inputs:
        digest.update(f"\n{item['table']} {item['sha256']} {Path(item['path']).name}".encode())
    return digest.hexdigest()


def is_complete(directory: Path) -> bool:
    return (directory / MANIFEST).exists()


def write_manifest(
    work: Path, key: str, inputs: list[dict], counts: dict[str, FileCounts], cleaned: dict[str, int]
) -> None:
    """Written last: its presence marks a complete result."""
    manifest = {
        "control_characters_removed": cleaned,
        "loader_version": LOADER_VERSION,
        "cache_key": key,
        "inputs": inputs,
        "tweets": "tweets.parquet" if TWEETS.kind in counts else None,
        "users_derived_from_tweets": not any(item["table"] == USERS.kind for item in inputs),
        "counts": {table: asdict(table_counts) for table, table_counts in counts.items()},
    }
    (work / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))


def read_manifest(directory: Path) -> IngestResult:
    manifest = json.loads((directory / MANIFEST).read_text())
    return IngestResult(
        tweets=directory / manifest["tweets"] if manifest["tweets"] else None,
        users=directory / "users.parquet",
        quarantine=directory / "quarantine.parquet",
        counts={table: FileCounts(**counts) for table, counts in manifest["counts"].items()},
        inputs=manifest["inputs"],
        users_derived_from_tweets=manifest["users_derived_from_tweets"],
        cache_key=manifest["cache_key"],
        control_characters_removed=manifest["control_characters_removed"],
    )


def work_directory(cache_dir: Path, key: str) -> Path:
    """A private directory beside the target (the final rename stays on one file system), named by owner."""
    work = cache_dir / f".{key[:12]}-{os.getpid()}-{uuid.uuid4().hex}"
    work.mkdir(parents=True)  # mkdir keeps the umask
    return work


def remove_abandoned_work(cache_dir: Path) -> list[Path]:
    """Remove the work directories of ingests that were killed (a SIGKILL runs no clean-up)."""
    removed = []
    for entry in cache_dir.iterdir() if cache_dir.is_dir() else ():
        found = WORK_DIRECTORY.match(entry.name)
        if (
            found
            and entry.is_dir()
            and (not _alive(int(found["pid"])) or _idle_seconds(entry) > ABANDONED_AFTER_SECONDS)
        ):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _idle_seconds(work: Path) -> float:
    """Time since anything was written in the work directory or its parts (a process id can be reused)."""
    touched = [work, *work.iterdir()]
    touched += [
        entry
        for directory in touched
        if directory.is_dir() and directory != work
        for entry in directory.iterdir()
    ]
    return time.time() - max(entry.stat().st_mtime for entry in touched)


def publish(work: Path, target: Path) -> None:
    """Move the finished result into place in one rename, so the cache never holds half a result."""
    if target.exists() and not is_complete(target):
        shutil.rmtree(target)  # left by something other than this loader: not trustworthy
    try:
        work.rename(target)
    except OSError:
        if not is_complete(target):
            raise  # not a concurrent ingest of the same inputs finishing first


# --- Parts and the sorted tables ------------------------------------------------------------------------


@dataclass
class Part:
    """Validated rows of one chunk: in memory, or one bucket's of them written out as a Parquet file."""

    bucket: int | None  # every row of a bucket sorts before those of later buckets; None: not split yet
    height: int
    rows: pl.DataFrame | None
    path: Path | None = None

    def scan(self) -> pl.LazyFrame:
        return self.rows.lazy() if self.rows is not None else pl.scan_parquet(self.path)

    def release(self) -> None:
        """Read for the last time: its memory or disk space is given back."""
        if self.path is not None:
            self.path.unlink()
        self.rows = None


@dataclass
class TableParts:
    """One table's validated records as parts, and what was counted while reading them."""

    schema: FileSchema
    directory: Path
    # A bucket number per row that grows with the sort order (the month of a tweet): parts are split by it
    # when they are written out, so that the sort handles one bucket at a time. None: one bucket.
    bucket_of: pl.Expr | None = None
    parts: list[Part] = field(default_factory=list)
    # Key and record hash of every valid row, kept from validation: deduplication reads no part.
    keys: list[pl.DataFrame] = field(default_factory=list)
    quarantine_parts: list[Path] = field(default_factory=list)
    input_rows: int = 0
    quarantined: int = 0
    control_characters_removed: int = 0
    sources: dict[str, Source] = field(default_factory=dict)  # by label, in input order, to quote records
    _files: int = 0
    _held_bytes: int = 0  # of the parts in memory

    def add(self, input_rows: int, checked: Checked) -> None:
        valid, quarantine = checked.valid, checked.quarantine
        self.input_rows += input_rows
        self.quarantined += quarantine.height
        self.control_characters_removed += checked.control_characters_removed
        self.keys.append(valid.select(self.schema.key, RECORD_HASH))
        if valid.height:
            self.parts.append(Part(None, valid.height, valid.drop(RECORD_HASH)))
            self._held_bytes += self.parts[-1].rows.estimated_size()
        if self._held_bytes > PARTS_HELD_BYTES:
            self.parts = [
                Part(bucket, rows.height, None, self._write_part(rows)) for bucket, rows in self._split()
            ]
            self._held_bytes = 0
        if quarantine.height:
            self.add_quarantine(quarantine, counted=True)

    @property
    def written_out(self) -> bool:
        """Whether parts went to disk: then the sort takes one bucket at a time."""
        return any(part.path is not None for part in self.parts)

    def buckets(self) -> list[list[Part]]:
        """The parts, split by bucket, in bucket order; all in one when none was written out."""
        if not self.written_out:
            return [self.parts] if self.parts else []
        by_bucket: dict[int, list[Part]] = {}
        for bucket, rows in self._split():
            part = rows if isinstance(rows, Part) else Part(bucket, rows.height, rows)
            by_bucket.setdefault(bucket, []).append(part)
        self.parts = [part for bucket in sorted(by_bucket) for part in by_bucket[bucket]]
        return [by_bucket[bucket] for bucket in sorted(by_bucket)]

    def _split(self) -> Iterator[tuple[int, pl.DataFrame | Part]]:
        """Each part's rows by bucket; parts already split as they are. A held part lets go of its rows
        as they are split (the callers replace the parts), so that memory holds them once."""
        for part in self.parts:
            if part.bucket is not None:
                yield part.bucket, part
                continue
            rows, part.rows = part.rows, None
            if self.bucket_of is None:
                yield 0, rows
                continue
            numbers = rows.select(self.bucket_of).to_series()
            if numbers.min() == numbers.max():  # a chunk of one month (time-ordered files): no copy
                yield numbers[0], rows
                continue
            split = rows.with_columns(numbers.alias(BUCKET)).partition_by(
                BUCKET, as_dict=True, include_key=False
            )
            del rows
            yield from sorted((bucket, rows) for (bucket,), rows in split.items())

    def _write_part(self, rows: pl.DataFrame | Part) -> Path:
        if isinstance(rows, Part):
            return rows.path
        path = self.new_path("part")
        rows.write_parquet(path, **PART_PARQUET)
        return path

    def new_path(self, role: str) -> Path:
        self._files += 1
        return self.directory / f"{self.schema.kind}-{role}-{self._files:06d}.parquet"

    def add_quarantine(self, quarantine: pl.DataFrame, counted: bool = False) -> None:
        """Quarantine rows; those found once the whole table was read (conflicts) are counted here."""
        if not counted:
            self.quarantined += quarantine.height
        self.quarantine_parts.append(self.new_path("quarantine"))
        quarantine.write_parquet(self.quarantine_parts[-1], **PART_PARQUET)

    def scan(self) -> pl.LazyFrame:
        return scan_parts(self.parts, output_schema(self.schema))


def scan_parts(parts: list[Part], schema: dict[str, pl.DataType]) -> pl.LazyFrame:
    return pl.concat([pl.LazyFrame(schema=schema), *(part.scan() for part in parts)])


@dataclass(frozen=True)
class Deduplicated:
    """What deduplication decided about a table's keys."""

    conflicting: pl.Series  # keys with different records: none of their rows is loaded
    duplicates: int  # rows repeating an earlier record exactly
    conflicts: pl.DataFrame  # quarantine rows (without record text) for every record of a conflicting key

    def keep(self, key: str) -> pl.Expr:
        """The rows to load, among rows in input order: the first record of each key without conflict."""
        return pl.col(key).is_first_distinct() & ~pl.col(key).is_in(self.conflicting.implode())


def deduplicate(table: TableParts) -> Deduplicated:
    """Only records whose every field reads the same are duplicates; a key with different records is a
    conflict, and all its records go to the quarantine."""
    key = table.schema.key
    empty = pl.DataFrame(schema={key: output_schema(table.schema)[key], RECORD_HASH: pl.UInt64()})
    versions = (
        pl.concat([empty, *table.keys])
        .group_by(key)
        .agg(pl.col(RECORD_HASH).n_unique().alias(VERSIONS), pl.len().alias(ROWS))
    )
    table.keys.clear()
    conflicting = versions.filter(pl.col(VERSIONS) > 1)
    duplicates = versions.filter(pl.col(VERSIONS) == 1).select(pl.col(ROWS).sum() - pl.len()).item()
    # Every version of a conflict, in input order: sources in the order they were read, then lines.
    found = table.scan() if conflicting.height else pl.LazyFrame(schema=output_schema(table.schema))
    conflicts = (
        found.select(SOURCE_FILE, SOURCE_LINE, key)
        .filter(pl.col(key).is_in(conflicting[key].implode()))
        .collect()
        .join(conflicting.select(key, VERSIONS), on=key)
        .sort(pl.col(SOURCE_FILE).cast(pl.Enum(list(table.sources))), SOURCE_LINE)
    )
    return Deduplicated(conflicting[key], duplicates, _conflict_reasons(conflicts, key))


def _conflict_reasons(conflicts: pl.DataFrame, key: str) -> pl.DataFrame:
    reasons = {}
    for (value,), rows in conflicts.group_by(key, maintain_order=True):
        files = rows.group_by(SOURCE_FILE, maintain_order=True).agg(pl.col(SOURCE_LINE))
        places = []
        for file, lines in files.iter_rows():
            shown = ", ".join(str(line) for line in lines[:CONFLICT_LOCATIONS_SHOWN])
            more = "…" if len(lines) > CONFLICT_LOCATIONS_SHOWN else ""
            places.append(f"{file} line{'s' if len(lines) > 1 else ''} {shown}{more}")
        reasons[value] = (
            f"conflicting {key} {value}: {rows[VERSIONS][0]} different records ({', '.join(places)})"
        )
    return conflicts.select(
        pl.col(SOURCE_FILE).alias("file"),
        pl.col(SOURCE_LINE).alias("line"),
        pl.lit(key, pl.String).alias("column"),
        pl.col(key).replace_strict(reasons, default=None, return_dtype=pl.String).alias("reason"),
    )


def write_sorted(
    table: TableParts,
    deduplicated: Deduplicated,
    target: Path,
    sort_by: list[str],
    transform: Callable[[pl.DataFrame], pl.DataFrame] = lambda frame: frame,
) -> FileCounts:
    """Write the rows to keep, transformed and sorted, bucket by bucket; count what happened to the others."""
    keep = deduplicated.keep(table.schema.key)
    schema = output_schema(table.schema)

    def sorted_batches(
        columns: list[str] | None, predicate: pl.Expr | None, *_hints
    ) -> Iterator[pl.DataFrame]:
        # Parts all held in memory are sorted at once: they are within PARTS_HELD_BYTES.
        by_ranges = table.written_out
        for parts in table.buckets():
            ranges = _bucket_ranges(parts, sort_by[0], schema) if by_ranges else [scan_parts(parts, schema)]
            for rows in ranges:
                frame = transform(rows.filter(keep).collect().sort(sort_by))
                frame = frame.filter(predicate) if predicate is not None else frame
                yield frame.select(columns) if columns is not None else frame
            for part in parts:
                part.release()

    # One pass into the final file: the sorted buckets stream into the Parquet writer as they are made.
    register_io_source(sorted_batches, schema=schema).sink_parquet(target, **FINAL_PARQUET)
    return FileCounts(
        input_rows=table.input_rows,
        loaded=row_count(target),
        quarantined=table.quarantined,
        duplicates=deduplicated.duplicates,
    )


def _bucket_ranges(parts: list[Part], column: str, schema: dict[str, pl.DataType]) -> Iterator[pl.LazyFrame]:
    """A bucket's rows in input order, in ranges of the column's values that hold about BUCKET_ROWS rows.

    A bucket of at most BUCKET_ROWS rows is one range; a larger one is read once per range, each read
    keeping only its range's rows (identical records, having one value, fall in one range).
    """
    rows = scan_parts(parts, schema)
    if sum(part.height for part in parts) <= BUCKET_ROWS:
        yield rows
        return
    values = rows.select(column).collect().to_series().sort()
    boundaries = values.gather_every(BUCKET_ROWS, offset=BUCKET_ROWS).unique(maintain_order=True).to_list()
    value = pl.col(column)
    for lower, upper in zip([None, *boundaries], [*boundaries, None], strict=True):
        above = value >= lower if lower is not None else pl.lit(True)
        yield rows.filter(above & (value < upper) if upper is not None else above)


def derive_users(tweets_path: Path, target: Path) -> FileCounts:
    """One row per account, profile fields from its latest tweet (the tweets file is sorted by time)."""
    (
        pl.scan_parquet(tweets_path)
        .select(list(output_schema(USERS)))
        .group_by(USERID)
        .agg(pl.all().last())
        .sort(USERID)
        .sink_parquet(target, **FINAL_PARQUET)
    )
    loaded = row_count(target)
    return FileCounts(input_rows=loaded, loaded=loaded, quarantined=0, duplicates=0)


def concat_parts(parts: list[Path], schema: dict[str, pl.DataType], target: Path) -> None:
    """Parts (Parquet files) streamed into one Parquet file."""
    frame = pl.scan_parquet(parts) if parts else pl.LazyFrame(schema=schema)
    frame.sink_parquet(target, **FINAL_PARQUET)


def row_count(path: Path) -> int:
    return pl.scan_parquet(path).select(pl.len()).collect().item()
