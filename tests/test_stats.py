"""The statistical tests behind the claims, against values worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ioreport.analysis.stats import permutation_p, poisson_tail


@pytest.mark.parametrize(("k", "rate"), [(3, 0.27), (5, 5.0), (1, 2.0), (12, 4.5)])
def test_poisson_tail_matches_the_series(k, rate):
    below = sum(math.exp(-rate) * rate**i / math.factorial(i) for i in range(k))
    assert poisson_tail(k, rate) == pytest.approx(1 - below, rel=1e-9)


def test_poisson_tail_of_a_huge_batch_underflows_to_zero_at_once():
    assert poisson_tail(5_000, 2.0) == 0.0 and poisson_tail(119, 0.19) < 1e-200


def test_poisson_tail_edges():
    assert poisson_tail(0, 3.0) == 1.0 and poisson_tail(2, 0.0) == 0.0


def test_permutation_p_counts_the_observed_statistic_too():
    assert permutation_p(5.0, np.array([1.0, 2.0, 3.0])) == 1 / 4
    assert permutation_p(2.0, np.array([1.0, 2.0, 3.0])) == 3 / 4
    assert permutation_p(2.0, np.array([1.0, 2.0, 3.0]), larger=False) == 3 / 4
