"""Shared fixtures: a small synthetic dataset with its planted truth, and one full run on it."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path

# Tests never write into the project's data/: generated data and ingest caches go to a temp dir.
os.environ["IOREPORT_DATA_DIR"] = tempfile.mkdtemp(prefix="ioreport-test-data-")
atexit.register(shutil.rmtree, os.environ["IOREPORT_DATA_DIR"], ignore_errors=True)

import pytest  # noqa: E402 (after the environment is set: ioreport reads it on import)

from ioreport.config.paths import PARAMS_DIR  # noqa: E402
from ioreport.synthetic.generate import TRUTH_FILE, TWEETS_FILE, USERS_FILE, generate  # noqa: E402

# The shared material sits beside the checkout; every test finds it through the fixtures below.
SHARED_DIR = Path(__file__).resolve().parents[2] / "shared"
REAL_DATA_DIR = SHARED_DIR / "data" / "real"
REAL_USERS = REAL_DATA_DIR / "china_082019_1_users_csv_hashed.csv"
SMALL_SCALE = 0.03
SMALL_SEED = 7


def write_params(path: Path, **values) -> Path:
    """A parameters file; values are written as YAML-compatible JSON."""
    path.write_text("\n".join(f"{key}: {json.dumps(value)}" for key, value in values.items()) + "\n")
    return path


@pytest.fixture(scope="session")
def small_dataset(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("small_dataset")
    truth = generate(out, scale=SMALL_SCALE, seed=SMALL_SEED)
    assert (out / TRUTH_FILE).exists()
    return out, truth


@pytest.fixture(scope="session")
def small_ingested(small_dataset):
    """The small dataset through the loader (cached under the tests' data dir)."""
    from ioreport.archive.ingest import ingest

    data_dir, _ = small_dataset
    return ingest([data_dir / TWEETS_FILE], data_dir / USERS_FILE)


@pytest.fixture(scope="session")
def small_params(small_dataset, tmp_path_factory) -> Path:
    data_dir, _ = small_dataset
    return write_params(
        tmp_path_factory.mktemp("params") / "small.yaml",
        name="small_synthetic",
        tweets=str(data_dir / TWEETS_FILE),
        users=str(data_dir / USERS_FILE),
        timezone="Asia/Shanghai",
        holidays="CN",
        topics=str(PARAMS_DIR / "topics_prc.yaml"),
        published="china_052020",
    )


@pytest.fixture(scope="session")
def small_run(small_params, tmp_path_factory):
    """One end-to-end `ioreport run` on the small dataset, shared by the tests that read its outputs."""
    from ioreport.pipeline.runner import run

    out = tmp_path_factory.mktemp("run")
    result = run(small_params, out, progress=lambda _msg: None)
    return result, json.loads((out / "findings.json").read_text())


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED_DIR.is_dir():
        pytest.fail(f"the shared material is missing: {SHARED_DIR} (it sits beside the checkout)")
    return SHARED_DIR


@pytest.fixture(scope="session")
def real_data_dir(shared_dir) -> Path:
    return shared_dir / "data" / "real"


@pytest.fixture(scope="session")
def real_users(real_data_dir) -> Path:
    path = real_data_dir / REAL_USERS.name
    if not path.exists():
        pytest.fail(f"the real archive users file is missing: {path}")
    return path


def execute_section(name: str, params_path: Path, run_dir: Path, output: Path) -> None:
    """Execute one section's notebook as the runner does, with the parameters the runner would inject."""
    from ioreport.config.params import load_params
    from ioreport.config.rundir import RunDir
    from ioreport.pipeline.data import load_data
    from ioreport.pipeline.kernels import execute_notebook
    from ioreport.pipeline.runner import notebook_parameters
    from ioreport.pipeline.sections import SECTIONS

    params = load_params(params_path)
    section = next(s for s in SECTIONS if s.name == name)
    injected = notebook_parameters(section, params, load_data(params), RunDir(run_dir))
    execute_notebook(section.source, output, injected)
