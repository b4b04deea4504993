"""Validating and typing raw chunks: one parser per schema kind, plausibility rules, quarantine rows.

Every known column is parsed by its kind's parser; a record whose value fails goes to the quarantine with
the first failing column in file order and the reason, and the others are typed and given the added
columns. Besides values that do not parse, these rules quarantine a record, each with its own reason:

| rule (time: `tweet_time`, `account_creation_date`) | reason |
| --- | --- |
| a time not before Twitter's launch | `<column> before Twitter existed (2006-03-21): '…'` |
| a time not after the time of ingest | `<column> after the time of ingest: '…'` |
| `tweet_time` in the snowflake id's minute | `tweet_time disagrees with the time in tweetid (…): '…'` |
| counts and ids: non-negative integers | `negative <column>`, `<column> is not an integer`, `… too large` |

Every tweets file checked shows `tweet_time` as its snowflake id's time truncated to the minute, so a
disagreement beyond the minute means a corrupt row. Control characters in ids (a `\\x0b` in a userid) are
removed, and counted. Records with the same key and other content (conflicts), and bytes that are not
UTF-8, are handled in `store` and `read`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import polars as pl

from ioreport.archive.read import RawChunk, Rejected, field_names, record_text
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

VALUE_TEXT_LIMIT = 80
TWITTER_LAUNCH = date(2006, 3, 21)

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
    "column": pl.String(),  # first failing column; null when the record could not be split into fields
    "reason": pl.String(),
    "record": pl.String(),
}
# Blank values of these kinds in a required column leave a row without identity or time: quarantined.
IDENTITY_KINDS = frozenset({Kind.TWEET_ID, Kind.ACCOUNT_ID, Kind.MINUTE_TIME})
ID_KINDS = frozenset({Kind.TWEET_ID, Kind.TWEET_REFERENCE, Kind.ACCOUNT_ID})
CONTROL_CHARACTERS = r"[\x00-\x1f\x7f]"
RETWEET_NAME_PATTERN = r"^RT @([A-Za-z0-9_]+):"  # screen names are 1-15 ASCII word characters
DIGITS = r"^\d+$"
# A list item: quoted (may hold commas) or a run up to the next comma.
LIST_ITEM = r"'[^']*'|\"[^\"]*\"|[^,'\"\s][^,]*"

# Working columns of a chunk while it is validated (never written).
FAILED = "_failed"
RECORD_HASH = "_record_hash"  # of every field's text: tells duplicates (same hash) from conflicts


@dataclass(frozen=True)
class Checked:
    """A chunk after validation."""

    valid: pl.DataFrame  # typed rows with the added columns and RECORD_HASH
    quarantine: pl.DataFrame  # QUARANTINE_SCHEMA
    control_characters_removed: int  # id fields that held control characters


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


def check_chunk(chunk: RawChunk, schema: FileSchema, ingested_at: datetime) -> Checked:
    """The chunk's valid records, typed and with the added columns, and quarantine rows for the others."""
    present = [name for name in chunk.columns if name]
    failures = {name: failure for name in present if (failure := _failure(schema, name, ingested_at))}
    with_control_characters = _control_characters(chunk.records, schema)
    typed = _typed(chunk.records, schema, set(with_control_characters)).with_columns(
        pl.any_horizontal(False, *(failed for failed, _ in failures.values())).alias(FAILED)
    )
    failed = typed.filter(pl.col(FAILED))
    valid = typed.select(*_values_with_added_columns(schema, chunk.label), RECORD_HASH, FAILED)
    # Most chunks have no failing record: then filtering every column (a tenth of the checks) is skipped.
    valid = (valid.filter(~pl.col(FAILED)) if failed.height else valid).drop(FAILED)
    quarantine = pl.concat(
        [_rejected_frame(chunk.label, chunk.rejected), _failed_rows(chunk, failed, failures)]
    )
    return Checked(valid, quarantine.sort("line"), sum(with_control_characters.values()))


