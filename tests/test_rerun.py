"""Determinism and incremental reruns: same inputs, parameters and code give the same bytes; a rerun
reuses what did not change and re-executes exactly what depends on a changed parameter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from ioreport.pipeline.runner import run
from ioreport.pipeline.sections import SECTIONS

PROVENANCE_BLOCK = re.compile(r'<div id="provenance".*?</div>', re.DOTALL)


def quiet(_message: str) -> None:
    pass


def report_without_provenance(run_dir: Path) -> str:
    text = (run_dir / "index.html").read_text(encoding="utf-8")
    assert len(PROVENANCE_BLOCK.findall(text)) == 1
    return PROVENANCE_BLOCK.sub("", text)


def artefacts(run_dir: Path) -> dict[str, bytes]:
    files = [run_dir / "findings.json", *sorted((run_dir / "figures").iterdir())]
    files += sorted((run_dir / "tables").iterdir())
    return {str(p.relative_to(run_dir)): p.read_bytes() for p in files}


@pytest.fixture(scope="module")
def first_run(small_params, tmp_path_factory):
    out = tmp_path_factory.mktemp("rerun") / "run"
    result = run(small_params, out, progress=quiet)
    assert not result.failed and not any(s.reused for s in result.statuses)
    return out


def test_two_runs_of_the_same_inputs_are_byte_identical(first_run, small_params, tmp_path):
    second = tmp_path / "second"
    run(small_params, second, progress=quiet)
    assert artefacts(second) == artefacts(first_run)
    assert report_without_provenance(second) == report_without_provenance(first_run)


def test_a_rerun_reuses_every_section_and_says_so(first_run, small_params):
    before = artefacts(first_run)
    messages: list[str] = []
    result = run(small_params, first_run, progress=messages.append)
    ran = {s.notebook for s in result.statuses if s.state == "ok" and not s.reused}
    assert ran == set()
    assert all(f"notebook {s.notebook}: ok (reused)" in messages for s in SECTIONS)
    assert artefacts(first_run) == before
    assert "Sections reused" in (first_run / "index.html").read_text(encoding="utf-8")


def test_changing_one_parameter_reruns_only_what_depends_on_it(first_run, small_params, tmp_path):
    values = yaml.safe_load(small_params.read_text())
    values["working_hours"] = [8, 17]
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(values))
    result = run(changed, first_run, progress=quiet)
    executed = {s.notebook for s in result.statuses if not s.reused}
    # The rhythm analysis reads working_hours; the summary reads the findings that changed.
    assert executed == {"activity", "summary"}
    assert result.statuses and not result.failed


def test_force_reruns_everything(first_run, small_params):
    result = run(small_params, first_run, progress=quiet, force=True)
    assert not any(s.reused for s in result.statuses)
    assert not result.failed
