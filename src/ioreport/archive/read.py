"""Reading a source's records into raw chunks: string columns, the physical line of each record.

Records are read with the csv module, which handles quoted newlines, from the file's physical lines: split
at LF only (a bare CR inside a text ends no line), which gives the physical line each record starts on.
Records with another number of fields than the header are set aside for the quarantine.
"""

from __future__ import annotations

import csv
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import polars as pl

from ioreport.archive.schema import SOURCE_LINE, FileSchema
from ioreport.archive.sources import Source, header_columns, text_lines
from ioreport.errors import InputError

CHUNK_ROWS = 100_000
ROW = "_row"  # a record's index in its chunk (never written)


@dataclass(frozen=True)
class RawChunk:
    """Up to CHUNK_ROWS records of one source, as text."""

    label: str
    columns: list[str | None]  # canonical name of each header field, None when unknown
    rows: list[list[str]]  # every record's fields, kept to quote failing records in the quarantine
    lines: list[int]  # the physical line each record starts on
    misfits: list[int]  # indexes of records with another number of fields than the header
    fitting: pl.DataFrame  # the other records: a string column per known field, SOURCE_LINE and ROW
    rows_read: int  # records read from the source so far, this chunk included


def read_chunks(source: Source, schema: FileSchema, say: Callable[[str], None]) -> Iterator[RawChunk]:
    reader = None

    def where() -> str:
        return f"{source.where} (near line {reader.line_num + 1})" if reader else source.where

    with _read_errors(where), source.open() as stream:
        reader = csv.reader(text_lines(stream))
        columns = header_columns(next(reader, None), schema, source.where, say)
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


def _raw_chunk(
    label: str, columns: list[str | None], rows: list[list[str]], lines: list[int], rows_read: int
) -> RawChunk:
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
    return RawChunk(label, columns, rows, lines, misfits, frame, rows_read)
