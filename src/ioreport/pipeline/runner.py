"""`ioreport run`: ingest, execute every section notebook with papermill, write findings and the report."""

from __future__ import annotations

import datetime as dt
import errno
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ioreport.analysis import overview
from ioreport.analysis.findings import DatasetFindings
from ioreport.archive.ingest import IngestResult
from ioreport.config.params import RunParams
from ioreport.config.paths import REPO_ROOT, file_sha256
from ioreport.config.rundir import RunDir, atomic_output
from ioreport.pipeline import cache, findings, run_lock
from ioreport.pipeline.data import load_data, params_for
from ioreport.pipeline.sections import DATA_DIR, EXECUTION_ORDER, RUN_DIR, SECTIONS, Section
from ioreport.publish import pdf, stage
from ioreport.publish.render import render_report
from ioreport.publish.stage import SectionStatus

if TYPE_CHECKING:
    from ioreport.pipeline import kernels

# Notebooks executed side by side: one per core this process may use.
WORKERS = len(os.sched_getaffinity(0))
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


@dataclass
class RunResult:
    run_dir: Path
    statuses: list[SectionStatus]
    engine: str
    git_commit: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    peak_memory_mib: dict[str, int | None] = field(default_factory=dict)  # of each executed notebook

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
    for partial in run.root.glob(".*.partial.*"):  # left by a run that was killed while writing
        partial.unlink()
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
        return "this dataset has no tweets file"
    if data.counts["tweets"].loaded == 0:
        return "the dataset's tweets files hold no valid tweet"
    return None


def notebook_parameters(section: Section, params: RunParams, data: IngestResult, run: RunDir) -> dict:
    """What papermill injects into the section's notebook: its data, its outputs, its declared parameters."""
    return {
        DATA_DIR: str(data.users.parent),
        RUN_DIR: str(run.root),
        **{name: params.notebook_value(name) for name in section.parameters},
    }


@dataclass
class _SectionRuns:
    """The statuses of a run's sections as they are decided, their timings and peak memory."""

    statuses: dict[str, SectionStatus] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    peak_memory_mib: dict[str, int | None] = field(default_factory=dict)


def _run_sections(
    params: RunParams, data: IngestResult, run: RunDir, force: bool, progress: Callable[[str], None]
) -> _SectionRuns:
    """Skip the tweet sections without tweets, reuse the fresh ones, execute the others side by side."""
    decided = _SectionRuns()
    jobs, keys = [], {}
    missing_tweets = _no_tweets(data)
    for section in SECTIONS:
        if section.needs_tweets and missing_tweets:
            cache.forget(run, section.name)
            decided.statuses[section.name] = SectionStatus(section.name, "skipped", missing_tweets)
            continue
        parameters = notebook_parameters(section, params, data, run)
        key = cache.section_key(section, parameters)
        if not force and cache.is_fresh(run, section.name, key):
            decided.statuses[section.name] = SectionStatus(section.name, "ok", reused=True)
            continue
        cache.forget(run, section.name)
        keys[section.name] = key
        jobs.append((section, parameters))
    for status in decided.statuses.values():
        _say(status, progress)
    if not jobs:
        return decided  # every section reused or skipped: no kernel, nor its imports (half a second)
    from ioreport.pipeline import kernels

    def finished(job: kernels.NotebookJob, outcome: kernels.NotebookOutcome) -> None:
        decided.timings[f"notebook:{job.name}"] = outcome.seconds
        decided.peak_memory_mib[job.name] = outcome.peak_memory_mib
        if outcome.error:
            status = SectionStatus(job.name, "failed", f"notebook {job.name} {outcome.error}")
        else:
            cache.remember(run, job.name, keys[job.name])
            status = SectionStatus(job.name, "ok")
        decided.statuses[job.name] = status
        _say(status, progress)

    jobs.sort(key=lambda job: EXECUTION_ORDER.index(job[0].name))
    notebooks = [kernels.NotebookJob(s.name, s.source, run.executed(s.name), p) for s, p in jobs]
    kernels.execute_notebooks(notebooks, WORKERS, lambda job: progress(f"notebook {job.name} …"), finished)
    decided.statuses = {section.name: decided.statuses[section.name] for section in SECTIONS}
    return decided


def _say(status: SectionStatus, progress: Callable[[str], None]) -> None:
    detail = f" — {status.message}" if status.message else ""
    progress(f"notebook {status.notebook}: {status.state}{' (reused)' if status.reused else ''}{detail}")


