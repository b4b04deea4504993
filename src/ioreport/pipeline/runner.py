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
from typing import Any

import jupytext
import nbformat
import papermill
from jupyter_client.manager import AsyncKernelManager
from papermill.exceptions import PapermillExecutionError

from ioreport.analysis import overview
from ioreport.analysis.findings import DatasetFindings
from ioreport.archive.ingest import IngestResult
from ioreport.config.params import RunParams
from ioreport.config.paths import NOTEBOOKS_DIR, REPO_ROOT
from ioreport.config.rundir import RunDir
from ioreport.pipeline import cache, findings
from ioreport.pipeline.data import load_data, params_for
from ioreport.pipeline.sections import DATA_DIR, RUN_DIR, SECTIONS, Section
from ioreport.publish import pdf, stage
from ioreport.publish.stage import SectionStatus

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
    statuses: list[SectionStatus]
    engine: str
    git_commit: str | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> list[SectionStatus]:
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


def _prepare_run_dir(run: RunDir) -> None:
    """Clear what every run rewrites; section outputs stay for the cache to judge."""
    shutil.rmtree(run.stage, ignore_errors=True)
    for path in (run.findings, run.findings_schema, run.manifest, run.report, run.pdf):
        path.unlink(missing_ok=True)
    run.notebooks.mkdir(parents=True, exist_ok=True)
    known = {s.name for s in SECTIONS}  # anything else (the published table too) is made afresh
    for executed in run.notebooks.glob("*.ipynb"):
        if executed.stem not in known:
            cache.forget(run, executed.stem)


def _dataset_findings(params: RunParams, data: IngestResult, params_path: Path) -> DatasetFindings:
    tweets = data.scan_tweets()
    span = overview.span(tweets) if tweets is not None else {}
    counts = data.counts.get("tweets")
    return DatasetFindings(
        name=params.name,
        synthetic=params.synthetic is not None,
        accounts=data.counts["users"].loaded,
        tweets=counts.loaded if counts else 0,
        quarantined_rows=sum(c.quarantined for c in data.counts.values()),
        duplicate_rows=sum(c.duplicates for c in data.counts.values()),
        users_derived_from_tweets=data.users_derived_from_tweets,
        first_tweet=span.get("first_tweet"),
        last_tweet=span.get("last_tweet"),
        parameters_file=None if params_path.is_dir() else params_path.name,
    )


def _no_tweets(data: IngestResult) -> str | None:
    """Why the tweet sections cannot run, if they cannot."""
    if data.tweets is None:
        return "this dataset has no tweets file."
    if data.counts["tweets"].loaded == 0:
        return "the dataset's tweets files hold no valid tweet."
    return None


def execute_notebook(source: Path, output: Path, parameters: dict[str, Any]) -> None:
    """Execute a py:percent notebook with papermill into `output`; raises PapermillExecutionError."""
    with tempfile.TemporaryDirectory() as tmp:
        converted = Path(tmp) / output.name
        notebook = jupytext.read(source)
        notebook.metadata["kernelspec"] = KERNEL_SPEC
        nbformat.write(notebook, converted)
        papermill.execute_notebook(
            str(converted),
            str(output),
            parameters=parameters,
            kernel_name=KERNEL,
            kernel_manager_class=LocalKernelManager,
            language="python",
            cwd=str(NOTEBOOKS_DIR),
            progress_bar=False,
            log_output=False,
        )


def notebook_parameters(section: Section, params: RunParams, data: IngestResult, run: RunDir) -> dict:
    """What papermill injects into the section's notebook: its data, its outputs, its declared parameters."""
    return {
        DATA_DIR: str(data.users.parent),
        RUN_DIR: str(run.root),
        **{name: params.notebook_value(name) for name in section.parameters},
    }


def _execute(section: Section, parameters: dict, run: RunDir) -> SectionStatus:
    try:
        execute_notebook(section.source, run.executed(section.name), parameters)
    except PapermillExecutionError as exc:
        message = f"notebook {section.name} failed at cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
        return SectionStatus(section.name, "failed", message)
    return SectionStatus(section.name, "ok")


