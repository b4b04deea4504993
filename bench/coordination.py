"""Coordination networks beside the reference implementation, coordination-network-toolkit (QUT).

On the full synthetic default (generated and ingested here, or `--data` a generated directory) it builds
the co-retweet and co-tweet networks with ioreport and with the toolkit, with the same window and minimum
weight, compares the edge sets (undirected, without self-loops), explains every edge only one of them has,
and times both in the same run; then it times the near-duplicate network. Prints Markdown tables; the
numbers go to bench/results/coordination.json.

Not part of the tests, nor of the lock file: `pip install coordination-network-toolkit==1.5.2` first.

How the toolkit is fed (its Python API, the functions its CLI calls, every parameter given):
- messages through `preprocess_data`, one row per tweet: id, userid, screen name, retweet_tweetid as
  repost_id, in_reply_to_tweetid, text, time, and the expanded links as a list (a URL-less tweet as an
  empty list: its CSV reader would turn an empty cell into one empty link shared by every such tweet);
- times as integer milliseconds (snowflake time) and the window in milliseconds: the toolkit compares
  `timestamp between t - window and t + window`, whatever the unit, and integers keep the boundary exact;
- co-tweet with its default `message_preprocessor` (lower case, @mentions removed, white space
  collapsed; retweets excluded), against ioreport's `text_mode="toolkit"`;
- `n_threads` = the cores of this machine.

Its edge weight is per direction: the number of user 1's messages that co-occur with one of user 2's;
ioreport's is the number of distinct items the two shared. An undirected toolkit edge is kept when either
direction reaches the minimum weight.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
from coordination_network_toolkit.compute_networks import (
    compute_co_retweet_parallel,
    compute_co_tweet_network,
)
from coordination_network_toolkit.preprocess import preprocess_data
from coordination_network_toolkit.similarity import message_preprocessor

from ioreport.analysis import coordination
from ioreport.analysis.coordination.items import uses
from ioreport.analysis.coordination.pairs import co_occurrences
from ioreport.archive.ingest import ingest
from ioreport.archive.schema import TWEET_TIMESTAMP
from ioreport.synthetic.generate import TWEETS_FILE, USERS_FILE, generate

RESULTS = Path(__file__).resolve().parent / "results" / "coordination.json"
TOOLKIT_TABLE = {"co_retweet": "co_retweet_network", "co_tweet": "co_tweet_network"}
TEXT_MODE = {"co_retweet": "default", "co_tweet": "toolkit"}  # co_retweet reads no text


def timed(work: Callable[..., object], *args: object, **kwargs: object) -> tuple[object, float]:
    started = time.perf_counter()
    result = work(*args, **kwargs)
    return result, time.perf_counter() - started


def dataset(args: argparse.Namespace, work: Path) -> pl.LazyFrame:
    data = args.data or work / "generated"
    if args.data is None:
        generate(data, scale=args.scale)
    return ingest([data / TWEETS_FILE], data / USERS_FILE, cache_dir=work / "cache").scan_tweets()


def toolkit_rows(tweets: pl.LazyFrame) -> list[tuple]:
    frame = tweets.select(
        pl.col("tweetid").cast(pl.String),
        "userid",
        "user_screen_name",
        pl.col("retweet_tweetid").cast(pl.String),
        pl.col("in_reply_to_tweetid").cast(pl.String),
        pl.col("tweet_text").fill_null(""),
        pl.col(TWEET_TIMESTAMP).dt.epoch("ms"),
        pl.col("urls").fill_null([]),
    ).collect()
    return frame.rows()


def toolkit_compute(network_type: str, db: Path, window_ms: int, args: argparse.Namespace) -> None:
    if network_type == "co_retweet":
        compute_co_retweet_parallel(
            str(db), time_window=window_ms, n_threads=args.threads, min_edge_weight=args.min_weight
        )
    else:
        compute_co_tweet_network(
            str(db),
            time_window=window_ms,
            min_edge_weight=args.min_weight,
            preprocessor=message_preprocessor,
            reprocess_text=False,
            n_threads=args.threads,
        )


def toolkit_edges(db: Path, network_type: str) -> pl.DataFrame:
    """user_1, user_2, weight as the toolkit wrote them (directed), self-loops left out."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            f"select user_1, user_2, weight from {TOOLKIT_TABLE[network_type]} where user_1 != user_2"
        ).fetchall()
    return pl.DataFrame(
        rows, schema={"user_1": pl.String, "user_2": pl.String, "weight": pl.Int64}, orient="row"
    )


def undirected(frame: pl.DataFrame, first: str, second: str) -> set[tuple[str, str]]:
    return {(min(a, b), max(a, b)) for a, b in frame.select(first, second).iter_rows()}


def explain(edge: tuple[str, str], ours: pl.DataFrame, theirs: pl.DataFrame, min_weight: int) -> str:
    """Why an edge is in the toolkit's network and not in ours (or the other way round)."""
    a, b = edge
    shared = ours.filter(pl.col("source") == a, pl.col("target") == b)
    items, tweets_a, tweets_b = (
        shared[column].n_unique() for column in ("item", "source_tweetid", "target_tweetid")
    )
    directed = dict(
        ((u, v), w)
        for u, v, w in theirs.filter(pl.col("user_1").is_in([a, b]), pl.col("user_2").is_in([a, b])).rows()
    )
    counts = f"toolkit weights {directed.get((a, b), 0)} and {directed.get((b, a), 0)} (per direction)"
    shared_in = f"{items} distinct item(s) shared, in {tweets_a} and {tweets_b} tweets"
    if items < min_weight <= max(tweets_a, tweets_b):
        return (
            f"{shared_in}: the toolkit counts messages ({counts}), ioreport distinct items (min {min_weight})"
        )
    return f"{shared_in}; {counts}"


