"""Identifiers as the archive spells them: snowflake tweet ids, hashed account ids, t.co link codes."""

from __future__ import annotations

import base64
import hashlib

import numpy as np

from ioreport.archive import schema

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
SHORT_CODE_RANGE = (62**9, 62**10)  # draws in this range spell ten base62 characters


def snowflakes(utc_ms: np.ndarray, rng: np.random.Generator, taken: np.ndarray | None = None) -> np.ndarray:
    """Snowflake ids for these times: random low 22 bits, redrawn until no id repeats or is `taken`."""
    base = (np.asarray(utc_ms, dtype=np.int64) - schema.SNOWFLAKE_EPOCH_MS) << schema.SNOWFLAKE_SHIFT
    ids = base | rng.integers(0, 1 << schema.SNOWFLAKE_SHIFT, len(base))
    while (clash := _clashes(ids, taken)).any():
        ids[clash] = base[clash] | rng.integers(0, 1 << schema.SNOWFLAKE_SHIFT, int(clash.sum()))
    return ids


def _clashes(ids: np.ndarray, taken: np.ndarray | None) -> np.ndarray:
    _, first = np.unique(ids, return_index=True)
    clash = np.ones(len(ids), dtype=bool)
    clash[first] = False
    if taken is not None and len(taken):
        clash |= np.isin(ids, taken)
    return clash


def snowflake_ms(tweetid: np.ndarray) -> np.ndarray:
    """The UTC milliseconds a snowflake id encodes."""
    return (tweetid >> schema.SNOWFLAKE_SHIFT) + schema.SNOWFLAKE_EPOCH_MS


def account_hash(key: str) -> str:
    """Twitter's 2019+ hashed identity: 44 base64 characters ending in '='."""
    return base64.b64encode(hashlib.sha256(key.encode()).digest()).decode("ascii")


def short_code(number: int) -> str:
    """A link code such as t.co's, spelled in base62."""
    letters = []
    while number:
        number, digit = divmod(number, 62)
        letters.append(BASE62[digit])
    return "".join(reversed(letters))
