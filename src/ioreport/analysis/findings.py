"""findings.json: the run's results as a stable contract, and their display forms for the report.

Each notebook writes its part to findings/<notebook>.json; the runner writes
the `dataset` part from ingest. `collect` merges them, sections sorted.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from ioreport.publish.published import PUBLISHED

FINDINGS_FILE = "findings.json"
FINDINGS_PARTS_DIR = "findings"  # one JSON part per notebook, merged by `collect`
FLOAT_DIGITS = 6


def normalise(value: Any) -> Any:
    """JSON-ready and stable across reruns: floats rounded, dates as ISO strings."""
    if isinstance(value, float):
        return round(value, FLOAT_DIGITS)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): normalise(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalise(v) for v in value]
    return value


def collect(run_dir: Path) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for part in sorted((run_dir / FINDINGS_PARTS_DIR).glob("*.json")):
        for section, values in json.loads(part.read_text()).items():
            merged.setdefault(section, {}).update(values)
    return normalise(merged)


def write(run_dir: Path, findings: dict[str, Any]) -> Path:
    path = run_dir / FINDINGS_FILE
    path.write_text(
        json.dumps(findings, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return path


def lookup(findings: dict[str, Any], dotted: str) -> Any:
    value: Any = findings
    for key in dotted.split("."):
        if isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        elif isinstance(value, dict) and key in value:
            value = value[key]
        else:
            return None
    return value


def _is_share(key: str) -> bool:
    """Shares are named share_*, *_share, or sit in a *_shares mapping."""
    return any(p.startswith("share") or p.endswith(("_share", "_shares")) for p in key.split("."))


def display(key: str, value: Any) -> str:
    """How a finding reads in prose: shares as percentages, counts with separators."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and _is_share(key):
        return f"{value * 100:.1f} %"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, int) and key.endswith("offset_hours"):
        return f"{value:+d}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        return ", ".join(display(key, v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {display(f'{key}.{k}', v)}" for k, v in value.items())
    return str(value)


def display_tree(findings: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The findings with every leaf formatted for prose (the report's `var` values)."""
    out: dict[str, Any] = {}
    for key, value in findings.items():
        dotted = f"{prefix}{key}"
        out[key] = display_tree(value, f"{dotted}.") if isinstance(value, dict) else display(dotted, value)
    return out


def comparison_rows(findings: dict[str, Any], published_dataset: str | None) -> list[dict[str, str]]:
    """'Published vs this run' rows for the dataset the run is compared with."""
    return [
        {
            "finding": fig.label,
            "this run": display(fig.finding, lookup(findings, fig.finding)),
            "published": fig.published,
            "source": f"{fig.source} ({fig.mark})",
        }
        for fig in PUBLISHED.get(published_dataset or "", ())
    ]
