"""Near-duplicate texts, grouped: MinHash over character shingles, LSH for candidates, one label per group.

Character shingles need no word boundaries, so Chinese (written without spaces) works like English: a
text differing by a character or two from another shares most of its shingles. Each distinct text gets a
MinHash signature; texts whose signatures agree on a whole band of rows share an LSH bucket and become
candidates; a candidate pair is linked when its signatures agree on at least `threshold` of their rows
(the estimated Jaccard similarity of the shingle sets). Texts linked form a group (connected components,
so a chain of small edits stays one group); the group's first text, in sort order, labels it. That label
is the item a near-duplicate network links accounts by.

Vectorised and bounded: signatures are computed with numpy over the distinct texts, a batch of texts at a
time (each permutation is a multiply-add modulo 2**32 on the 32-bit shingle hashes); buckets are
compared band by band, a chunk of candidate pairs at a time. Only a candidate pair whose texts are not yet
in one group is verified: the groups are those of verifying every candidate, at a fraction of the cost
(templated texts put thousands of texts in one bucket).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ioreport.analysis.coordination.pairs import capped_ends, chunked_pairs

HASH_SEED = 20200611
# Banding that misses few pairs above the threshold: candidates are checked anyway, missed pairs are lost.
LSH_WEIGHTS = (0.2, 0.8)  # (false positives, false negatives)
SIGNATURE_BATCH = 4_096  # texts whose shingles are hashed at a time
PERMUTATION_CHUNK = 32  # permutations applied at a time: shingles x chunk x 4 bytes in memory
CANDIDATE_CHUNK = 200_000  # candidate pairs generated and verified at a time
INTEGRATION_POINTS = 1_001


@dataclass(frozen=True)
class NearDuplicateSettings:
    threshold: float = 0.7  # estimated Jaccard similarity of shingle sets
    shingle: int = 3  # characters
    num_perm: int = 128
    min_chars: int = 10  # shorter (normalised) texts are left out: too short to tell copy from chance
    bucket_cap: int = 1_000  # each text is compared with at most this many others per LSH bucket


def group_labels(texts: pl.Series, settings: NearDuplicateSettings) -> pl.DataFrame:
    """text -> label (the first text of its near-duplicate group), for every distinct text long enough."""
    distinct = texts.unique().drop_nulls().sort()
    distinct = distinct.filter(distinct.str.len_chars() >= settings.min_chars)
    if distinct.is_empty():
        return pl.DataFrame(schema={"text": pl.String, "label": pl.String})
    group = _groups(_signatures(distinct, settings), settings)
    # Texts are sorted, so the first text of each group is its smallest member.
    first_of_group = np.full(len(distinct), len(distinct))
    np.minimum.at(first_of_group, group, np.arange(len(distinct)))
    return pl.DataFrame({"text": distinct, "label": distinct.gather(first_of_group[group])})


def _signatures(texts: pl.Series, settings: NearDuplicateSettings) -> np.ndarray:
    """(texts, num_perm) uint32 MinHash values over each text's character shingles."""
    rng = np.random.default_rng(HASH_SEED)
    multipliers = rng.integers(0, 2**32, settings.num_perm, dtype=np.uint32) | np.uint32(1)
    offsets = rng.integers(0, 2**32, settings.num_perm, dtype=np.uint32)
    signatures = np.empty((len(texts), settings.num_perm), dtype=np.uint32)
    for start in range(0, len(texts), SIGNATURE_BATCH):
        text_id, shingles = _shingle_hashes(texts.slice(start, SIGNATURE_BATCH), settings.shingle)
        firsts = np.flatnonzero(np.r_[True, text_id[1:] != text_id[:-1]])  # every text has a shingle
        rows = slice(start, start + len(firsts))
        for low in range(0, settings.num_perm, PERMUTATION_CHUNK):
            perms = slice(low, low + PERMUTATION_CHUNK)
            # A permutation per row, shingles along it (contiguous, for reduceat's speed): a multiply-add
            # modulo 2**32, where unsigned arithmetic wraps.
            permuted = multipliers[perms, None] * shingles[None, :]
            permuted += offsets[perms, None]
            signatures[rows, perms] = np.minimum.reduceat(permuted, firsts, axis=1).T
    return signatures


