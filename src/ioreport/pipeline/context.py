"""A notebook's handle on a run: its data, and where its findings, figures and tables go.

Notebooks stay thin: they open a run with the values papermill injected, call analysis modules, and
hand charts, tables and findings to this object, which writes them into the run directory. It carries
no run parameters: a notebook reads only the ones its section declares, as parameters of its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import polars as pl
from IPython.display import display

from ioreport.analysis.claims import Claim
from ioreport.analysis.findings import Findings
from ioreport.archive.ingest import IngestResult
from ioreport.config.params import load_params
from ioreport.config.paths import DEFAULT_PARAMS, DEFAULT_RUN_DIR
from ioreport.config.rundir import RunDir, write_csv
from ioreport.pipeline.data import load_data, open_ingested
from ioreport.publish import theme
from ioreport.publish.format import OUTPUT_KEY, html_table

TABLE_PREVIEW_ROWS = 10
SPEC_SUFFIX = ".vl.json"


@dataclass
class RunContext:
    run: RunDir
    section: str
    data: IngestResult

    # -- data ---------------------------------------------------------------
    def tweets(self) -> pl.LazyFrame:
        frame = self.data.scan_tweets()
        if frame is None:
            raise LookupError("this dataset has no tweets file")
        return frame

    def users(self) -> pl.LazyFrame:
        return self.data.scan_users()

    @property
    def has_tweets(self) -> bool:
        return self.data.tweets is not None

    # -- outputs --------------------------------------------------------------
    def record(self, findings: Findings, claims: dict[str, Claim] | None = None) -> None:
        """The section's findings and the claims it decides (its part of findings.json, merged by the
        runner)."""
        part = {
            "findings": findings.to_json(),
            "claims": {name: claim.model_dump(mode="json") for name, claim in (claims or {}).items()},
        }
        path = self.run.findings_part(self.section)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(part, indent=2, sort_keys=True, ensure_ascii=False)
        path.write_text(text + "\n", encoding="utf-8")

    def figure(self, chart: alt.TopLevelMixin, name: str) -> None:
        """Show a chart as static SVG and save it as its Vega-Lite specification, SVG and PNG."""
        vega_lite = theme.spec(chart)
        svg = theme.to_svg(vega_lite)
        self.run.figures.mkdir(parents=True, exist_ok=True)
        spec_path = self.run.figure(self.section, name, SPEC_SUFFIX)
        spec_path.write_text(json.dumps(vega_lite, sort_keys=True, ensure_ascii=False), encoding="utf-8")
        self.run.figure(self.section, name, ".svg").write_text(svg, encoding="utf-8")
        self.run.figure(self.section, name, ".png").write_bytes(theme.to_png(svg))
        # The report draws the chart from its specification; the metadata says where it is.
        shown = {OUTPUT_KEY: {"spec": str(spec_path.relative_to(self.run.root))}}
        display({"image/svg+xml": svg}, metadata=shown, raw=True)

    def table(
        self,
        frame: pl.DataFrame,
        name: str,
        preview_rows: int = TABLE_PREVIEW_ROWS,
        columns: list[str] | None = None,
    ) -> None:
        """Show the first rows of a table, and of `columns` only when given (escaped: cells may hold
        hostile dataset text), and save it whole as CSV; the metadata tells the report where the CSV is and
        how many rows it has."""
        self.run.tables.mkdir(parents=True, exist_ok=True)
        path = self.run.table(self.section, name)
        write_csv(frame, path)
        said = {OUTPUT_KEY: {"csv": str(path.relative_to(self.run.root)), "rows": frame.height}}
        shown = frame.head(preview_rows).select(columns or frame.columns)
        display({"text/html": html_table(shown)}, metadata=said, raw=True)

    def text(self, markdown: str) -> None:
        """Show generated prose (numbers computed in this run) as Markdown."""
        display({"text/markdown": markdown}, raw=True)


def open_run(data_dir: str | Path, run_dir: str | Path, section: str) -> RunContext:
    """Open a run from a notebook. Standalone (e.g. in JupyterLab, data_dir empty) it reads the
    synthetic default dataset, ingesting it first if needed."""
    theme.enable()
    data = open_ingested(Path(data_dir)) if data_dir else load_data(load_params(DEFAULT_PARAMS))
    run = RunDir(Path(run_dir or DEFAULT_RUN_DIR))
    run.root.mkdir(parents=True, exist_ok=True)
    return RunContext(run=run, section=section, data=data)
