"""How every analysis reads tweet text: links, @mentions and hashtags found and folded one way.

Hashed screen names are random base64 that can spell a word, and t.co links differ between copies of
one text, so analyses that compare or match texts drop both. Hashtags are folded (NFKC, lower case,
without "#") once here, so "the top hashtag" is the same hashtag in every section.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import cache

import opencc
import polars as pl

URL = r"https?://[\x21-\x7e]+"  # printable ASCII: stops at Chinese text that follows without a space
MENTION = r"@[A-Za-z0-9_+/=]+"  # screen names, hashed ones (base64) included
LINE_BREAK = "\n"  # joins texts for one OpenCC call; texts are made single-line first


def without_links_and_mentions(text: pl.Expr) -> pl.Expr:
    return text.str.replace_all(URL, " ").str.replace_all(MENTION, " ")


def folded_hashtag(tag: pl.Expr) -> pl.Expr:
    """A hashtag as every section counts it: compatibility forms unified, lower case, no leading '#'."""
    return tag.str.normalize("NFKC").str.to_lowercase().str.strip_chars_start("#")


def folded_hashtags(tags: pl.Expr) -> pl.Expr:
    """A list column of hashtags, each folded; empty ones dropped."""
    return tags.list.eval(folded_hashtag(pl.element()).filter(pl.element().str.len_chars() > 0))


def collapsed_whitespace(text: pl.Expr) -> pl.Expr:
    """White space collapsed as Python's str.split() does: runs of two or more, or a lone tab or newline."""
    return text.str.replace_all(r"\s\s+|[^\S ]", " ").str.strip_chars()


@cache
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _to_simplified().convert(text)


def fold_case(text: str) -> str:
    """Compatibility forms unified (full-width Ｈ, ligatures) and Unicode case folding (ß → ss, Σ → σ)."""
    return unicodedata.normalize("NFKC", text).casefold()


def normalise(texts: Sequence[str]) -> list[str]:
    """Texts as topics match them: white space collapsed, NFKC, case folded, traditional Chinese made
    simplified (臺灣, 台灣 and 台湾 read alike)."""
    if not texts:
        return []
    # One call for all texts: OpenCC and NFKC are fast on one long string and slow per call.
    joined = LINE_BREAK.join(" ".join(text.split()) for text in texts)
    normalised = to_simplified(fold_case(joined)).split(LINE_BREAK)
    if len(normalised) != len(texts):
        raise AssertionError("normalisation changed the number of texts")
    return normalised
