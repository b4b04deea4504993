"""`ioreport diff`: what changed between two runs, and the manifest entries that may explain it.

Results are the findings, the notebooks' outputs, the figures and the tables. Only they count as
a change (`--exit-code`): a new package version or commit that changes nothing is no difference.
Notebooks are compared on their outputs alone, since execution counts, timings and papermill's
metadata differ between any two runs.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbdime
import nbformat
import polars as pl
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ioreport.analysis.findings import FLOAT_DIGITS
from ioreport.config.paths import file_sha256
from ioreport.config.rundir import RunDir
from ioreport.errors import InputError
from ioreport.publish.format import format_value, html_table
from ioreport.publish.stage import CELL_LABEL
from ioreport.review.compare import Run, html_page

# --- what changed ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueChange:
    key: str
    old: Any
    new: Any

    @property
    def shown(self) -> tuple[str, str]:
        """Old and new as the report shows them; exact when the report's rounding hides the change."""
        shown = format_value(self.old, self.key), format_value(self.new, self.key)
        if shown[0] != shown[1]:
            return shown
        return json.dumps(self.old, ensure_ascii=False), json.dumps(self.new, ensure_ascii=False)

    @property
    def delta(self) -> str:
        """new − old and the change relative to old, for numbers; "–" for anything else."""
        if not (_is_number(self.old) and _is_number(self.new)):
            return "–"
        delta = round(self.new - self.old, FLOAT_DIGITS)  # findings carry 6 decimals: no float noise
        signed = f"{delta:+,}" if isinstance(delta, int) else f"{delta:+,.{FLOAT_DIGITS}f}".rstrip("0")
        relative = f" ({100 * delta / abs(self.old):+.3g}%)" if self.old else ""
        return signed.rstrip(".") + relative


@dataclass(frozen=True)
class KeyedDiff:
    """Differences between two mappings of dotted keys."""

    changed: list[ValueChange]
    added: dict[str, Any]
    removed: dict[str, Any]
    unchanged: int

    @property
    def empty(self) -> bool:
        return not (self.changed or self.added or self.removed)


@dataclass(frozen=True)
class FileChanges:
    changed: list[str]
    added: list[str]  # only in the new run
    removed: list[str]  # only in the old run
    # Notebooks only: per changed notebook, the cells (label, else "cell N") whose outputs differ.
    cells: dict[str, list[str]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.changed or self.added or self.removed)


@dataclass(frozen=True)
class RunDiff:
    old: Run
    new: Run
    findings: KeyedDiff
    notebooks: FileChanges
    figures: FileChanges
    tables: FileChanges
    manifest: KeyedDiff

    @property
    def results_changed(self) -> bool:
        return not all(part.empty for part in (self.findings, self.notebooks, self.figures, self.tables))


def diff_runs(old: Run, new: Run) -> RunDiff:
    before, after = RunDir(old.path), RunDir(new.path)
    return RunDiff(
        old=old,
        new=new,
        findings=diff_findings(old.findings, new.findings),
        notebooks=diff_notebooks(before.notebooks, after.notebooks),
        figures=diff_files(before.figures, after.figures, "*.svg"),
        tables=diff_files(before.tables, after.tables, "*.csv"),
        manifest=diff_values(manifest_facts(old.manifest), manifest_facts(new.manifest)),
    )


# --- findings and manifest -------------------------------------------------------------------


