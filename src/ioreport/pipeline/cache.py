"""Incremental reruns: a section is re-executed only when something it depends on changed.

A section's key hashes what its notebook can see: the ingested data (by the
ingest cache key, itself a hash of the inputs' content), the notebook's
source, the package's code, the parameters the section declares it reads
(the content of parameter files such as a lexicon included), and for a
section that reads other sections' findings, those findings. A section whose
key matches the one recorded beside its outputs is reused as it is.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from functools import cache
from pathlib import Path

from ioreport.analysis.findings import FINDINGS_PARTS_DIR
from ioreport.archive.ingest import IngestResult
from ioreport.config.params import RunParams
from ioreport.config.paths import PACKAGE_DIR
from ioreport.pipeline.context import FIGURES_DIR, TABLES_DIR
from ioreport.pipeline.sections import Section

CACHE_RECORDS_DIR = "section-cache"
EXECUTED_DIR = "notebooks"


@cache
def code_fingerprint() -> str:
    """Every source file of the package: a code change reruns everything."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.suffix in (".py", ".lua") and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(PACKAGE_DIR)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _parameter_values(section: Section, params: RunParams) -> dict:
    values = params.model_dump(mode="json")
    names = sorted(values) if section.parameters is None else sorted(section.parameters)
    chosen = {}
    for name in names:
        value = getattr(params, name)
        # A parameter that names a file counts by what the file says, not where it is.
        chosen[name] = (
            hashlib.sha256(value.read_bytes()).hexdigest() if isinstance(value, Path) else values[name]
        )
    return chosen


def section_key(section: Section, params: RunParams, data: IngestResult, run_dir: Path) -> str:
    parts = {
        "data": data.cache_key,
        "notebook": hashlib.sha256(section.source.read_bytes()).hexdigest(),
        "code": code_fingerprint(),
        "parameters": _parameter_values(section, params),
    }
    if section.reads_findings:
        parts["findings"] = {
            path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted((run_dir / FINDINGS_PARTS_DIR).glob("*.json"))
            if path.stem != section.notebook
        }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def outputs(run_dir: Path, notebook: str) -> list[Path]:
    """Everything a section's notebook writes into the run directory."""
    return [
        run_dir / EXECUTED_DIR / f"{notebook}.ipynb",
        run_dir / FINDINGS_PARTS_DIR / f"{notebook}.json",
        *sorted((run_dir / FIGURES_DIR).glob(f"{notebook}-*")),
        *sorted((run_dir / TABLES_DIR).glob(f"{notebook}-*")),
    ]


def _record(run_dir: Path, notebook: str) -> Path:
    return run_dir / CACHE_RECORDS_DIR / f"{notebook}.json"


def is_fresh(run_dir: Path, notebook: str, key: str) -> bool:
    record = _record(run_dir, notebook)
    if not record.exists():
        return False
    saved = json.loads(record.read_text())
    return saved["key"] == key and all((run_dir / name).exists() for name in saved["outputs"])


def remember(run_dir: Path, notebook: str, key: str) -> None:
    record = _record(run_dir, notebook)
    record.parent.mkdir(parents=True, exist_ok=True)
    names = [str(p.relative_to(run_dir)) for p in outputs(run_dir, notebook) if p.exists()]
    record.write_text(json.dumps({"key": key, "outputs": names}, indent=1) + "\n")


def forget(run_dir: Path, notebook: str) -> None:
    """Remove a section's outputs and its record, so nothing stale reaches the report."""
    _record(run_dir, notebook).unlink(missing_ok=True)
    for path in outputs(run_dir, notebook):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
