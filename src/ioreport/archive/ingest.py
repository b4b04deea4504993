"""Load an archive's tweets and users CSV files into typed, deduplicated Parquet.

Records are read with the csv module (it handles quoted newlines and tells the physical line of each record)
in chunks, validated and cast with polars per schema kind, and written as Parquet parts; the parts are then
deduplicated and sorted (an external sort) into one file per table. Memory does not grow with the input
beyond the set of keys that finds duplicates. Records that fail validation go to a quarantine table instead
of stopping the load; problems with a whole file (missing columns, not CSV text) raise InputError. Results
are cached by the inputs' content hash.
"""

from __future__ import annotations

import csv
import gc
import gzip
import hashlib
import io
import json
import shutil
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TextIO

import polars as pl

from ioreport.archive.schema import (
    FIRST_SNOWFLAKE_ID,
    IS_HASHED,
    RETWEETED_SCREEN_NAME,
    SNOWFLAKE_EPOCH_MS,
    SNOWFLAKE_SHIFT,
    SOURCE_FILE,
    SOURCE_LINE,
    TWEET_TIMESTAMP,
    TWEETS,
    USERS,
    Column,
    FileSchema,
    Kind,
)
from ioreport.config.paths import CACHE_DIR
from ioreport.errors import InputError

# Bump whenever a change to this module changes what it writes: it is part of the cache key.
LOADER_VERSION = "1"

CHUNK_ROWS = 100_000
BUCKET_ROWS = 500_000  # rows sorted in memory at once (about 0.5 GB of tweets)
HASH_BLOCK_BYTES = 1 << 20
RECORD_TEXT_LIMIT = 2000
VALUE_TEXT_LIMIT = 80
MANIFEST = "ingest.json"
FINAL_PARQUET = {"compression": "zstd", "statistics": True}
ENCODING = "utf-8-sig"  # UTF-8, dropping a byte-order mark when there is one

# The tweets columns the derived fields are computed from; looked up so that a schema rename fails here.
USERID = USERS.key
TWEET_TIME = TWEETS.by_name["tweet_time"].name
TWEET_TEXT = TWEETS.by_name["tweet_text"].name
IS_RETWEET = TWEETS.by_name["is_retweet"].name
RETWEET_USERID = TWEETS.by_name["retweet_userid"].name
USER_SCREEN_NAME = TWEETS.by_name["user_screen_name"].name

ADDED_COLUMNS = {
    TWEETS.kind: (SOURCE_FILE, SOURCE_LINE, IS_HASHED, TWEET_TIMESTAMP, RETWEETED_SCREEN_NAME),
    USERS.kind: (SOURCE_FILE, SOURCE_LINE, IS_HASHED),
}
QUARANTINE_SCHEMA = {
    "file": pl.String(),
    "line": pl.Int64(),
    "column": pl.String(),  # first failing column; null when the record has the wrong number of fields
    "reason": pl.String(),
    "record": pl.String(),
}
# Blank values of these kinds in a required column leave a row without identity or time: quarantined.
IDENTITY_KINDS = frozenset({Kind.TWEET_ID, Kind.ACCOUNT_ID, Kind.MINUTE_TIME})
RETWEET_NAME_PATTERN = r"^RT @([A-Za-z0-9_]+):"  # screen names are 1-15 ASCII word characters
DIGITS = r"^\d+$"
# A list item: quoted (may hold commas) or a run up to the next comma.
LIST_ITEM = r"'[^']*'|\"[^\"]*\"|[^,'\"\s][^,]*"