def flatten_findings(value: Any, prefix: str = "") -> dict[str, Any]:
    """Dotted key → leaf value; lists of objects by index (`accounts.creation_batches.0.accounts`).

    A list of plain values (such as `activity.working_hours`) is one value.
    """
    if isinstance(value, dict):
        children: Iterable[tuple[Any, Any]] = value.items()
    elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        children = enumerate(value)
    else:
        return {prefix: value}
    flat: dict[str, Any] = {}
    for key, child in children:
        flat.update(flatten_findings(child, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def diff_findings(old: dict[str, Any], new: dict[str, Any]) -> KeyedDiff:
    return diff_values(flatten_findings(old), flatten_findings(new))


def diff_values(old: dict[str, Any], new: dict[str, Any]) -> KeyedDiff:
    """Compare two flat mappings; keys keep the order they have in the files."""
    common = [key for key in old if key in new]
    changed = [ValueChange(key, old[key], new[key]) for key in common if not _same(old[key], new[key])]
    return KeyedDiff(
        changed=changed,
        added={key: value for key, value in new.items() if key not in old},
        removed={key: value for key, value in old.items() if key not in new},
        unchanged=len(common) - len(changed),
    )


def manifest_facts(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest entries that can explain a change in results, as dotted keys.

    Timings, the platform and the parameters file's path differ between identical runs and are left out.
    """
    inputs = {
        f"{entry['table']}:{Path(entry['path']).name}": entry["sha256"]
        for entry in manifest.get("inputs", [])
    }
    return flatten_findings(
        {
            "parameters": manifest.get("parameters", {}).get("values", {}),
            "inputs": inputs,
            "git_commit": manifest.get("git_commit"),
            "packages": manifest.get("packages", {}),
        }
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _same(old: Any, new: Any) -> bool:
    """Equal, with true/false never equal to 1/0 (Python's `True == 1`)."""
    return old == new and isinstance(old, bool) == isinstance(new, bool)


# --- files and notebooks ---------------------------------------------------------------------


def diff_files(old_dir: Path, new_dir: Path, pattern: str) -> FileChanges:
    """Files matching `pattern` in either directory, compared by sha256."""
    common, added, removed = _pair_files(old_dir, new_dir, pattern)
    changed = [name for name in common if file_sha256(old_dir / name) != file_sha256(new_dir / name)]
    return FileChanges(changed, added, removed)


def diff_notebooks(old_dir: Path, new_dir: Path) -> FileChanges:
    common, added, removed = _pair_files(old_dir, new_dir, "*.ipynb")
    cells = {}
    for name in common:
        changed_cells = diff_notebook_outputs(_read_notebook(old_dir / name), _read_notebook(new_dir / name))
        if changed_cells:
            cells[name] = changed_cells
    return FileChanges(list(cells), added, removed, cells)


def diff_notebook_outputs(old: nbformat.NotebookNode, new: nbformat.NotebookNode) -> list[str]:
    """The cells (label, else "cell N") whose outputs differ, found by nbdime on output-only copies."""
    before, after = _outputs_only(old), _outputs_only(new)
    if before == after:
        return []  # the common case, and nbdime is slow on large SVG outputs
    changed: dict[str, None] = {}  # an ordered set
    for notebook_op in nbdime.diff_notebooks(before, after):
        if notebook_op["key"] != "cells":
            continue
        for op in notebook_op["diff"]:
            changed.update(dict.fromkeys(_cells_touched(op, before)))
    return list(changed)


def _cells_touched(op: dict[str, Any], before: nbformat.NotebookNode) -> list[str]:
    """The cells one nbdime operation on the cell list changes the outputs of."""
    if op["op"] == "patch":
        if not any(sub["key"] == "outputs" for sub in op["diff"]):
            return []
        # nbdime may pair cells of different names (short names look alike): name the cell on both sides.
        old_cell = before.cells[op["key"]]
        return [old_cell["source"], nbdime.patch(old_cell, op["diff"])["source"]]
    added = op["op"] == "addrange"  # else "removerange", which gives a start and a length
    cells = op["valuelist"] if added else before.cells[op["key"] : op["key"] + op["length"]]
    return [cell["source"] for cell in cells if cell["outputs"]]


def _outputs_only(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy holding, per cell, its name as the source and its outputs: what a rerun must reproduce."""
    cells = [
        {
            "cell_type": "code",
            "source": _cell_name(cell, index),
            "metadata": {},
            "execution_count": None,
            "outputs": [_output_content(output) for output in cell.get("outputs", [])],
        }
        for index, cell in enumerate(notebook.cells)
    ]
    return nbformat.from_dict({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 4})


def _cell_name(cell: nbformat.NotebookNode, index: int) -> str:
    label = CELL_LABEL.search(cell.source) if cell.cell_type == "code" else None
    return label.group(1) if label else f"cell {index}"


def _output_content(output: nbformat.NotebookNode) -> dict[str, Any]:
    """What an output shows, without its execution count and metadata."""
    kind = output["output_type"]
    if kind == "stream":
        return {"output_type": kind, "name": output["name"], "text": output["text"]}
    if kind == "error":  # tracebacks carry colour codes and paths; the error itself is what matters
        return {"output_type": kind, "ename": output["ename"], "evalue": output["evalue"]}
    return {"output_type": kind, "data": dict(output.get("data", {}))}


def _read_notebook(path: Path) -> nbformat.NotebookNode:
    try:
        return nbformat.read(path, as_version=4)
    except (OSError, ValueError) as exc:  # nbformat's "not JSON" and validation errors are ValueErrors
        raise InputError(f"cannot read notebook {path}: {exc}") from None


def _pair_files(old_dir: Path, new_dir: Path, pattern: str) -> tuple[list[str], list[str], list[str]]:
    """File names in both directories, only in the new one, only in the old one."""
    old = {path.name for path in old_dir.glob(pattern)}
    new = {path.name for path in new_dir.glob(pattern)}
    return sorted(old & new), sorted(new - old), sorted(old - new)


# --- presentation: one list of blocks, shown in the terminal or as HTML ----------------------


@dataclass(frozen=True)
class Block:
    """One part of the diff: a heading, a table and/or a list ("no differences" when both are empty)."""

    title: str
    rows: list[dict[str, str]] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def empty(self) -> bool:
        return not (self.rows or self.items)


def diff_blocks(diff: RunDiff) -> list[Block]:
    notebooks = diff.notebooks
    return [
        Block(
            "Findings",
            rows=_change_rows(diff.findings, "finding"),
            items=_added_removed(diff.findings),
            note=f"{diff.findings.unchanged:,} findings unchanged.",
        ),
        Block(
            "Notebook outputs",
            items=[
                f"{name}: outputs changed in {', '.join(cells)}" for name, cells in notebooks.cells.items()
            ]
            + _only_in_one(notebooks),
            note="Outputs only: execution counts, timings and metadata are ignored.",
        ),
        Block("Figures (SVG)", items=_file_items(diff.figures)),
        Block("Tables (CSV)", items=_file_items(diff.tables)),
        Block(
            "Manifest: parameters, input sha256s, git commit, package versions",
            rows=_change_rows(diff.manifest, "entry"),
            items=_added_removed(diff.manifest),
        ),
    ]


def _change_rows(diff: KeyedDiff, key_column: str) -> list[dict[str, str]]:
    rows = []
    for change in diff.changed:
        old, new = change.shown
        rows.append({key_column: change.key, "old": old, "new": new, "change": change.delta})
    return rows


def _added_removed(diff: KeyedDiff) -> list[str]:
    return [f"added: {key} = {format_value(value, key)}" for key, value in diff.added.items()] + [
        f"removed: {key} = {format_value(value, key)}" for key, value in diff.removed.items()
    ]


def _file_items(changes: FileChanges) -> list[str]:
    return [f"{name}: changed" for name in changes.changed] + _only_in_one(changes)


def _only_in_one(changes: FileChanges) -> list[str]:
    return [f"{name}: only in the new run" for name in changes.added] + [
        f"{name}: only in the old run" for name in changes.removed
    ]


def _verdict(diff: RunDiff) -> str:
    return "The results differ." if diff.results_changed else "The results are the same."


def print_diff(diff: RunDiff, console: Console) -> None:
    """The diff in the terminal; text from the runs is printed as text, never read as rich markup."""
    console.print(Text(f"old: {diff.old.path} ({diff.old.name})\nnew: {diff.new.path} ({diff.new.name})"))
    for block in diff_blocks(diff):
        console.print()
        console.print(Text(block.title, style="bold"))
        if block.rows:
            table = Table()
            for column in block.rows[0]:
                table.add_column(column, overflow="fold")  # a narrow terminal wraps values, never cuts them
            for row in block.rows:
                table.add_row(*(Text(value) for value in row.values()))
            console.print(table)
        for item in block.items:
            console.print(Text(f"  {item}"))
        if block.empty:
            console.print("  no differences")
        if block.note:
            console.print(Text(f"  {block.note}", style="dim"))
    console.print()
    console.print(Text(_verdict(diff), style="bold"))


def render_diff_html(diff: RunDiff) -> str:
    """The diff as a short self-contained page; every string from the runs is escaped."""
    body = [
        "<h1>What changed between two runs</h1>",
        f"<p>Old: {html.escape(f'{diff.old.name} ({diff.old.path})')}<br>"
        f"New: {html.escape(f'{diff.new.name} ({diff.new.path})')}</p>",
        f"<p><strong>{_verdict(diff)}</strong></p>",
    ]
    for block in diff_blocks(diff):
        body.append(f"<h2>{html.escape(block.title)}</h2>")
        if block.rows:
            body.append(html_table(pl.DataFrame(block.rows)))
        if block.items:
            body.append("<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in block.items) + "</ul>")
        if block.empty:
            body.append("<p>No differences.</p>")
        if block.note:
            body.append(f'<p class="run-path">{html.escape(block.note)}</p>')
    return html_page(f"ioreport diff: {diff.old.name} → {diff.new.name}", "\n".join(body))
