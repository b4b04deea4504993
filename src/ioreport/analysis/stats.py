"""The few statistical tests the claims use, written out so that each rule can be read in full."""

from __future__ import annotations

import math

import numpy as np

TEST_SEED = 20200611  # every resampling is seeded: same data, same verdicts


def poisson_tail(k: int, rate: float) -> float:
    """P(X >= k) for X ~ Poisson(rate): how likely a count this high is at that base rate."""
    if k <= 0:
        return 1.0
    if rate <= 0:
        return 0.0
    # Summed from k upwards in logs: the terms fall fast once i > rate, and nothing overflows.
    log_term = -rate + k * math.log(rate) - math.lgamma(k + 1)
    total, i = 0.0, k
    while True:
        term = math.exp(log_term)
        total += term
        i += 1
        log_term += math.log(rate) - math.log(i)
        # Past the mode the terms only fall: stop once they no longer count (or are too small for a
        # float at all, as for a batch of thousands at a rate of a few a day).
        if i > rate and (term == 0.0 or term < total * 1e-15):
            return min(1.0, total)


def permutation_p(observed: float, resampled: np.ndarray, larger: bool = True) -> float:
    """The share of resampled statistics at least as extreme as the observed one (counting the observed
    one too, so p is never 0)."""
    extreme = resampled >= observed if larger else resampled <= observed
    return (1 + int(extreme.sum())) / (1 + len(resampled))


def rng(salt: int = 0) -> np.random.Generator:
    return np.random.default_rng(TEST_SEED + salt)
