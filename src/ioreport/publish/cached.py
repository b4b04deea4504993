"""Report assets that cost seconds to make and depend only on their inputs, kept on disk between runs.

The vl-convert bundle (one per vl-convert and Vega-Lite version) and the CJK font subset (one per set of
characters) are the same on every rerun of a report: made once, read back after. A cache that cannot be
written (a read-only data directory) only costs the time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from ioreport.config.paths import CACHE_DIR
from ioreport.config.rundir import atomic_output

ASSETS_DIR = CACHE_DIR / "report-assets"


def cached_text(kind: str, key: str, make: Callable[[], str]) -> str:
    """The text `make` returns for `key`, from the cache when it was made before."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    path = ASSETS_DIR / f"{kind}-{digest}.txt"
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
