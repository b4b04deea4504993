"""Report assets that cost seconds to make and depend only on their inputs, kept on disk between runs.

The vl-convert bundle (one per vl-convert and Vega-Lite version), the CJK font subset (one per set of
characters) and the font's Latin part for charts (one per font file) are the same on every rerun of a
report: made once, read back after. A cache that cannot be written (a read-only data directory) only costs
the time.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

from ioreport.config.paths import CACHE_DIR
from ioreport.config.rundir import atomic_output

ASSETS_DIR = CACHE_DIR / "report-assets"


def cached_text(kind: str, key: str, make: Callable[[], str]) -> str:
    """The text `make` returns for `key`, from the cache when it was made before."""
    path = _place(kind, key).with_suffix(".txt")
    if path.is_file():
        return path.read_text(encoding="utf-8")
    text = make()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_output(path) as partial:
            partial.write_text(text, encoding="utf-8")
    except OSError:
        pass  # no cache: the next run makes it again
    return text


def cached_directory(kind: str, key: str, make: Callable[[Path], None]) -> Path | None:
    """The directory `make` fills (given an empty one) for `key`, from the cache when it was made before;
    None when the cache cannot be written. It is filled aside and renamed into place, so that a reader (a
    process registering the fonts in it, say) never sees it half made."""
    path = _place(kind, key)
    if path.is_dir():
        return path
    aside = path.with_name(f".{path.name}-{os.getpid()}-{uuid.uuid4().hex[:12]}")
    try:
        aside.mkdir(parents=True)
        make(aside)
        aside.rename(path)
    except OSError:
        pass  # not made, or made by another process first
    finally:
        shutil.rmtree(aside, ignore_errors=True)  # still there only when not renamed into place
    return path if path.is_dir() else None


def _place(kind: str, key: str) -> Path:
    return ASSETS_DIR / f"{kind}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}"