# Working columns of a chunk while it is validated (never written).
ROW = "_row"
FAILED = "_failed"
BUCKET = "_bucket"
NAME_KEY = "_screen_name_key"


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
        return _read_manifest(Path(json.loads(path.read_text())["cache_directory"]))


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
    inputs = [_describe_input(path, TWEETS.kind) for path in tweets]
    if users is not None:
        inputs.append(_describe_input(Path(users), USERS.kind))
    key = _cache_key(inputs)
    target = Path(cache_dir) / key
    if (target / MANIFEST).exists():
        say(f"reused cached ingest {key[:12]}")
        # Same content, maybe elsewhere: report the paths given now.
        return replace(_read_manifest(target), inputs=inputs)
    # A private name next to the target (so the final rename stays on one file system); mkdir keeps the umask.
    work = target.parent / f".{key[:12]}-{uuid.uuid4().hex}"
    work.mkdir(parents=True)
    try:
        counts = _build(tweets, Path(users) if users is not None else None, work, say)
        _write_manifest(work, key, inputs, counts)
        _publish(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return replace(_read_manifest(target), inputs=inputs)


# --- Inputs and the cache -------------------------------------------------------------------------------


def _describe_input(path: Path, table: str) -> dict:
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


def _cache_key(inputs: list[dict]) -> str:
    """Changes with any input's content, role or file name (it is written to source_file), or the loader."""
    digest = hashlib.sha256(f"loader {LOADER_VERSION}\n".encode())
    for schema in (TWEETS, USERS):
        digest.update(repr((schema.kind, schema.key, schema.columns, ADDED_COLUMNS[schema.kind])).encode())
    for item in inputs:
        digest.update(f"\n{item['table']} {item['sha256']} {Path(item['path']).name}".encode())
    return digest.hexdigest()


def _write_manifest(work: Path, key: str, inputs: list[dict], counts: dict[str, FileCounts]) -> None:
    """Written last: its presence marks a complete result."""
    manifest = {
        "loader_version": LOADER_VERSION,
        "cache_key": key,
        "inputs": inputs,
        "tweets": "tweets.parquet" if TWEETS.kind in counts else None,
        "users_derived_from_tweets": not any(item["table"] == USERS.kind for item in inputs),
        "counts": {table: asdict(table_counts) for table, table_counts in counts.items()},
    }
    (work / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))


def _read_manifest(directory: Path) -> IngestResult:
    manifest = json.loads((directory / MANIFEST).read_text())
    return IngestResult(
        tweets=directory / manifest["tweets"] if manifest["tweets"] else None,
        users=directory / "users.parquet",
        quarantine=directory / "quarantine.parquet",
        counts={table: FileCounts(**counts) for table, counts in manifest["counts"].items()},
        inputs=manifest["inputs"],
        users_derived_from_tweets=manifest["users_derived_from_tweets"],
        cache_key=manifest["cache_key"],
    )


def _publish(work: Path, target: Path) -> None:
    """Move the finished result into place in one rename, so the cache never holds half a result."""
    if target.exists() and not (target / MANIFEST).exists():
        shutil.rmtree(target)  # left by something other than this loader: not trustworthy
    try:
        work.rename(target)
    except OSError:
        if not (target / MANIFEST).exists():
            raise  # not a concurrent ingest of the same inputs finishing first


# --- Building the tables --------------------------------------------------------------------------------


def _build(
    tweets: list[Path], users: Path | None, work: Path, say: Callable[[str], None]
) -> dict[str, FileCounts]:
    parts_dir = work / "parts"
    parts_dir.mkdir()
    tables = {}
    if tweets:
        tables[TWEETS.kind] = _load_table(tweets, TWEETS, parts_dir, say)
    if users is not None:
        tables[USERS.kind] = _load_table([users], USERS, parts_dir, say)
    counts = {}
    if tweets:
        say("deduplicating and sorting tweets")
        lookup = _screen_name_lookup(list(tables.values()))
        counts[TWEETS.kind] = _write_sorted(
            tables[TWEETS.kind],
            work / "tweets.parquet",
            sort_by=[TWEET_TIMESTAMP, TWEETS.key],
            transform=lambda frame: _fill_retweet_userid(frame, lookup),
        )
    if users is not None:
        counts[USERS.kind] = _write_sorted(tables[USERS.kind], work / "users.parquet", sort_by=[USERID])
    else:
        say("deriving accounts from the tweets")
        counts[USERS.kind] = _derive_users(work / "tweets.parquet", work / "users.parquet")
    quarantine_parts = [part for table in tables.values() for part in table.quarantine_parts]
    _concat_parquet(quarantine_parts, QUARANTINE_SCHEMA, work / "quarantine.parquet")
    shutil.rmtree(parts_dir)
    for kind, table_counts in counts.items():
        say(
            f"{kind}: {table_counts.loaded:,} loaded, {table_counts.quarantined:,} quarantined, "
            f"{table_counts.duplicates:,} duplicates"
        )
    return counts


