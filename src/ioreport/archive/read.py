"""Reading a source's records into raw chunks: a string column per field, the physical line of each record.

Records are read with the csv module, which handles quoted newlines, from the file's physical lines: split
at LF only (a bare CR inside a text ends no line), which gives the physical line each record starts on.
Records that cannot become a row of the header's fields are rejected here, each on its own: another number
of fields than the header, bytes that are not UTF-8, malformed CSV. Only a file whose header cannot be read
raises InputError.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

import polars as pl

from ioreport.archive.schema import SOURCE_LINE, FileSchema
from ioreport.archive.sources import BYTE_ORDER_MARK, Source, header_columns
from ioreport.errors import InputError

CHUNK_ROWS = 100_000
RECORD_TEXT_LIMIT = 2000


@dataclass(frozen=True)
class Rejected:
    """A record that is no row of the header's fields."""

    line: int
    reason: str
    record: str  # its text, as far as it could be read


@dataclass(frozen=True)
class RawChunk:
    """Up to CHUNK_ROWS records of one source, as text."""

    label: str
    columns: list[str | None]  # canonical name of each header field, None when unknown
    records: pl.DataFrame  # the rows: a String column per header field (see field_names), and SOURCE_LINE
    rejected: list[Rejected]
    rows_read: int  # records read from the source so far, this chunk included

    @property
    def input_rows(self) -> int:
        return self.records.height + len(self.rejected)


def field_names(columns: list[str | None]) -> list[str]:
    """The column name of each header field in a chunk: its canonical name, or a placeholder when unknown."""
    return [name or f"_unknown_{index}" for index, name in enumerate(columns)]


def record_text(fields: list[str]) -> str:
    """The record re-encoded as one CSV record (what the file held, up to quoting), truncated."""
    buffer = io.StringIO()
    # The default terminator makes the writer quote fields holding \r or \n; it is then dropped.
    csv.writer(buffer).writerow(fields)
    return _printable(buffer.getvalue().removesuffix("\r\n")[:RECORD_TEXT_LIMIT])


def _printable(text: str) -> str:
    """Bytes that were not UTF-8 (kept as surrogates while parsing) shown as \\xNN."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def read_chunks(source: Source, schema: FileSchema, say: Callable[[str], None]) -> Iterator[RawChunk]:
    with _read_errors(source.where), source.open() as stream:
        lines = _Lines(stream)
        records = _records(lines)
        _, header = next(records, (1, None))
        if lines.not_utf8:
            raise InputError(f"{source.where}: not UTF-8 text (a binary file, or another encoding)")
        if isinstance(header, Rejected):
            raise InputError(f"{source.where}: cannot read the header ({header.reason})")
        columns = header_columns(header, schema, source.where, say)
        rows_read = 0
        for batch in _batches(records, len(columns)):
            chunk = _raw_chunk(source.label, columns, *batch, rows_read)
            rows_read = chunk.rows_read
            yield chunk


class _Lines:
    """A byte stream's physical lines as text, counted; bytes that are not UTF-8 are noted, not fatal."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.number = 0  # lines read so far
        self.read: list[str] = []  # the lines read since the last mark()
        self.not_utf8: tuple[int, int] | None = None  # (line, byte) of the first bad byte since mark()

    def __iter__(self) -> Iterator[str]:
        for line in self._stream:
            self.number += 1
            if self.number == 1:
                line = line.removeprefix(BYTE_ORDER_MARK)
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as err:
                self.not_utf8 = self.not_utf8 or (self.number, line[err.start])
                text = line.decode("utf-8", "surrogateescape")
            self.read.append(text)
            yield text

    def mark(self) -> None:
        self.read, self.not_utf8 = [], None


def _records(lines: _Lines) -> Iterator[tuple[int, list[str] | Rejected]]:
    """Each record's first line, and its fields or why it has none; blank lines hold no record."""
    reader = csv.reader(lines)
    while True:
        lines.mark()
        start = lines.number + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            yield start, Rejected(start, f"malformed CSV: {err}", _printable("".join(lines.read)))
            continue
        if lines.not_utf8:
            line, byte = lines.not_utf8
            yield start, Rejected(start, f"not UTF-8: byte 0x{byte:02x} on line {line}", record_text(fields))
        elif fields:
            yield start, fields


def _batches(
    records: Iterator[tuple[int, list[str] | Rejected]], width: int
) -> Iterator[tuple[list[list[str]], list[int], list[Rejected]]]:
    """Up to CHUNK_ROWS records at a time: the rows of `width` fields, their lines, and the rejected."""
    rows: list[list[str]] = []
    lines: list[int] = []
    rejected: list[Rejected] = []
    for line, record in records:
        if isinstance(record, Rejected):
            rejected.append(record)
        elif len(record) != width:
            rejected.append(
                Rejected(line, f"expected {width} fields, found {len(record)}", record_text(record))
            )
        else:
            rows.append(record)
            lines.append(line)
        if len(rows) + len(rejected) == CHUNK_ROWS:
            yield rows, lines, rejected
            rows, lines, rejected = [], [], []
    if rows or rejected:
        yield rows, lines, rejected


@contextmanager
def _read_errors(where: str) -> Iterator[None]:
    """The ways reading a file fails as a whole, as InputError naming the file."""
    try:
        yield
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile, NotImplementedError) as err:
        raise InputError(f"{where}: cannot read ({err})") from None


def _raw_chunk(
    label: str,
    columns: list[str | None],
    rows: list[list[str]],
    lines: list[int],
    rejected: list[Rejected],
    rows_before: int,
) -> RawChunk:
    fields = zip(*rows, strict=True) if rows else [()] * len(columns)
    records = pl.DataFrame(
        [
            *(
                pl.Series(name, values, pl.String)
                for name, values in zip(field_names(columns), fields, strict=True)
            ),
            pl.Series(SOURCE_LINE, lines, pl.Int64),
        ]
    )
    return RawChunk(label, columns, records, rejected, rows_before + len(rows) + len(rejected))


def records_at(source: Source, starts: set[int]) -> dict[int, str]:
    """The text of the source's records that start on the given lines, found by reading it again."""
    found: dict[int, str] = {}
    with _read_errors(source.where), source.open() as stream:
        for line, record in _records(_Lines(stream)):
            if line in starts:
                found[line] = record.record if isinstance(record, Rejected) else record_text(record)
                if len(found) == len(starts):
                    break
    return found
