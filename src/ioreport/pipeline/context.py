"""A notebook's handle on a run: its data, and where its findings, figures and tables go.

Notebooks stay thin: they open a run, call analysis modules, and hand charts,
tables and findings to this object, which writes them into the run directory.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import altair as alt
import polars as pl
from IPython.display import display

from ioreport.analysis.findings import FINDINGS_PARTS_DIR, normalise
from ioreport.archive.ingest import IngestResult
from ioreport.config.params import RunParams, load_params
from ioreport.config.paths import DEFAULT_PARAMS, DEFAULT_RUN_DIR
from ioreport.pipeline.data import load_data
from ioreport.publish import theme

INGEST_RECORD = "ingest.json"
FIGURES_DIR = "figures"
TABLES_DIR = "tables"
TABLE_PREVIEW_ROWS = 25
TABLE_TEXT_CHARS = 160  # the CSV beside the table keeps the full text


@dataclass
class RunContext:
    params: RunParams
    run_dir: Path
    notebook: str
    data: IngestResult

    # -- data ---------------------------------------------------------------
    def tweets(self) -> pl.LazyFrame:
        frame = self.data.scan_tweets()
        if frame is None:
            raise LookupError(f"dataset {self.params.name} has no tweets file")
        return frame

    def users(self) -> pl.LazyFrame:
        return self.data.scan_users()

    @property
    def has_tweets(self) -> bool:
        return self.data.tweets is not None

    # -- outputs --------------------------------------------------------------
    def record(self, section: str, values: dict[str, Any]) -> None:
        """Add findings to `section` of findings.json (merged by the runner)."""
        path = self.run_dir / FINDINGS_PARTS_DIR / f"{self.notebook}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        parts = json.loads(path.read_text()) if path.exists() else {}
        parts.setdefault(section, {}).update(normalise(values))
        path.write_text(json.dumps(parts, indent=2, sort_keys=True, ensure_ascii=False) + "\n")

    def figure(self, chart: alt.TopLevelMixin, name: str) -> None:
        """Show a chart as static SVG and save it as SVG and PNG."""
        stem = self.run_dir / FIGURES_DIR / f"{self.notebook}-{name}"
        stem.parent.mkdir(parents=True, exist_ok=True)
        svg = theme.to_svg(chart)
        stem.with_suffix(".svg").write_text(svg, encoding="utf-8")
        stem.with_suffix(".png").write_bytes(theme.to_png(chart))
        display({"image/svg+xml": svg}, raw=True)

    def table(self, frame: pl.DataFrame, name: str, preview_rows: int = TABLE_PREVIEW_ROWS) -> None:
        """Show a table (escaped: cells may hold hostile dataset text) and save it as CSV."""
        path = self.run_dir / TABLES_DIR / f"{self.notebook}-{name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.write_csv(path)
        display({"text/html": html_table(frame.head(preview_rows))}, raw=True)

    def text(self, markdown: str) -> None:
        """Show generated prose (numbers computed in this run) as Markdown."""
        display({"text/markdown": markdown}, raw=True)


def format_cell(value: Any, column: str = "") -> str:
    """How a table cell reads: ids verbatim, shares as percentages, long text shortened."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value) if column.endswith("id") else f"{value:,}"
    if isinstance(value, float):
        if "share" in column:
            return f"{value:.1%}"
        if value.is_integer():
            return f"{int(value):,}"
        return f"{value:,.3f}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S") + (" UTC" if value.tzinfo else "")
    if isinstance(value, list):
        return ", ".join(format_cell(v, column) for v in value)
    text = str(value)
    return text if len(text) <= TABLE_TEXT_CHARS else text[: TABLE_TEXT_CHARS - 1] + "…"


def html_table(frame: pl.DataFrame) -> str:
    """An HTML table with every header and cell escaped."""
    # Column names read as words (the CSV beside the table keeps them as they are).
    head = "".join(f"<th>{html.escape(str(c).replace('_', ' '))}</th>" for c in frame.columns)
    numeric = [dtype.is_numeric() and not c.endswith("id") for c, dtype in frame.schema.items()]
    opening = ['<td class="num">' if is_num else "<td>" for is_num in numeric]
    rows = []
    for row in frame.iter_rows():
        cells = "".join(
            f"{td}{html.escape(format_cell(value, column))}</td>"
            for value, column, td in zip(row, frame.columns, opening, strict=True)
        )
        rows.append(f"<tr>{cells}</tr>")
    return (
        '<div class="table-wrap"><table class="ioreport-table">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def open_run(params_path: str | Path | None, run_dir: str | Path | None, notebook: str) -> RunContext:
    """Open a run from a notebook; standalone (e.g. in JupyterLab) it ingests the data itself."""
    theme.enable()
    params = load_params(params_path or DEFAULT_PARAMS)
    run_dir = Path(run_dir or DEFAULT_RUN_DIR)
    run_dir.mkdir(parents=True, exist_ok=True)
    record = run_dir / INGEST_RECORD
    data = IngestResult.from_json(record) if record.exists() else load_data(params)
    return RunContext(params=params, run_dir=run_dir, notebook=notebook, data=data)
