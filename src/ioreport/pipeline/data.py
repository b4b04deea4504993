"""A run's input files: the user's archive files, or the synthetic default, generated on first use."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from ioreport.archive import discover
from ioreport.archive.ingest import IngestResult, ingest
from ioreport.archive.store import read_manifest
from ioreport.config.params import RunParams, load_params


def params_for(path: Path, say: Callable[[str], None] | None = None) -> RunParams:
    """A run's parameters: a parameters file, or a folder of downloaded archive files, which runs with
    the defaults (time zone UTC, no holiday calendar, no lexicon), its files told apart by their headers."""
    path = Path(path)
    if not path.is_dir():
        return load_params(path)
    found = discover(path)
    for message in found.messages:
        (say or (lambda _message: None))(message)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", path.resolve().name).strip("_.") or "dataset"
    return RunParams(name=name, tweets=found.tweets, users=found.users)


def ensure_synthetic(params: RunParams) -> tuple[list[Path], Path]:
    """The synthetic dataset's files, generated (deterministically) if not there yet."""
    # Imported here: only a synthetic run needs the generator.
    from ioreport.synthetic.generate import GENERATOR_VERSION, TRUTH_FILE, TWEETS_FILE, USERS_FILE, generate

    assert params.synthetic is not None and params.synthetic_dir is not None
    out, spec = params.synthetic_dir, params.synthetic
    wanted = {"network": spec.network, "seed": spec.seed, "scale": spec.scale, "version": GENERATOR_VERSION}
    truth = out / TRUTH_FILE
    # Regenerate when the files were made by another version of the generator (or never finished).
    if not truth.exists() or json.loads(truth.read_text())["generator"] != wanted:
        generate(out, scale=spec.scale, seed=spec.seed, network=spec.network)
    return [out / TWEETS_FILE], out / USERS_FILE


def load_data(params: RunParams, progress: Callable[[str], None] | None = None) -> IngestResult:
    """Ingest a run's inputs (cached by content hash)."""
    if params.synthetic is not None:
        tweets, users = ensure_synthetic(params)
        return ingest(tweets, users, progress=progress)
    return ingest(params.tweets, params.users, progress=progress)


def open_ingested(directory: Path) -> IngestResult:
    """An ingested dataset by its cache directory (what a notebook is handed as `data_dir`)."""
    return read_manifest(directory)
