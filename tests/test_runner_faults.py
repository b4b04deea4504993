"""What `ioreport run` promises when things go wrong: a failed section fails alone and the run's files
are still written; one run at a time per run directory; exports whole or absent; I/O faults said in one
line, without a traceback; a tweets file without tweets is a run without tweet sections."""

from __future__ import annotations

import errno
import json
import os
import pathlib
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ioreport import cli
from ioreport.archive.schema import TWEETS
from ioreport.config.paths import NOTEBOOKS_DIR
from ioreport.config.rundir import RunDir, atomic_output
from ioreport.pipeline import kernels, sections
from tests.conftest import write_params

CLI = [sys.executable, "-c", "from ioreport.cli import app; app()"]


def invoke(*args: str):
    outcome = CliRunner().invoke(cli.app, ["run", *args])
    # typer.Exit ends in SystemExit; anything else is an uncaught exception, shown as a traceback.
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), outcome.exception
    assert "Traceback" not in outcome.output
    return outcome


def append_cell(notebook: Path, code: str) -> None:
    notebook.write_text(notebook.read_text() + "\n# %%\n" + code + "\n")


@pytest.fixture
def users_only_params(real_users, tmp_path) -> Path:
    """The real users file alone: one section (accounts) runs, so a run is quick."""
    return write_params(tmp_path / "users_only.yaml", name="users_only", users=str(real_users))


def test_a_dead_kernel_and_unreadable_findings_fail_their_sections_alone(small_params, tmp_path, monkeypatch):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS_DIR, notebooks)
    overview = notebooks / "overview.py"
    overview.write_text("# %%\nimport os\nos._exit(1)\n\n" + overview.read_text())  # dies in its first cell
    # Findings the runner cannot take: a date no datetime holds.
    append_cell(
        notebooks / "accounts.py",
        "import json\nfrom pathlib import Path\nfrom ioreport.config.rundir import RunDir\n"
        "part = RunDir(Path(run_dir)).findings_part('accounts')\n"
        "written = json.loads(part.read_text())\n"
        "written['findings']['median_creation_date'] = '10000-01-01'\n"
        "part.write_text(json.dumps(written))",
    )
    monkeypatch.setattr(sections, "NOTEBOOKS_DIR", notebooks)
    out = tmp_path / "run"
    outcome = invoke(str(small_params), "--out", str(out))
    assert outcome.exit_code == 1
    assert "notebook overview failed: its kernel died" in outcome.output
    assert "notebook accounts failed: its findings do not merge" in outcome.output
    manifest = json.loads((out / "manifest.json").read_text())
    states = {s["notebook"]: s["state"] for s in manifest["sections"]}
    failed = ("overview", "accounts")
    assert states == {s.name: "failed" if s.name in failed else "ok" for s in sections.SECTIONS}
    found = json.loads((out / "findings.json").read_text())
    assert "overview" not in found and "accounts" not in found and "engagement" in found
    assert found["claims"]["batch_creation"]["holds"] is None  # undecided, saying why
    report = " ".join((out / "index.html").read_text(encoding="utf-8").split())
    assert "Not produced:</strong> notebook overview failed: its kernel died" in report
    # The sections after the dead kernel ran in kernels of their own, with their outputs.
    assert any((out / "figures").glob("engagement-*")) and any((out / "figures").glob("forensics-*"))
    # A rerun executes the failed sections again and reuses the others.
    rerun = invoke(str(small_params), "--out", str(out))
    assert "notebook overview: failed" in rerun.output and "notebook engagement: ok (reused)" in rerun.output


def test_a_second_run_into_the_same_directory_is_refused_while_the_first_writes(users_only_params, tmp_path):
    out = tmp_path / "run"
    first = subprocess.Popen(
        [*CLI, "run", str(users_only_params), "--out", str(out)], stderr=subprocess.PIPE, text=True
    )
    lock = RunDir(out).lock
    deadline = time.monotonic() + 120
    while not (lock.exists() and lock.read_text().strip() == str(first.pid)):
        assert first.poll() is None and time.monotonic() < deadline, "the first run never took the lock"
        time.sleep(0.05)
    second = subprocess.run(
        [*CLI, "run", str(users_only_params), "--out", str(out)], capture_output=True, text=True, timeout=300
    )
    _, first_errors = first.communicate(timeout=600)
    assert first.returncode == 0, first_errors
    assert second.returncode == 2, second.stderr
    refusal = f"another ioreport run is writing {out.resolve()} (pid {first.pid}); wait for it"
    assert refusal in " ".join(second.stderr.split())
    assert "Traceback" not in second.stderr + first_errors
    assert json.loads((out / "findings.json").read_text())["accounts"]["accounts"] == 744


