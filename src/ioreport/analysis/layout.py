"""Seeded graph layouts: the same network gives the same picture on every run."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import igraph


def seeded_layout(graph: igraph.Graph, weights: Sequence[float], seed: int, iterations: int) -> np.ndarray:
    """Fruchterman–Reingold from seeded starting points, with igraph's random numbers seeded too:
    (vertices, 2) coordinates."""
    import igraph  # loaded when used: a run reusing every section never needs it

    start = np.random.default_rng(seed).uniform(-1.0, 1.0, size=(graph.vcount(), 2)).tolist()
    igraph.set_random_number_generator(random.Random(seed))
    try:
        layout = graph.layout_fruchterman_reingold(weights=list(weights), seed=start, niter=iterations)
    finally:
        igraph.set_random_number_generator(random)
    return np.array(layout.coords).reshape(graph.vcount(), 2)
