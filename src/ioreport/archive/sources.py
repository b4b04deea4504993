"""Opening archive files: plain, gzipped or zipped CSV recognised by content, and what their header says.

A file's format is told by its first bytes, never by its name's extension, and a file's table (tweets or
users) by its header: only tweets files have the tweets key.
"""

from __future__ import annotations

import csv
import gzip
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ioreport.archive.schema import TWEETS, USERS, FileSchema
from ioreport.errors import InputError

BYTE_ORDER_MARK = b"\xef\xbb\xbf"  # dropped where a file starts with it

ARCHIVE_SUFFIXES = (".csv", ".csv.gz", ".zip")  # what discover() looks at in a folder

_ZIP_MAGIC = b"PK"
_GZIP_MAGIC = b"\x1f\x8b"
_NOT_CSV = {
    b"PAR1": "a Parquet file, not CSV",
    b"\xff\xfe": "UTF-16 text; save it as UTF-8",
    b"\xfe\xff": "UTF-16 text; save it as UTF-8",
}


@dataclass(frozen=True)
class Source:
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
    def open(self) -> Iterator[BinaryIO]:
        """The CSV bytes, decompressed."""
        if self.member:
            with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as stream:
                yield stream
        elif self.gzipped:
            with gzip.open(self.path, "rb") as stream:
                yield stream
        else:
            with self.path.open("rb") as stream:
                yield stream


def sources(path: Path, schema: FileSchema) -> list[Source]:
    """The CSV streams in a file, recognised by content rather than by the name's extension."""
    with path.open("rb") as handle:
        magic = handle.read(4)
    for prefix, problem in _NOT_CSV.items():
        if magic.startswith(prefix):
            raise InputError(f"{path}: cannot read {schema.kind} file: {problem}")
    if magic.startswith(_ZIP_MAGIC):
        return [Source(path, member=member) for member in _zip_members(path, schema)]
    return [Source(path, gzipped=magic.startswith(_GZIP_MAGIC))]


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


def header_columns(
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
    table = looks_like(header)
    missing = [name for name in schema.required if name not in known]
    if missing or (table and table != schema.kind):
        hint = f"; this looks like a {table} file" if table and table != schema.kind else ""
        absent = f": missing required column(s) {', '.join(missing)}" if missing else ""
        raise InputError(f"{where}: not a {schema.kind} file{absent}{hint}")
    unknown = [name for name, column in zip(header, columns, strict=True) if column is None]
    if unknown:
        say(f"{where}: ignoring unknown column(s) {', '.join(unknown)}")
    return columns


def _canonical_name(header_name: str, schema: FileSchema) -> str | None:
    column = schema.by_name.get(header_name.strip().lower())
    return column.name if column else None


def looks_like(header: list[str]) -> str | None:
    """Which table a header belongs to: only tweets files have the tweets key."""
    names = {_canonical_name(name, TWEETS) for name in header}
    if TWEETS.key in names:
        return TWEETS.kind
    return USERS.kind if set(USERS.required) <= names else None


@dataclass(frozen=True)
class Discovered:
    """The archive files of a folder, told apart by their headers."""

    tweets: list[Path]
    users: Path | None
    ignored: list[tuple[Path, str]] = field(default_factory=list)  # files that are no archive file, and why

    @property
    def messages(self) -> list[str]:
        return [f"{path}: ignored, not an archive file ({why})" for path, why in self.ignored]


def discover(folder: Path) -> Discovered:
    """Every CSV, .csv.gz and .zip file in the folder, as tweets or users by its header, in name order.

    The disclosures name files in several ways (`<release>_tweets_csv_hashed_2019.csv`,
    `hashed_2020_12_<release>_<release>_tweets.csv`, `_N` parts), so names are not trusted.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder")
    candidates = sorted(
        path for path in folder.iterdir() if path.is_file() and path.name.lower().endswith(ARCHIVE_SUFFIXES)
    )
    tables: dict[str, list[Path]] = {TWEETS.kind: [], USERS.kind: []}
    ignored = []
    for path in candidates:
        table, why = _table_of(path)
        if table:
            tables[table].append(path)
        else:
            ignored.append((path, why))
    found = Discovered(tables[TWEETS.kind], None, ignored)
    if not found.tweets and not tables[USERS.kind]:
        seen = "; ".join(found.messages) or "no .csv, .csv.gz or .zip file"
        raise InputError(f"{folder}: no archive tweets or users file ({seen})")
    if len(tables[USERS.kind]) > 1:
        names = ", ".join(path.name for path in tables[USERS.kind])
        raise InputError(f"{folder}: more than one users file ({names}); keep one dataset per folder")
    return Discovered(found.tweets, next(iter(tables[USERS.kind]), None), ignored)


def _table_of(path: Path) -> tuple[str | None, str]:
    """The table a file's header belongs to (every member's, for a zip archive), or why it has none."""
    try:
        tables = {_header_table(source) for source in sources(path, TWEETS)}
    except InputError as err:
        return None, str(err).removeprefix(f"{path}: ")
    if len(tables) > 1:
        raise InputError(f"{path}: zip archive holds both tweets and users files; unpack it")
    table = tables.pop()
    return table, "" if table else "its header has neither the tweets nor the users columns"


def _header_table(source: Source) -> str | None:
    try:
        with source.open() as stream:
            return looks_like(next(csv.reader(text_lines(stream)), []))
    except (UnicodeDecodeError, csv.Error, OSError, EOFError, zlib.error, zipfile.BadZipFile) as err:
        raise InputError(f"{source.where}: cannot read its header ({err})") from None


def text_lines(stream: BinaryIO) -> Iterator[str]:
    """The stream's physical lines as text: split at LF only, so a bare CR stays inside its line."""
    first = stream.readline()
    if first:
        yield first.removeprefix(BYTE_ORDER_MARK).decode("utf-8")
    for line in stream:
        yield line.decode("utf-8")
