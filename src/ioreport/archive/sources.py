"""Opening archive files: plain, gzipped or zipped CSV recognised by content, and what their header says.

A file's format is told by its first bytes, never by its name's extension, and a file's table (tweets or
users) by its header: only tweets files have the tweets key.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ioreport.archive.schema import TWEETS, USERS, FileSchema
from ioreport.errors import InputError

ENCODING = "utf-8-sig"  # UTF-8, dropping a byte-order mark when there is one

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
