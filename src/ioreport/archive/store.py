"""Storing typed records: Parquet parts, deduplication, the external sort, and the cache directory.

Validated chunks are written as Parquet parts; the parts are then deduplicated and sorted (in buckets by
ranges of the first sort column, when they do not fit in memory) into one file per table. A result lives in
a directory named by the inputs' content hash, whose manifest, written last, marks it complete.
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

from ioreport.archive.schema import SOURCE_FILE, SOURCE_LINE, TWEETS, USERS, FileSchema
from ioreport.archive.sources import Source
from ioreport.archive.validate import ADDED_COLUMNS, RECORD_HASH, USERID, Checked, output_schema
from ioreport.errors import InputError

# Bump whenever a change to the loader changes what it writes: it is part of the cache key.
LOADER_VERSION = "3"

BUCKET_ROWS = 500_000  # rows sorted in memory at once (about 0.5 GB of tweets)
HASH_BLOCK_BYTES = 1 << 20
MANIFEST = "ingest.json"
FINAL_PARQUET = {"compression": "zstd", "statistics": True}
BUCKET = "_bucket"  # working column of the external sort (never written)
# A work directory whose owner is gone, or that nothing has written to for this long, was abandoned
# (by a killed ingest): the next ingest removes it.
ABANDONED_AFTER_SECONDS = 30 * 60
WORK_DIRECTORY = re.compile(r"^\.[0-9a-z]+-(?P<pid>\d+)-[0-9a-f]+$")
CONFLICT_LOCATIONS_SHOWN = 10
VERSIONS = "_versions"  # working column: how many different records a key has


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


def describe_input(path: Path, table: str) -> dict:
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as handle:
            while block := handle.read(HASH_BLOCK_BYTES):
                digest.update(block)
                size += len(block)
    except OSError as err:
        raise InputError(f"{path}: cannot read {table} file ({err.strerror or err})") from None
    return {"path": str(path), "table": table, "sha256": digest.hexdigest(), "bytes": size}


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
class TableParts:
    """One table's validated records as Parquet parts, and what was counted while reading them."""

    schema: FileSchema
    directory: Path
    parts: list[Path] = field(default_factory=list)
    heights: list[int] = field(default_factory=list)
    quarantine_parts: list[Path] = field(default_factory=list)
    input_rows: int = 0
    quarantined: int = 0
    control_characters_removed: int = 0
    sources: dict[str, Source] = field(default_factory=dict)  # by label, to quote records found later

    def add(self, input_rows: int, checked: Checked) -> None:
        valid, quarantine = checked.valid, checked.quarantine
        self.input_rows += input_rows
        self.quarantined += quarantine.height
        self.control_characters_removed += checked.control_characters_removed
        if valid.height:
            self.parts.append(self.part_path("part", len(self.parts)))
            self.heights.append(valid.height)
            _write_part(valid, self.parts[-1])
        if quarantine.height:
            self.quarantine_parts.append(self.part_path("quarantine", len(self.quarantine_parts)))
            _write_part(quarantine, self.quarantine_parts[-1])

    def part_path(self, role: str, index: int) -> Path:
        return self.directory / f"{self.schema.kind}-{role}-{index:06d}.parquet"

    def add_quarantine(self, quarantine: pl.DataFrame) -> None:
        """Quarantine rows found once the whole table was read (conflicts)."""
        self.quarantined += quarantine.height
        self.quarantine_parts.append(self.part_path("quarantine", len(self.quarantine_parts)))
        _write_part(quarantine, self.quarantine_parts[-1])

    def scan(self) -> pl.LazyFrame:
        if not self.parts:
            return pl.LazyFrame(schema={**output_schema(self.schema), RECORD_HASH: pl.UInt64()})
        return pl.scan_parquet(self.parts)


def _write_part(frame: pl.DataFrame, path: Path) -> None:
    # Parts are temporary and read back whole: lz4 writes faster than zstd, and statistics would go unused.
    frame.write_parquet(path, compression="lz4", statistics=False)


@dataclass(frozen=True)
class Deduplicated:
    """What deduplication decided for each row of a table's parts (in part order)."""

    keep: pl.Series  # the first record of each key without conflict
    duplicates: int  # rows repeating an earlier record exactly
    conflicts: pl.DataFrame  # quarantine rows (without record text) for every record of a conflicting key