@dataclass
class _TableParts:
    """One table's validated records as Parquet parts, and what was counted while reading them."""

    schema: FileSchema
    directory: Path
    parts: list[Path] = field(default_factory=list)
    heights: list[int] = field(default_factory=list)
    quarantine_parts: list[Path] = field(default_factory=list)
    input_rows: int = 0
    quarantined: int = 0

    def add(self, chunk: _RawChunk) -> None:
        valid, quarantine = _typed_chunk(chunk, self.schema)
        self.input_rows += len(chunk.rows)
        self.quarantined += quarantine.height
        if valid.height:
            self.parts.append(self.part_path("part", len(self.parts)))
            self.heights.append(valid.height)
            _write_part(valid, self.parts[-1])
        if quarantine.height:
            self.quarantine_parts.append(self.part_path("quarantine", len(self.quarantine_parts)))
            _write_part(quarantine, self.quarantine_parts[-1])

    def part_path(self, role: str, index: int) -> Path:
        return self.directory / f"{self.schema.kind}-{role}-{index:06d}.parquet"

    def scan(self) -> pl.LazyFrame:
        if not self.parts:
            return pl.LazyFrame(schema=_output_schema(self.schema))
        return pl.scan_parquet(self.parts)


def _load_table(
    paths: list[Path], schema: FileSchema, directory: Path, say: Callable[[str], None]
) -> _TableParts:
    """Read every file of one table into parts; a worker types and writes a chunk while the next is read."""
    table = _TableParts(schema, directory)
    with _gc_paused(), ThreadPoolExecutor(max_workers=1) as worker:
        writing: Future | None = None
        for number, path in enumerate(paths, start=1):
            for source in _sources(path, schema):
                for chunk in _read_chunks(source, schema, say):
                    if writing:
                        writing.result()  # one chunk in the worker, one being read: memory stays flat
                    writing = worker.submit(table.add, chunk)
                    say(
                        f"{schema.kind} part {number}/{len(paths)} ({source.label}): {chunk.rows_read:,} rows"
                    )
        if writing:
            writing.result()
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


def _write_part(frame: pl.DataFrame, path: Path) -> None:
    # Parts are temporary and read back whole: lz4 writes faster than zstd, and statistics would go unused.
    frame.write_parquet(path, compression="lz4", statistics=False)


def _write_sorted(
    table: _TableParts,
    target: Path,
    sort_by: list[str],
    transform: Callable[[pl.DataFrame], pl.DataFrame] = lambda frame: frame,
) -> FileCounts:
    """Drop repeated keys (first kept), transform, sort and write the table; count what happened."""
    first_seen = table.scan().select(pl.col(table.schema.key).is_first_distinct()).collect().to_series()
    frames = _first_occurrences(table, first_seen, transform)
    boundaries = _bucket_boundaries(table.scan(), sort_by[0])
    if boundaries.is_empty():
        _sort_in_memory(table, frames, sort_by, target)
    else:
        _external_sort(table, frames, boundaries, sort_by, target)
    valid = table.input_rows - table.quarantined
    return FileCounts(
        input_rows=table.input_rows,
        loaded=_row_count(target),
        quarantined=table.quarantined,
        duplicates=valid - int(first_seen.sum()),
    )


def _first_occurrences(
    table: _TableParts, first_seen: pl.Series, transform: Callable[[pl.DataFrame], pl.DataFrame]
) -> Iterator[tuple[int, pl.DataFrame]]:
    """Each part's rows whose key was not seen before (first_seen covers all parts in order), transformed."""
    offset = 0
    for index, (part, height) in enumerate(zip(table.parts, table.heights, strict=True)):
        yield index, transform(pl.read_parquet(part).filter(first_seen.slice(offset, height)))
        offset += height


