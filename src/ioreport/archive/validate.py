"""Validating and typing raw chunks: one parser per schema kind, the added columns, quarantine rows.

Every known column is parsed by its kind's parser; a record whose value fails (or is missing where the
record needs it for identity or time) goes to the quarantine with the first failing column in file order
and the reason, and the others are typed and given the added columns.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from ioreport.archive.read import ROW, RawChunk
from ioreport.archive.schema import (
    FIRST_SNOWFLAKE_ID,
    IS_HASHED,
    LOSSY_COLUMNS,
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
    lossy_column,
)

RECORD_TEXT_LIMIT = 2000
VALUE_TEXT_LIMIT = 80

# The tweets columns the derived fields are computed from; looked up so that a schema rename fails here.
USERID = USERS.key
TWEET_TIME = TWEETS.by_name["tweet_time"].name
TWEET_TEXT = TWEETS.by_name["tweet_text"].name
IS_RETWEET = TWEETS.by_name["is_retweet"].name

ADDED_COLUMNS = {
    TWEETS.kind: (
        SOURCE_FILE,
        SOURCE_LINE,
        IS_HASHED,
        TWEET_TIMESTAMP,
        RETWEETED_SCREEN_NAME,
        *LOSSY_COLUMNS,
    ),
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


FAILED = "_failed"  # working column of a chunk while it is validated (never written)


def output_schema(schema: FileSchema) -> dict[str, pl.DataType]:
    added = {
        SOURCE_FILE: pl.String(),
        SOURCE_LINE: pl.Int64(),
        IS_HASHED: pl.Boolean(),
        TWEET_TIMESTAMP: pl.Datetime("ms", "UTC"),
        RETWEETED_SCREEN_NAME: pl.String(),
        **dict.fromkeys(LOSSY_COLUMNS, pl.Boolean()),
    }
    return {**schema.polars_schema(), **{name: added[name] for name in ADDED_COLUMNS[schema.kind]}}


def typed_chunk(chunk: RawChunk, schema: FileSchema) -> tuple[pl.DataFrame, pl.DataFrame]:
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
        *(
            _lossy(column)
            if column.name in raw.columns
            else pl.lit(None, pl.Boolean).alias(lossy_column(column.name))
            for column in schema.columns
            if column.kind is Kind.TWEET_REFERENCE
        ),
    )


def _values_with_added_columns(schema: FileSchema, label: str) -> list[pl.Expr]:
    added = {
        SOURCE_FILE: pl.lit(label),
        SOURCE_LINE: pl.col(SOURCE_LINE),
        IS_HASHED: ~pl.col(USERID).str.contains(DIGITS),
        TWEET_TIMESTAMP: _tweet_timestamp(),
        RETWEETED_SCREEN_NAME: _retweeted_screen_name(),
        **{name: pl.col(name) for name in LOSSY_COLUMNS},
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


def _tweet_reference(text: pl.Expr) -> pl.Expr:
    """An integer id, or the integer nearest an id written as a float (see schema.lossy_column)."""
    exact = text.cast(pl.Int64, strict=False)
    written_as_float = text.cast(pl.Float64, strict=False)
    in_range = written_as_float.is_finite() & (written_as_float >= 0) & (written_as_float < 2.0**63)
    nearest = pl.when(exact.is_null() & in_range).then(written_as_float.round().cast(pl.Int64))
    return pl.coalesce(pl.when(exact >= 0).then(exact), nearest)


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
    Kind.TWEET_REFERENCE: _Parser(_tweet_reference, "non-numeric {name}"),
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


def _lossy(column: Column) -> pl.Expr:
    """True where a valid id was written as a float, false where as an integer, null where blank."""
    given = _given(pl.col(column.name), _PARSERS[column.kind])
    written_as_float = given.cast(pl.Int64, strict=False).is_null()
    return pl.when(_typed_value(column).is_not_null()).then(written_as_float).alias(lossy_column(column.name))


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
