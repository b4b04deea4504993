"""A run directory: the one owner of every path `ioreport run` writes and every reader reads; and the one
way to write an export: whole or not at all, and, for a CSV, safe to open in a spreadsheet."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl

# A text cell a spreadsheet would read as a formula (OWASP, "CSV Injection"): its first character.
FORMULA_START = r"^[=+\-@\t\r]"
# Text that is a number ("-3", "+8", "1e5", "12%"), or a hashed account id (base64 letters, digits, "+"
# and "/", ending in "="; no parenthesis, so no function), opens no formula: both are written as they
# are, so that ids still join.
NOT_A_FORMULA = r"^[+-]?(?:\d+(?:[.,]\d+)*|\.\d+)(?:[eE][+-]?\d+)?%?$|^[A-Za-z0-9+/]{40,}=$"


@contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` for the block to write; renamed over `path` when the block ends,
    removed if it fails. Readers, and a run stopped half-way, see the old file or the new one whole.

        with atomic_output(out) as partial:
            frame.write_csv(partial)

    The temporary name keeps the suffix (for writers that infer the format from it). An OSError that
    names no file, or the temporary one (a full disk), is raised naming `path`.
    """
    partial = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:12]}.partial{path.suffix}")
    try:
        yield partial
        descriptor = os.open(partial, os.O_RDONLY)
        try:
            os.fsync(descriptor)  # the content is on disk before the name points at it
        finally:
            os.close(descriptor)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        if exc.filename in (None, str(partial)):
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def spreadsheet_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells that a spreadsheet would run as a formula, prefixed with an apostrophe (OWASP's advice);
    numbers untouched."""
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(FORMULA_START) & ~pl.col(name).str.contains(NOT_A_FORMULA))
        .then("'" + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.String
    )


def write_csv(frame: pl.DataFrame, path: Path) -> None:
    """Every CSV the project exports: whole or absent, and no cell a spreadsheet would run."""
    with atomic_output(path) as partial:
        spreadsheet_safe(frame).write_csv(partial)


@dataclass(frozen=True)
class RunDir:
    """What a run writes into `root`.

    index.html, findings.json (and its JSON Schema), manifest.json, report.pdf, each written whole
    (`atomic_output`); .ioreport.lock, held by the run writing here; notebooks/ (the executed
    notebooks), figures/ (SVG and PNG), tables/ (CSV), each named `<section>-<name>`; findings/ (one part
    per section, merged into findings.json), section-cache/ (what each section's outputs were made from),
    and _report/ (the report's staged source, rendered into index.html).
    """

    root: Path

    @property
    def report(self) -> Path:
        return self.root / "index.html"

    @property
    def pdf(self) -> Path:
        return self.root / "report.pdf"

    @property
    def findings(self) -> Path:
        return self.root / "findings.json"

    @property
    def findings_schema(self) -> Path:
        return self.root / "findings.schema.json"

    @property
    def manifest(self) -> Path:
        return self.root / "manifest.json"

    @property
    def lock(self) -> Path:
        return self.root / ".ioreport.lock"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def figures(self) -> Path:
        return self.root / "figures"

    @property
    def tables(self) -> Path:
        return self.root / "tables"

    @property
    def findings_parts(self) -> Path:
        return self.root / "findings"

    @property
    def cache_records(self) -> Path:
        return self.root / "section-cache"

    @property
    def stage(self) -> Path:
        return self.root / "_report"

    def executed(self, section: str) -> Path:
        return self.notebooks / f"{section}.ipynb"

    def findings_part(self, section: str) -> Path:
        return self.findings_parts / f"{section}.json"

    def figure(self, section: str, name: str, suffix: str) -> Path:
        return self.figures / f"{section}-{name}{suffix}"

    def table(self, section: str, name: str) -> Path:
        return self.tables / f"{section}-{name}.csv"

    def cache_record(self, section: str) -> Path:
        return self.cache_records / f"{section}.json"

    def section_outputs(self, section: str) -> list[Path]:
        """Everything a section's notebook writes here."""
        return [
            self.executed(section),
            self.findings_part(section),
            *sorted(self.figures.glob(f"{section}-*")),
            *sorted(self.tables.glob(f"{section}-*")),
        ]
