"""Identifiers as the archive spells them: snowflake tweet ids, hashed account ids, t.co link codes."""

from __future__ import annotations

import base64
import hashlib

import numpy as np

from ioreport.archive import schema

BASE62 = np.array(list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
LOW_BITS = (1 << schema.SNOWFLAKE_SHIFT) - 1  # the random part of a snowflake
SHORT_CODE_DIGITS = 10
SHORT_CODE_RANGE = (62 ** (SHORT_CODE_DIGITS - 1), 62**SHORT_CODE_DIGITS)  # draws here spell ten characters


def snowflakes(utc_ms: np.ndarray, rng: np.random.Generator, taken: np.ndarray | None = None) -> np.ndarray:
    """Snowflake ids for these times: random low 22 bits, redrawn until no id repeats or is `taken`."""
    ids = (np.asarray(utc_ms, dtype=np.int64) - schema.SNOWFLAKE_EPOCH_MS) << schema.SNOWFLAKE_SHIFT
    ids |= rng.integers(0, 1 << schema.SNOWFLAKE_SHIFT, len(ids))
    while (clash := _clashes(ids, taken)).any():
        ids[clash] = (ids[clash] & ~LOW_BITS) | rng.integers(0, 1 << schema.SNOWFLAKE_SHIFT, int(clash.sum()))
    return ids


def _clashes(ids: np.ndarray, taken: np.ndarray | None) -> np.ndarray:
    """Every id equal to an earlier one, or taken already."""
    order = np.argsort(ids, kind="stable")
    ordered = ids[order]
    clash = np.zeros(len(ids), dtype=bool)
    clash[order[1:][ordered[1:] == ordered[:-1]]] = True
    if taken is not None and len(taken):
        clash |= np.isin(ids, taken)
    return clash


def snowflake_ms(tweetid: np.ndarray) -> np.ndarray:
    """The UTC milliseconds a snowflake id encodes."""
    return (tweetid >> schema.SNOWFLAKE_SHIFT) + schema.SNOWFLAKE_EPOCH_MS


def account_hash(key: str) -> str:
    """Twitter's 2019+ hashed identity: 44 base64 characters ending in '='."""
    return base64.b64encode(hashlib.sha256(key.encode()).digest()).decode("ascii")


def short_codes(numbers: np.ndarray) -> np.ndarray:
    """Link codes such as t.co's: each number below 62**10 spelled in ten base62 characters."""
    powers = 62 ** np.arange(SHORT_CODE_DIGITS - 1, -1, -1, dtype=np.int64)
    digits = (np.asarray(numbers, dtype=np.int64)[:, None] // powers) % 62
    return np.ascontiguousarray(BASE62[digits]).view(f"<U{SHORT_CODE_DIGITS}").ravel()
