"""The synthetic dataset generator: plant a network step by step, write it as an archive, save its truth.

The pipeline: `accounts` casts every account; then each step in `TWEET_STEPS` adds tweets of its own,
reading the rows before it but never changing them: repurposed accounts' former lives, coordinated groups
and their decoys, viral retweet bursts, stock phrases, trending hashtags, the archive's odd rows, and last
the routine, which fills the dataset up to its size. The rows are then put in file order; `engagement`
gives every row its counts and `faults` places the malformed and duplicate rows. Each step draws from
its own random generator, spawned from the one seed in `STREAMS` order (a new step goes at the end, so
the others keep their draws). truth.json is computed once, from the final rows (`truth`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from ioreport.errors import InputError
from ioreport.synthetic import truth
from ioreport.synthetic.core.context import Context
from ioreport.synthetic.core.preset import load_preset, preset_names
from ioreport.synthetic.core.rows import Tweets
from ioreport.synthetic.render import TweetRows
from ioreport.synthetic.steps import (
    accounts,
    coordination,
    engagement,
    faults,
    former_lives,
    quirks,
    routine,
    stock_phrases,
    trending,
    viral,
)
from ioreport.synthetic.writer import TWEETS_FILE, USERS_FILE, write_dataset

__all__ = ["GENERATOR_VERSION", "NETWORKS", "TRUTH_FILE", "TWEETS_FILE", "USERS_FILE", "generate"]

TRUTH_FILE = "truth.json"
# Bump when the same (network, seed, scale) would write different files.
GENERATOR_VERSION = 4
NETWORKS = tuple(preset_names())
TWEET_STEPS = {
    "former_lives": former_lives.add,
    "coordination": coordination.add,
    "viral": viral.add,
    "stock_phrases": stock_phrases.add,
    "trending": trending.add,
    "quirks": quirks.add,
    "routine": routine.add,
}
STREAMS = ("accounts", *TWEET_STEPS, "engagement", "faults")


def generate(out_dir: Path, scale: float = 1.0, seed: int = 20200611, network: str = "prc") -> dict[str, Any]:
    """Write the synthetic archive (tweets and users CSV) and truth.json to `out_dir`; return the truth."""
    if network not in NETWORKS:
        raise InputError(f"unknown synthetic network {network!r} (known: {', '.join(NETWORKS)})")
    preset = load_preset(network)
    if scale < preset.min_scale:
        least = f"at least {preset.min_scale:g}"
        raise InputError(f"synthetic scale {scale:g} is too small for the {network} network ({least})")
    ctx = Context.of(preset, seed, scale)
    rng = dict(zip(STREAMS, np.random.default_rng(seed).spawn(len(STREAMS)), strict=True))
    cast = accounts.cast(ctx, rng["accounts"])
    tweets = Tweets()
    for name, add in TWEET_STEPS.items():
        tweets.blocks.append(add(ctx, cast, tweets, rng[name]))
    rows = tweets.assemble()
    counts = engagement.add(ctx, cast, rows, rng["engagement"])
    written = write_dataset(
        Path(out_dir),
        TweetRows(ctx, cast, rows, counts),
        faults.tweet_faults(rows, rng["faults"]),
        faults.user_fault(ctx, cast),
    )
    planted = truth.compute(ctx, cast, rows, counts, written)
    planted["generator"] = {
        "network": network,
        "seed": seed,
        "scale": float(scale),
        "version": GENERATOR_VERSION,
    }
    (Path(out_dir) / TRUTH_FILE).write_text(
        json.dumps(planted, sort_keys=True, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return planted
