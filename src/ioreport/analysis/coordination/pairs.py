"""The one pair-building mechanism: uses of one item within a window of each other, partition by partition.

Every network type reduces to *uses* of an item (a retweeted tweet, a text, a hashtag, ...): who used it
(an account code), in which tweet, when (ms). Two accounts co-occur on an item when both used it within
`window` milliseconds. Uses are sorted once by item, then time (then tweet id, so ties are ordered);
each use is paired with the later uses of its item up to its time plus the window: one binary search per
use (numpy), never a join of every use with every other.

Partitions: the sorted uses are cut, between items, into runs of about PARTITION_PAIRS pairs (counted
before any pair is built, from the binary searches). An item's uses are all in one partition, so pairs
never cross partitions; a partition's pairs are built and reduced to the pair and row indices kept before
the next is built, so the peak follows the largest partition (at worst one item's pairs), not the dataset.

The cap: each use is paired with at most `cap` later uses. Only an item used more than `cap` times within
one window (a viral tweet, a trending hashtag) reaches it; such an item says little about coordination,
and without the cap its pairs would grow with the square of its uses.

Per item, the counts the chance model needs come from the same searches, uncapped: its uses, the pairs of
its uses by different accounts, and how many of those fall within the window.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import polars as pl

PAIR_CAP = 1_000
PARTITION_PAIRS = 4_000_000
KEY_SEED = 20200611


@dataclass(frozen=True)
class SortedUses:
    """Uses sorted by item, time and tweet, as numpy columns; `code` numbers the items from 0 in that order.
    The items themselves stay in the order given (texts are costly to move): `items_at` fetches them."""

    account: np.ndarray
    tweetid: np.ndarray
    time: np.ndarray
    code: np.ndarray
    order: np.ndarray  # per sorted row, its row in the uses given
    items: pl.Series  # in the order given

    @classmethod
    def of(cls, uses: pl.DataFrame) -> SortedUses:
        """`uses`: account (UInt32), tweetid, time (ms) and item, in any order."""
        # Items are told apart by a 64-bit hash, quicker to sort than texts; should two items share one (never
        # seen, but possible), a second, independent hash tells them apart too.
        hashed = uses.select(
            "account",
            "tweetid",
            "time",
            key=pl.col("item").hash(KEY_SEED),
            check=pl.col("item").hash(KEY_SEED + 1),
        )
        time, tweetid = hashed["time"].to_numpy(), hashed["tweetid"].to_numpy()
        in_time = np.lexsort((tweetid, time))
        key, check = hashed["key"].to_numpy()[in_time], hashed["check"].to_numpy()[in_time]
        by_key = np.argsort(key, kind="stable")  # stable: in time within an item
        shared = (key[by_key][1:] == key[by_key][:-1]) & (check[by_key][1:] != check[by_key][:-1])
        if shared.any():
            by_key = np.lexsort((check, key))
        order = in_time[by_key]
        key, check = key[by_key], check[by_key]
        new_item = np.r_[True, (key[1:] != key[:-1]) | (check[1:] != check[:-1])][: len(key)]
        return cls(
            hashed["account"].to_numpy()[order],
            hashed["tweetid"].to_numpy()[order],
            hashed["time"].to_numpy()[order],
            np.cumsum(new_item) - 1,
            order,
            uses["item"],
        )

    def __len__(self) -> int:
        return len(self.code)

    def items_at(self, rows: np.ndarray) -> pl.Series:
        """The items of sorted rows."""
        return self.items.gather(self.order[rows])


def reach(code: np.ndarray, time: np.ndarray, window: int) -> np.ndarray:
    """For rows sorted by (code, time): the index one past the last row of the same code up to its time plus
    `window`."""
    if not len(code):
        return np.zeros(0, dtype=np.int64)
    span = int(time.max() - time.min()) + window + 1
    if (int(code.max()) + 1) * span >= 2**62:
        raise ValueError("too many items over too long a time for one partition")
    key = code * span + (time - time.min())
    return np.searchsorted(key, key + window, side="right")


def item_counts(uses: SortedUses, window: int) -> pl.DataFrame:
    """Per item with a pair of uses by different accounts within the window: code, uses, pairs (of uses by
    different accounts) and within (those pairs within the window), all uncapped."""
    if not len(uses):
        return pl.DataFrame(
            schema={"code": pl.Int64, "uses": pl.Int64, "pairs": pl.Float64, "within": pl.Float64}
        )
    n_items = int(uses.code[-1]) + 1
    position = np.arange(len(uses))
    later = reach(uses.code, uses.time, window) - position - 1
    # The same counts within each account's own uses of an item are taken out: no account pairs with itself.
    # Sorted by item and time already, a stable sort by (item, account) keeps each account's uses in time.
    by_item_and_account = uses.code * (int(uses.account.max()) + 1) + uses.account
    by_account = np.argsort(by_item_and_account, kind="stable")
    own_key = by_item_and_account[by_account]
    new_own = np.r_[True, own_key[1:] != own_key[:-1]]
    own_group = np.cumsum(new_own) - 1
    own_later = reach(own_group, uses.time[by_account], window) - position - 1
    own_item = uses.code[by_account][new_own]
    counts = pl.DataFrame(
        {
            "code": np.arange(n_items),
            "uses": np.bincount(uses.code, minlength=n_items),
            "own_square": np.bincount(own_item, weights=np.bincount(own_group) ** 2.0, minlength=n_items),
            "within": np.bincount(uses.code, weights=later, minlength=n_items)
            - np.bincount(uses.code[by_account], weights=own_later, minlength=n_items),
        }
    )
    return counts.select(
        "code",
        "uses",
        pairs=(pl.col("uses").cast(pl.Float64) ** 2 - pl.col("own_square")) / 2,
        within="within",
    ).filter(pl.col("within") > 0)


def co_occurring_rows(
    uses: SortedUses, window: int, cap: int = PAIR_CAP
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Row indices (left < right) of every two uses of one item by different accounts within the window, each
    use paired with at most `cap` later uses: a partition at a time, built as it is asked for."""
    ends = capped_ends(reach(uses.code, uses.time, window), cap)
    for left, right in chunked_pairs(ends, PARTITION_PAIRS, uses.code):
        apart = uses.account[left] != uses.account[right]
        yield left[apart], right[apart]


