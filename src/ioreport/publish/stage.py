"""Stage the Quarto report for a run and render it (Quarto where present, else pandoc).

Both engines read the same staged directory: the report source from
reports/, the executed notebooks (with a visible notice in place of every
output a skipped or failed notebook did not make), `_variables.yml` holding
this run's findings as display text, and `fonts.css` embedding the subset of
the CJK font that the report's text needs.
"""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat
import yaml
from fontTools import subset

from ioreport.analysis import findings as findings_module
from ioreport.config.paths import REPORTS_DIR
from ioreport.errors import InputError
from ioreport.publish.render import render_report
from ioreport.publish.theme import FONT_FAMILY, FONT_FILE

STAGE_DIR = "_report"
REPORT_FILE = "index.html"
VAR_SHORTCODE = re.compile(r"\{\{<\s*var\s+([\w.-]+)\s*>\}\}")
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


def _fill_unreported(variables: dict, report_source: str) -> None:
    """A number from a section that was skipped or failed reads as such, not as an error."""
    for key in VAR_SHORTCODE.findall(report_source):
        *parents, leaf = key.split(".")
        node = variables
        for part in parents:
            node = node.setdefault(part, {})
        node.setdefault(leaf, "n/a (section not run)")


def _report_text(stage: Path) -> str:
    """All text the report can show, to know which glyphs the embedded font needs."""
    parts = [stage.joinpath("index.qmd").read_text(encoding="utf-8")]
    parts.append(stage.joinpath("_variables.yml").read_text(encoding="utf-8"))
    for path in sorted(stage.glob("notebooks/*.ipynb")):
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
    run_dir: Path, statuses: list[SectionStatus], results: dict, sources: dict[str, Path], provenance: dict
) -> Path:
    """Lay out everything both engines need in run_dir/_report."""
    stage_dir = run_dir / STAGE_DIR
    if stage_dir.exists():
        shutil.rmtree(stage_dir)
    shutil.copytree(REPORTS_DIR, stage_dir, ignore=shutil.ignore_patterns("_freeze", ".quarto", "*.html"))
    (stage_dir / "notebooks").mkdir()
    for status in statuses:
        name = f"{status.notebook}.ipynb"
        _stage_notebook(
            status, run_dir / "notebooks" / name, sources[status.notebook], stage_dir / "notebooks" / name
        )
    variables = findings_module.display_tree(results)
    # The one block of the report that differs between identical reruns (when, from which commit).
    variables["provenance"] = provenance
    _fill_unreported(variables, (stage_dir / "index.qmd").read_text(encoding="utf-8"))
    (stage_dir / "_variables.yml").write_text(
        yaml.safe_dump(variables, allow_unicode=True, sort_keys=True), encoding="utf-8"
    )
    (stage_dir / "fonts.css").write_text(font_css(_report_text(stage_dir)), encoding="utf-8")
    return stage_dir


def build(
    run_dir: Path,
    statuses: list[SectionStatus],
    results: dict,
    sources: dict[str, Path],
    profiles: list[str],
    provenance: dict,
) -> str:
    """Stage and render run_dir/index.html; returns the engine that rendered it."""
    stage_dir = stage(run_dir, statuses, results, sources, provenance)
    return render_report(stage_dir, run_dir / REPORT_FILE, profiles)


PDF_FILE = "report.pdf"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def pdf_engine() -> str | None:
    """A headless browser to print the report with (its print stylesheet applies), if the machine has one."""
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def print_pdf(html_file: Path, pdf_file: Path) -> Path:
    engine = pdf_engine()
    if engine is None:
        raise InputError(
            "no PDF engine: install Chromium (Debian: apt-get install chromium) to print the report"
        )
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                engine,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf_file}",
                html_file.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    if not pdf_file.exists() or pdf_file.stat().st_size == 0:
        raise InputError(f"{engine} did not print {html_file}")
    return pdf_file
