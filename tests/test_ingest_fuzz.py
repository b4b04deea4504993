"""Fuzzing the loader: generated rows and byte mutations of real and synthetic files.

Whatever the bytes, the loader raises nothing but InputError (for a file it cannot read as a whole), and
every record it reads is loaded, quarantined or a duplicate, at the physical line where it starts.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import tempfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ioreport.archive import read
from ioreport.archive.ingest import ingest
from ioreport.archive.schema import SOURCE_LINE, TWEETS, USERS
from ioreport.archive.validate import LIST_ITEM, _string_list
from ioreport.errors import InputError
from tests.test_ingest import account, tweet

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HOSTILE = st.sampled_from(
    [
        '"',
        '""',
        ",",
        "\n",
        "\r",
        "\r\n",
        "\x00",
        "\x0b",
        "\ufeff",
        "é",
        "𝕏",
        "absent",
        "[",
        "]",
        "'",
        " ",
        "-1",
    ]
)
FIELD = st.one_of(
    st.sampled_from(
        ["", "0", "7", "1e3", "-1", "true", "False", "[]", "['a', 'b']", "2020-01-01 10:00", "x"]
    ),
    st.text(max_size=12),
    st.lists(HOSTILE, max_size=4).map("".join),
)


def check_accounting(result) -> None:
    """Each table's rows add up, and no record has two outcomes (no file and line seen twice)."""
    for counts in result.counts.values():
        assert counts.input_rows == counts.loaded + counts.quarantined + counts.duplicates
    quarantine = result.scan_quarantine().collect()
    assert quarantine.height == sum(counts.quarantined for counts in result.counts.values())
    places = [quarantine.select("file", "line")]
    users = None if result.users_derived_from_tweets else result.scan_users()
    for name, frame in (("tweets", result.scan_tweets()), ("users", users)):
        if frame is not None:
            loaded = frame.select(
                pl.col("source_file").alias("file"), pl.col(SOURCE_LINE).alias("line")
            ).collect()
            assert loaded.height == result.counts[name].loaded
            places.append(loaded)
    assert not pl.concat(places).is_duplicated().any()


def ingest_or_input_error(tweets: list[Path], users: Path | None, cache: Path):
    try:
        result = ingest(tweets, users, cache)
    except InputError as err:
        assert str(err)
        return None
    check_accounting(result)
    return result


def record_starts(records: list[list[str]]) -> list[int]:
    """The physical line each written record starts on (the header is line 1), as csv.writer writes them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    starts = []
    for record in records:
        starts.append(buffer.getvalue().count("\n") + 1)
        writer.writerow(record)
    return [start + 1 for start in starts]


@FUZZ
@given(
    st.lists(
        st.tuples(st.dictionaries(st.sampled_from(TWEETS.names), FIELD, max_size=4), st.integers(-2, 2)),
        min_size=1,
        max_size=12,
    )
)
def test_generated_tweets_rows(changes):
    records = []
    for number, (fields, width_change) in enumerate(changes):
        row = list(tweet(number % 5, **fields).values())
        records.append(row[: len(row) + width_change] if width_change < 0 else row + ["x"] * width_change)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        with path.open("w", newline="", encoding="utf-8", errors="surrogateescape") as handle:
            writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
            writer.writerow(TWEETS.names)
            writer.writerows(records)
        result = ingest([path], None, Path(folder) / "cache")
        check_accounting(result)
        assert result.counts["tweets"].input_rows == len(records)
        quarantine = result.scan_quarantine().collect()
        lines = set(quarantine["line"]) | set(result.scan_tweets().collect()[SOURCE_LINE])
        assert lines <= set(record_starts(records))


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(USERS.names), FIELD), max_size=6), st.integers(1, 8))
def test_generated_users_rows(changes, accounts):
    rows = [account(str(number), f"name{number}") for number in range(accounts)]
    for index, (name, value) in enumerate(changes):
        rows[index % accounts][name] = value
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "users.csv"
        with path.open("w", newline="", encoding="utf-8", errors="surrogateescape") as handle:
            writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
            writer.writerow(USERS.names)
            writer.writerows([row[name] for name in USERS.names] for row in rows)
        result = ingest([], path, Path(folder) / "cache")
        check_accounting(result)
        assert result.counts["users"].input_rows == accounts


MUTATION = st.tuples(
    st.sampled_from(["replace", "insert", "delete", "repeat"]),
    st.floats(0, 1),
    st.integers(1, 40),
    st.sampled_from([b'"', b"\n", b"\r", b",", b"\x00", b"\xff", b"\xe9", b'""', b'",\n"', b"\xef\xbb\xbf"]),
)


def mutated(content: bytes, mutations: list[tuple[str, float, int, bytes]]) -> bytes:
    for kind, where, size, piece in mutations:
        at = int(where * len(content))
        if kind == "replace":
            content = content[:at] + piece + content[at + len(piece) :]
        elif kind == "insert":
            content = content[:at] + piece * (size % 3 + 1) + content[at:]
        elif kind == "delete":
            content = content[:at] + content[at + size :]
        else:
            content = content[:at] + content[at : at + size] * 2 + content[at + size :]
    return content


@pytest.fixture(scope="module")
def small_files(real_data_dir) -> dict[str, tuple[str, bytes]]:
    """Real and synthetic files to mutate: (table, bytes) by name."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(TWEETS.names)
    writer.writerows(
        list(tweet(number, tweet_text=f'say "{number}",\nthen').values()) for number in range(20)
    )
    return {
        "cnhu.csv": ("tweets", (real_data_dir / "CNHU_0621_tweets_csv_hashed_2021.head.csv").read_bytes()),
        "gru.csv": (
            "tweets",
            (real_data_dir / "hashed_2020_12_GRU_202012_GRU_202012_tweets.head.csv").read_bytes(),
        ),
        "users.csv": ("users", (real_data_dir / "china_082019_1_users_csv_hashed.csv").read_bytes()[:20_000]),
        "synthetic.csv": ("tweets", buffer.getvalue().encode()),
    }