def _sort_in_memory(
    table: _TableParts, frames: Iterator[tuple[int, pl.DataFrame]], sort_by: list[str], target: Path
) -> None:
    """Sort a table that fits in one bucket."""
    empty = pl.DataFrame(schema=_output_schema(table.schema))
    pl.concat([empty, *(frame for _, frame in frames)]).sort(sort_by).write_parquet(target, **FINAL_PARQUET)


def _external_sort(
    table: _TableParts,
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
    _concat_parquet(sorted_buckets, _output_schema(table.schema), target)


def _bucket_boundaries(frame: pl.LazyFrame, column: str) -> pl.Series:
    """Values of the column that start a new bucket: every BUCKET_ROWS-th value in sorted order.

    Empty when all rows fit in one bucket.
    """
    values = frame.select(column).collect().to_series().sort()
    return values.gather_every(BUCKET_ROWS, offset=BUCKET_ROWS).unique(maintain_order=True)


def _fill_retweet_userid(frame: pl.DataFrame, lookup: pl.DataFrame) -> pl.DataFrame:
    """Retweets with a blank retweet_userid (china_052020) name the account in "RT @name:" instead."""
    found = "_found_userid"
    return (
        frame.join(
            lookup.rename({USERID: found}),
            how="left",
            left_on=pl.col(RETWEETED_SCREEN_NAME).str.to_lowercase(),
            right_on=NAME_KEY,
        )
        .with_columns(pl.coalesce(RETWEET_USERID, found).alias(RETWEET_USERID))
        .select(frame.columns)
    )


def _screen_name_lookup(tables: list[_TableParts]) -> pl.DataFrame:
    """Lower-cased screen name -> userid, for names that belong to exactly one account in the dataset."""
    accounts = pl.concat([table.scan().select(USER_SCREEN_NAME, USERID) for table in tables])
    return (
        accounts.select(pl.col(USER_SCREEN_NAME).str.to_lowercase().alias(NAME_KEY), USERID)
        .drop_nulls()
        .unique()
        .group_by(NAME_KEY)
        .agg(pl.col(USERID).first(), pl.len().alias("_accounts"))
        .filter(pl.col("_accounts") == 1)
        .drop("_accounts")
        .collect()
    )


def _derive_users(tweets_path: Path, target: Path) -> FileCounts:
    """One row per account, profile fields from its latest tweet (the tweets file is sorted by time)."""
    (
        pl.scan_parquet(tweets_path)
        .select(list(_output_schema(USERS)))
        .group_by(USERID)
        .agg(pl.all().last())
        .sort(USERID)
        .sink_parquet(target, **FINAL_PARQUET)
    )
    loaded = _row_count(target)
    return FileCounts(input_rows=loaded, loaded=loaded, quarantined=0, duplicates=0)


def _concat_parquet(parts: list[Path], schema: dict[str, pl.DataType], target: Path) -> None:
    frame = pl.scan_parquet(parts) if parts else pl.LazyFrame(schema=schema)
    frame.sink_parquet(target, **FINAL_PARQUET)


def _row_count(path: Path) -> int:
    return pl.scan_parquet(path).select(pl.len()).collect().item()


def _output_schema(schema: FileSchema) -> dict[str, pl.DataType]:
    added = {
        SOURCE_FILE: pl.String(),
        SOURCE_LINE: pl.Int64(),
        IS_HASHED: pl.Boolean(),
        TWEET_TIMESTAMP: pl.Datetime("ms", "UTC"),
        RETWEETED_SCREEN_NAME: pl.String(),
    }
    return {**schema.polars_schema(), **{name: added[name] for name in ADDED_COLUMNS[schema.kind]}}


# --- Opening files --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    """One CSV text stream: a plain or gzipped file, or one member of a zip archive."""

    path: Path
    gzipped: bool = False
    member: str | None = None

    @property
    def label(self) -> str:
        """Written to source_file: the file name, or "archive.zip:member.csv"."""
        return f"{self.path.name}:{self.member}" if self.member else self.path.name

    @property
    def where(self) -> str:
        """The source in messages: its full path."""
        return f"{self.path}:{self.member}" if self.member else str(self.path)

    @contextmanager
    def open(self) -> Iterator[TextIO]:
        if self.member:
            with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as raw:
                yield io.TextIOWrapper(raw, encoding=ENCODING, newline="")
        elif self.gzipped:
            with gzip.open(self.path, "rt", encoding=ENCODING, newline="") as stream:
                yield stream
        else:
            with self.path.open(encoding=ENCODING, newline="") as stream:
                yield stream


_ZIP_MAGIC = b"PK"
_GZIP_MAGIC = b"\x1f\x8b"
_NOT_CSV = {
    b"PAR1": "a Parquet file, not CSV",
    b"\xff\xfe": "UTF-16 text; save it as UTF-8",
    b"\xfe\xff": "UTF-16 text; save it as UTF-8",
}


def _sources(path: Path, schema: FileSchema) -> list[_Source]:
    """The CSV streams in a file, recognised by content rather than by the name's extension."""
    with path.open("rb") as handle:
        magic = handle.read(4)
    for prefix, problem in _NOT_CSV.items():
        if magic.startswith(prefix):
            raise InputError(f"{path}: cannot read {schema.kind} file: {problem}")
    if magic.startswith(_ZIP_MAGIC):
        return [_Source(path, member=member) for member in _zip_members(path, schema)]
    return [_Source(path, gzipped=magic.startswith(_GZIP_MAGIC))]


def _zip_members(path: Path, schema: FileSchema) -> list[str]:
    """The archive's CSV members in name order."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = sorted(archive.namelist())
    except (zipfile.BadZipFile, OSError) as err:
        raise InputError(f"{path}: cannot read {schema.kind} file: broken zip archive ({err})") from None
    # macOS adds resource-fork files named __MACOSX/._name.csv: binary, not the data.
    members = [name for name in names if name.lower().endswith(".csv") and not name.startswith("__MACOSX/")]
    if not members:
        contents = ", ".join(names) or "nothing"
        raise InputError(f"{path}: zip archive holds no .csv file (it holds: {contents})")
    return members


@dataclass(frozen=True)
class _RawChunk:
    """Up to CHUNK_ROWS records of one source, as text."""

    label: str
    columns: list[str | None]  # canonical name of each header field, None when unknown
    rows: list[list[str]]  # every record's fields, kept to quote failing records in the quarantine
    lines: list[int]  # the physical line each record starts on
    misfits: list[int]  # indexes of records with another number of fields than the header
    fitting: pl.DataFrame  # the other records: a string column per known field, SOURCE_LINE and ROW
    rows_read: int  # records read from the source so far, this chunk included


def _read_chunks(source: _Source, schema: FileSchema, say: Callable[[str], None]) -> Iterator[_RawChunk]:
    reader = None

    def where() -> str:
        return f"{source.where} (near line {reader.line_num + 1})" if reader else source.where

    with _read_errors(where), source.open() as stream:
        reader = csv.reader(stream)
        columns = _header_columns(next(reader, None), schema, source.where, say)
        rows_read = 0
        for rows, lines in _record_batches(reader):
            rows_read += len(rows)
            yield _raw_chunk(source.label, columns, rows, lines, rows_read)


def _record_batches(reader) -> Iterator[tuple[list[list[str]], list[int]]]:
    """Lists of up to CHUNK_ROWS records and the line each starts on (blank lines hold no record)."""
    rows: list[list[str]] = []
    lines: list[int] = []
    start = reader.line_num + 1
    for row in reader:
        if row:
            rows.append(row)
            lines.append(start)
            if len(rows) == CHUNK_ROWS:
                yield rows, lines
                rows, lines = [], []
        start = reader.line_num + 1
    if rows:
        yield rows, lines


@contextmanager
def _read_errors(where: Callable[[], str]) -> Iterator[None]:
    """The ways reading a file fails, as InputError naming the file (and line, once reading started)."""
    try:
        yield
    except UnicodeDecodeError:
        raise InputError(f"{where()}: not UTF-8 text (a binary file, or another encoding)") from None
    except csv.Error as err:
        raise InputError(f"{where()}: malformed CSV ({err})") from None
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile, NotImplementedError) as err:
        raise InputError(f"{where()}: cannot read ({err})") from None


def _header_columns(
    header: list[str] | None, schema: FileSchema, where: str, say: Callable[[str], None]
) -> list[str | None]:
    """The canonical column name of each header field, None for fields the schema does not know."""
    if not header or not any(name.strip() for name in header):
        raise InputError(f"{where}: empty file (no header row)")
    if any("\x00" in name for name in header):
        raise InputError(f"{where}: binary data, not CSV text")
    columns = [_canonical_name(name, schema) for name in header]
    known = [name for name in columns if name]
    repeated = sorted({name for name in known if known.count(name) > 1})
    if repeated:
        raise InputError(f"{where}: column(s) given twice (under a name or an alias): {', '.join(repeated)}")
    looks_like = _looks_like(header)
    missing = [name for name in schema.required if name not in known]
    if missing or (looks_like and looks_like != schema.kind):
        hint = f"; this looks like a {looks_like} file" if looks_like and looks_like != schema.kind else ""
        absent = f": missing required column(s) {', '.join(missing)}" if missing else ""
        raise InputError(f"{where}: not a {schema.kind} file{absent}{hint}")
    unknown = [name for name, column in zip(header, columns, strict=True) if column is None]
    if unknown:
        say(f"{where}: ignoring unknown column(s) {', '.join(unknown)}")
    return columns


def _canonical_name(header_name: str, schema: FileSchema) -> str | None:
    column = schema.by_name.get(header_name.strip().lower())
    return column.name if column else None


def _looks_like(header: list[str]) -> str | None:
    """Which table a header belongs to: only tweets files have the tweets key."""
    names = {_canonical_name(name, TWEETS) for name in header}
    if TWEETS.key in names:
        return TWEETS.kind
    return USERS.kind if set(USERS.required) <= names else None


# --- Validating and typing a chunk ----------------------------------------------------------------------


def _raw_chunk(
    label: str, columns: list[str | None], rows: list[list[str]], lines: list[int], rows_read: int
) -> _RawChunk:
    """Set aside records with the wrong number of fields; the others become string columns."""
    width = len(columns)
    fitting = [index for index, row in enumerate(rows) if len(row) == width]
    misfits = sorted(set(range(len(rows))) - set(fitting)) if len(fitting) < len(rows) else []
    fitting_rows = [rows[index] for index in fitting] if misfits else rows
    fields = zip(*fitting_rows, strict=True) if fitting_rows else [()] * width
    series = [
        pl.Series(name, values, pl.String) for name, values in zip(columns, fields, strict=True) if name
    ]
    frame = pl.DataFrame(
        [
            *series,
            pl.Series(SOURCE_LINE, [lines[index] for index in fitting], pl.Int64),
            pl.Series(ROW, fitting, pl.Int64),
        ]
    )
    return _RawChunk(label, columns, rows, lines, misfits, frame, rows_read)


def _typed_chunk(chunk: _RawChunk, schema: FileSchema) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The chunk's valid records, typed and with the added columns, and quarantine rows for the others."""
    failures = {
        name: failure for name in chunk.columns if name and (failure := _failure(schema.by_name[name]))
    }
    typed = _typed(chunk.fitting, schema).with_columns(
        pl.any_horizontal(False, *(failed for failed, _ in failures.values())).alias(FAILED)
    )
    valid = typed.filter(~pl.col(FAILED)).select(_values_with_added_columns(schema, chunk.label))
    # Reasons are spelled out only for the few failing records, naming the first failing column in the file.
    failed = typed.filter(pl.col(FAILED)).select(
        SOURCE_LINE,
        ROW,
        pl.coalesce(pl.when(failed).then(pl.lit(name)) for name, (failed, _) in failures.items()).alias(
            "column"
        ),
        pl.coalesce(pl.when(failed).then(reason) for failed, reason in failures.values()).alias("reason"),
    )
    misfits = [chunk.rows[index] for index in chunk.misfits]
    quarantine = pl.concat(
        [
            _quarantine_frame(
                chunk.label,
                lines=[chunk.lines[index] for index in chunk.misfits],
                columns=[None] * len(misfits),
                reasons=[f"expected {len(chunk.columns)} fields, found {len(row)}" for row in misfits],
                rows=misfits,
            ),
            _quarantine_frame(
                chunk.label,
                lines=failed[SOURCE_LINE].to_list(),
                columns=failed["column"].to_list(),
                reasons=failed["reason"].to_list(),
                rows=[chunk.rows[index] for index in failed[ROW]],
            ),
        ]
    )
    return valid, quarantine.sort("line")


def _typed(raw: pl.DataFrame, schema: FileSchema) -> pl.DataFrame:
    """Typed values of every schema column (typed nulls when absent), next to the raw text of each."""
    return raw.select(
        SOURCE_LINE,
        ROW,
        *(pl.col(name).alias(_raw_name(name)) for name in schema.names if name in raw.columns),
        *(
            _typed_value(column)
            if column.name in raw.columns
            else pl.lit(None, column.dtype).alias(column.name)
            for column in schema.columns
        ),
    )


def _values_with_added_columns(schema: FileSchema, label: str) -> list[pl.Expr]:
    added = {
        SOURCE_FILE: pl.lit(label),
        SOURCE_LINE: pl.col(SOURCE_LINE),
        IS_HASHED: ~pl.col(USERID).str.contains(DIGITS),
        TWEET_TIMESTAMP: _tweet_timestamp(),
        RETWEETED_SCREEN_NAME: _retweeted_screen_name(),
    }
    return [*schema.names, *(added[name].alias(name) for name in ADDED_COLUMNS[schema.kind])]


def _tweet_timestamp() -> pl.Expr:
    """Millisecond time from the snowflake id, when it agrees with the minute-resolution tweet_time."""
    tweetid, minute = pl.col(TWEETS.key), pl.col(TWEET_TIME)
    snowflake = (
        pl.when(tweetid >= FIRST_SNOWFLAKE_ID)
        .then(tweetid // (1 << SNOWFLAKE_SHIFT) + SNOWFLAKE_EPOCH_MS)
        .cast(pl.Datetime("ms", "UTC"))
    )
    agrees = (snowflake >= minute) & (snowflake < minute + pl.duration(seconds=60))
    return pl.when(agrees).then(snowflake).otherwise(minute)


def _retweeted_screen_name() -> pl.Expr:
    return pl.when(pl.col(IS_RETWEET)).then(pl.col(TWEET_TEXT).str.extract(RETWEET_NAME_PATTERN, 1))


def _quarantine_frame(label, lines, columns, reasons, rows) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "file": [label] * len(lines),
            "line": lines,
            "column": columns,
            "reason": reasons,
            "record": [_record_text(row) for row in rows],
        },
        schema=QUARANTINE_SCHEMA,
    )


