"""A run directory: the one owner of every path `ioreport run` writes and every reader reads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RunDir:
    """What a run writes into `root`.

    index.html, findings.json (and its JSON Schema), manifest.json, report.pdf; notebooks/ (the executed
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
