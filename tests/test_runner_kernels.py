"""Reused kernels: a notebook sees only what it defines, numbered from 1, and never shares a kernel with a
notebook that failed."""

from __future__ import annotations

import json
from pathlib import Path

from ioreport.pipeline import kernels

SHOW_PID = "import os\nprint(os.getpid())"


def notebook(path: Path, *cells: str) -> Path:
    path.write_text("".join(f"# %%\n{cell}\n\n" for cell in cells))
    return path


def run_in_one_worker(tmp_path: Path, sources: list[Path]) -> dict[str, kernels.NotebookOutcome]:
    outcomes: dict[str, kernels.NotebookOutcome] = {}
    jobs = [kernels.NotebookJob(s.stem, s, tmp_path / f"{s.stem}.ipynb", {}) for s in sources]
    kernels.execute_notebooks(
        jobs, 1, lambda _job: None, lambda job, outcome: outcomes.update({job.name: outcome})
    )
    return outcomes


def executed(tmp_path: Path, name: str) -> dict:
    return json.loads((tmp_path / f"{name}.ipynb").read_text())


def printed_pid(tmp_path: Path, name: str) -> str:
    cell = next(c for c in executed(tmp_path, name)["cells"] if "getpid" in "".join(c["source"]))
    return "".join(cell["outputs"][0]["text"]).strip()


def test_the_next_notebook_in_a_reused_kernel_starts_afresh(tmp_path):
    first = notebook(tmp_path / "first.py", "leaked = 1", SHOW_PID)
    second = notebook(tmp_path / "second.py", SHOW_PID, "assert 'leaked' not in dir(), 'a name leaked'")
    outcomes = run_in_one_worker(tmp_path, [first, second])
    assert [o.error for o in outcomes.values()] == [None, None]
    assert printed_pid(tmp_path, "first") == printed_pid(tmp_path, "second")  # one kernel, reused
    counts = [c["execution_count"] for c in executed(tmp_path, "second")["cells"] if c["cell_type"] == "code"]
    assert counts == [1, 2]
    assert all(o.peak_memory_mib is None or o.peak_memory_mib > 0 for o in outcomes.values())


def test_a_notebook_after_a_failure_gets_a_kernel_of_its_own(tmp_path):
    failing = notebook(tmp_path / "failing.py", SHOW_PID, "raise ValueError('year 10000 is out of range')")
    after = notebook(tmp_path / "after.py", SHOW_PID)
    outcomes = run_in_one_worker(tmp_path, [failing, after])
    assert outcomes["failing"].error == "failed at cell 2: ValueError: year 10000 is out of range"
    assert outcomes["after"].error is None
    assert printed_pid(tmp_path, "failing") != printed_pid(tmp_path, "after")


def test_kernels_keep_no_output_cache(tmp_path):
    # Without one, resetting a reused kernel's namespace needs no full garbage collection (seconds a run).
    cached = notebook(tmp_path / "cached.py", "41 + 1", "assert Out == {} and '_1' not in globals(), Out")
    assert run_in_one_worker(tmp_path, [cached])["cached"].error is None
