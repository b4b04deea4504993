"""Reading a source's records into raw chunks: a string column per field, the physical line of each record.

Blocks of records are parsed by polars' native CSV reader (all strings). A block ends at a newline outside
quotes (an even number of quotes before it), and polars' result is checked against the block's bytes: every
newline is a record end or inside a value, every comma a separator or inside a value. Then each row has the
header's number of fields and its physical line follows from the newlines inside the values before it.

What polars cannot split that way (ragged records, unbalanced or stray quotes, bytes that are not UTF-8,
blank lines) is narrowed down by halving the block, and only that small byte range is read with the csv
module, the slow path. Its records that cannot become a row of the header's fields are rejected here, each
on its own: another number of fields than the header, bytes that are not UTF-8, malformed CSV.

Physical lines end at LF only: a bare CR inside a text ends no line, on both paths. Only a file whose header
cannot be read raises InputError.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import polars as pl

from ioreport.archive.schema import SOURCE_LINE, FileSchema, Kind
from ioreport.archive.sources import BYTE_ORDER_MARK, Source, header_columns
from ioreport.errors import InputError

CHUNK_ROWS = 100_000
# Parsed by polars at once. Blocks of 32 MB cost a third more CPU time: buffers that large are fresh
# memory every time (page faults), and a block polars cannot split is parsed again in halves.
BLOCK_BYTES = 8 << 20
SLOW_BYTES = 64 << 10  # a range this small that polars cannot split is read with the csv module
RECORD_TEXT_LIMIT = 2000
# Stands in for a bare CR while the csv module splits a line (it would end the record there): a lone
# surrogate, which decoding bytes never yields.
BARE_CR = "\ud800"


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
        buffer = _Buffer(stream)
        columns = header_columns(_header(buffer, source), schema, source.where, say)
        names = field_names(columns)
        texts = [
            name
            for name, column in zip(names, columns, strict=True)
            if column and schema.by_name[column].kind is Kind.TEXT
        ]
        rows_read = 0
        for records, rejected in _chunked(_ranges(buffer, names, texts)):
            rows_read += records.height + len(rejected)
            yield RawChunk(source.label, columns, records, rejected, rows_read)


def _header(buffer: _Buffer, source: Source) -> list[str] | None:
    lines = _Lines(buffer.lines(), buffer.line)
    _, header = next(_records(lines), (1, None))
    if lines.not_utf8:
        raise InputError(f"{source.where}: not UTF-8 text (a binary file, or another encoding)")
    if isinstance(header, Rejected):
        raise InputError(f"{source.where}: cannot read the header ({header.reason})")
    buffer.consume(lines.bytes_read)
    return header


class _Buffer:
    """The unread bytes of a stream, read ahead in blocks, and the physical line they start on."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.data = bytearray()  # grown and trimmed in place: reading ahead copies no unread byte
        self.start = 0  # where the unread bytes begin in data
        self.dropped = 0  # bytes of the stream before data
        self.line = 1
        self.at_end = False
        self._more()
        if self.data.startswith(BYTE_ORDER_MARK):
            self.start = len(BYTE_ORDER_MARK)

    def _more(self) -> None:
        block = self._stream.read(BLOCK_BYTES)
        del self.data[: self.start]
        self.dropped += self.start
        self.start = 0
        self.data += block
        self.at_end = not block

    @property
    def position(self) -> int:
        """Where the unread bytes begin in the stream."""
        return self.dropped + self.start

    def available(self, size: int) -> int:
        """Unread bytes, reading ahead until there are at least `size` or the stream ends."""
        while len(self.data) - self.start < size and not self.at_end:
            self._more()
        return len(self.data) - self.start

    def consume(self, size: int, newlines: int | None = None) -> None:
        if newlines is None:
            newlines = self.data.count(b"\n", self.start, self.start + size)
        self.line += newlines
        self.start += size

    def skip_to(self, line: int) -> None:
        """Consume the lines before the given one (numpy finds the newlines: no Python loop per line)."""
        while self.line < line and self.available(1):
            newlines = np.flatnonzero(
                np.frombuffer(self.data, np.uint8, len(self.data) - self.start, self.start) == 10
            )
            wanted = line - self.line
            if len(newlines) < wanted:
                self.consume(len(self.data) - self.start, len(newlines))
            else:
                self.consume(int(newlines[wanted - 1]) + 1, wanted)

    def lines(self) -> Iterator[bytes]:
        """The unread physical lines, without consuming them."""
        position = 0  # from the start of the unread bytes: reading ahead may move them within data
        while True:
            offset = self.start + position
            newline = self.data.find(b"\n", offset)
            if newline == -1 and not self.at_end:
                self._more()
                continue
            end = len(self.data) if newline == -1 else newline + 1
            if end == offset:
                return
            position += end - offset
            yield self.data[offset:end]

    def record_end(self, size: int) -> int | None:
        """The end of the last record that ends within `size` bytes: after a newline outside quotes."""
        start, limit = self.start, self.start + size
        if self.at_end and limit >= len(self.data):
            return len(self.data)  # the last record may lack its newline
        quotes_after = 0
        newline = self.data.rfind(b"\n", start, limit)
        upper = limit
        quotes = _count(self.data, start, limit, b'"')
        while newline != -1:
            quotes_after += self.data.count(b'"', newline, upper)
            if (quotes - quotes_after) % 2 == 0:
                return newline + 1
            upper = newline
            newline = self.data.rfind(b"\n", start, newline)
        return None


