"""The synthetic dataset generator: plant a network step by step, write it as an archive, save its truth.

The planting steps live in `ioreport.synthetic`; this module runs them in order
and gives each its own random stream, all spawned from the one seed.

truth.json is computed from the planted arrays, never by the analyses it tests.
Its sections and the step that records each: `accounts` (accounts, creation),
`activity` (timing), `narratives` (topics, text), `retweets` (interactions),
`engagement`, `dataset` (timing, text, hostile, and the writer: row counts and
the physical line of every malformed row), `forensics` (repurposed), `coordination`
(coordination, which records again the truths of the tweets it rewrites: `retweets`, `narratives`,
`dataset` and the dormant accounts of `forensics`), `generator`. Shares are over valid
users-file rows or valid unique tweets, rounded to 6 decimals; dates YYYY-MM-DD.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from ioreport.errors import InputError
from ioreport.synthetic.accounts import plant_accounts, plant_creation
from ioreport.synthetic.content import plant_hostile, plant_text, plant_topics
from ioreport.synthetic.coordination import plant_coordination
from ioreport.synthetic.engagement import plant_engagement
from ioreport.synthetic.interactions import plant_interactions
from ioreport.synthetic.network import Calendar, Network
from ioreport.synthetic.networks import PRESETS
from ioreport.synthetic.repurposed import plant_repurposed, record_dormancy
from ioreport.synthetic.timing import plant_tweet_times
from ioreport.synthetic.writer import TWEETS_FILE, USERS_FILE, plant_malformed_rows, write_dataset

__all__ = ["TRUTH_FILE", "TWEETS_FILE", "USERS_FILE", "generate"]

TRUTH_FILE = "truth.json"
# Bump when the same (network, seed, scale) would write different files.
GENERATOR_VERSION = 3
# Below this the planted batches and outliers no longer fit among the accounts and tweets.
MIN_SCALE = 0.01
# One child random generator per step, spawned in this order. New steps go at the end,
# so adding one leaves every existing step's draws, and so the existing files, unchanged.
STEP_STREAMS = (
    "accounts",
    "creation",
    "timing",
    "topics",
    "interactions",
    "text",
    "hostile",
    "engagement",
    "malformed",
    "repurposed",
    "coordination",
)


def generate(out_dir: Path, scale: float = 1.0, seed: int = 20200611, network: str = "prc") -> dict[str, Any]:
    """Write the synthetic archive (tweets and users CSV) and truth.json to `out_dir`; return the truth."""
    if network not in PRESETS:
        raise InputError(f"unknown synthetic network {network!r} (known: {', '.join(sorted(PRESETS))})")
    if scale < MIN_SCALE:
        raise InputError(f"synthetic scale {scale:g} is too small (at least {MIN_SCALE:g})")
    preset = PRESETS[network]
    net = Network(preset=preset, seed=seed, scale=scale, calendar=Calendar.for_preset(preset))
    rng = dict(zip(STEP_STREAMS, np.random.default_rng(seed).spawn(len(STEP_STREAMS)), strict=True))
    net.accounts = plant_accounts(net, rng["accounts"])
    net.creation = plant_creation(net, rng["creation"])
    net.repurposed = plant_repurposed(net, rng["repurposed"])
    net.timeline = plant_tweet_times(net, rng["timing"])
    record_dormancy(net)
    net.topics = plant_topics(net, rng["topics"])
    net.interactions = plant_interactions(net, rng["interactions"])
    net.text = plant_text(net, rng["text"])
    net.hostile = plant_hostile(net, rng["hostile"])
    net.coordination = plant_coordination(net, rng["coordination"])
    net.engagement = plant_engagement(net, rng["engagement"])
    out_dir = Path(out_dir)
    write_dataset(out_dir, net, plant_malformed_rows(net, rng["malformed"]))
    net.record("generator", network=network, seed=seed, scale=float(scale), version=GENERATOR_VERSION)
    (out_dir / TRUTH_FILE).write_text(
        json.dumps(net.truth, sort_keys=True, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return net.truth
