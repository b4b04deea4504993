"""Stage a run's report: everything Quarto, or the offline pandoc path, needs in one directory.

The staged directory holds the report source from reports/, the executed notebooks (with a visible
notice in place of every output a skipped or failed notebook did not make), a notebook holding the
published-vs-this-run table (built here from the merged findings), `_variables.yml` with this run's
findings as display text, and `fonts.css` embedding the subset of the CJK font the report's text needs.
"""

from __future__ import annotations

import base64
import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat
import yaml
from fontTools import subset

from ioreport.config.paths import REPORTS_DIR
from ioreport.config.rundir import RunDir
from ioreport.publish import prose
from ioreport.publish.format import MISSING, display_tree, escape_markdown, html_table
from ioreport.publish.published import comparison_table
from ioreport.publish.render import render_report
from ioreport.publish.theme import FONT_FAMILY, FONT_FILE

STAGED_NOTEBOOKS = "notebooks"
PUBLISHED_SECTION = "published"  # the staged notebook, and the tables/ prefix, of the comparison table
PUBLISHED_LABEL = "tbl-published-comparison"
PUBLISHED_CAPTION = (
    "Published figures beside this run's. V: read in the report; P: reported by the press, approximate."
)
NO_PUBLICATION = "_No published analysis is named for this dataset (`published` in the parameters)._"
CELL_LABEL = re.compile(r"^#\|\s*label:\s*(\S+)", re.MULTILINE)
DISPLAY_MIME = ("image/svg+xml", "image/png", "text/html", "text/markdown", "text/plain")


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
            cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": notice})]


def _stage_notebook(status: SectionStatus, executed: Path, source: Path, target: Path) -> None:
    if status.state == "skipped":
        notebook = jupytext.read(source)
        _fill_missing_outputs(notebook, f"**Skipped:** {status.message}")
    else:
        notebook = nbformat.read(executed, as_version=4)
        if status.state == "failed":
            _fill_missing_outputs(notebook, f"**Not produced:** {status.message}")
    nbformat.write(notebook, target)


def _stage_published(run: RunDir, results: dict, published_dataset: str | None, target: Path) -> None:
    """The comparison table as a labelled notebook cell, so both engines embed it like any other; kept
    with the run's notebooks too, where its caption links."""
    table = comparison_table(results, published_dataset)
    if table.height:
        run.tables.mkdir(parents=True, exist_ok=True)
        table.write_csv(run.table(PUBLISHED_SECTION, "comparison"))
        shown = {"text/html": html_table(table)}
    else:
        shown = {"text/markdown": NO_PUBLICATION}
    cell = nbformat.v4.new_code_cell(
        f'#| label: {PUBLISHED_LABEL}\n#| tbl-cap: "{PUBLISHED_CAPTION}"\n'
        "# Built by ioreport when the report was staged, from this run's findings.json.",
        outputs=[nbformat.v4.new_output("display_data", data=shown)],
    )
    notebook = nbformat.v4.new_notebook(cells=[cell])
    run.notebooks.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, run.executed(PUBLISHED_SECTION))
    nbformat.write(notebook, target)


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


def font_css(text: str) -> str:
    """@font-face for the CJK subset the report uses: Chinese renders without system fonts."""
    wanted = sorted({ch for ch in text if ord(ch) > 0x2E7F})
    if not wanted:
        return "/* no CJK text in this report */\n"
    options = subset.Options()
    options.flavor = "woff"
    options.desubroutinize = True
    font = subset.load_font(str(FONT_FILE), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(ch) for ch in wanted])
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f'@font-face {{ font-family: "{FONT_FAMILY}"; font-style: normal; font-weight: 400;\n'
        f'  src: url(data:font/woff;base64,{data}) format("woff"); }}\n'
    )


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
    for status in statuses:
        _stage_notebook(
            status,
            run.executed(status.notebook),
            sources[status.notebook],
            notebooks / f"{status.notebook}.ipynb",
        )
    _stage_published(run, results, published_dataset, notebooks / f"{PUBLISHED_SECTION}.ipynb")
    # Variables are Markdown, in Quarto as offline: every value is escaped here, once, but the prose,
    # which escapes the dataset's text it quotes and keeps its own emphasis.
    variables = _escaped(display_tree(results, MISSING))
    variables["prose"] = prose.sentences(results)
    # The one block of the report that differs between identical reruns (when, from which commit).
    variables["provenance"] = _escaped(provenance)
    (stage_dir / "_variables.yml").write_text(
        yaml.safe_dump(variables, allow_unicode=True, sort_keys=True), encoding="utf-8"
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