def _clipped(text: pl.Expr) -> pl.Expr:
    return (
        pl.when(text.str.len_chars() > VALUE_TEXT_LIMIT)
        .then(text.str.slice(0, VALUE_TEXT_LIMIT) + "…")
        .otherwise(text)
    )


def _record_text(fields: list[str]) -> str:
    """The record re-encoded as one CSV record (what the file held, up to quoting), truncated."""
    buffer = io.StringIO()
    # The default terminator makes the writer quote fields holding \r or \n; it is then dropped.
    csv.writer(buffer).writerow(fields)
    return buffer.getvalue().removesuffix("\r\n")[:RECORD_TEXT_LIMIT]


# --- Parsers, one per schema kind -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Parser:
    """How a kind's non-blank text becomes its typed value; invalid text gives null."""

    convert: Callable[[pl.Expr], pl.Expr]
    problem: str | None = None  # the reason for invalid text, e.g. "non-numeric {name}"; None: never invalid
    strip: bool = True  # surrounding whitespace is noise, except in free text
    blanks: tuple[str, ...] = ("",)  # texts meaning "no value"
    blank_value: list | None = None  # the value of a blank field, when not null


def _non_negative_integer(text: pl.Expr) -> pl.Expr:
    number = text.cast(pl.Int64, strict=False)
    return pl.when(number >= 0).then(number)