def deduplicate(table: TableParts) -> Deduplicated:
    """Only records whose every field reads the same are duplicates; a key with different records is a
    conflict, and all its records go to the quarantine."""
    key = table.schema.key
    keys = table.scan().select(key, RECORD_HASH).collect()
    versions = keys.select(pl.col(RECORD_HASH).n_unique().over(key)).to_series()
    conflicting = versions > 1
    keep = keys.select(pl.col(key).is_first_distinct()).to_series() & ~conflicting
    found = [
        pl.read_parquet(part, columns=[SOURCE_FILE, SOURCE_LINE, key]).filter(rows)
        for part, rows in _slices(table, conflicting)
        if rows.any()
    ]
    empty = pl.DataFrame(schema={SOURCE_FILE: pl.String(), SOURCE_LINE: pl.Int64(), key: keys[key].dtype})
    conflicts = pl.concat([empty, *found]).with_columns(versions.filter(conflicting).alias(VERSIONS))
    return Deduplicated(keep, int((~keep & ~conflicting).sum()), _conflict_reasons(conflicts, key))


def _slices(table: TableParts, mask: pl.Series) -> Iterator[tuple[Path, pl.Series]]:
    """Each part and its slice of a mask over all the table's rows in part order."""
    offset = 0
    for part, height in zip(table.parts, table.heights, strict=True):
        yield part, mask.slice(offset, height)
        offset += height


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
    """Write the rows to keep, transformed and sorted; count what happened to the others."""
    frames = (
        (index, transform(pl.read_parquet(part).filter(rows).drop(RECORD_HASH)))
        for index, (part, rows) in enumerate(_slices(table, deduplicated.keep))
    )
    boundaries = _bucket_boundaries(table.scan(), sort_by[0])
    if boundaries.is_empty():
        _sort_in_memory(table, frames, sort_by, target)
    else:
        _external_sort(table, frames, boundaries, sort_by, target)
    return FileCounts(
        input_rows=table.input_rows,
        loaded=row_count(target),
        quarantined=table.quarantined,
        duplicates=deduplicated.duplicates,
    )


def _sort_in_memory(
    table: TableParts, frames: Iterator[tuple[int, pl.DataFrame]], sort_by: list[str], target: Path
) -> None:
    """Sort a table that fits in one bucket."""
    empty = pl.DataFrame(schema=output_schema(table.schema))
    pl.concat([empty, *(frame for _, frame in frames)]).sort(sort_by).write_parquet(target, **FINAL_PARQUET)


def _external_sort(
    table: TableParts,
    frames: Iterator[tuple[int, pl.DataFrame]],
    boundaries: pl.Series,
    sort_by: list[str],
    target: Path,
) -> None:
    """Sort more rows than fit in memory, in buckets by ranges of the first sort column.

    Every part is split into the buckets, each bucket is sorted on its own, and the sorted buckets are
    concatenated in order.
    """
    buckets: dict[int, list[Path]] = {}
    for index, frame in frames:
        bucket_of_row = boundaries.search_sorted(frame[sort_by[0]], side="right").alias(BUCKET)
        split = frame.with_columns(bucket_of_row).partition_by(BUCKET, as_dict=True, include_key=False)
        for (bucket,), rows in split.items():
            buckets.setdefault(bucket, []).append(table.part_path(f"bucket{bucket:05d}", index))
            _write_part(rows, buckets[bucket][-1])
    sorted_buckets = []
    for bucket in sorted(buckets):
        sorted_buckets.append(table.part_path("sorted", bucket))
        _write_part(pl.read_parquet(buckets[bucket]).sort(sort_by), sorted_buckets[-1])
    concat_parquet(sorted_buckets, output_schema(table.schema), target)


def _bucket_boundaries(frame: pl.LazyFrame, column: str) -> pl.Series:
    """Values of the column that start a new bucket: every BUCKET_ROWS-th value in sorted order.

    Empty when all rows fit in one bucket.
    """
    values = frame.select(column).collect().to_series().sort()
    return values.gather_every(BUCKET_ROWS, offset=BUCKET_ROWS).unique(maintain_order=True)


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


def concat_parquet(parts: list[Path], schema: dict[str, pl.DataType], target: Path) -> None:
    frame = pl.scan_parquet(parts) if parts else pl.LazyFrame(schema=schema)
    frame.sink_parquet(target, **FINAL_PARQUET)


def row_count(path: Path) -> int:
    return pl.scan_parquet(path).select(pl.len()).collect().item()
