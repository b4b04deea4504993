"""`make bench`: wall time, CPU time and peak memory of generation, ingest and whole runs.

Each step runs in its own fresh Python process, timed from outside, so a run's figures are the whole
process's: interpreter, imports, kernels (counted through RUSAGE_CHILDREN), report. The runs:

- the default (`params/default.yaml`, what `make report` runs): first run (generating and ingesting the
  dataset), then with the dataset ingested and the section cache empty ("cold"), then again with every
  section reused ("warm");
- a 58k-tweet network (`params/synthetic_ru.yaml`), ingested beforehand, cold;
- 22 real rows (a folder holding the head of a real archive file), cold.

With `--repeat N` the cold and warm runs are repeated N times, alternated, and their medians reported
(this machine is shared: compare figures of one bench run, as ratios). Results print as Markdown tables,
with each run's notebooks (time, peak memory), and are saved to bench/results/latest.json; copy them
into BENCHMARKS.md with the machine they were measured on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
PARAMS_DIR = REPO_ROOT / "params"
REAL_HEAD = REPO_ROOT.parent / "shared" / "data" / "real" / "CNHU_0621_tweets_csv_hashed_2021.head.csv"
RESULTS = BENCH_DIR / "results" / "latest.json"

STEP = r"""
import json, resource, sys
from pathlib import Path
exec(sys.argv[1])
usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
cpu = sum(u.ru_utime + u.ru_stime for u in usage)
peak = max(u.ru_maxrss for u in usage) / 1024
print("BENCH " + json.dumps({"cpu_s": round(cpu, 2), "peak_mib": round(peak)}))
"""


def measure(code: str, env: dict[str, str]) -> dict:
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", STEP, code], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if out.returncode != 0:
        raise SystemExit(f"step failed:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}")
    line = next(x for x in out.stdout.splitlines() if x.startswith("BENCH "))
    return {"wall_s": round(wall, 2), **json.loads(line.removeprefix("BENCH "))}


def generate_step(out: Path, scale: float) -> str:
    return f"from ioreport.synthetic.generate import generate; generate(Path({str(out)!r}), scale={scale})"


def ingest_step(data: Path, cache: Path) -> str:
    return (
        "from ioreport.synthetic.generate import TWEETS_FILE, USERS_FILE; "
        "from ioreport.archive.ingest import ingest; "
        f"d = Path({str(data)!r}); ingest([d / TWEETS_FILE], d / USERS_FILE, cache_dir=Path({str(cache)!r}))"
    )


def cli_step(*args: str | Path) -> str:
    """`ioreport ARGS` as the command line runs it."""
    return f"from ioreport.cli import app; app({[str(a) for a in args]!r}, standalone_mode=False)"


def print_row(label: str, result: dict) -> None:
    spread = f" (min {result['min_wall_s']:.1f} s)" if "min_wall_s" in result else ""
    wall, cpu, peak = result["wall_s"], result["cpu_s"], result["peak_mib"]
    print(f"| {label} | {wall:.1f} s{spread} | {cpu:.1f} s | {peak:,} MiB |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the cold and warm runs (medians)")
    repeats = parser.parse_args().repeat
    work = Path(tempfile.mkdtemp(prefix="ioreport-bench-"))
    env = {**os.environ, "IOREPORT_DATA_DIR": str(work / "data"), "TZ": "UTC"}
    real = work / "real22"
    real.mkdir()
    shutil.copy(REAL_HEAD, real)
    default, russian = PARAMS_DIR / "default.yaml", PARAMS_DIR / "synthetic_ru.yaml"
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print("| step | wall | CPU | peak memory |\n| --- | --- | --- | --- |")
    results, notebooks = [], {}

    def step(label: str, code: str) -> dict:
        result = {"step": label, **measure(code, env)}
        print_row(label, result)
        results.append(result)
        return result

    step("generate default (scale 1)", generate_step(work / "g1", 1.0))
    step("ingest default (cold cache)", ingest_step(work / "g1", work / "c1"))
    step(
        "`ioreport run` default, first (generate + ingest + notebooks + report)",
        cli_step("run", default, "--out", work / "first"),
    )
    step("generate and ingest the 58k-tweet network", cli_step("ingest", russian))
    step("ingest the 22 real rows", cli_step("ingest", real))
    # Cold and warm runs, alternated when repeated: label -> (command, the run directory it writes).
    rounds = {
        "`ioreport run` default, cold (dataset ingested, no section cached)": ("cold", default),
        "the same again, warm (every section reused)": ("warm", default),
        "`ioreport run` 58k-tweet network (synthetic_ru), cold": ("cold", russian),
        "`ioreport run` 22 real rows (a folder), cold": ("cold", real),
    }
    timed: dict[str, list[dict]] = {label: [] for label in rounds}
    for attempt in range(repeats):
        for label, (kind, params) in rounds.items():
            out = work / "runs" / f"{params.stem}-{attempt}"  # a warm run reruns the cold run's directory
            if kind == "cold":
                shutil.rmtree(out, ignore_errors=True)
            timed[label].append(measure(cli_step("run", params, "--out", out), env))
            if kind == "cold":
                manifest = json.loads((out / "manifest.json").read_text())
                notebooks[label] = {
                    name.removeprefix("notebook:"): {
                        "wall_s": seconds,
                        "peak_mib": manifest["notebook_peak_memory_mib"].get(name.removeprefix("notebook:")),
                    }
                    for name, seconds in manifest["timings_seconds"].items()
                    if name.startswith("notebook:")
                }
    for label, attempts in timed.items():
        result = {
            "step": label,
            "wall_s": statistics.median(a["wall_s"] for a in attempts),
            "cpu_s": statistics.median(a["cpu_s"] for a in attempts),
            "peak_mib": max(a["peak_mib"] for a in attempts),
            **({"min_wall_s": min(a["wall_s"] for a in attempts), "rounds": attempts} if repeats > 1 else {}),
        }
        print_row(label, result)
        results.append(result)
    step("generate 10x default (scale 10)", generate_step(work / "g10", 10.0))
    step("ingest 10x default (cold cache)", ingest_step(work / "g10", work / "c10"))
    print("\nNotebooks of the cold runs (the last round), each in a reused kernel:")
    for label, parts in notebooks.items():
        print(f"\n{label}\n\n| notebook | wall | peak memory of its kernel |\n| --- | --- | --- |")
        for name, part in parts.items():
            peak = f"{part['peak_mib']:,} MiB" if part["peak_mib"] is not None else "n/a"
            print(f"| {name} | {part['wall_s']:.1f} s | {peak} |")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    summary = {"machine": platform.platform(), "cores": os.cpu_count(), "repeats": repeats}
    RESULTS.write_text(json.dumps({**summary, "results": results, "notebooks": notebooks}, indent=2) + "\n")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
