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
peak_kib = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print("BENCH " + json.dumps({"wall_s": round(wall, 2), "peak_mib": round(peak_kib / 1024)}))
"""


def measure(label: str, code: str, env: dict[str, str]) -> dict:
    out = subprocess.run([sys.executable, "-c", STEP, code], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{label} failed:\n{out.stderr[-3000:]}")
    line = next(x for x in out.stdout.splitlines() if x.startswith("BENCH "))
    result = {"step": label, **json.loads(line.removeprefix("BENCH "))}
    print(f"| {label} | {result['wall_s']:.1f} s | {result['peak_mib']:,} MiB |", flush=True)
    return result


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
    steps = [
        ("generate default (scale 1)", f"from ioreport.generate import generate; generate(Path({str(work / 'g1')!r}), scale=1.0)"),
        ("ingest default (cold cache)",
         f"from ioreport.ingest import ingest; d=Path({str(work / 'g1')!r}); "
         f"ingest([d/'synthetic_tweets_csv_hashed.csv'], d/'synthetic_users_csv_hashed.csv', cache_dir=Path({str(work / 'c1')!r}))"),
        ("whole `ioreport run` on the default (generate + ingest + notebooks + report)",
         f"from ioreport.runner import run; run(Path({str(params)!r}), Path({str(work / 'run')!r}), progress=lambda m: None)"),
        ("generate 10x default (scale 10)", f"from ioreport.generate import generate; generate(Path({str(work / 'g10')!r}), scale=10.0)"),
        ("ingest 10x default (cold cache)",
         f"from ioreport.ingest import ingest; d=Path({str(work / 'g10')!r}); "
         f"ingest([d/'synthetic_tweets_csv_hashed.csv'], d/'synthetic_users_csv_hashed.csv', cache_dir=Path({str(work / 'c10')!r}))"),
    ]
    started = time.time()
    results = [measure(label, code, env) for label, code in steps]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"machine": platform.platform(), "cores": os.cpu_count(),
                                   "started": started, "results": results}, indent=2) + "\n")
    subprocess.run(["rm", "-rf", str(work)], check=False)


if __name__ == "__main__":
    main()
