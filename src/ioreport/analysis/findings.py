"""Findings: what each section of a run found, as typed models, and how they become stable JSON.

Each analysis module declares its section's model (a subclass of `Findings`) and returns it; the runner
merges the sections into findings.json and writes its JSON Schema beside it. Keys are only ever added;
a key that changes meaning gets a new name.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict

FLOAT_DIGITS = 6


class Findings(BaseModel):
    """A section's findings: every key documented, nothing else accepted."""

    model_config = ConfigDict(extra="forbid")

    def to_json(self) -> dict[str, Any]:
        """JSON-ready and stable across reruns: floats rounded, dates as ISO strings."""
        return normalise(self.model_dump(mode="python"))


class DatasetFindings(Findings):
    """What was read: written by the runner from the loader's accounting and the loaded tweets."""

    name: str
    synthetic: bool
    accounts: int
    tweets: int
    quarantined_rows: int
    duplicate_rows: int
    users_derived_from_tweets: bool
    first_tweet: dt.date | None  # UTC
    last_tweet: dt.date | None
    parameters_file: str | None  # None: run on a folder of archive files, with the default parameters


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


def lookup(findings: dict[str, Any], dotted: str) -> Any:
    """The value at a dotted key (list items by index), or None."""
    value: Any = findings
    for key in dotted.split("."):
        if isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        elif isinstance(value, dict) and key in value:
            value = value[key]
        else:
            return None
    return value