def _utc_time(text: pl.Expr) -> pl.Expr:
    """Minute-resolution time as published, or with seconds as some re-exports write it."""
    # Giving minute times ":00" lets one layout parse both, twice as fast as trying two layouts.
    with_seconds = pl.when(text.str.len_bytes() == len("YYYY-MM-DD HH:MM")).then(text + ":00").otherwise(text)
    return with_seconds.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False, time_unit="ms", time_zone="UTC")


def _boolean(text: pl.Expr) -> pl.Expr:
    folded = text.str.to_lowercase()
    return pl.when(folded == "true").then(True).when(folded == "false").then(False)


def _string_list(text: pl.Expr) -> pl.Expr:
    """`['a', "b"]` (Python repr) or `[a, b]` (unquoted): the items between the brackets."""
    bracketed = text.str.starts_with("[") & text.str.ends_with("]")
    items = text.str.slice(1, text.str.len_chars() - 2).str.extract_all(LIST_ITEM)
    unquoted = pl.element().str.strip_chars().str.replace(r"^'(.*)'$|^\"(.*)\"$", "${1}${2}")
    return pl.when(bracketed).then(items.list.eval(unquoted))


_PARSERS: dict[Kind, _Parser] = {
    Kind.TWEET_ID: _Parser(_non_negative_integer, "non-numeric {name}"),
    Kind.ACCOUNT_ID: _Parser(lambda text: text),
    Kind.TEXT: _Parser(lambda text: text, strip=False),
    Kind.COUNT: _Parser(_non_negative_integer, "non-numeric {name}"),
    Kind.DATE: _Parser(lambda text: text.str.to_date("%Y-%m-%d", strict=False), "unparseable {name}"),
    Kind.MINUTE_TIME: _Parser(_utc_time, "unparseable {name}"),
    Kind.LANGUAGE: _Parser(lambda text: text.str.to_lowercase()),
    Kind.BOOLEAN: _Parser(_boolean, "{name} is not true/false"),
    Kind.COORDINATE: _Parser(
        lambda text: text.cast(pl.Float64, strict=False),
        "{name} is not a number or 'absent'",
        blanks=("", "absent"),
    ),
    Kind.STRING_LIST: _Parser(_string_list, "{name} is not a [list]", blank_value=[]),
}