def _count(data: bytes, start: int, end: int, byte: bytes) -> int:
    """How often the byte occurs in data[start:end] (numpy compares 4x faster than bytes.count)."""
    return int(np.count_nonzero(np.frombuffer(data, np.uint8, end - start, start) == ord(byte)))


def _ranges(
    buffer: _Buffer, names: list[str], texts: list[str]
) -> Iterator[tuple[pl.DataFrame, list[Rejected]]]:
    """The records in ranges of bytes: whole blocks by polars. A range it cannot split is bisected (its
    first half is tried, then the first half of what still fails) until what is left is read with the csv
    module; then ranges grow again from small ones."""
    size = BLOCK_BYTES
    failed_before = None  # stream position where a range polars could not split ends
    while True:
        if failed_before is not None and failed_before > buffer.position:
            size = (failed_before - buffer.position) // 2
        elif failed_before is not None:
            failed_before, size = None, 2 * SLOW_BYTES  # the csv module read past it
        if not buffer.available(size):
            return
        end = buffer.record_end(size) if size >= SLOW_BYTES else None
        rows = _native(buffer, end, names, texts) if end else None
        if rows is not None:
            buffer.consume(end - buffer.start, rows[1])
            size = min(size * 2, BLOCK_BYTES)
            yield rows[0], []
        elif size >= SLOW_BYTES:
            failed_before = buffer.position + (end - buffer.start if end else size)
        else:
            yield _slow(buffer, SLOW_BYTES, names)


def _native(
    buffer: _Buffer, end: int, names: list[str], texts: Sequence[str] = ()
) -> tuple[pl.DataFrame, int] | None:
    """The block's rows parsed by polars and its newlines; None where rows might differ from the csv
    module's. Unquoted empty fields and missing ones are null; quoted empty fields (every field of the
    archive's files is quoted) are empty strings."""
    block = bytes(memoryview(buffer.data)[buffer.start : end])
    try:
        frame = pl.read_csv(
            block, has_header=False, schema=dict.fromkeys(names, pl.String()), raise_if_empty=False
        )
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException):
        return None
    newlines = _count(block, 0, len(block), b"\n")
    ends = frame.height - (0 if block.endswith(b"\n") else 1)
    embedded = _newlines_in_values(frame, texts, newlines - ends)
    if newlines != ends + embedded.sum():
        return None  # a blank line: not every newline ended a record
    if sum(frame.null_count().row(0)) and not _all_fields(block, frame):
        return None
    if b"\r" in block and not _every_carriage_return_kept(block, frame):
        return None
    before = embedded.cum_sum() - embedded
    lines = pl.int_range(buffer.line, buffer.line + frame.height, eager=True) + before
    return frame.with_columns(lines.cast(pl.Int64).alias(SOURCE_LINE)), newlines


def _newlines_in_values(frame: pl.DataFrame, texts: Sequence[str], left: int) -> pl.Series:
    """How many newlines each row's values hold. Counted in the text fields first: when they hold the
    `left` newlines that did not end a record, the other fields hold none (the values' newlines are bytes
    of the block too, and each row but the last ended at a newline)."""

    def count(fields: Sequence[str]) -> pl.Series:
        return frame.select(
            pl.sum_horizontal(pl.col(fields).str.count_matches("\n", literal=True))
        ).to_series()

    in_texts = count(texts) if texts else None
    return in_texts if in_texts is not None and in_texts.sum() == left else count(frame.columns)


def _every_carriage_return_kept(block: bytes, frame: pl.DataFrame) -> bool:
    """Whether each CR of the block is in a value or ends a record as CRLF (polars drops a bare CR that
    ends an unquoted field; the csv module keeps it)."""
    returns, crlfs = (
        frame.select(pl.sum_horizontal(pl.all().str.count_matches(text, literal=True))).sum().item()
        for text in ("\r", "\r\n")
    )
    return block.count(b"\r") == returns + block.count(b"\r\n") - crlfs


def _all_fields(block: bytes, frame: pl.DataFrame) -> bool:
    """Whether every row had all its fields (polars fills missing ones with null): every comma of the block
    is a separator between them or inside a value."""
    inside = frame.select(pl.sum_horizontal(pl.all().str.count_matches(",", literal=True))).sum().item()
    return _count(block, 0, len(block), b",") == frame.height * (frame.width - 1) + inside