def compare(
    network_type: str, tweets: pl.LazyFrame, rows: list[tuple], args: argparse.Namespace, work: Path
) -> dict:
    """Both tools on one network type, `args.repeats` times each (median times); the edge sets compared."""
    window_ms = round(args.window * 1000)
    mode = TEXT_MODE[network_type]
    ours_runs, preprocess_runs, compute_runs = [], [], []
    # ioreport's runs first: the toolkit leaves its worker processes behind, which slows what follows.
    # Each tool runs once untimed first (warm caches, imports, thread pools), then `repeats` times.
    for _ in range(args.repeats + 1):
        ours, seconds = timed(
            coordination.build_network, tweets, network_type, args.window, args.min_weight, text_mode=mode
        )
        ours_runs.append(seconds)
    for repeat in range(args.repeats + 1):
        db = work / f"{network_type}-{repeat}.db"  # a fresh database each time: no index left from before
        preprocess_runs.append(timed(preprocess_data, str(db), rows)[1])
        compute_runs.append(timed(toolkit_compute, network_type, db, window_ms, args)[1])
    ours_runs, preprocess_runs, compute_runs = ours_runs[1:], preprocess_runs[1:], compute_runs[1:]
    evidence_seconds = timed(getattr, ours, "evidence")[1]  # gathered on first use, so timed apart
    theirs = toolkit_edges(db, network_type)
    ours_set = undirected(ours.edges, "source", "target")
    theirs_set = undirected(theirs, "user_1", "user_2")
    co = coordination_pairs(tweets, network_type, mode, window_ms)
    differences = [
        {"edge": list(edge), "only_in": side, "why": explain(edge, co, theirs, args.min_weight)}
        for side, edges in (("ioreport", ours_set - theirs_set), ("toolkit", theirs_set - ours_set))
        for edge in sorted(edges)
    ]
    return {
        "network": network_type,
        "text_mode": mode,
        "edges_ioreport": len(ours_set),
        "edges_toolkit": len(theirs_set),
        "common": len(ours_set & theirs_set),
        "differences": differences,
        "ioreport_s": statistics.median(ours_runs),
        "ioreport_evidence_s": evidence_seconds,
        "toolkit_preprocess_s": statistics.median(preprocess_runs),
        "toolkit_compute_s": statistics.median(compute_runs),
        "runs": {
            "ioreport": ours_runs,
            "toolkit_preprocess": preprocess_runs,
            "toolkit_compute": compute_runs,
        },
    }


def coordination_pairs(tweets: pl.LazyFrame, network_type: str, mode: str, window_ms: int) -> pl.DataFrame:
    """Every co-occurrence behind the edges, as ioreport finds them (to explain differences)."""
    used = uses(tweets, network_type, mode).select("userid", "tweetid", "time", "item")
    return co_occurrences(used, window_ms)


def print_parity(results: list[dict]) -> None:
    columns = [
        "network",
        "edges (ioreport)",
        "edges (toolkit)",
        "in both",
        "only ioreport",
        "only toolkit",
        "ioreport",
        "ioreport's evidence",
        "toolkit compute",
        "toolkit with preprocessing",
        "speed-up (compute)",
        "speed-up (total)",
    ]
    print("| " + " | ".join(columns) + " |")
    print("| --- |" + " ---: |" * (len(columns) - 1))
    for r in results:
        only = {side: sum(d["only_in"] == side for d in r["differences"]) for side in ("ioreport", "toolkit")}
        ours, compute = r["ioreport_s"], r["toolkit_compute_s"]
        total = r["toolkit_preprocess_s"] + compute
        print(
            f"| {r['network']} ({r['text_mode']} text) | {r['edges_ioreport']:,} | {r['edges_toolkit']:,} "
            f"| {r['common']:,} | {only['ioreport']} | {only['toolkit']} | {ours:.3f} s "
            f"| {r['ioreport_evidence_s']:.3f} s | {compute:.2f} s "
            f"| {total:.2f} s | {compute / ours:.0f}x | {total / ours:.0f}x |"
        )
    for r in results:
        for d in r["differences"]:
            print(f"- {r['network']}: {d['edge'][0]} – {d['edge'][1]} only in {d['only_in']}: {d['why']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="a generated dataset directory (default: generate one)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--window", type=float, default=60.0, help="seconds")
    parser.add_argument("--min-weight", type=int, default=2)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each tool; times are medians")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ioreport-bench-coordination-"))
    tweets = dataset(args, work)
    count = tweets.select(pl.len()).collect().item()
    rows = toolkit_rows(tweets)
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores; {count:,} tweets")
    print(
        f"window {args.window:g} s, min weight {args.min_weight}, toolkit threads {args.threads}; "
        f"median of {args.repeats} runs each, after one untimed\n"
    )
    results = [compare(kind, tweets, rows, args, work) for kind in TOOLKIT_TABLE]
    print_parity(results)
    near, near_seconds = timed(coordination.build_network, tweets, "near_duplicate")
    print("\n| near-duplicate network (default settings) | edges | accounts | wall |")
    print("| --- | ---: | ---: | ---: |")
    print(
        f"| window {near.window_seconds:g} s, min weight {near.min_weight} | {near.edges.height:,} "
        f"| {near.accounts:,} | {near_seconds:.1f} s |"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    summary = {"machine": platform.platform(), "cores": os.cpu_count(), "tweets": count, "args": vars(args)}
    near_duplicate = {"edges": near.edges.height, "accounts": near.accounts, "seconds": near_seconds}
    RESULTS.write_text(
        json.dumps({**summary, "results": results, "near_duplicate": near_duplicate}, indent=2, default=str)
        + "\n"
    )


if __name__ == "__main__":
    main()
