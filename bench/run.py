"""`make bench`: wall time, CPU time and peak memory of generation, ingest and whole runs.

Each step runs in its own fresh Python process, timed from outside, so a run's figures are the whole
process's: interpreter, imports, kernels (counted through RUSAGE_CHILDREN), report. `ioreport` runs as
the console command users run, a child of that process. The runs:

- the default (`params/default.yaml`, what `make report` runs): first run (generating and ingesting the
  dataset), then with the dataset ingested and the section cache empty ("cold"), then again with every
  section reused ("warm");
- a 58k-tweet network (`params/synthetic_ru.yaml`), ingested beforehand, cold;
- 31 real rows (a folder holding the head of a real archive file, CNHU_0621), cold;
- the default at 10x (3.5 M tweets), generated and ingested, then run cold: whole-run peak memory is
  the "all at once" column, every process of the run summed (two kernels run side by side).

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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

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
    """One step in a fresh process: wall time, CPU time, the largest single process's peak RSS, and the
    peak of all its processes at once (sampled every 0.2 s: kernels run side by side)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", STEP, code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    tree_peak = 0
    with ThreadPoolExecutor(max_workers=1) as pool:
        output = pool.submit(process.communicate)
        while not output.done():
            tree_peak = max(tree_peak, _tree_rss(process.pid))
            time.sleep(0.2)
        stdout, stderr = output.result()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"step failed:\n{stdout[-2000:]}\n{stderr[-3000:]}")
    line = next(x for x in stdout.splitlines() if x.startswith("BENCH "))
    return {"wall_s": round(wall, 2), **json.loads(line.removeprefix("BENCH ")), "tree_peak_mib": tree_peak}


def _tree_rss(pid: int) -> int:
    """MiB resident in a process and all its descendants now (0 once it is gone)."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return round(total / 2**20)


def generate_step(out: Path, scale: float) -> str:
    return f"from ioreport.synthetic.generate import generate; generate(Path({str(out)!r}), scale={scale})"


def ingest_step(data: Path, cache: Path) -> str:
    return (
        "from ioreport.synthetic.generate import TWEETS_FILE, USERS_FILE; "
        "from ioreport.archive.ingest import ingest; "
        f"d = Path({str(data)!r}); ingest([d / TWEETS_FILE], d / USERS_FILE, cache_dir=Path({str(cache)!r}))"
    )


def scaled_params(params: Path, scale: float, work: Path) -> Path:
    """A copy of a synthetic parameter file at another scale, its own files named by absolute path."""
    text = params.read_text(encoding="utf-8").replace("scale: 1.0", f"scale: {scale}")
    text = text.replace("topics: topics_prc.yaml", f"topics: {params.parent / 'topics_prc.yaml'}")
    if f"scale: {scale}" not in text:
        raise SystemExit(f"{params}: no 'scale: 1.0' to change")
    out = work / f"{params.stem}-scale{scale:g}.yaml"
    out.write_text(text, encoding="utf-8")
    return out


def notebook_parts(run_dir: Path) -> dict:
    """Each notebook's time and its kernel's peak memory, from the run's manifest."""
    manifest = json.loads((run_dir / "manifest.json").read_text())
    return {
        name.removeprefix("notebook:"): {
            "wall_s": seconds,
            "peak_mib": manifest["notebook_peak_memory_mib"].get(name.removeprefix("notebook:")),
        }
        for name, seconds in manifest["timings_seconds"].items()
        if name.startswith("notebook:")
    }


def cli_step(*args: str | Path) -> str:
    """`ioreport ARGS` as a user runs it: the console command, a child of the step's process (whose CPU
    time and peak memory count its children's, kernels included)."""
    command = [str(Path(sys.executable).with_name("ioreport")), *(str(a) for a in args)]
    return f"import subprocess; subprocess.run({command!r}, check=True, stdout=subprocess.DEVNULL)"


def print_row(label: str, result: dict) -> None:
    spread = f" (min {result['min_wall_s']:.1f} s)" if "min_wall_s" in result else ""
    wall, cpu, peak, tree = result["wall_s"], result["cpu_s"], result["peak_mib"], result["tree_peak_mib"]
    print(f"| {label} | {wall:.1f} s{spread} | {cpu:.1f} s | {peak:,} MiB | {tree:,} MiB |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the cold and warm runs (medians)")
    repeats = parser.parse_args().repeat
    work = Path(tempfile.mkdtemp(prefix="ioreport-bench-"))
    env = {**os.environ, "IOREPORT_DATA_DIR": str(work / "data"), "TZ": "UTC"}
    real = work / "real31"
    real.mkdir()
    shutil.copy(REAL_HEAD, real)
    default, russian = PARAMS_DIR / "default.yaml", PARAMS_DIR / "synthetic_ru.yaml"
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print("| step | wall | CPU | peak memory, largest process | peak memory, all at once |")
    print("| --- | --- | --- | --- | --- |")
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
    step("ingest the 31 rows of a real head", cli_step("ingest", real))
    # Cold and warm runs, alternated when repeated: label -> (command, the run directory it writes).
    rounds = {
        "`ioreport run` default, cold (dataset ingested, no section cached)": ("cold", default),
        "the same again, warm (every section reused)": ("warm", default),
        "`ioreport run` 58k-tweet network (synthetic_ru), cold": ("cold", russian),
        "`ioreport run` 31 real rows (a folder holding a real head), cold": ("cold", real),
    }
    timed: dict[str, list[dict]] = {label: [] for label in rounds}
    for attempt in range(repeats):
        for label, (kind, params) in rounds.items():
            out = work / "runs" / f"{params.stem}-{attempt}"  # a warm run reruns the cold run's directory
            if kind == "cold":
                shutil.rmtree(out, ignore_errors=True)
            timed[label].append(measure(cli_step("run", params, "--out", out), env))
            if kind == "cold":
                notebooks[label] = notebook_parts(out)
    for label, attempts in timed.items():
        result = {
            "step": label,
            "wall_s": statistics.median(a["wall_s"] for a in attempts),
            "cpu_s": statistics.median(a["cpu_s"] for a in attempts),
            "peak_mib": max(a["peak_mib"] for a in attempts),
            "tree_peak_mib": max(a["tree_peak_mib"] for a in attempts),
            **({"min_wall_s": min(a["wall_s"] for a in attempts), "rounds": attempts} if repeats > 1 else {}),
        }
        print_row(label, result)
        results.append(result)
    tenfold = scaled_params(default, 10.0, work)
    step("generate and ingest the 10x default (`ioreport ingest`)", cli_step("ingest", tenfold))
    label = "`ioreport run` 10x default, cold (dataset ingested)"
    step(label, cli_step("run", tenfold, "--out", work / "runs" / "tenfold"))
    notebooks[label] = notebook_parts(work / "runs" / "tenfold")
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