@FUZZ
@given(
    st.sampled_from(["cnhu.csv", "gru.csv", "users.csv", "synthetic.csv"]),
    st.lists(MUTATION, min_size=1, max_size=6),
    st.booleans(),
)
def test_byte_mutations_of_real_and_synthetic_files(small_files, name, mutations, gzipped):
    table, content = small_files[name]
    content = mutated(content, mutations)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(gzip.compress(content, mtime=0) if gzipped else content)
        if table == "tweets":
            ingest_or_input_error([path], None, Path(folder) / "cache")
        else:
            ingest_or_input_error([], path, Path(folder) / "cache")


@FUZZ
@given(st.binary(max_size=300), st.booleans())
def test_mutated_compressed_bytes(noise, gzipped):
    """Broken containers are InputErrors, never another exception."""
    content = gzip.compress(noise) if gzipped else noise
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv.gz"
        path.write_bytes(content[: len(content) // 2] + noise[:10] if gzipped else content)
        ingest_or_input_error([path], None, Path(folder) / "cache")


@FUZZ
@given(
    st.lists(st.lists(st.text(max_size=8) | HOSTILE, min_size=3, max_size=3), min_size=1, max_size=8),
    st.sampled_from([csv.QUOTE_ALL, csv.QUOTE_MINIMAL]),
    st.sampled_from(["\n", "\r\n"]),
)
def test_native_reader_reads_what_the_csv_module_reads(rows, quoting, terminator):
    """Where polars' reader accepts a block, its rows and lines are the csv module's."""
    buffer = io.StringIO()
    csv.writer(buffer, quoting=quoting, lineterminator=terminator).writerows(rows)
    content = buffer.getvalue().encode("utf-8", "surrogateescape")
    names = ["a", "b", "c"]
    native = read._native(read._Buffer(io.BytesIO(content)), len(content), names)
    slow, rejected = read._slow(read._Buffer(io.BytesIO(content)), len(content), names)
    if native is not None:
        assert not rejected
        assert native[0].with_columns(pl.col(names).fill_null("")).equals(slow)


def documented_list_items(text: str) -> list[str] | None:
    """The list rule as the loader documents it, in plain Python: matches of LIST_ITEM between
    the brackets, stripped, and unquoted when in matching quotes on one line."""
    if not (text.startswith("[") and text.endswith("]")):
        return None
    items = [match.strip() for match in re.findall(LIST_ITEM, text.removeprefix("[").removesuffix("]"))]
    return [
        item[1:-1]
        if len(item) >= 2 and item[0] == item[-1] and item[0] in "'\"" and "\n" not in item
        else item
        for item in items
    ]


LIST_PIECES = st.lists(
    st.sampled_from(
        ["[", "]", "'", '"', ",", ", ", " ", "\t", "\n", "a", "é", "'b'", '"c d"', "'', ", "'e\nf'"]
    )
).map("".join)
# Mostly bracketed, as lists are; sometimes not, which is no list.
LIST_TEXT = st.one_of(LIST_PIECES.map(lambda inner: f"[{inner}]"), LIST_PIECES)


@FUZZ
@given(st.lists(LIST_TEXT, min_size=1, max_size=30))
def test_string_lists_parse_as_documented(texts):
    parsed = pl.DataFrame({"text": texts}).select(_string_list(pl.col("text"))).to_series().to_list()
    assert parsed == [documented_list_items(text) for text in texts]
