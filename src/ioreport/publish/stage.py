"""Stage a run's report: everything Quarto, or the offline pandoc path, needs in one directory.

The staged directory holds the report source from reports/, the executed notebooks (with a visible
notice in place of every output a skipped or failed notebook did not make), a notebook holding the
published-vs-this-run table (built here from the merged findings), `_variables.yml` with this run's
findings and sentences, `fonts.css` embedding the subset of the CJK font the report's text needs, and
`charts.html`, the script that draws the charts.

Both engines must give the same report, so the staged notebooks carry only Markdown outputs: an HTML
output would make Quarto add require.js and jQuery from a CDN, and an SVG output would become an <img>.
Tables and charts are raw HTML blocks in Markdown outputs instead (a chart: its specification, the
element it is drawn in, its static SVG), and every caption names its notebook, the commit, and for a
table the CSV with all its rows.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat
import polars as pl
import yaml

from ioreport.config.paths import REPORTS_DIR
from ioreport.config.rundir import RunDir, write_csv
from ioreport.publish import charts, prose
from ioreport.publish.fonts import font_css
from ioreport.publish.format import MISSING, OUTPUT_KEY, count, display_tree, escape_markdown, html_table
from ioreport.publish.published import PART, comparison_table
from ioreport.publish.render import (
    YAML_DUMPER,
    YAML_LOADER,
    display_output,
    raw_html_block,
    read_notebook,
    render_report,
    write_notebook,
)
from ioreport.publish.svg_ids import scope_svg_ids

STAGED_NOTEBOOKS = "notebooks"
PUBLISHED_SECTION = "published"  # the staged notebook, and the tables/ prefix, of the comparison table
# The comparison in two tables of at most ten rows: label -> (part of published.comparison_table, caption).
PUBLISHED_TABLES = {
    "tbl-published-data": ("data", "Published figures beside this run's: the data and the accounts."),
    "tbl-published-behaviour": ("behaviour", "Published figures beside this run's: what the accounts did."),
}
PUBLISHED_MARKS = "V: read in the report; P: reported by the press, approximate."
BUILT_AT_STAGING = "# Built by ioreport when the report was staged, from this run's findings.json."
NO_PUBLICATION = "_No published figure of this kind for this dataset (`published` in the parameters)._"
CELL_LABEL = re.compile(r"^#\|\s*label:\s*(\S+)", re.MULTILINE)
CAPTION_OPTION = re.compile(r"^#\|\s*(fig|tbl)-cap:\s*(.*)$", re.MULTILINE)
DISPLAY_MIME = ("image/svg+xml", "image/png", "text/html", "text/markdown", "text/plain")
CHART_SCRIPTS = "charts.html"
COMMIT_CHARS = 10


@dataclass(frozen=True)
class SectionStatus:
    notebook: str
    state: str  # "ok", "skipped" or "failed"
    message: str = ""
    reused: bool = False  # outputs of an earlier run, whose inputs, parameters and code were the same


def _labelled(cell) -> str | None:
    match = CELL_LABEL.search(cell.source) if cell.cell_type == "code" else None
    return match.group(1) if match else None


def _shows_something(cell) -> bool:
    return any(
        out.output_type in ("display_data", "execute_result")
        and any(m in out.get("data", {}) for m in DISPLAY_MIME)
        for out in cell.get("outputs", [])
    )


def _fill_missing_outputs(notebook, notice: str) -> None:
    """Put a visible notice where a labelled cell has nothing to show."""
    for cell in notebook.cells:
        if _labelled(cell) and not _shows_something(cell):
            cell.outputs = [display_output({"text/markdown": notice})]


def _stage_notebook(status: SectionStatus, run: RunDir, source: Path, target: Path, commit: str) -> int:
    """The notebook as both engines read it; returns how many charts it draws."""
    if status.state == "skipped":
        import jupytext  # loaded when used: only a skipped section stages its source

        notebook = jupytext.read(source)
        _fill_missing_outputs(notebook, f"**Skipped:** {escape_markdown(status.message)}")
    else:
        notebook = read_notebook(run.executed(status.notebook))
        if status.state == "failed":
            _fill_missing_outputs(notebook, f"**Not produced:** {escape_markdown(status.message)}")
    drawn = _portable(notebook, run, status.notebook, commit)
    write_notebook(notebook, target)
    return drawn


def _portable(notebook, run: RunDir, name: str, commit: str) -> int:
    """Markdown outputs only, and captions that say where everything comes from; returns the charts."""
    charts_drawn = 0
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        label = _labelled(cell)
        cell.source = _sourced_captions(cell, name, commit)
        outputs = []
        for output in cell.get("outputs", []):
            if output.output_type in ("display_data", "execute_result"):
                output, is_chart = _as_markdown(output, run, label or "output")
                charts_drawn += is_chart
            outputs.append(output)
        cell.outputs = outputs
    return charts_drawn


def _as_markdown(output, run: RunDir, scope: str):
    """An HTML or SVG output as a raw HTML block in Markdown (a chart with its live view); others kept."""
    data, said = output.get("data", {}), output.get("metadata", {}).get(OUTPUT_KEY, {})
    if "image/svg+xml" in data:
        svg = scope_svg_ids(data["image/svg+xml"], scope)
        spec = run.root / said["spec"] if "spec" in said else None
        if spec is not None and spec.is_file():
            block = charts.chart_block(svg, json.loads(spec.read_text(encoding="utf-8")))
            return display_output({"text/markdown": raw_html_block(block)}), True
        return display_output({"text/markdown": raw_html_block(svg)}), False
    if "text/html" in data:
        return display_output({"text/markdown": raw_html_block(data["text/html"])}), False
    return output, False


def _sourced_captions(cell, name: str, commit: str) -> str:
    """The cell's source with each caption followed by where it comes from: the notebook and commit, and
    for a table the CSV with all its rows."""
    sources = [f"[notebook {name}](notebooks/{name}.ipynb) at commit {commit}"]
    for output in cell.get("outputs", []):
        said = output.get("metadata", {}).get(OUTPUT_KEY, {})
        if "csv" in said:
            sources.append(f"[CSV: {count(said['rows'], 'row')}]({said['csv']})")

    def sourced(option: re.Match) -> str:
        caption = f"{yaml.load(option.group(2), YAML_LOADER) or ''} ({'; '.join(sources)})"
        return f"#| {option.group(1)}-cap: {json.dumps(caption, ensure_ascii=False)}"

    return CAPTION_OPTION.sub(sourced, cell.source)


def _stage_published(
    run: RunDir, results: dict, published_dataset: str | None, target: Path, commit: str
) -> None:
    """The comparison as labelled notebook cells, one table per part (each short enough to read), so
    both engines embed them like any other; kept with the run's notebooks too, where captions link."""
    table = comparison_table(results, published_dataset)
    said = {}
    if table.height:
        run.tables.mkdir(parents=True, exist_ok=True)
        path = run.table(PUBLISHED_SECTION, "comparison")
        write_csv(table.drop(PART), path)
        said = {OUTPUT_KEY: {"csv": str(path.relative_to(run.root)), "rows": table.height}}
    cells = []
    for label, (part, caption) in PUBLISHED_TABLES.items():
        rows = table.filter(pl.col(PART) == part).drop(PART)
        shown = (
            display_output({"text/html": html_table(rows)}, metadata=said)
            if rows.height
            else display_output({"text/markdown": NO_PUBLICATION})
        )
        source = f"#| label: {label}\n#| tbl-cap: {json.dumps(f'{caption} {PUBLISHED_MARKS}')}\n"
        cells.append(nbformat.v4.new_code_cell(source + BUILT_AT_STAGING, outputs=[shown]))
    notebook = nbformat.v4.new_notebook(cells=cells)
    run.notebooks.mkdir(parents=True, exist_ok=True)
    write_notebook(notebook, run.executed(PUBLISHED_SECTION))
    _portable(notebook, run, PUBLISHED_SECTION, commit)
    write_notebook(notebook, target)