def _run_section(
    section: Section,
    params: RunParams,
    data: IngestResult,
    run: RunDir,
    force: bool,
    progress: Callable[[str], None],
) -> SectionStatus:
    missing_tweets = _no_tweets(data)
    if section.needs_tweets and missing_tweets:
        cache.forget(run, section.name)
        return SectionStatus(section.name, "skipped", missing_tweets)
    parameters = notebook_parameters(section, params, data, run)
    key = cache.section_key(section, parameters)
    if not force and cache.is_fresh(run, section.name, key):
        return SectionStatus(section.name, "ok", reused=True)
    cache.forget(run, section.name)
    progress(f"notebook {section.name} …")
    status = _execute(section, parameters, run)
    if status.state == "ok":
        cache.remember(run, section.name, key)
    return status


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_manifest(
    run: RunDir, params_path: Path, params: RunParams, data: IngestResult, result: RunResult
) -> None:
    manifest = {
        "parameters": {
            "file": str(params_path),
            "sha256": None if params_path.is_dir() else _file_sha256(params_path),
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
    run.manifest.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def run(
    params_path: Path,
    run_dir: Path,
    progress: Callable[[str], None] = print,
    force: bool = False,
    print_pdf: bool = False,
) -> RunResult:
    """Run every section; with `force`, re-execute even the sections whose inputs did not change;
    with `print_pdf`, also print the report to PDF."""
    params_path = Path(params_path).resolve()
    params = params_for(params_path, progress)
    run = RunDir(Path(run_dir).resolve())
    run.root.mkdir(parents=True, exist_ok=True)
    _prepare_run_dir(run)
    # Charts and kernels read the same clock: vega formats dates in the process time zone.
    os.environ["TZ"] = "UTC"
    time.tzset()
    timings: dict[str, float] = {}

    started = time.perf_counter()
    progress(f"ingest: {params.name}")
    data = load_data(params, progress=lambda msg: progress(f"  {msg}"))
    timings["ingest"] = time.perf_counter() - started
    for table, counts in data.counts.items():
        progress(
            f"  {table}: {counts.input_rows:,} rows in = {counts.loaded:,} loaded"
            f" + {counts.quarantined:,} quarantined + {counts.duplicates:,} duplicates"
        )

    statuses = []
    for section in SECTIONS:
        started = time.perf_counter()
        status = _run_section(section, params, data, run, force, progress)
        timings[f"notebook:{section.name}"] = time.perf_counter() - started
        detail = f" — {status.message}" if status.message else ""
        progress(f"notebook {section.name}: {status.state}{' (reused)' if status.reused else ''}{detail}")
        statuses.append(status)

    reasons = {s.notebook: s.message or s.state for s in statuses if s.state != "ok"}
    results = findings.merge(run, _dataset_findings(params, data, params_path), reasons)
    findings.write(run, results)
    started = time.perf_counter()
    profiles = ["synthetic"] if params.synthetic else []
    commit = _git_commit()
    provenance = {
        "run_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "git_commit": commit or "unknown (not a git checkout)",
        "ioreport_version": importlib.metadata.version("ioreport"),
        "parameters_file": f"{params_path.name} (a folder of archive files, run with the default parameters)"
        if params_path.is_dir()
        else params_path.name,
        "reused_sections": ", ".join(s.notebook for s in statuses if s.reused) or "none",
    }
    sources = {s.name: s.source for s in SECTIONS}
    engine = stage.build(run, statuses, results, sources, params.published, profiles, provenance)
    if print_pdf:
        pdf.print_pdf(run.report, run.pdf)
    timings["report"] = time.perf_counter() - started
    result = RunResult(run.root, statuses, engine, commit, timings)
    _write_manifest(run, params_path, params, data, result)
    progress(f"report ({engine}): {run.report}")
    return result