def pair_keys(uses: SortedUses, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """One uint64 per pair of accounts of the rows: the smaller account code above, the larger below."""
    low = np.minimum(uses.account[left], uses.account[right]).astype(np.uint64)
    return low << np.uint64(32) | np.maximum(uses.account[left], uses.account[right])


def capped_ends(reach: np.ndarray, cap: int) -> np.ndarray:
    """Each row's reach, but at most `cap` rows after it."""
    return np.minimum(reach, np.arange(len(reach)) + 1 + cap)


def chunked_pairs(
    ends: np.ndarray, chunk: int, code: np.ndarray | None = None
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Every row with the rows after it up to its end (exclusive), as (left, right) arrays, rows in ranges of
    about `chunk` pairs each; with `code` (sorted), ranges are cut only where a code starts."""
    position = np.arange(len(ends))
    counts = ends - position - 1
    before = np.r_[0, np.cumsum(counts)]  # pairs of the rows before each row
    starts = position if code is None else np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    at = np.searchsorted(before[starts], np.arange(chunk, before[-1], chunk))
    cuts = starts[at[at < len(starts)]]  # past the last start: the last code is a range of its own
    bounds = np.unique(np.r_[0, cuts, len(ends)])
    for low, high in zip(bounds[:-1], bounds[1:], strict=True):
        counts_here = counts[low:high]
        left = np.repeat(position[low:high], counts_here)
        first_of_row = np.repeat(before[low:high] - before[low], counts_here)
        yield left, left + 1 + np.arange(len(left)) - first_of_row