def test_kernel_connection_files_and_sockets_stay_in_the_run_private_directory(tmp_path):
    before = set(NOTEBOOKS_DIR.iterdir())
    with kernels.kernel_directory() as directory:
        manager = kernels.start_kernel(directory)
        try:
            assert Path(manager.connection_file).parent == directory
            assert Path(manager.ip).parent == directory  # ipc sockets are named after it
            assert set(NOTEBOOKS_DIR.iterdir()) == before
        finally:
            kernels.shut_down(manager)
    assert not directory.exists()


def test_atomic_output_replaces_whole_or_leaves_the_old_file(tmp_path):
    path = tmp_path / "findings.json"
    path.write_text("old")
    with pytest.raises(RuntimeError), atomic_output(path) as partial:
        partial.write_text("half")
        raise RuntimeError("stopped while writing")
    assert path.read_text() == "old" and sorted(tmp_path.iterdir()) == [path]
    with atomic_output(path) as partial:
        assert partial.parent == tmp_path and partial.suffix == ".json"
        partial.write_text("new")
    assert path.read_text() == "new" and sorted(tmp_path.iterdir()) == [path]


def test_atomic_output_names_the_file_when_the_disk_is_full(tmp_path):
    path = tmp_path / "edges.csv"

    def fill_the_disk(partial: Path) -> None:
        partial.write_text("source,target")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as write(2) fails: no file named

    with pytest.raises(OSError) as raised, atomic_output(path) as partial:
        fill_the_disk(partial)
    assert raised.value.errno == errno.ENOSPC and raised.value.filename == str(path)
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_is_one_message_and_leaves_no_partial_findings(users_only_params, tmp_path, monkeypatch):
    out = tmp_path / "run"
    write_text = pathlib.Path.write_text

    def fill_the_disk(self, text, *args, **kwargs):
        # findings.json (or its temporary file) gets half its text, then the disk is full.
        if self.parent == out.resolve() and "findings" in self.name and "schema" not in self.name:
            write_text(self, text[: len(text) // 2], *args, **kwargs)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return write_text(self, text, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "write_text", fill_the_disk)
    outcome = invoke(str(users_only_params), "--out", str(out))
    assert outcome.exit_code == 1
    message = " ".join(outcome.output.split())
    assert f"cannot write {out.resolve() / 'findings.json'}: No space left on device" in message
    assert not (out / "findings.json").exists()  # absent, not half written
    assert not list(out.glob(".*partial*"))


@pytest.fixture
def unwritable_dir(tmp_path):
    """A directory nobody may write into: read-only by its mode, or for root (whom modes do not stop)
    immutable."""
    directory = tmp_path / "read-only"
    directory.mkdir()
    if os.geteuid() == 0:
        if not shutil.which("chattr") or subprocess.run(["chattr", "+i", str(directory)]).returncode:
            pytest.skip("root, and this file system cannot make a directory immutable")
        yield directory
        subprocess.run(["chattr", "-i", str(directory)], check=True)
    else:
        directory.chmod(0o555)
        yield directory
        directory.chmod(0o755)


def test_a_read_only_output_directory_is_one_message(users_only_params, unwritable_dir):
    outcome = invoke(str(users_only_params), "--out", str(unwritable_dir))
    assert outcome.exit_code == 1
    assert f"cannot write {unwritable_dir.resolve()}" in " ".join(outcome.output.split())


def test_an_output_path_that_is_a_file_is_one_message(users_only_params, tmp_path):
    out = tmp_path / "report.html"
    out.write_text("not a directory")
    outcome = invoke(str(users_only_params), "--out", str(out))
    assert outcome.exit_code == 1
    assert f"cannot write {out.resolve()}: it is a file, not a directory" in " ".join(outcome.output.split())
    assert out.read_text() == "not a directory"


def test_a_header_only_tweets_file_runs_the_account_sections_and_says_there_were_none(real_users, tmp_path):
    tweets = tmp_path / "empty_tweets_csv_hashed.csv"
    tweets.write_text(",".join(TWEETS.names) + "\n")
    params = write_params(tmp_path / "empty.yaml", name="empty", tweets=str(tweets), users=str(real_users))
    out = tmp_path / "run"
    outcome = invoke(str(params), "--out", str(out))
    assert outcome.exit_code == 0, outcome.output
    no_tweets = "the dataset's tweets files hold no valid tweet"
    for section in sections.SECTIONS:
        expected = "ok" if not section.needs_tweets else f"skipped — {no_tweets}"
        assert f"notebook {section.name}: {expected}" in outcome.output
    found = json.loads((out / "findings.json").read_text())
    assert found["dataset"]["tweets"] == 0 and found["accounts"]["accounts"] == 744
    assert "hold no valid tweet" in (out / "index.html").read_text(encoding="utf-8")
