"""Incremental reruns: a section is re-executed only when something it depends on changed.

A section's key hashes its notebook's source, the package's code, and the parameters injected into the
notebook — its declared run parameters (a lexicon by its content) and the ingested dataset, whose
cache directory is named by the hash of the inputs' content — all but the run directory, which says
where outputs go, not what they are. A section whose key matches the one recorded beside its outputs is
reused as it is.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from functools import cache
from typing import Any

from ioreport.config.paths import PACKAGE_DIR
from ioreport.config.rundir import RunDir
from ioreport.pipeline.sections import RUN_DIR, Section


@cache
def code_fingerprint() -> str:
    """Every source file of the package: a code change reruns everything."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.suffix in (".py", ".lua", ".yaml") and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(PACKAGE_DIR)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def section_key(section: Section, injected: dict[str, Any]) -> str:
    parts = {
        "notebook": hashlib.sha256(section.source.read_bytes()).hexdigest(),
        "code": code_fingerprint(),
        "parameters": {name: value for name, value in injected.items() if name != RUN_DIR},
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def is_fresh(run: RunDir, section: str, key: str) -> bool:
    record = run.cache_record(section)
    if not record.exists():
        return False
    saved = json.loads(record.read_text())
    return saved["key"] == key and all((run.root / name).exists() for name in saved["outputs"])


def remember(run: RunDir, section: str, key: str) -> None:
    record = run.cache_record(section)
    record.parent.mkdir(parents=True, exist_ok=True)
    names = [str(p.relative_to(run.root)) for p in run.section_outputs(section) if p.exists()]
    record.write_text(json.dumps({"key": key, "outputs": names}, indent=1) + "\n")


def forget(run: RunDir, section: str) -> None:
    """Remove a section's outputs and its record, so nothing stale reaches the report."""
    run.cache_record(section).unlink(missing_ok=True)
    for path in run.section_outputs(section):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
