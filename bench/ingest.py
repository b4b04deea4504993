"""Ingest speed against polars' own: `ioreport ingest` of a synthetic file set beside the floor.

The floor is what polars alone takes to turn the same CSV files into Parquet, all columns as strings:
`pl.scan_csv(path, infer_schema=False).sink_parquet(...)` per file (with `truncate_ragged_lines=True`,
without which polars refuses the planted malformed rows). Each measurement is a whole new process, and the
two alternate (ioreport, floor, ioreport, floor, ...), so both see the same machine state. The ingest
starts from an empty cache directory each time: it hashes its inputs too.

    .venv/bin/python bench/ingest.py                 # scales 1 and 10, two rounds
    .venv/bin/python bench/ingest.py --scales 3 --rounds 3

Prints a Markdown table: wall time, CPU time and peak RSS of each, and their ratios. The data sets are
generated once into data/generated/bench-scale<N>; when the generator cannot run, the scale-1 data set
already generated is repeated N times instead (tweet ids shifted by the copy number, which keeps them in
their second).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "data" / "generated"
TWEETS_FILE = "synthetic_tweets_csv_hashed.csv"
USERS_FILE = "synthetic_users_csv_hashed.csv"

INGEST = """
import sys
from pathlib import Path
from ioreport.archive.ingest import ingest
ingest([Path(sys.argv[1])], Path(sys.argv[2]), cache_dir=Path(sys.argv[3]))
"""
FLOOR = """
import sys
import polars as pl
for index, path in enumerate(sys.argv[1:3]):
    scan = pl.scan_csv(path, infer_schema=False, truncate_ragged_lines=True)
    scan.sink_parquet(f"{sys.argv[3]}/floor-{index}.parquet")
"""


def dataset(scale: int) -> Path:
    """A synthetic data set of the scale, generated (or built from scale 1) once."""
    out = GENERATED / f"bench-scale{scale}"
    if (out / TWEETS_FILE).exists() and (out / USERS_FILE).exists():
        return out
    try:
        from ioreport.synthetic.generate import generate

        generate(out, scale=scale)
    except Exception as err:  # the generator is being rewritten: fall back to repeating scale 1
        print(
            f"generator unavailable ({type(err).__name__}: {err}); repeating the scale-1 data set",
            file=sys.stderr,
        )
        _repeat(_base_dataset(), scale, out)
    return out


def _base_dataset() -> Path:
    found = sorted(path.parent for path in GENERATED.glob(f"*scale1/{TWEETS_FILE}"))
    if not found:
        raise SystemExit(f"no scale-1 synthetic data set under {GENERATED}: run `make report` once")
    return found[0]


def _repeat(base: Path, times: int, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(base / USERS_FILE, out / USERS_FILE)
    # Blank fields stay empty strings, so that they are written quoted ("") as in the archive's files.
    tweets = pl.read_csv(
        base / TWEETS_FILE, infer_schema=False, truncate_ragged_lines=True, empty_string_is_null=False
    )
    numeric = pl.col("tweetid").str.contains(r"^\d+$")
    with (out / TWEETS_FILE).open("wb") as handle:
        for copy in range(times):
            shifted = pl.when(numeric).then(
                (pl.col("tweetid").cast(pl.Int64, strict=False) + copy).cast(pl.String)
            )
            tweets.with_columns(shifted.otherwise(pl.col("tweetid")).alias("tweetid")).write_csv(
                handle, quote_style="always", include_header=copy == 0
            )


def measure(script: str, data: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user and system, all threads) and peak RSS (MiB) of one process running
    the script on the data set. CPU time says more than wall time on a machine shared with others."""
    with tempfile.TemporaryDirectory(dir=GENERATED) as scratch:
        arguments = [str(data / TWEETS_FILE), str(data / USERS_FILE), scratch]
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-c", script, *arguments], cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark process failed: {script}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def rows_of(data: Path) -> int:
    return (
        pl.scan_csv(data / TWEETS_FILE, infer_schema=False, truncate_ragged_lines=True)
        .select(pl.len())
        .collect()
        .item()
    )


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = f"Python {platform.python_version()}, polars {pl.__version__}"
    return f"{os.cpu_count()} cores ({model}), {memory:.0f} GiB, {versions}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--rounds", type=int, default=2)
    options = parser.parse_args()
    rows = []
    for scale in options.scales:
        data = dataset(scale)
        timings: dict[str, list[tuple[float, float, float]]] = {"ioreport": [], "floor": []}
        for _ in range(options.rounds):
            timings["ioreport"].append(measure(INGEST, data))
            timings["floor"].append(measure(FLOOR, data))
        ingest_s, floor_s = (statistics.median(t[0] for t in timings[name]) for name in ("ioreport", "floor"))
        ingest_cpu, floor_cpu = (
            statistics.median(t[1] for t in timings[name]) for name in ("ioreport", "floor")
        )
        ingest_mb, floor_mb = (max(t[2] for t in timings[name]) for name in ("ioreport", "floor"))
        size = sum((data / name).stat().st_size for name in (TWEETS_FILE, USERS_FILE)) / 2**20
        cells = [f"{scale}", f"{rows_of(data):,}", f"{size:,.0f}"]
        cells += [f"{ingest_s:.2f}", f"{floor_s:.2f}", f"{ingest_s / floor_s:.2f}"]
        cells += [f"{ingest_cpu:.1f}", f"{floor_cpu:.1f}", f"{ingest_cpu / floor_cpu:.2f}"]
        cells += [f"{ingest_mb:,.0f}", f"{floor_mb:,.0f}", f"{ingest_mb / floor_mb:.2f}"]
        rows.append(f"| {' | '.join(cells)} |")
    print(f"\nMachine: {machine()}; median of {options.rounds} alternated rounds, peak RSS the largest.\n")
    print(
        "| scale | tweets rows | input MiB | ioreport s | floor s | ratio | ioreport CPU s | floor CPU s "
        "| ratio | ioreport peak MiB | floor peak MiB | ratio |"
    )
    print("|" + " ---: |" * 12)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