def _raw_name(name: str) -> str:
    return f"_raw_{name}"


def _given(raw: pl.Expr, parser: _Parser) -> pl.Expr:
    """The field's text, null when blank."""
    text = raw.str.strip_chars() if parser.strip else raw
    return pl.when(~text.is_in(list(parser.blanks))).then(text)


def _typed_value(column: Column) -> pl.Expr:
    parser = _PARSERS[column.kind]
    given = _given(pl.col(column.name), parser)
    value = parser.convert(given)
    if parser.blank_value is not None:
        value = pl.when(given.is_null()).then(pl.lit(parser.blank_value, column.dtype)).otherwise(value)
    return value.alias(column.name)


def _failure(column: Column) -> tuple[pl.Expr, pl.Expr] | None:
    """When a record fails on the column (raw text and typed value side by side), and why.

    None for columns that cannot fail: free text, and optional ids and languages.
    """
    parser = _PARSERS[column.kind]
    raw = pl.col(_raw_name(column.name))
    given = _given(raw, parser)
    cases = []
    if column.required and column.kind in IDENTITY_KINDS:
        cases.append((given.is_null(), pl.lit(f"missing {column.name}")))
    if parser.problem:
        problem = parser.problem.format(name=column.name)
        quoted = pl.concat_str(pl.lit(f"{problem}: '"), _clipped(raw), pl.lit("'"))
        cases.append((given.is_not_null() & pl.col(column.name).is_null(), quoted))
    if not cases:
        return None
    failed = pl.any_horizontal(condition for condition, _ in cases)
    return failed, pl.coalesce(pl.when(condition).then(reason) for condition, reason in cases)