def _failed_rows(
    chunk: RawChunk, failed: pl.DataFrame, failures: dict[str, tuple[pl.Expr, pl.Expr]]
) -> pl.DataFrame:
    """Quarantine rows for the records that failed a check, naming the first failing column in the file.
    Reasons are spelled out only for these few records; with none, not even planned (about 12 ms a chunk)."""
    if not failed.height:
        return pl.DataFrame(schema=QUARANTINE_SCHEMA)
    reasons = failed.select(
        pl.lit(chunk.label).alias("file"),
        pl.col(SOURCE_LINE).alias("line"),
        pl.coalesce(pl.when(failed).then(pl.lit(name)) for name, (failed, _) in failures.items()).alias(
            "column"
        ),
        pl.coalesce(pl.when(failed).then(reason) for failed, reason in failures.values()).alias("reason"),
    )
    raw_fields = [
        _raw_name(name) if column else name
        for name, column in zip(field_names(chunk.columns), chunk.columns, strict=True)
    ]
    records = [record_text(fields) for fields in failed.select(pl.col(raw_fields).fill_null("")).rows()]
    return reasons.with_columns(record=pl.Series(records, dtype=pl.String))


def _control_characters(records: pl.DataFrame, schema: FileSchema) -> dict[str, int]:
    """How many fields of each id column hold control characters, for the columns that have any."""
    ids = [c.name for c in schema.columns if c.kind in ID_KINDS and c.name in records.columns]
    if not ids:
        return {}
    counts = records.select(pl.col(ids).str.contains(CONTROL_CHARACTERS).sum()).row(0, named=True)
    return {name: count for name, count in counts.items() if count}


def _rejected_frame(label: str, rejected: list[Rejected]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "file": [label] * len(rejected),
            "line": [record.line for record in rejected],
            "column": [None] * len(rejected),
            "reason": [record.reason for record in rejected],
            "record": [record.record for record in rejected],
        },
        schema=QUARANTINE_SCHEMA,
    )


def _typed(raw: pl.DataFrame, schema: FileSchema, with_control_characters: set[str]) -> pl.DataFrame:
    """Typed values of every schema column (typed nulls when absent), beside the raw and the given text."""
    present = [column for column in schema.columns if column.name in raw.columns]
    # Absent columns hash as blank, so a 30-column and a 31-column copy of a record are the same record.
    # Each field is hashed with its column's own seed and the hashes summed (wrapping): a third of the time
    # of hashing a struct of the fields, and a value moved to another column still changes the sum.
    fields = [
        (pl.col(c.name).fill_null("") if c in present else pl.lit("")).hash(seed)
        for seed, c in enumerate(schema.columns)
    ]
    cleaned = (
        _cleaned(pl.col(_raw_name(c.name)), c, c.name in with_control_characters).alias(_given_name(c.name))
        for c in present
    )
    given = (_blank_as_null(c).alias(_given_name(c.name)) for c in present)
    values = (
        _value(c).alias(c.name) if c in present else pl.lit(None, c.dtype).alias(c.name)
        for c in schema.columns
    )
    lossy = (
        _lossy(c) if c in present else pl.lit(None, pl.Boolean).alias(lossy_column(c.name))
        for c in schema.columns
        if c.kind is Kind.TWEET_REFERENCE
    )
    return (
        raw.with_columns(pl.sum_horizontal(fields).alias(RECORD_HASH))
        .rename({c.name: _raw_name(c.name) for c in present})
        # Cleaned in a step of its own: an expression using the stripped text twice would strip it twice.
        .with_columns(cleaned)
        .with_columns(given)
        .with_columns(values)
        .with_columns(lossy)
    )


def _values_with_added_columns(schema: FileSchema, label: str) -> list[pl.Expr]:
    added = {
        SOURCE_FILE: pl.lit(label),
        SOURCE_LINE: pl.col(SOURCE_LINE),
        IS_HASHED: ~pl.col(USERID).str.contains(DIGITS),
        TWEET_TIMESTAMP: pl.coalesce(_snowflake_time(), pl.col(TWEET_TIME)),
        RETWEETED_SCREEN_NAME: _retweeted_screen_name(),
        **{name: pl.col(name) for name in LOSSY_COLUMNS},
    }
    return [*schema.names, *(added[name].alias(name) for name in ADDED_COLUMNS[schema.kind])]


