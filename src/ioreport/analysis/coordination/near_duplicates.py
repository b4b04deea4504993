"""Near-duplicate texts, grouped: MinHash over character shingles, LSH for candidates, one label per group.

Character shingles need no word boundaries, so Chinese (written without spaces) works like English: a
text differing by a character or two from another shares most of its shingles. Each distinct text gets a
MinHash signature (datasketch); texts whose signatures agree on a whole band of rows share an LSH bucket
and become candidates; a candidate pair is kept when its signatures agree on at least `threshold` of their
rows (the estimated Jaccard similarity of the shingle sets). Texts linked by kept pairs form a group
(connected components, so a chain of small edits stays one group); the group's first text, in sort
order, labels it. That label is the item a near-duplicate network links accounts by.
"""

from __future__ import annotations

from dataclasses import dataclass

import igraph
import numpy as np
import polars as pl
from datasketch import MinHash, MinHashLSH

from ioreport.analysis.coordination.pairs import pairs_within

HASH_SEED = 20200611
# Banding that misses few pairs above the threshold: candidates are checked anyway, missed pairs are lost.
LSH_WEIGHTS = (0.2, 0.8)  # (false positives, false negatives), as datasketch weighs them
VERIFY_CHUNK = 200_000  # candidate pairs compared at a time


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
        return pl.DataFrame({"text": [], "label": []}, schema={"text": pl.String, "label": pl.String})
    signatures = _signatures(distinct, settings)
    left, right = _candidates(signatures, settings)
    similar = _agreement(signatures, left, right) >= settings.threshold
    graph = igraph.Graph(n=len(distinct), edges=np.column_stack([left[similar], right[similar]]).tolist())
    group = np.array(graph.connected_components().membership)
    # Texts are sorted, so the first text of each group is its smallest member.
    first_of_group = np.full(group.max() + 1, len(distinct))
    np.minimum.at(first_of_group, group, np.arange(len(distinct)))
    return pl.DataFrame({"text": distinct, "label": distinct.gather(first_of_group[group])})


def _signatures(texts: pl.Series, settings: NearDuplicateSettings) -> np.ndarray:
    """(texts, num_perm) MinHash values over each text's character shingles."""
    k = settings.shingle
    shingles = (
        pl.DataFrame({"text": texts})
        .with_row_index("id")
        .with_columns(start=pl.int_ranges(0, pl.max_horizontal(pl.col("text").str.len_chars() - k + 1, 1)))
        .explode("start")
        .select("id", shingle=pl.col("text").str.slice(pl.col("start"), k).hash(HASH_SEED))
        .group_by("id", maintain_order=True)
        .agg("shingle")
    )
    minhashes = MinHash.generator(
        shingles["shingle"].to_list(),
        num_perm=settings.num_perm,
        seed=HASH_SEED,
        scheme="affine64",
        hashfunc=int,  # the shingles are hashed already, to 64 bits
    )
    return np.vstack([m.hashvalues for m in minhashes])


def _candidates(signatures: np.ndarray, settings: NearDuplicateSettings) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of texts (i < j) that share a bucket in some band."""
    lsh = MinHashLSH(threshold=settings.threshold, num_perm=settings.num_perm, weights=LSH_WEIGHTS)
    buckets = pl.concat(
        pl.DataFrame(signatures[:, band * lsh.r : (band + 1) * lsh.r])
        .select(bucket=pl.struct(pl.all()).hash(HASH_SEED))
        .with_row_index("text")
        .with_columns(band=pl.lit(band))
        for band in range(lsh.b)
    ).sort("band", "bucket", "text")
    pairs = pairs_within(buckets.with_columns(at=pl.lit(0)), ["band", "bucket"], "at", 0, settings.bucket_cap)
    text = buckets["text"]
    unique = (
        pl.DataFrame({"i": text.gather(pairs["left"]), "j": text.gather(pairs["right"])})
        .unique()
        .sort("i", "j")
    )
    return unique["i"].to_numpy(), unique["j"].to_numpy()


def _agreement(signatures: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Share of signature rows on which each pair agrees: their estimated Jaccard similarity."""
    shares = [
        (signatures[left[k : k + VERIFY_CHUNK]] == signatures[right[k : k + VERIFY_CHUNK]]).mean(axis=1)
        for k in range(0, len(left), VERIFY_CHUNK)
    ]
    return np.concatenate(shares) if shares else np.zeros(0)