def _slow(buffer: _Buffer, size: int, names: list[str]) -> tuple[pl.DataFrame, list[Rejected]]:
    """At least `size` bytes of records (or what is left) read with the csv module."""
    lines = _Lines(buffer.lines(), buffer.line)
    rows: list[list[str]] = []
    starts: list[int] = []
    rejected: list[Rejected] = []
    for start, record in _records(lines):
        if isinstance(record, Rejected):
            rejected.append(record)
        elif len(record) != len(names):
            problem = f"expected {len(names)} fields, found {len(record)}"
            rejected.append(Rejected(start, problem, record_text(record)))
        else:
            rows.append(record)
            starts.append(start)
        if lines.bytes_read >= size:
            break
    buffer.consume(lines.bytes_read)
    fields = zip(*rows, strict=True) if rows else [()] * len(names)
    frame = pl.DataFrame(
        [
            *(pl.Series(name, values, pl.String) for name, values in zip(names, fields, strict=True)),
            pl.Series(SOURCE_LINE, starts, pl.Int64),
        ]
    )
    return frame, rejected


def _chunked(ranges: Iterable[tuple[pl.DataFrame, list[Rejected]]]) -> Iterator[tuple[pl.DataFrame, list]]:
    """Ranges gathered (small ones after a bad record) and cut into chunks of at most CHUNK_ROWS rows."""
    frames: list[pl.DataFrame] = []
    rejected: list[Rejected] = []
    rows = 0
    for frame, more_rejected in ranges:
        frames.append(frame)
        rejected += more_rejected
        rows += frame.height + len(more_rejected)
        if rows >= CHUNK_ROWS:
            yield from _cut(pl.concat(frames), rejected)
            frames, rejected, rows = [], [], 0
    if frames:
        yield from _cut(pl.concat(frames), rejected)


def _cut(frame: pl.DataFrame, rejected: list[Rejected]) -> Iterator[tuple[pl.DataFrame, list[Rejected]]]:
    # One memory chunk per column: polars' reader gives several per block, and every later step (the
    # checks, and above all the sort's gather) is slower over many chunks.
    frame = frame.rechunk()
    offsets = range(0, max(frame.height, 1), CHUNK_ROWS)
    for offset in offsets:
        yield frame.slice(offset, CHUNK_ROWS), rejected if offset == offsets[-1] else []


class _Lines:
    """Physical lines as text, counted; bytes that are not UTF-8 are noted, not fatal."""

    def __init__(self, lines: Iterable[bytes], first: int) -> None:
        self._lines = lines
        self.number = first - 1  # the last line read
        self.bytes_read = 0
        self.read: list[str] = []  # the lines read since the last mark()
        self.not_utf8: tuple[int, int] | None = None  # (line, byte) of the first bad byte since mark()

    def __iter__(self) -> Iterator[str]:
        for line in self._lines:
            self.number += 1
            self.bytes_read += len(line)
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as err:
                self.not_utf8 = self.not_utf8 or (self.number, line[err.start])
                text = line.decode("utf-8", "surrogateescape")
            ending = "\r\n" if text.endswith("\r\n") else text[-1:] if text.endswith("\n") else ""
            text = text[: len(text) - len(ending)].replace("\r", BARE_CR) + ending
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
            fields = [field.replace(BARE_CR, "\r") for field in next(reader)]
        except StopIteration:
            return
        except csv.Error as err:
            text = "".join(lines.read).replace(BARE_CR, "\r")
            yield start, Rejected(start, f"malformed CSV: {err}", _printable(text)[:RECORD_TEXT_LIMIT])
            continue
        if lines.not_utf8:
            line, byte = lines.not_utf8
            yield start, Rejected(start, f"not UTF-8: byte 0x{byte:02x} on line {line}", record_text(fields))
        elif fields:
            yield start, fields


@contextmanager
def _read_errors(where: str) -> Iterator[None]:
    """The ways reading a file fails as a whole, as InputError naming the file."""
    try:
        yield
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile, NotImplementedError) as err:
        raise InputError(f"{where}: cannot read ({err})") from None


def records_at(source: Source, starts: set[int]) -> dict[int, str]:
    """The text of the source's records that start on the given lines, found by reading it again."""
    found: dict[int, str] = {}
    with _read_errors(source.where), source.open() as stream:
        buffer = _Buffer(stream)
        for start in sorted(starts):
            buffer.skip_to(start)
            lines = _Lines(buffer.lines(), buffer.line)
            line, record = next(_records(lines), (None, None))
            if line == start:
                found[line] = record.record if isinstance(record, Rejected) else record_text(record)
            buffer.consume(lines.bytes_read)
    return found