def _shingle_hashes(texts: pl.Series, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per shingle (`k` characters; a shorter text is its own shingle): its text's index and its 32-bit
    hash."""
    shingles = (
        pl.DataFrame({"text": texts})
        .with_row_index("id")
        .with_columns(start=pl.int_ranges(0, pl.max_horizontal(pl.col("text").str.len_chars() - k + 1, 1)))
        .explode("start")
        .select("id", shingle=pl.col("text").str.slice(pl.col("start"), k).hash(HASH_SEED))
    )
    return shingles["id"].to_numpy(), (shingles["shingle"].to_numpy() >> np.uint64(32)).astype(np.uint32)


def _groups(signatures: np.ndarray, settings: NearDuplicateSettings) -> np.ndarray:
    """Each text's group (its smallest text): connected components of the candidate pairs that agree on
    `threshold` of their rows."""
    bands, rows = _banding(settings.threshold, settings.num_perm)
    group = np.arange(len(signatures))
    # Neighbours in each bucket first: they link most of a bucket of near-duplicates at once, and the
    # pairs of a group need no checking after.
    for cap in (1, settings.bucket_cap):
        for band in range(bands):
            columns = pl.DataFrame(signatures[:, band * rows : (band + 1) * rows])
            bucket = columns.select(pl.struct(pl.all()).hash(HASH_SEED)).to_series().to_numpy()
            order = np.argsort(bucket, kind="stable")
            ends = capped_ends(_unsettled_ends(bucket[order], group[order]), cap)
            for left, right in chunked_pairs(ends, CANDIDATE_CHUNK):
                i, j = order[left], order[right]
                apart = group[i] != group[j]
                i, j = i[apart], j[apart]
                similar = (signatures[i] == signatures[j]).mean(axis=1) >= settings.threshold
                if similar.any():
                    group = _merged(group, group[i[similar]], group[j[similar]])
    return group


def _unsettled_ends(buckets: np.ndarray, group: np.ndarray) -> np.ndarray:
    """For sorted `buckets`: one past the last position of each position's bucket, but itself where all the
    bucket's texts are in one group already (nothing there to check)."""
    position = np.arange(len(buckets))
    starts = np.flatnonzero(np.r_[True, buckets[1:] != buckets[:-1]])
    settled = np.minimum.reduceat(group, starts) == np.maximum.reduceat(group, starts)
    ends = np.r_[starts[1:], len(buckets)]
    run = np.cumsum(np.r_[True, buckets[1:] != buckets[:-1]]) - 1
    return np.where(settled[run], position + 1, ends[run])


def _merged(group: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Groups after linking groups `a` and `b` pairwise, each labelled by its smallest text."""
    # Imported here: scipy takes half a second to load, which a run reusing every section never needs.
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(group)
    links = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    components = connected_components(links, directed=False)[1]
    smallest = np.full(components.max() + 1, n)
    np.minimum.at(smallest, components, np.arange(n))
    return smallest[components[group]]


def _banding(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) with the least weighted area of false positives below the threshold and
    false negatives above it, for the LSH S-curve 1 - (1 - s**rows)**bands."""
    similarity = np.linspace(0, 1, INTEGRATION_POINTS)
    below, above = similarity <= threshold, similarity >= threshold
    best, best_cost = (1, 1), np.inf
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            caught = 1 - (1 - similarity**rows) ** bands
            false_positives = np.trapezoid(caught[below], similarity[below])
            false_negatives = np.trapezoid(1 - caught[above], similarity[above])
            cost = LSH_WEIGHTS[0] * false_positives + LSH_WEIGHTS[1] * false_negatives
            if cost < best_cost:
                best, best_cost = (bands, rows), cost
    return best
