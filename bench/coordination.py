"""Every notebook at 1x, 10x and 30x the synthetic default, and ioreport's coordination networks
beside the reference implementation, coordination-network-toolkit (QUT).

Scaling: for each scale (default 1, 10, 30: 0.35 M, 3.5 M and 10.5 M tweets), the synthetic default is
generated and ingested once (kept under `--work`, reused by later runs), then each notebook (default: every
section's) runs in a fresh Python process: its cells executed in order, the run parameters
injected after its parameters cell as papermill does (`params/default.yaml`, run outputs to a scratch
directory). Wall time and that process's peak RSS are measured; the table gives each scale and the ratio of
30x to 10x (linear: 3).

Parity: on the 1x dataset, the co-retweet and co-tweet networks are built with ioreport (no chance filter:
`chance_threshold=1`, so every pair at the window and minimum weight is an edge) and with the toolkit, with
the same window and minimum weight; the edge sets (undirected, without self-loops) must be identical, and
every edge only one of them has is explained. Both are timed in the same run.

Not part of the tests, nor of the lock file: `pip install coordination-network-toolkit==1.5.2` first
(`make bench` does). Prints Markdown tables; the numbers go to bench/results/coordination.json.

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
import subprocess
import sys
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
from ioreport.archive.ingest import ingest
from ioreport.archive.schema import TWEET_TIMESTAMP
from ioreport.config.paths import PARAMS_DIR
from ioreport.pipeline.sections import SECTIONS
from ioreport.synthetic.generate import TWEETS_FILE, USERS_FILE, generate

RESULTS = Path(__file__).resolve().parent / "results" / "coordination.json"
TOOLKIT_TABLE = {"co_retweet": "co_retweet_network", "co_tweet": "co_tweet_network"}
TEXT_MODE = {"co_retweet": "default", "co_tweet": "toolkit"}  # co_retweet reads no text
NO_CHANCE_FILTER = 1.0
LINEAR = 3.0  # 30x over 10x

# Runs one notebook's cells in this (fresh) process, its parameters injected after its parameters cell, and
# prints the wall time and the peak RSS. argv: notebook, parameters (JSON).
NOTEBOOK_STEP = r"""
import contextlib, io, json, sys, time
import jupytext
notebook = jupytext.read(sys.argv[1])
injected = json.loads(sys.argv[2])
namespace = {"__name__": "__main__"}
started = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    for cell in (c for c in notebook.cells if c.cell_type == "code"):
        exec(compile(cell.source, sys.argv[1], "exec"), namespace)
        if "parameters" in cell.metadata.get("tags", []):
            namespace.update(injected)
wall = time.perf_counter() - started
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork and exec, so it would report the bench's own
# peak (the dataset it just ingested) whenever that is larger than this notebook's.
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
peak = int(status["VmHWM"].split()[0]) // 1024
print("BENCH " + json.dumps({"wall_s": round(wall, 1), "peak_mib": peak}))
"""


def timed(work: Callable[..., object], *args: object, **kwargs: object) -> tuple[object, float]:
    started = time.perf_counter()
    result = work(*args, **kwargs)
    return result, time.perf_counter() - started


def dataset(work: Path, scale: float):
    """The synthetic default at `scale`, generated and ingested under `work` unless there already."""
    data = work / f"scale-{scale:g}"
    if not (data / TWEETS_FILE).exists():
        generate(data, scale=scale)
    return ingest([data / TWEETS_FILE], data / USERS_FILE, cache_dir=data / "cache")


def notebook_parameters(name: str, data_dir: Path, run_dir: Path) -> dict:
    """What the runner injects into a notebook: the ingested data, a run directory, the parameters it reads
    (those of the synthetic default)."""
    from ioreport.config.params import load_params
    from ioreport.pipeline.sections import DATA_DIR, RUN_DIR, SECTIONS

    section = next(s for s in SECTIONS if s.name == name)
    params = load_params(PARAMS_DIR / "default.yaml")
    declared = {parameter: params.notebook_value(parameter) for parameter in section.parameters}
    return {DATA_DIR: str(data_dir), RUN_DIR: str(run_dir), **declared}


def measure_notebook(name: str, data_dir: Path, run_dir: Path) -> dict:
    from ioreport.config.paths import NOTEBOOKS_DIR

    injected = json.dumps(notebook_parameters(name, data_dir, run_dir))
    command = [sys.executable, "-c", NOTEBOOK_STEP, str(NOTEBOOKS_DIR / f"{name}.py"), injected]
    out = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "TZ": "UTC"})
    if out.returncode != 0:
        raise SystemExit(f"notebook {name} failed:\n{out.stderr[-3000:]}")
    line = next(x for x in out.stdout.splitlines() if x.startswith("BENCH "))
    return json.loads(line.removeprefix("BENCH "))


def scaling(args: argparse.Namespace, work: Path) -> dict:
    """Per scale and notebook: wall time and peak RSS, each in a fresh process."""
    measured: dict[str, dict] = {}
    for scale in args.scales:
        data = dataset(work, scale)
        tweets = data.scan_tweets().select(pl.len()).collect().item()
        measured[f"{scale:g}"] = {"tweets": tweets}
        for name in args.notebooks:
            result = measure_notebook(name, data.users.parent, work / "runs" / f"{name}-{scale:g}")
            measured[f"{scale:g}"][name] = result
            wall, peak = result["wall_s"], result["peak_mib"]
            print(f"- {name} at {scale:g}x ({tweets:,} tweets): {wall:.1f} s, {peak:,} MiB", flush=True)
    return measured


def print_scaling(measured: dict, notebooks: list[str]) -> None:
    scales = list(measured)
    print(
        "\n| notebook | " + " | ".join(f"{s}x ({measured[s]['tweets'] / 1e6:.2f} M tweets)" for s in scales),
        end="",
    )
    ratio = "10" in measured and "30" in measured
    print(" | 30x / 10x |" if ratio else " |")
    print("| --- |" + " ---: |" * (len(scales) + ratio))
    for name in notebooks:
        cells = [
            f"{measured[s][name]['wall_s']:.1f} s, {measured[s][name]['peak_mib']:,} MiB" for s in scales
        ]
        if ratio:
            wall, peak = (measured["30"][name][k] / measured["10"][name][k] for k in ("wall_s", "peak_mib"))
            cells.append(f"{wall:.2f}x time, {peak:.2f}x memory (linear: {LINEAR:g}x)")
        print(f"| {name} | " + " | ".join(cells) + " |")


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


def explain(edge: tuple[str, str], behind: pl.DataFrame, theirs: pl.DataFrame, min_weight: int) -> str:
    """Why an edge is in the toolkit's network and not in ours (or the other way round)."""
    a, b = edge
    shared = behind.filter(pl.col("source") == a, pl.col("target") == b)
    items, tweets = shared.height, shared["tweetids"].explode().n_unique()
    directed = dict(
        ((u, v), w)
        for u, v, w in theirs.filter(pl.col("user_1").is_in([a, b]), pl.col("user_2").is_in([a, b])).rows()
    )
    counts = f"toolkit weights {directed.get((a, b), 0)} and {directed.get((b, a), 0)} (per direction)"
    shared_in = f"{items} distinct item(s) shared, in {tweets} tweets"
    if items < min_weight <= max(directed.values(), default=0):
        return (
            f"{shared_in}: the toolkit counts messages ({counts}), ioreport distinct items (min {min_weight})"
        )
    return f"{shared_in}; {counts}"


