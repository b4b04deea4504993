"""Keep notebooks reviewable: committed as py:percent text, never with outputs.

The notebooks' source of truth is `notebooks/*.py` (jupytext py:percent); an
executed `.ipynb` is written per run into the run directory. If an `.ipynb`
is ever committed next to its `.py`, it must carry no outputs, execution
counts or volatile metadata, and must match its pair cell for cell.
Run as `python -m ioreport.review.hygiene` (CI does, through `make lint`).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
from pydantic import TypeAdapter

from ioreport.config.params import RunParams
from ioreport.config.paths import NOTEBOOKS_DIR, REPO_ROOT
from ioreport.pipeline.sections import DATA_DIR, RUN_DIR, SECTIONS, Section

# A notebook reads run parameters only as its own papermill parameters, never from the parameters file.
FORBIDDEN_IN_NOTEBOOKS = ("load_params", "RunParams", "params_path")

# Notebook metadata that a run, a kernel or an editor writes and review should not see.
VOLATILE_METADATA = ("papermill", "widgets", "execution", "varInspector", "toc")


def _tracked(directory: Path) -> list[Path]:
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "ls-files", str(directory)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return sorted(directory.iterdir())
    return [REPO_ROOT / line for line in out.splitlines()]


def _parameters_cell(notebook) -> bool:
    return any("parameters" in cell.metadata.get("tags", []) for cell in notebook.cells)


def check_ipynb(path: Path) -> list[str]:
    problems = []
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None):
            problems.append(f"{path.name}: cell {index} has outputs or an execution count")
        for key in VOLATILE_METADATA:
            if key in cell.metadata:
                problems.append(f"{path.name}: cell {index} has volatile metadata {key!r}")
    for key in VOLATILE_METADATA:
        if key in notebook.metadata:
            problems.append(f"{path.name}: notebook has volatile metadata {key!r}")
    pair = path.with_suffix(".py")
    if pair.exists() and _cell_sources(jupytext.read(pair)) != _cell_sources(notebook):
        problems.append(f"{path.name}: differs from its pair {pair.name} (run `jupytext --sync`)")
    return problems


def _cell_sources(notebook) -> list[tuple[str, str]]:
    return [(cell.cell_type, cell.source.strip()) for cell in notebook.cells]


def check_py(path: Path) -> list[str]:
    notebook = jupytext.read(path)
    if not _parameters_cell(notebook):
        return [f"{path.name}: no cell tagged `parameters` for papermill"]
    problems = [
        f"{path.name}: reads run parameters itself ({name})"
        for name in FORBIDDEN_IN_NOTEBOOKS
        if name in path.read_text(encoding="utf-8")
    ]
    section = next((s for s in SECTIONS if s.name == path.stem), None)
    if section is not None:
        problems += check_parameters(notebook, section)
    return problems


def parameter_defaults(notebook) -> dict:
    """The names and default values the notebook's parameters cell assigns."""
    cell = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))
    values: dict = {}
    exec(cell.source, {}, values)  # noqa: S102 (the project's own notebook, assignments only)
    return values


def check_parameters(notebook, section: Section) -> list[str]:
    """The parameters cell declares exactly what the runner injects, with the run parameters' defaults."""
    declared = parameter_defaults(notebook)
    expected = {DATA_DIR, RUN_DIR, *section.parameters}
    problems = [
        f"{section.name}.py: parameters cell {verb} {sorted(names)} (the section declares {sorted(expected)})"
        for verb, names in (("lacks", expected - set(declared)), ("has undeclared", set(declared) - expected))
        if names
    ]
    for name in set(section.parameters) & set(declared):
        default = RunParams.model_fields[name].default
        default = TypeAdapter(type(default)).dump_python(default, mode="json")
        if declared[name] != default:
            problems.append(
                f"{section.name}.py: `{name}` defaults to {declared[name]!r}, the run's to {default!r}"
            )
    return problems


def check(directory: Path = NOTEBOOKS_DIR) -> list[str]:
    files = _tracked(directory)
    problems: list[str] = []
    for path in files:
        if path.suffix == ".ipynb":
            problems += check_ipynb(path)
        elif path.suffix == ".py":
            problems += check_py(path)
    stems = {p.stem for p in files if p.suffix == ".py"}
    problems += [f"section {s.name!r} has no notebooks/{s.name}.py" for s in SECTIONS if s.name not in stems]
    return problems


def main() -> int:
    problems = check()
    for problem in problems:
        print(f"notebook hygiene: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
