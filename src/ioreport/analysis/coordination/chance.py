"""Coordination beyond chance: how likely independent accounts are to coincide as much as a pair did.

Two accounts that both retweeted a viral tweet within a minute, or both wrote "Good morning!", coincided,
and chance alone makes many such pairs. What the published tools do: coordination-network-toolkit and
CooRTweet count the items two accounts shared within a window and keep the edges from a fixed minimum
weight (CooRTweet: a percentile of the network's weights, 0.5 by default); neither asks what chance would
give, so a viral tweet links everyone who retweeted it. coordinationz (OSoMe) compares each pair's
item-rarity-weighted (TF-IDF) similarity with that of a bipartite null model (user-item edges shuffled,
degrees kept) and keeps pairs with p < 0.01, but without time. Here both are joined: the co-occurrences
within the window are judged against a null model in which accounts act independently, each item is as
popular and as bursty as it was, and each account as active as it was. It is analytic (no draws, so the
same data and parameters give the same edges) and costs a few passes over the candidate pairs.

The null model, per network (uses: who used which item, when):

- An item's chance synchrony: `q_i`, the share of its pairs of uses by different accounts that fall
  within the window. A viral tweet retweeted by hundreds within minutes, or a hashtag during a final, has a
  high q; a stock phrase said all day by everyone a low one. An item used by many says little: for a pair
  of accounts, the expected number of co-occurrences on item i is `exposure * rate_i`, with
  `rate_i = N_i**2 * q_i / S**2` (N_i its uses, S all uses): the item's uses falling to the pair in
  proportion to their activity, and its burstiness.
- A pair's exposure: the product of the two accounts' uses, but at least that of two average accounts
  (a viral burst reaches its retweeters whatever their activity, so a quiet account is no less exposed).
- The test: the pair's co-occurring items, rarest first; for each j, the j rarest are compared with the
  co-occurrences chance would give on all items at least as rare (Poisson with mean `exposure *` the sum
  of their rates): p_j = P(X >= j). A few rare items weigh as much as many common ones. The pair's p is
  the smallest p_j times the number of j tried. Items that co-occurred only in the same pair of tweets
  (the hashtags of one tweet) count once: a count is the least of distinct items and distinct tweets on
  either side.
- The chance of an edge: p times the number of pairs of the network's accounts (Bonferroni), at most 1: a
  bound on the probability that, with every account acting independently, some pair would coincide this
  much. An edge is beyond chance when it is at most the network's `chance_threshold`.
- Coordination hides itself: a planted group's bursts make the items it uses look bursty. So the items'
  synchrony is estimated again without the co-occurrences of the pairs found beyond chance (an item
  keeps at least the pair's own), until the pairs found no longer change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

MAX_PASSES = 10  # re-estimations of the items' synchrony; the pairs found settle in two or three
CHANCE_SCHEMA = {"source": pl.UInt32, "target": pl.UInt32, "chance": pl.Float64}


def judge(rows: pl.DataFrame, items: pl.DataFrame, activity: np.ndarray, threshold: float) -> pl.DataFrame:
    """source, target, chance: per pair of `rows`, the probability (bound) that chance alone makes some pair
    of the network this coincident.

    rows: the pairs' co-occurrences (source, target, item, source_tweetid, target_tweetid); items: code,
    uses, pairs and within (`pairs.item_counts`), for every item with a co-occurrence; activity: uses per
    account code.
    """
    if rows.is_empty():
        return pl.DataFrame(schema=CHANCE_SCHEMA)
    rows = rows.select("source", "target", "item", "source_tweetid", "target_tweetid").sort(
        "source", "target", "item"
    )
    scan = _Scan.of(rows)
    active = activity[activity > 0].astype(np.float64)
    total, pairs_possible = active.sum(), len(active) * (len(active) - 1) / 2
    activity = activity.astype(np.float64)
    first = scan.starts
    sources, targets = rows["source"].to_numpy()[first], rows["target"].to_numpy()[first]
    # A quiet account is no less exposed to a viral burst: a pair is at least as exposed as two average ones.
    exposure = np.maximum(activity[sources] * activity[targets], active.mean() ** 2)
    within, scale = _per_item(items, total)
    explained = np.zeros_like(within)
    for _ in range(MAX_PASSES):
        tail, count = scan.tails(exposure, within - explained, scale)
        chance = np.minimum(tail * count * pairs_possible, 1.0)
        beyond = chance[scan.pair_of_item] <= threshold
        found = np.bincount(scan.item_of_pair, weights=scan.own * beyond, minlength=len(within))
        if np.array_equal(found, explained):
            break
        explained = found
    return pl.DataFrame({"source": sources, "target": targets, "chance": chance}, schema=CHANCE_SCHEMA)


def _per_item(items: pl.DataFrame, total: float) -> tuple[np.ndarray, np.ndarray]:
    """Per item code: its co-occurrences within the window, and the rate of one (N**2 / (pairs * S**2))."""
    size = int(items["code"].max()) + 1 if items.height else 0
    code = items["code"].to_numpy()
    within, scale = np.zeros(size), np.zeros(size)
    within[code] = items["within"].to_numpy()
    scale[code] = items["uses"].to_numpy().astype(np.float64) ** 2 / (items["pairs"].to_numpy() * total**2)
    return within, scale


@dataclass(frozen=True)
class _Scan:
    """The candidate pairs' co-occurrences, sorted by pair: per row its pair, its (pair, item) and item; per
    (pair, item) its pair, item and own co-occurrences; where each pair starts; and, where a tweet carries
    several items (hashtags, links), the rows of each pair's tweets on either side."""

    pair: np.ndarray
    pair_item: np.ndarray
    item: np.ndarray
    pair_of_item: np.ndarray
    item_of_pair: np.ndarray
    own: np.ndarray
    starts: np.ndarray
    tweet_groups: tuple[tuple[np.ndarray, np.ndarray], ...]  # per side: rows by (pair, tweet), group starts

    @classmethod
    def of(cls, rows: pl.DataFrame) -> _Scan:
        """`rows` sorted by source, target and item."""
        source, target, item = (rows[c].to_numpy() for c in ("source", "target", "item"))
        new_pair = np.r_[True, (source[1:] != source[:-1]) | (target[1:] != target[:-1])]
        new_item = new_pair | np.r_[True, item[1:] != item[:-1]]
        pair, pair_item = np.cumsum(new_pair) - 1, np.cumsum(new_item) - 1
        firsts = np.flatnonzero(new_item)
        tweet_items = rows.select("source_tweetid", "item").unique()
        several_items_a_tweet = tweet_items.height > tweet_items["source_tweetid"].n_unique()
        sides = ("source_tweetid", "target_tweetid") if several_items_a_tweet else ()
        return cls(
            pair,
            pair_item,
            item,
            pair[firsts],
            item[firsts],
            np.bincount(pair_item).astype(np.float64),
            np.flatnonzero(new_pair),
            tuple(_groups(pair, rows[side].to_numpy()) for side in sides),
        )

    def tails(
        self, exposure: np.ndarray, unexplained: np.ndarray, scale: np.ndarray
    ) -> tuple[np.ndarray, ...]:
        """Per pair: the least Poisson tail over its rarest items, and the number of thresholds tried."""
        rate = unexplained * scale
        # A pair's items keep at least its own co-occurrences: the item was that synchronous for it.
        pair_rate = np.maximum(unexplained[self.item_of_pair], self.own) * scale[self.item_of_pair]
        row_rate = pair_rate[self.pair_item]
        # Within an item its rows share an expectation and the last has the largest count, so the order of
        # an item's rows changes no pair's least tail.
        order = np.lexsort((self.item, row_rate, self.pair))
        starts = self.starts  # the pairs keep their places: the pair is the first key
        first_of_item = np.r_[True, self.pair_item[order][1:] != self.pair_item[order][:-1]]
        count = _segmented_cumsum(first_of_item.astype(np.int64), starts)
        if self.tweet_groups:  # items of one pair of tweets count once: the least of items and tweets
            position = np.empty(len(order), dtype=np.int64)
            position[order] = np.arange(len(order))
            for by_group, group_starts in self.tweet_groups:
                first_of_tweet = np.zeros(len(order), dtype=np.int64)
                first_of_tweet[np.minimum.reduceat(position[by_group], group_starts)] = 1
                count = np.minimum(count, _segmented_cumsum(first_of_tweet, starts))
        excess = np.where(first_of_item, (pair_rate - rate[self.item_of_pair])[self.pair_item[order]], 0.0)
        # The rates of all items at most as bursty as this one: the background's cumulative rate.
        ranked = np.sort(rate)
        cumulative = np.r_[0.0, np.cumsum(ranked)]
        below = cumulative[np.searchsorted(ranked, row_rate[order], side="right")]
        expected = exposure[self.pair[order]] * (below + _segmented_cumsum(excess, starts))
        # Imported here: scipy takes half a second to load, which a run reusing every section never needs.
        from scipy.special import gammainc

        tail = gammainc(count.astype(np.float64), expected)
        return np.minimum.reduceat(tail, starts), np.maximum.reduceat(count, starts)


def _groups(pair: np.ndarray, tweet: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows ordered by (pair, tweet), and where each (pair, tweet) starts in that order."""
    by_group = np.lexsort((tweet, pair))
    pair, tweet = pair[by_group], tweet[by_group]
    return by_group, np.flatnonzero(np.r_[True, (pair[1:] != pair[:-1]) | (tweet[1:] != tweet[:-1])])


def _segmented_cumsum(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Running sums restarting at each of `starts` (the first is 0)."""
    total = np.cumsum(values)
    before = total[starts] - values[starts]
    return total - np.repeat(before, np.diff(np.r_[starts, len(values)]))
