"""The `ioreport` command line."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from ioreport.config.paths import DEFAULT_PARAMS, DEFAULT_RUN_DIR
from ioreport.config.rundir import RunDir
from ioreport.errors import InputError

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
console = Console(stderr=True, highlight=False)


def _say(message: str) -> None:
    console.print(message, markup=False)


def _fail(message: str, code: int = 2) -> None:
    # The message may quote a parameters file or a dataset: it is printed as text, never as markup.
    console.print(f"[bold red]error:[/] {escape(message)}", markup=True, soft_wrap=True)
    raise typer.Exit(code)


@app.command()
def run(
    params: Annotated[
        Path, typer.Argument(help="Run parameters (YAML), or a folder of downloaded archive files.")
    ] = DEFAULT_PARAMS,
    out: Annotated[Path, typer.Option(help="Run directory to write.")] = DEFAULT_RUN_DIR,
    force: Annotated[bool, typer.Option(help="Re-execute every notebook, even reusable ones.")] = False,
    pdf: Annotated[bool, typer.Option(help="Also print the report to report.pdf (needs Chromium).")] = False,
) -> None:
    """Ingest a dataset, execute every notebook and render the report into OUT.

    A rerun into the same OUT reuses each notebook whose data, parameters and code are unchanged.
    """
    from ioreport.pipeline.kernel_startup import skip_iri_format_checker, skip_jupytext_contents_managers

    skip_iri_format_checker()  # before the runner's imports reach jsonschema
    skip_jupytext_contents_managers()
    from ioreport.pipeline.runner import run as run_pipeline

    try:
        result = run_pipeline(params, out, progress=_say, force=force, print_pdf=pdf)
    except InputError as exc:
        _fail(str(exc))
    except OSError as exc:  # the run directory cannot be written: read-only, full, a file
        path = Path(exc.filename or out)
        written = path.resolve().is_relative_to(out.resolve())
        _fail(f"{'cannot write ' if written else ''}{path}: {exc.strerror or exc}", code=1)
    for status in result.failed:
        console.print(f"[bold red]failed:[/] {status.message}", markup=True)
        console.print(f"  executed copy kept: {RunDir(result.run_dir).executed(status.notebook)}")
    if result.failed:
        raise typer.Exit(1)


@app.command()
def generate(
    out: Annotated[Path, typer.Option(help="Directory for the dataset files and truth.json.")],
    scale: Annotated[float, typer.Option(help="1.0 = the published size (23,750 accounts).")] = 1.0,
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same bytes.")] = 20200611,
    network: Annotated[str, typer.Option(help="Network preset.")] = "prc",
) -> None:
    """Write a synthetic dataset in the archive format, with its planted truth."""
    from ioreport.synthetic.generate import generate as generate_dataset

    try:
        truth = generate_dataset(out, scale=scale, seed=seed, network=network)
    except (InputError, ValueError) as exc:
        _fail(str(exc))
    data = truth["dataset"]
    console.print(f"wrote {data['accounts']:,} accounts and {data['tweets']:,} tweets to {out}", markup=False)


@app.command()
def ingest(
    params: Annotated[
        Path, typer.Argument(help="Run parameters (YAML), or a folder of downloaded archive files.")
    ] = DEFAULT_PARAMS,
) -> None:
    """Load and validate a dataset into the Parquet cache; print the row accounting."""
    from ioreport.pipeline.data import load_data, params_for

    try:
        data = load_data(params_for(params, _say), progress=_say)
    except InputError as exc:
        _fail(str(exc))
    for table, counts in data.counts.items():
        console.print(
            f"{table}: {counts.input_rows:,} in = {counts.loaded:,} loaded"
            f" + {counts.quarantined:,} quarantined + {counts.duplicates:,} duplicates",
            markup=False,
        )
    console.print(f"quarantine: {data.quarantine}", markup=False)


@app.command()
def network(
    params: Annotated[Path, typer.Argument(help="Run parameters (YAML).")],
    out: Annotated[
        Path, typer.Option(help="Edges file: .csv (source,target,weight,chance) or .graphml (Gephi).")
    ],
    network_type: Annotated[
        str,
        typer.Option("--type", help="co_retweet, co_tweet, near_duplicate, co_hashtag, co_link or co_reply."),
    ] = "co_retweet",
    window: Annotated[
        float | None, typer.Option(help="Seconds within which two uses of an item link two accounts.")
    ] = None,
    min_weight: Annotated[int | None, typer.Option(help="Distinct shared items an edge needs.")] = None,
    chance_threshold: Annotated[
        float | None,
        typer.Option(help="Largest chance an edge may have (1 keeps every edge at the window and weight)."),
    ] = None,
    text_mode: Annotated[
        str,
        typer.Option(
            help="Text normalisation for co_tweet and near_duplicate: default, or toolkit "
            "(as coordination-network-toolkit's co-tweet)."
        ),
    ] = "default",
) -> None:
    """Write a coordination network's edges, each with its chance, and its evidence (OUT's name +
    .evidence.csv) beside them.

    WINDOW, MIN_WEIGHT and CHANCE_THRESHOLD default to the run's for that type (PARAMS' `coordination:`,
    whose own defaults are the report's: 120 s, 2 distinct items, 0.01).
    """
    from ioreport.analysis import coordination
    from ioreport.analysis.coordination.export import write_network
    from ioreport.config.params import load_params
    from ioreport.pipeline.data import load_data

    if network_type not in coordination.NETWORK_TYPES:
        _fail(f"unknown network type {network_type!r} (known: {', '.join(coordination.NETWORK_TYPES)})")
    if text_mode not in coordination.TEXT_MODES:
        _fail(f"unknown text mode {text_mode!r} (known: {', '.join(coordination.TEXT_MODES)})")
    try:
        run_params = load_params(params)
        data = load_data(run_params, progress=lambda msg: console.print(msg, markup=False))
    except InputError as exc:
        _fail(str(exc))
    tweets = data.scan_tweets()
    if tweets is None:
        _fail(f"{params}: no tweets file, so no coordination network")
    given = {"window_seconds": window, "min_weight": min_weight, "chance_threshold": chance_threshold}
    settings = getattr(run_params.coordination, network_type).model_dump()
    settings.update({name: value for name, value in given.items() if value is not None})
    built = coordination.build_network(tweets, network_type, **settings, text_mode=text_mode)
    membership = coordination.communities(built.edges)
    evidence = write_network(built, out, membership)
    console.print(
        f"{network_type} (window {built.window_seconds:g} s, min weight {built.min_weight}, chance at most "
        f"{built.chance_threshold:g}): {built.edges.height:,} edges (of {built.candidate_edges.height:,} "
        f"candidates) between {built.accounts:,} accounts, {membership['community'].n_unique():,} "
        f"communities; wrote {out} and {evidence}",
        markup=False,
    )


@app.command()
def diff(
    run_a: Annotated[Path, typer.Argument(help="The old run directory.")],
    run_b: Annotated[Path, typer.Argument(help="The new run directory.")],
    html: Annotated[Path | None, typer.Option("--html", help="Also write the diff as an HTML page.")] = None,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when the results differ, like `git diff --exit-code`.")
    ] = False,
) -> None:
    """What changed between two runs: findings, notebook outputs, figures, tables, and the
    manifest entries (parameters, inputs, commit, packages) that may explain it."""
    from ioreport.review.compare import load_run
    from ioreport.review.diff import diff_runs, print_diff, render_diff_html

    try:
        changes = diff_runs(load_run(run_a), load_run(run_b))
    except InputError as exc:
        _fail(str(exc))
    print_diff(changes, Console(highlight=False))
    if html:
        _write_page(html, render_diff_html(changes))
    if exit_code and changes.results_changed:
        raise typer.Exit(1)


@app.command()
def compare(
    runs: Annotated[list[Path], typer.Argument(help="Run directories, one column each.")],
    out: Annotated[Path, typer.Option(help="HTML file to write.")],
) -> None:
    """Set runs side by side in one self-contained HTML page: key findings, posting rhythm, topics."""
    from ioreport.review.compare import compare_runs, load_run

    try:
        page = compare_runs([load_run(path) for path in runs])
    except InputError as exc:
        _fail(str(exc))
    _write_page(out, page)


def _write_page(path: Path, page: str) -> None:
    try:
        path.write_text(page, encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot write {path}: {exc.strerror}")
    console.print(f"wrote {path}", markup=False)


def main() -> None:
    """The `ioreport` command: the app, then an exit that skips tearing the interpreter down. Freeing the
    objects of the 900 modules a run loads takes a quarter of a second, which the system does anyway at
    exit; every file is closed and every thread joined by then, and the output is flushed first."""
    try:
        app()
        code = 0
    except SystemExit as stop:
        if isinstance(stop.code, str):
            print(stop.code, file=sys.stderr)
        code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
