"""`ioreport run`: ingest, execute every section notebook with papermill, write findings and the report."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import nbformat
import papermill
from jupyter_client.manager import AsyncKernelManager
from papermill.exceptions import PapermillExecutionError

from ioreport.analysis import findings
from ioreport.analysis.findings import FINDINGS_PARTS_DIR
from ioreport.archive.ingest import IngestResult
from ioreport.config.params import RunParams, load_params
from ioreport.config.paths import NOTEBOOKS_DIR, REPO_ROOT
from ioreport.pipeline import cache as section_cache
from ioreport.pipeline.context import INGEST_RECORD
from ioreport.pipeline.data import load_data
from ioreport.pipeline.sections import SECTIONS, Section
from ioreport.publish import stage as report

MANIFEST_FILE = "manifest.json"
KERNEL = "python3"
KERNEL_SPEC = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
# Packages whose versions decide the results; recorded in the manifest.
RECORDED_PACKAGES = (
    "ioreport",
    "polars",
    "altair",
    "vl-convert-python",
    "papermill",
    "jupytext",
    "pypandoc-binary",
)


class LocalKernelManager(AsyncKernelManager):
    """Kernels talk over Unix sockets: nothing listens on a TCP port (and ipykernel does not warn)."""

    transport = "ipc"


@dataclass
class RunResult:
    run_dir: Path
    statuses: list[report.SectionStatus]
    engine: str
    git_commit: str | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> list[report.SectionStatus]:
        return [s for s in self.statuses if s.state == "failed"]


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        )
        dirty = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() + ("-dirty" if dirty else "")


def _package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in RECORDED_PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _prepare_run_dir(run_dir: Path) -> None:
    """Clear what every run rewrites; section outputs stay for the cache to judge."""
    shutil.rmtree(run_dir / report.STAGE_DIR, ignore_errors=True)
    for name in (INGEST_RECORD, findings.FINDINGS_FILE, MANIFEST_FILE, report.REPORT_FILE):
        (run_dir / name).unlink(missing_ok=True)
    (run_dir / section_cache.EXECUTED_DIR).mkdir(parents=True, exist_ok=True)
    known = {s.notebook for s in SECTIONS}
    for executed in (run_dir / section_cache.EXECUTED_DIR).glob("*.ipynb"):
        if executed.stem not in known:
            section_cache.forget(run_dir, executed.stem)


def _dataset_findings(params: RunParams, data: IngestResult) -> dict:
    tweets = data.counts.get("tweets")
    users = data.counts["users"]
    return {
        "name": params.name,
        "synthetic": params.synthetic is not None,
        "accounts": users.loaded,
        "tweets": tweets.loaded if tweets else 0,
        "quarantined_rows": sum(c.quarantined for c in data.counts.values()),
        "duplicate_rows": sum(c.duplicates for c in data.counts.values()),
        "users_derived_from_tweets": data.users_derived_from_tweets,
        # Filled in by the overview notebook when there are tweets.
        "first_tweet": None,
        "last_tweet": None,
    }


def execute_notebook(source: Path, output: Path, params_path: Path, run_dir: Path) -> None:
    """Execute a py:percent notebook with papermill into `output`; raises PapermillExecutionError."""
    with tempfile.TemporaryDirectory() as tmp:
        converted = Path(tmp) / output.name
        notebook = jupytext.read(source)
        notebook.metadata["kernelspec"] = KERNEL_SPEC
        nbformat.write(notebook, converted)
        papermill.execute_notebook(
            str(converted),
            str(output),
            parameters={"params_path": str(params_path), "run_dir": str(run_dir)},
            kernel_name=KERNEL,
            kernel_manager_class=LocalKernelManager,
            language="python",
            cwd=str(NOTEBOOKS_DIR),
            progress_bar=False,
            log_output=False,
        )


def _execute(section: Section, params_path: Path, run_dir: Path) -> report.SectionStatus:
    output = run_dir / "notebooks" / f"{section.notebook}.ipynb"
    try:
        execute_notebook(section.source, output, params_path, run_dir)
    except PapermillExecutionError as exc:
        message = f"notebook {section.notebook} failed at cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
        return report.SectionStatus(section.notebook, "failed", message)
    return report.SectionStatus(section.notebook, "ok")


def _run_section(
    section: Section,
    params_path: Path,
    params: RunParams,
    data: IngestResult,
    run_dir: Path,
    force: bool,
    progress: Callable[[str], None],
) -> report.SectionStatus:
    if section.needs_tweets and data.tweets is None:
        section_cache.forget(run_dir, section.notebook)
        return report.SectionStatus(section.notebook, "skipped", "this dataset has no tweets file.")
    key = section_cache.section_key(section, params, data, run_dir)
    if not force and section_cache.is_fresh(run_dir, section.notebook, key):
        return report.SectionStatus(section.notebook, "ok", reused=True)
    section_cache.forget(run_dir, section.notebook)
    progress(f"notebook {section.notebook} …")
    status = _execute(section, params_path, run_dir)
    if status.state == "ok":
        section_cache.remember(run_dir, section.notebook, key)
    return status


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_manifest(
    run_dir: Path, params_path: Path, params: RunParams, data: IngestResult, result: RunResult
) -> None:
    manifest = {
        "parameters": {
            "file": str(params_path),
            "sha256": _file_sha256(params_path),
            "values": json.loads(params.model_dump_json()),
        },
        "inputs": data.inputs,
        "rows": {table: vars(counts) for table, counts in data.counts.items()},
        "sections": [vars(s) for s in result.statuses],
        "renderer": result.engine,
        "git_commit": result.git_commit,
        "packages": _package_versions(),
        "platform": platform.platform(),
        "timings_seconds": {k: round(v, 2) for k, v in result.timings.items()},
    }
    (run_dir / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def run(
    params_path: Path,
    run_dir: Path,
    progress: Callable[[str], None] = print,
    force: bool = False,
    pdf: bool = False,
) -> RunResult:
    """Run every section; with `force`, re-execute even the sections whose inputs did not change;
    with `pdf`, also print the report to PDF."""
    params_path = Path(params_path).resolve()
    params = load_params(params_path)
    run_dir = Path(run_dir).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    _prepare_run_dir(run_dir)
    # Charts and kernels read the same clock: vega formats dates in the process time zone.
    os.environ["TZ"] = "UTC"
    time.tzset()
    timings: dict[str, float] = {}

    started = time.perf_counter()
    progress(f"ingest: {params.name}")
    data = load_data(params, progress=lambda msg: progress(f"  {msg}"))
    data.to_json(run_dir / INGEST_RECORD)
    timings["ingest"] = time.perf_counter() - started
    for table, counts in data.counts.items():
        progress(
            f"  {table}: {counts.input_rows:,} rows in = {counts.loaded:,} loaded"
            f" + {counts.quarantined:,} quarantined + {counts.duplicates:,} duplicates"
        )
    parts = run_dir / FINDINGS_PARTS_DIR
    parts.mkdir(parents=True, exist_ok=True)
    (parts / "dataset.json").write_text(json.dumps({"dataset": _dataset_findings(params, data)}, indent=2))

    statuses = []
    for section in SECTIONS:
        started = time.perf_counter()
        status = _run_section(section, params_path, params, data, run_dir, force, progress)
        timings[f"notebook:{section.notebook}"] = time.perf_counter() - started
        detail = f" — {status.message}" if status.message else ""
        progress(f"notebook {section.notebook}: {status.state}{' (reused)' if status.reused else ''}{detail}")
        statuses.append(status)

    results = findings.collect(run_dir)
    findings.write(run_dir, results)
    started = time.perf_counter()
    profiles = ["synthetic"] if params.synthetic else []
    commit = _git_commit()
    provenance = {
        "run_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "git_commit": commit or "unknown (not a git checkout)",
        "ioreport_version": importlib.metadata.version("ioreport"),
        "parameters_file": params_path.name,
        "reused_sections": ", ".join(s.notebook for s in statuses if s.reused) or "none",
    }
    sources = {s.notebook: s.source for s in SECTIONS}
    engine = report.build(run_dir, statuses, results, sources, profiles, provenance)
    if pdf:
        report.print_pdf(run_dir / report.REPORT_FILE, run_dir / report.PDF_FILE)
    timings["report"] = time.perf_counter() - started
    result = RunResult(run_dir, statuses, engine, commit, timings)
    _write_manifest(run_dir, params_path, params, data, result)
    progress(f"report ({engine}): {run_dir / report.REPORT_FILE}")
    return result