def _short_commit(commit: str) -> str:
    """The commit as captions name it: its first characters, and whether the checkout had changes."""
    sha, dirty, _ = commit.partition("-dirty")
    return commit if " " in commit else sha[:COMMIT_CHARS] + ("-dirty" if dirty else "")


def _escaped(values: dict) -> dict:
    return {
        key: _escaped(value) if isinstance(value, dict) else escape_markdown(str(value))
        for key, value in values.items()
    }


def _report_text(stage: Path) -> str:
    """All text the report can show, to know which glyphs the embedded font needs."""
    parts = [stage.joinpath("index.qmd").read_text(encoding="utf-8")]
    parts.append(stage.joinpath("_variables.yml").read_text(encoding="utf-8"))
    for path in sorted(stage.glob(f"{STAGED_NOTEBOOKS}/*.ipynb")):
        parts.append(path.read_text(encoding="utf-8"))
    return "".join(parts)


def stage(
    run: RunDir,
    statuses: list[SectionStatus],
    results: dict,
    sources: dict[str, Path],
    published_dataset: str | None,
    provenance: dict,
) -> Path:
    """Lay out everything both engines need in the run's stage directory."""
    stage_dir = run.stage
    if stage_dir.exists():
        shutil.rmtree(stage_dir)
    shutil.copytree(REPORTS_DIR, stage_dir, ignore=shutil.ignore_patterns("_freeze", ".quarto", "*.html"))
    notebooks = stage_dir / STAGED_NOTEBOOKS
    notebooks.mkdir()
    commit = _short_commit(provenance["git_commit"])
    drawn = sum(
        _stage_notebook(status, run, sources[status.notebook], notebooks / f"{status.notebook}.ipynb", commit)
        for status in statuses
    )
    _stage_published(run, results, published_dataset, notebooks / f"{PUBLISHED_SECTION}.ipynb", commit)
    (stage_dir / CHART_SCRIPTS).write_text(charts.page_scripts(drawn), encoding="utf-8")
    # Variables are Markdown, in Quarto as offline: every value is escaped here, once, but the prose,
    # which escapes the dataset's text it quotes and keeps its own emphasis.
    variables = _escaped(display_tree(results, MISSING))
    variables["prose"] = prose.sentences(results)
    # The one block of the report that differs between identical reruns (when, from which commit).
    variables["provenance"] = _escaped(provenance)
    (stage_dir / "_variables.yml").write_text(
        yaml.dump(variables, Dumper=YAML_DUMPER, allow_unicode=True, sort_keys=True), encoding="utf-8"
    )
    (stage_dir / "fonts.css").write_text(font_css(_report_text(stage_dir)), encoding="utf-8")
    return stage_dir


def build(
    run: RunDir,
    statuses: list[SectionStatus],
    results: dict,
    sources: dict[str, Path],
    published_dataset: str | None,
    profiles: list[str],
    provenance: dict,
) -> str:
    """Stage and render the run's index.html; returns the engine that rendered it."""
    stage_dir = stage(run, statuses, results, sources, published_dataset, provenance)
    return render_report(stage_dir, run.report, profiles)
