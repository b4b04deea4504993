"""Every path the project uses, anchored on the package — never on the current directory; and the hash
that names a file's content."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = PACKAGE_DIR.parent.parent

NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
PARAMS_DIR = REPO_ROOT / "params"
REPORTS_DIR = REPO_ROOT / "reports"
# Benchmarks point this elsewhere to measure cold runs without touching the project's data.
DATA_DIR = Path(os.environ.get("IOREPORT_DATA_DIR", REPO_ROOT / "data"))
# Generated datasets (the synthetic default among them); never committed.
GENERATED_DATA_DIR = DATA_DIR / "generated"
# Typed Parquet written by ingest, keyed by the inputs' content hash.
CACHE_DIR = DATA_DIR / "cache"
DEFAULT_PARAMS = PARAMS_DIR / "default.yaml"
DEFAULT_RUN_DIR = REPO_ROOT / "runs" / "default"


def file_sha256(path: Path) -> str:
    """The hex sha256 of a file's bytes, read in blocks (inputs can be gigabytes)."""
    with Path(path).open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