def compare(
    network_type: str, tweets: pl.LazyFrame, rows: list[tuple], args: argparse.Namespace, work: Path
) -> dict:
    """Both tools on one network type, `args.repeats` times each (median times); the edge sets compared."""
    window_ms = round(args.window * 1000)
    settings = {
        "window_seconds": args.window,
        "min_weight": args.min_weight,
        "chance_threshold": NO_CHANCE_FILTER,
        "text_mode": TEXT_MODE[network_type],
    }
    ours_runs, preprocess_runs, compute_runs = [], [], []
    # ioreport's runs first: the toolkit leaves its worker processes behind, which slows what follows.
    # Each tool runs once untimed first (warm caches, imports, thread pools), then `repeats` times.
    for _ in range(args.repeats + 1):
        ours, seconds = timed(coordination.build_network, tweets, network_type, **settings)
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
    differences = []
    if ours_set != theirs_set:  # every co-occurrence, weight 1 up, to explain each difference
        loose = coordination.build_network(tweets, network_type, **{**settings, "min_weight": 1})
        differences = [
            {"edge": list(edge), "only_in": side, "why": explain(edge, loose.behind, theirs, args.min_weight)}
            for side, edges in (("ioreport", ours_set - theirs_set), ("toolkit", theirs_set - ours_set))
            for edge in sorted(edges)
        ]
    return {
        "network": network_type,
        "text_mode": TEXT_MODE[network_type],
        "edges_ioreport": len(ours_set),
        "edges_toolkit": len(theirs_set),
        "common": len(ours_set & theirs_set),
        "identical": ours_set == theirs_set,
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
    print("\n| " + " | ".join(columns) + " |")
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
    parser.add_argument(
        "--work", type=Path, help="where datasets are generated and kept (default: a temp dir)"
    )
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0, 30.0])
    parser.add_argument("--notebooks", nargs="+", default=[section.name for section in SECTIONS])
    parser.add_argument("--window", type=float, default=60.0, help="seconds, for the parity check")
    parser.add_argument("--min-weight", type=int, default=2, help="for the parity check")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each tool; times are medians")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ioreport-bench-coordination-"))
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores; datasets in {work}")
    measured = scaling(args, work)
    print_scaling(measured, args.notebooks)
    tweets = dataset(work, 1.0).scan_tweets()
    rows = toolkit_rows(tweets)
    print(
        f"\nParity on the 1x dataset ({len(rows):,} tweets): window {args.window:g} s, min weight "
        f"{args.min_weight}, no chance filter, toolkit threads {args.threads}; median of {args.repeats} runs "
        "each, after one untimed"
    )
    parity = [compare(kind, tweets, rows, args, work) for kind in TOOLKIT_TABLE]
    print_parity(parity)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    summary = {"machine": platform.platform(), "cores": os.cpu_count(), "args": vars(args)}
    RESULTS.write_text(
        json.dumps({**summary, "scaling": measured, "parity": parity}, indent=2, default=str) + "\n"
    )
    if not all(r["identical"] for r in parity):
        raise SystemExit("the edge sets differ from the toolkit's")


if __name__ == "__main__":
    main()
