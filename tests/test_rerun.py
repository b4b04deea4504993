"""Determinism and incremental reruns: same inputs, parameters and code give the same bytes; a rerun
reuses what did not change and re-executes exactly what depends on a changed parameter."""

from __future__ import annotations

import json
import re
import shutil
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
    assert all(f"notebook {s.name}: ok (reused)" in messages for s in SECTIONS)
    assert artefacts(first_run) == before
    assert "Sections reused" in (first_run / "index.html").read_text(encoding="utf-8")


def test_changing_one_parameter_reruns_only_what_depends_on_it(first_run, small_params, tmp_path):
    values = yaml.safe_load(small_params.read_text())
    values["working_hours"] = [8, 17]
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(values))
    result = run(changed, first_run, progress=quiet)
    executed = {s.notebook for s in result.statuses if not s.reused}
    # Only the rhythm analysis reads working_hours.
    assert executed == {"activity"}
    assert result.statuses and not result.failed


def test_force_reruns_everything(first_run, small_params):
    result = run(small_params, first_run, progress=quiet, force=True)
    assert not any(s.reused for s in result.statuses)
    assert not result.failed


def _with_topic(lexicon: Path, target: Path, topic: str, keywords: list[str]) -> Path:
    values = yaml.safe_load(lexicon.read_text(encoding="utf-8"))
    values[topic] = keywords
    target.write_text(yaml.safe_dump(values, allow_unicode=True), encoding="utf-8")
    return target


@pytest.mark.parametrize("lexicon_name", ["topics_prc.yaml", "edited copy"])
def test_editing_the_lexicon_reruns_narratives_and_coordination(lexicon_name, small_params, tmp_path):
    """By content: the same file name with one topic more is another lexicon, for the default one too."""
    from ioreport.config.paths import PARAMS_DIR

    lexicon = tmp_path / lexicon_name.replace(" ", "_")
    shutil.copy(PARAMS_DIR / "topics_prc.yaml", lexicon)
    values = {**yaml.safe_load(small_params.read_text()), "topics": str(lexicon)}
    params = tmp_path / "params.yaml"
    params.write_text(yaml.safe_dump(values))
    out = tmp_path / "run"
    run(params, out, progress=quiet)
    before = json.loads((out / "findings.json").read_text())
    # Every tweet has a character: the new topic tags them all, and every community carries it.
    _with_topic(lexicon, lexicon, "everything", ["/./"])
    result = run(params, out, progress=quiet)
    executed = {s.notebook for s in result.statuses if not s.reused}
    assert executed == {"narratives", "coordination"}
    after = json.loads((out / "findings.json").read_text())
    assert "everything" not in before["narratives"]["topic_shares"]
    assert after["narratives"]["topic_shares"]["everything"] == 1.0
    topics = after["coordination"]["combined"]["community_topics"]
    assert topics and all("everything" in community for community in topics)
    assert before["coordination"]["combined"]["community_topics"] != topics