def _snowflake_time() -> pl.Expr:
    """The millisecond time a snowflake tweetid carries; null for ids that predate snowflakes."""
    tweetid = pl.col(TWEETS.key)
    return (
        pl.when(tweetid >= FIRST_SNOWFLAKE_ID)
        .then(tweetid // (1 << SNOWFLAKE_SHIFT) + SNOWFLAKE_EPOCH_MS)
        .cast(pl.Datetime("ms", "UTC"))
    )


def _retweeted_screen_name() -> pl.Expr:
    return pl.when(pl.col(IS_RETWEET)).then(pl.col(TWEET_TEXT).str.extract(RETWEET_NAME_PATTERN, 1))


def _clipped(text: pl.Expr) -> pl.Expr:
    return (
        pl.when(text.str.len_chars() > VALUE_TEXT_LIMIT)
        .then(text.str.slice(0, VALUE_TEXT_LIMIT) + "…")
        .otherwise(text)
    )


# --- Parsers, one per schema kind -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Parser:
    """How a kind's non-blank text becomes its typed value; invalid text gives null."""

    convert: Callable[[pl.Expr], pl.Expr]
    # Why a column's non-blank text gave no value (from the column name and the text); None: never invalid.
    problem: Callable[[str, pl.Expr], pl.Expr] | None = None
    strip: bool = True  # surrounding whitespace is noise, except in free text
    blanks: tuple[str, ...] = ("",)  # texts meaning "no value"
    blank_value: list | None = None  # the value of a blank field, when not null
    in_twitters_lifetime: bool = False  # a time that must fall between Twitter's launch and the ingest


def _always(template: str) -> Callable[[str, pl.Expr], pl.Expr]:
    return lambda name, _text: pl.lit(template.format(name=name))


def _integer_problem(name: str, text: pl.Expr) -> pl.Expr:
    return (
        pl.when(text.str.contains(r"^-\d+$"))
        .then(pl.lit(f"negative {name}"))
        .when(text.str.contains(DIGITS))
        .then(pl.lit(f"{name} too large"))
        .when(text.cast(pl.Float64, strict=False).is_not_null())
        .then(pl.lit(f"{name} is not an integer"))
        .otherwise(pl.lit(f"non-numeric {name}"))
    )


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
    """`['a', "b"]` (Python repr) or `[a, b]` (unquoted): the items between the brackets, stripped; an item
    in matching quotes, on one line, loses them (as the regex ^'(.*)'$|^"(.*)"$ would)."""
    bracketed = text.str.starts_with("[") & text.str.ends_with("]")
    items = text.str.strip_prefix("[").str.strip_suffix("]").str.extract_all(LIST_ITEM)
    # A quoted match starts and ends with its quote and has no surrounding space; an unquoted one starts
    # with neither a quote nor a space: only its end is stripped. A fifth less time than stripping and
    # comparing both ends of every item.
    item = pl.element()
    one_line = ~item.str.contains("\n", literal=True)
    single, double = (item.str.starts_with(quote) & one_line for quote in "'\"")
    unquoted = (
        pl.when(single)
        .then(item.str.strip_prefix("'").str.strip_suffix("'"))
        .when(double)
        .then(item.str.strip_prefix('"').str.strip_suffix('"'))
        .otherwise(item.str.strip_chars_end())
    )
    return pl.when(bracketed).then(items.list.eval(unquoted))


_PARSERS: dict[Kind, _Parser] = {
    Kind.TWEET_ID: _Parser(_non_negative_integer, _integer_problem),
    Kind.TWEET_REFERENCE: _Parser(_tweet_reference, _integer_problem),
    Kind.ACCOUNT_ID: _Parser(lambda text: text),
    Kind.TEXT: _Parser(lambda text: text, strip=False),
    Kind.COUNT: _Parser(_non_negative_integer, _integer_problem),
    Kind.DATE: _Parser(
        lambda text: text.str.to_date("%Y-%m-%d", strict=False),
        _always("unparseable {name}"),
        in_twitters_lifetime=True,
    ),
    Kind.MINUTE_TIME: _Parser(_utc_time, _always("unparseable {name}"), in_twitters_lifetime=True),
    Kind.LANGUAGE: _Parser(lambda text: text.str.to_lowercase()),
    Kind.BOOLEAN: _Parser(_boolean, _always("{name} is not true/false")),
    Kind.COORDINATE: _Parser(
        lambda text: text.cast(pl.Float64, strict=False),
        _always("{name} is not a number or 'absent'"),
        blanks=("", "absent"),
    ),
    Kind.STRING_LIST: _Parser(_string_list, _always("{name} is not a [list]"), blank_value=[]),
}


def _raw_name(name: str) -> str:
    return f"_raw_{name}"


def _given_name(name: str) -> str:
    return f"_given_{name}"


def _cleaned(raw: pl.Expr, column: Column, with_control_characters: bool) -> pl.Expr:
    """The field's text, stripped unless free text; without control characters where the chunk's ids have
    any."""
    text = raw.str.replace_all(CONTROL_CHARACTERS, "") if with_control_characters else raw
    return text.str.strip_chars() if _PARSERS[column.kind].strip else text


def _blank_as_null(column: Column) -> pl.Expr:
    """The cleaned text, null when blank: the text the column's value is parsed from."""
    text = pl.col(_given_name(column.name))
    blanks = _PARSERS[column.kind].blanks
    # One blank is compared: half the time of is_in, over every field of the file.
    return pl.when(text != blanks[0] if len(blanks) == 1 else ~text.is_in(list(blanks))).then(text)


def _value(column: Column) -> pl.Expr:
    parser = _PARSERS[column.kind]
    given = pl.col(_given_name(column.name))
    value = parser.convert(given)
    if parser.blank_value is not None:
        value = pl.when(given.is_null()).then(pl.lit(parser.blank_value, column.dtype)).otherwise(value)
    return value


def _lossy(column: Column) -> pl.Expr:
    """True where a valid id was written as a float, false where as an integer, null where blank."""
    written_as_float = pl.col(_given_name(column.name)).cast(pl.Int64, strict=False).is_null()
    return pl.when(pl.col(column.name).is_not_null()).then(written_as_float).alias(lossy_column(column.name))


def _failure(schema: FileSchema, name: str, ingested_at: datetime) -> tuple[pl.Expr, pl.Expr] | None:
    """When a record fails on the column (raw text and typed value side by side), and why.

    None for columns that cannot fail: free text, and optional ids and languages.
    """
    column = schema.by_name[name]
    parser = _PARSERS[column.kind]
    raw = pl.col(_raw_name(name))
    given = pl.col(_given_name(name))
    value = pl.col(name)
    cases = []

    def quoting(problem: pl.Expr) -> pl.Expr:
        return pl.concat_str(problem, pl.lit(": '"), _clipped(raw), pl.lit("'"))

    cases = []
    if column.required and column.kind in IDENTITY_KINDS:
        cases.append((given.is_null(), pl.lit(f"missing {name}")))
    if parser.problem:
        cases.append((given.is_not_null() & value.is_null(), quoting(parser.problem(name, given))))
    if parser.in_twitters_lifetime:
        launch = datetime.combine(TWITTER_LAUNCH, time(), UTC)
        earliest, latest = (
            (launch.date(), ingested_at.date()) if column.kind is Kind.DATE else (launch, ingested_at)
        )
        cases.append((value < earliest, quoting(pl.lit(f"{name} before Twitter existed ({TWITTER_LAUNCH})"))))
        cases.append((value > latest, quoting(pl.lit(f"{name} after the time of ingest"))))
    if name == TWEET_TIME and schema is TWEETS:
        snowflake = _snowflake_time()
        said = pl.concat_str(
            pl.lit(f"{name} disagrees with the time in tweetid ("),
            snowflake.dt.strftime("%Y-%m-%d %H:%M:%S"),
            pl.lit(")"),
        )
        cases.append((snowflake.dt.truncate("1m") != value.dt.truncate("1m"), quoting(said)))
    if not cases:
        return None
    failed = pl.any_horizontal(condition.fill_null(False) for condition, _ in cases)
    return failed, pl.coalesce(pl.when(condition).then(reason) for condition, reason in cases)
