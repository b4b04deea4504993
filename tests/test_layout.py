"""The package's shape: layers as sub-packages, imports that only point down, light review commands."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from ioreport.config.paths import PACKAGE_DIR

# Bottom to top: a module imports only from its own layer or the ones below.
LAYERS = ("errors", "config", "archive", "synthetic", "analysis", "publish", "pipeline", "review", "cli")
MAX_LOOSE_MODULES = 8


def _layer(module: str) -> str:
    """The layer of a dotted module name inside the package ("ioreport.config.params" -> "config")."""
    return module.split(".")[1] if "." in module else "__init__"


def _imports(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ioreport"):
            found |= (
                {node.module} if node.module != "ioreport" else {f"ioreport.{a.name}" for a in node.names}
            )
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("ioreport.")}
    return found


def _modules():
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        name = ".".join(("ioreport", *path.relative_to(PACKAGE_DIR).with_suffix("").parts))
        yield name.removesuffix(".__init__"), path


def test_at_most_eight_loose_modules():
    loose = sorted(p.name for p in PACKAGE_DIR.glob("*.py"))
    assert len(loose) <= MAX_LOOSE_MODULES, loose


def test_every_sub_package_is_a_known_layer():
    packages = {p.name for p in PACKAGE_DIR.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    loose = {p.stem for p in PACKAGE_DIR.glob("*.py")} - {"__init__"}
    assert packages | loose <= set(LAYERS), (packages | loose) - set(LAYERS)


@pytest.mark.parametrize("module,path", list(_modules()), ids=lambda value: str(value).split("/")[-1])
def test_imports_only_point_down(module, path):
    if _layer(module) == "__init__":
        return
    rank = LAYERS.index(_layer(module))
    upward = sorted(m for m in _imports(path) if LAYERS.index(_layer(m)) > rank)
    assert upward == [], f"{module} imports from a higher layer: {upward}"


@pytest.mark.parametrize(
    ("modules", "not_loaded"),
    [
        # ioreport diff and compare read run directories; the notebook executor is the runner's alone.
        ("ioreport.cli, ioreport.review.diff, ioreport.review.compare", ["papermill"]),
        # A run that reuses every section draws no chart and analyses nothing: the libraries that take
        # longest to load are loaded where they are used (a warm run takes under 2 s, BENCHMARKS.md).
        (
            "ioreport.cli, ioreport.pipeline.runner, ioreport.publish.stage",
            ["altair", "fontTools", "igraph", "jieba", "jupytext", "leidenalg", "scipy", "vl_convert"],
        ),
    ],
    ids=["review-commands", "runner"],
)
def test_heavy_libraries_load_only_where_they_are_used(modules, not_loaded):
    code = f"import sys; import {modules}; print(sorted({{m.split('.')[0] for m in sys.modules}}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(ast.literal_eval(out.stdout.strip()))
    assert loaded & set(not_loaded) == set()
    assert "ioreport" in loaded  # the modules were imported at all


def test_the_notebook_executor_loads_no_jupyter_server_nor_grammar():
    # As `ioreport run` sets its process up before the runner executes notebooks (cli.run).
    code = (
        "import sys\n"
        "from ioreport.pipeline import kernel_startup\n"
        "kernel_startup.skip_iri_format_checker(); kernel_startup.skip_jupytext_contents_managers()\n"
        "from ioreport.pipeline import kernels\n"
        "from ioreport.config.paths import NOTEBOOKS_DIR\n"
        "cells = kernels.jupytext.read(NOTEBOOKS_DIR / 'overview.py').cells\n"
        "print(len(cells), sorted({m.split('.')[0] for m, module in sys.modules.items() if module}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    cells, loaded = out.stdout.strip().split(" ", 1)
    assert int(cells) > 0  # notebooks are still read and converted
    assert {"jupyter_server", "rfc3987_syntax", "lark"} & set(ast.literal_eval(loaded)) == set()
    assert "papermill" in loaded
