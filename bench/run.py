"""`make bench`: wall time and peak memory of generation, ingest and the whole run.

Each step runs in its own fresh Python process so peak RSS is the step's own
(kernels started by papermill are counted through RUSAGE_CHILDREN). Results
print as a Markdown table and are saved to bench/results/latest.json; copy
them into BENCHMARKS.md with the machine they were measured on.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results" / "latest.json"

STEP = r"""
import json, resource, sys, time
from pathlib import Path
started = time.perf_counter()
exec(sys.argv[1])
wall = time.perf_counter() - started
usage = [resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
print("BENCH " + json.dumps({"wall_s": round(wall, 2), "peak_mib": round(max(usage) / 1024)}))
"""


def measure(label: str, code: str, env: dict[str, str]) -> dict:
    out = subprocess.run([sys.executable, "-c", STEP, code], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{label} failed:\n{out.stderr[-3000:]}")
    line = next(x for x in out.stdout.splitlines() if x.startswith("BENCH "))
    result = {"step": label, **json.loads(line.removeprefix("BENCH "))}
    print(f"| {label} | {result['wall_s']:.1f} s | {result['peak_mib']:,} MiB |", flush=True)
    return result


def generate_step(out: Path, scale: float) -> str:
    return f"from ioreport.synthetic.generate import generate; generate(Path({str(out)!r}), scale={scale})"


def ingest_step(data: Path, cache: Path) -> str:
    return (
        "from ioreport.synthetic.generate import TWEETS_FILE, USERS_FILE; "
        "from ioreport.archive.ingest import ingest; "
        f"d = Path({str(data)!r}); ingest([d / TWEETS_FILE], d / USERS_FILE, cache_dir=Path({str(cache)!r}))"
    )


def run_step(params: Path, out: Path) -> str:
    return (
        "from ioreport.pipeline.runner import run; "
        f"run(Path({str(params)!r}), Path({str(out)!r}), progress=print)"
    )


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="ioreport-bench-"))
    env = {**os.environ, "IOREPORT_DATA_DIR": str(work / "data"), "TZ": "UTC"}
    params = work / "default.yaml"
    params.write_text(
        "name: bench_default\nsynthetic: {network: prc, seed: 20200611, scale: 1.0}\n"
        "timezone: Asia/Shanghai\nholidays: CN\npublished: china_052020\n"
    )
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print("| step | wall | peak memory |\n| --- | --- | --- |")
    cold_run = run_step(params, work / "run")
    steps = [
        ("generate default (scale 1)", generate_step(work / "g1", 1.0)),
        ("ingest default (cold cache)", ingest_step(work / "g1", work / "c1")),
        ("whole `ioreport run` on the default, cold (generate + ingest + notebooks + report)", cold_run),
        ("the same run again, warm (every section reused)", cold_run),
        ("generate 10x default (scale 10)", generate_step(work / "g10", 10.0)),
        ("ingest 10x default (cold cache)", ingest_step(work / "g10", work / "c10")),
    ]
    started = time.time()
    results, timings = [], {}
    for label, code in steps:
        results.append(measure(label, code, env))
        if not timings and code == cold_run:
            # Per-section times of the cold run (kernel start, analyses, charts), before the warm run.
            timings = json.loads((work / "run" / "manifest.json").read_text())["timings_seconds"]
    print("\n| part of the cold default run | wall |\n| --- | --- |")
    for part, seconds in timings.items():
        print(f"| {part} | {seconds:.1f} s |")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    summary = {"machine": platform.platform(), "cores": os.cpu_count(), "started": started}
    RESULTS.write_text(json.dumps({**summary, "results": results, "run_timings": timings}, indent=2) + "\n")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
