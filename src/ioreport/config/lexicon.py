"""Topic lexicons: {topic: [keyword or /regular expression/, ...]}, validated before anything runs.

A keyword matches anywhere in a tweet's normalised text (see `ioreport.analysis.narratives`); an entry
between slashes is a regular expression in the Rust syntax polars runs, which has no look-around and no
backtracking, so no pattern can take exponential time. Sizes are bounded all the same.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import polars as pl

from ioreport.config.yaml_files import read_yaml_mapping
from ioreport.errors import InputError

Lexicon = dict[str, list[str]]  # topic -> keywords and /regular expressions/

REGEX_MARK = "/"
MAX_TOPICS = 200
MAX_ENTRIES = 5_000  # per topic
MAX_ENTRY_CHARS = 500
# Column names the narratives analysis uses beside the topic columns: no topic may take one.
RESERVED_NAMES = frozenset(
    {"tweetid", "userid", "tweet_timestamp", "hashtags", "text", "raw_text", "untagged"}
    | {"topic", "period", "tweets", "share", "term", "hashtag"}
)


def regex_body(entry: str) -> str | None:
    """The expression of a /regular expression/ entry, None for a plain keyword."""
    entry = entry.strip()
    if len(entry) > 2 and entry.startswith(REGEX_MARK) and entry.endswith(REGEX_MARK):
        return entry[1:-1]
    return None


def check_regex(body: str) -> None:
    """ValueError with the engine's own reason when polars cannot compile the expression."""
    try:
        pl.Series([""]).str.contains(body)  # the engine that will run it is the one to ask
    except pl.exceptions.ComputeError as exc:
        reasons = [line[len("error: ") :] for line in str(exc).splitlines() if line.startswith("error: ")]
        raise ValueError(f"invalid regular expression: {'; '.join(reasons) or exc}") from None


def load_lexicon(path: str | Path) -> Lexicon:
    """A topics file, validated: every topic a non-empty list of non-empty keywords, every regex valid."""
    path = Path(path)
    raw = read_yaml_mapping(path, "topics")
    if len(raw) > MAX_TOPICS:
        raise InputError(f"{path}: {len(raw)} topics; at most {MAX_TOPICS}")
    lexicon: Lexicon = {}
    for topic, entries in raw.items():
        where = f"{path}: topic {str(topic)[:80]!r}"
        if not isinstance(topic, str) or not topic.strip() or topic in RESERVED_NAMES:
            raise InputError(f"{where}: a topic name must be text other than {sorted(RESERVED_NAMES)}")
        if not isinstance(entries, list) or not entries:
            raise InputError(f"{where}: expected a non-empty list of keywords")
        if len(entries) > MAX_ENTRIES:
            raise InputError(f"{where}: {len(entries)} keywords; at most {MAX_ENTRIES}")
        for number, entry in enumerate(entries, start=1):
            if not isinstance(entry, str) or not entry.strip():
                raise InputError(f"{where}: keyword {number} must be non-empty text")
            if len(entry) > MAX_ENTRY_CHARS:
                raise InputError(f"{where}: keyword {number} is over {MAX_ENTRY_CHARS} characters")
            body = regex_body(entry)
            if body is not None:
                try:
                    check_regex(unicodedata.normalize("NFKC", body))
                except ValueError as exc:
                    raise InputError(f"{where}: keyword {number} ({entry[:80]!r}): {exc}") from None
        lexicon[topic] = entries
    return lexicon