def _merge_findings(
    run: RunDir, dataset: DatasetFindings, statuses: dict[str, SectionStatus], progress: Callable[[str], None]
) -> dict[str, Any]:
    """findings.json's content. A section whose findings cannot be read or do not validate fails alone:
    when the merge fails, each section is merged by itself to find which."""
    reasons = {name: s.message or s.state for name, s in statuses.items() if s.state != "ok"}
    try:
        return findings.merge(run, dataset, reasons)
    except Exception:  # noqa: BLE001 - a section's findings are at fault; the loop below finds whose
        for name in [name for name in statuses if name not in reasons]:
            others = {other: "merged alone" for other in statuses if other != name}
            try:
                findings.merge(run, dataset, others)
            except Exception as exc:  # noqa: BLE001
                message = f"notebook {name} failed: its findings do not merge: {type(exc).__name__}: {exc}"
                statuses[name] = SectionStatus(name, "failed", message)
                reasons[name] = message
                run.cache_record(name).unlink(missing_ok=True)  # re-executed next time; its outputs kept
                _say(statuses[name], progress)
        return findings.merge(run, dataset, reasons)


def _write_json(path: Path, value: Any) -> None:
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    with atomic_output(path) as partial:
        partial.write_text(text, encoding="utf-8")


def _write_manifest(
    run: RunDir, params_path: Path, params: RunParams, data: IngestResult, result: RunResult
) -> None:
    _write_json(
        run.manifest,
        {
            "parameters": {
                "file": str(params_path),
                "sha256": None if params_path.is_dir() else file_sha256(params_path),
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
            "notebook_peak_memory_mib": result.peak_memory_mib,
        },
    )


def _write_report(
    run: RunDir,
    params_path: Path,
    params: RunParams,
    statuses: list[SectionStatus],
    results: dict[str, Any],
    commit: str | None,
    print_pdf: bool,
) -> str:
    """Stage and render index.html (and print report.pdf), each whole or not at all; returns the engine."""
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
    staged = stage.stage(run, statuses, results, sources, params.published, provenance)
    with atomic_output(run.report) as partial:
        engine = render_report(staged, partial, ["synthetic"] if params.synthetic else [])
    if print_pdf:
        with atomic_output(run.pdf) as partial:
            pdf.print_pdf(run.report, partial)
    return engine


def _open_run_dir(path: Path) -> RunDir:
    run = RunDir(Path(path).resolve())
    if run.root.exists() and not run.root.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "it is a file, not a directory", str(run.root))
    run.root.mkdir(parents=True, exist_ok=True)
    return run


def run(
    params_path: Path,
    run_dir: Path,
    progress: Callable[[str], None] = print,
    force: bool = False,
    print_pdf: bool = False,
) -> RunResult:
    """Run every section; with `force`, re-execute even the sections whose inputs did not change;
    with `print_pdf`, also print the report to PDF. Raises RunDirBusy while another run writes `run_dir`."""
    params_path = Path(params_path).resolve()
    params = params_for(params_path, progress)
    run = _open_run_dir(run_dir)
    with run_lock.holding(run):
        return _run_holding(run, params_path, params, progress, force, print_pdf)


def _run_holding(
    run: RunDir,
    params_path: Path,
    params: RunParams,
    progress: Callable[[str], None],
    force: bool,
    print_pdf: bool,
) -> RunResult:
    _prepare_run_dir(run)
    # Charts and kernels read the same clock: vega formats dates in the process time zone.
    os.environ["TZ"] = "UTC"
    time.tzset()
    started = time.perf_counter()
    progress(f"ingest: {params.name}")
    data = load_data(params, progress=lambda msg: progress(f"  {msg}"))
    timings = {"ingest": time.perf_counter() - started}
    for table, counts in data.counts.items():
        progress(
            f"  {table}: {counts.input_rows:,} rows in = {counts.loaded:,} loaded"
            f" + {counts.quarantined:,} quarantined + {counts.duplicates:,} duplicates"
        )

    started = time.perf_counter()
    sections = _run_sections(params, data, run, force, progress)
    timings["notebooks"] = time.perf_counter() - started
    timings |= sections.timings
    results = _merge_findings(run, _dataset_findings(params, data, params_path), sections.statuses, progress)
    statuses = list(sections.statuses.values())
    _write_json(run.findings, results)
    _write_json(run.findings_schema, findings.schema())
    commit = _git_commit()
    result = RunResult(run.root, statuses, "none", commit, timings, sections.peak_memory_mib)
    started = time.perf_counter()
    try:
        result.engine = _write_report(run, params_path, params, statuses, results, commit, print_pdf)
    finally:
        # Written whatever happens to the report: what ran, and how.
        timings["report"] = time.perf_counter() - started
        _write_manifest(run, params_path, params, data, result)
    progress(f"report ({result.engine}): {run.report}")
    return result
