"""`ioreport diff` and `ioreport compare`, on the shared small run and edited copies of it.

Copies are cheap and make each difference known in advance: findings edited in findings.json, one
notebook output and one SVG changed, and, in another copy, only what differs between any two runs
(execution counts, papermill timings, the manifest's timings and commit).
"""

from __future__ import annotations

import html
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from typer.testing import CliRunner

from ioreport import cli
from ioreport.review.compare import compare_runs, key_findings_table, load_run
from ioreport.review.diff import diff_notebook_outputs, diff_runs, flatten_findings, render_diff_html

HOSTILE_NAME = "<script>alert(1)</script>"
CHANGED_NOTEBOOK = "activity.ipynb"
CHANGED_CELL = "fig-hour-weekday"  # its output is edited in the changed copy
HEATMAP = "figures/activity-hour-weekday.svg"
TOPIC_TIMELINE = "figures/narratives-topic-timeline.svg"


# --- run directories ---------------------------------------------------------------------------


def _copy_run(small_run, target: Path) -> Path:
    result, _ = small_run
    shutil.copytree(result.run_dir, target)
    return target


def _edit_json(path: Path, edit) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _edit_notebook(path: Path, edit) -> None:
    notebook = nbformat.read(path, as_version=4)
    edit(notebook)
    nbformat.write(notebook, path)


def _labelled_cell(notebook, label: str):
    return next(cell for cell in notebook.cells if f"#| label: {label}" in cell.source)


def _rerun_metadata(notebook) -> None:
    """What differs between two executions of the same notebook: counts, timings, papermill's records."""
    notebook.metadata.papermill["duration"] = 123.4
    notebook.metadata.papermill["start_time"] = "2031-01-01T00:00:00"
    for cell in notebook.cells:
        cell.metadata.setdefault("papermill", {})["duration"] = 9.9
        if cell.cell_type == "code" and cell.execution_count:
            cell.execution_count += 40
            for output in cell.outputs:
                if output.output_type == "execute_result":
                    output.execution_count = cell.execution_count


def _change_heatmap_output(notebook) -> None:
    output = _labelled_cell(notebook, CHANGED_CELL).outputs[0]
    output.data["image/svg+xml"] = output.data["image/svg+xml"].replace("Tweets", "Posts")


@pytest.fixture(scope="module")
def rerun(small_run, tmp_path_factory) -> Path:
    """A copy differing from the small run only as any rerun does."""
    run_dir = _copy_run(small_run, tmp_path_factory.mktemp("diff") / "rerun")
    for path in (run_dir / "notebooks").glob("*.ipynb"):
        if path.stem != "published":  # built at staging, not executed: nothing varies between runs
            _edit_notebook(path, _rerun_metadata)

    def new_commit_and_timings(manifest):
        manifest["git_commit"] = "0" * 40
        manifest["timings_seconds"] = {"ingest": 99.0}

    _edit_json(run_dir / "manifest.json", new_commit_and_timings)
    return run_dir


@pytest.fixture(scope="module")
def changed(small_run, tmp_path_factory) -> Path:
    """A copy with known changes: findings, one notebook output, one SVG; synthetic, with a hostile name."""
    run_dir = _copy_run(small_run, tmp_path_factory.mktemp("diff") / "changed")

    def edit_findings(found):
        found["dataset"]["name"] = HOSTILE_NAME
        found["dataset"]["synthetic"] = True
        found["dataset"]["tweets"] += 5
        found["accounts"]["share_zero_followers"] = 0.5
        found["accounts"]["creation_batches"][0]["accounts"] += 1
        found["activity"]["timezone"] = "Europe/Moscow"
        found["engagement"]["new_measure"] = 7
        del found["overview"]["share_quotes"]

    _edit_json(run_dir / "findings.json", edit_findings)
    _edit_notebook(run_dir / "notebooks" / CHANGED_NOTEBOOK, _change_heatmap_output)
    _edit_notebook(run_dir / "notebooks" / "accounts.ipynb", _rerun_metadata)
    with (run_dir / HEATMAP).open("a", encoding="utf-8") as svg:
        svg.write("<!-- redrawn -->")
    _edit_json(
        run_dir / "manifest.json", lambda m: m["parameters"]["values"].update(timezone="Europe/Moscow")
    )
    return run_dir


@pytest.fixture(scope="module")
def original(small_run) -> Path:
    result, _ = small_run
    return result.run_dir


# --- findings ----------------------------------------------------------------------------------


def test_flatten_findings_uses_dotted_keys_and_indexes_lists_of_objects():
    found = {
        "accounts": {"creation_batches": [{"date": "2020-01-23", "accounts": 900}], "median_followers": 0.0},
        "activity": {"working_hours": [9, 18], "offset_scores": {"8": 0.9}},
    }
    assert flatten_findings(found) == {
        "accounts.creation_batches.0.date": "2020-01-23",
        "accounts.creation_batches.0.accounts": 900,
        "accounts.median_followers": 0.0,
        "activity.working_hours": [9, 18],
        "activity.offset_scores.8": 0.9,
    }


def test_diff_lists_changed_findings_with_old_new_and_delta(original, changed):
    found = load_run(original).findings
    diff = diff_runs(load_run(original), load_run(changed)).findings
    changes = {change.key: change for change in diff.changed}
    assert set(changes) == {
        "dataset.name",
        "dataset.synthetic",
        "dataset.tweets",
        "accounts.share_zero_followers",
        "accounts.creation_batches.0.accounts",
        "activity.timezone",
    }
    tweets = changes["dataset.tweets"]
    assert (tweets.old, tweets.new) == (found["dataset"]["tweets"], found["dataset"]["tweets"] + 5)
    assert tweets.delta == f"+5 ({500 / found['dataset']['tweets']:+.3g}%)"
    share = changes["accounts.share_zero_followers"]
    old_share = found["accounts"]["share_zero_followers"]
    assert share.new == 0.5
    assert share.delta.startswith(f"{0.5 - old_share:+.6f}".rstrip("0"))
    assert changes["activity.timezone"].delta == "–"  # text: old and new only
    assert changes["activity.timezone"].shown == ("Asia/Shanghai", "Europe/Moscow")
    assert diff.added == {"engagement.new_measure": 7}
    assert diff.removed == {"overview.share_quotes": found["overview"]["share_quotes"]}
    flat_keys = flatten_findings(found).keys()
    assert diff.unchanged == len(flat_keys) - len(changes) - len(diff.removed)
    assert "dataset.accounts" in flat_keys and "dataset.accounts" not in changes


def test_rounding_in_the_report_never_hides_a_change():
    from ioreport.review.diff import ValueChange

    change = ValueChange("accounts.share_no_bio", 0.801221, 0.801229)
    assert change.shown == ("0.801221", "0.801229")  # both read "80.1 %" in the report
    assert change.delta == "+0.000008 (+0.000998%)"


# --- notebooks, figures, tables, manifest -------------------------------------------------------


def test_notebook_output_change_is_attributed_to_its_cell_label(original, changed):
    diff = diff_runs(load_run(original), load_run(changed))
    assert diff.notebooks.cells == {CHANGED_NOTEBOOK: [CHANGED_CELL]}
    assert diff.figures.changed == [Path(HEATMAP).name]
    assert diff.tables.changed == [] and not diff.tables.added and not diff.tables.removed
    assert [c.key for c in diff.manifest.changed] == ["parameters.timezone"]


def test_what_differs_between_any_two_runs_is_not_a_change(original, rerun):
    diff = diff_runs(load_run(original), load_run(rerun))
    assert diff.notebooks.empty and diff.figures.empty and diff.tables.empty and diff.findings.empty
    assert not diff.results_changed
    # The commit is shown, as what could explain a change; timings are not.
    assert [c.key for c in diff.manifest.changed] == ["git_commit"]


def _notebook(*cells):
    return nbformat.v4.new_notebook(cells=list(cells))


def _code_cell(source: str, text: str, count: int = 1):
    output = nbformat.v4.new_output("execute_result", data={"text/plain": text}, execution_count=count)
    return nbformat.v4.new_code_cell(source, outputs=[output], execution_count=count)


def test_cells_without_a_label_are_named_by_index_and_added_cells_count():
    old = _notebook(
        nbformat.v4.new_markdown_cell("# title"), _code_cell("x", "1"), _code_cell("#| label: y\ny", "2")
    )
    same = _notebook(old.cells[0], _code_cell("x", "1", count=7), _code_cell("#| label: y\ny", "2", count=8))
    assert diff_notebook_outputs(old, same) == []
    changed = _notebook(*old.cells[:2], _code_cell("#| label: y\ny", "3"), _code_cell("#| label: z\nz", "4"))
    assert diff_notebook_outputs(old, changed) == ["y", "z"]
    assert diff_notebook_outputs(old, _notebook(old.cells[0], _code_cell("x", "9"), old.cells[2])) == [
        "cell 1"
    ]


def test_notebooks_only_in_one_run_are_listed(original, tmp_path, small_run):
    trimmed = _copy_run(small_run, tmp_path / "trimmed")
    (trimmed / "notebooks" / "engagement.ipynb").unlink()
    diff = diff_runs(load_run(original), load_run(trimmed))
    assert diff.notebooks.removed == ["engagement.ipynb"] and diff.results_changed
    assert diff_runs(load_run(trimmed), load_run(original)).notebooks.added == ["engagement.ipynb"]


# --- the command line ----------------------------------------------------------------------------


def _invoke(*args: str):
    return CliRunner().invoke(cli.app, list(args), env={"COLUMNS": "250"})  # wide: no wrapped keys


def test_diff_exit_code_is_zero_unless_asked(original, changed, rerun):
    shown = _invoke("diff", str(original), str(changed))
    assert shown.exit_code == 0, shown.output
    assert "accounts.creation_batches.0.accounts" in shown.output and CHANGED_CELL in shown.output
    assert HOSTILE_NAME in shown.output  # printed as text, not swallowed as rich markup
    assert _invoke("diff", str(original), str(changed), "--exit-code").exit_code == 1
    assert _invoke("diff", str(original), str(rerun), "--exit-code").exit_code == 0
    assert _invoke("diff", str(original), str(original), "--exit-code").exit_code == 0


@pytest.mark.parametrize("command", ["diff", "compare"])
def test_a_directory_without_findings_is_an_error_naming_it(command, original, tmp_path):
    not_a_run = tmp_path / "empty"
    not_a_run.mkdir()
    args = [command, str(original), str(not_a_run)] + (
        ["--out", str(tmp_path / "c.html")] if command == "compare" else []
    )
    outcome = _invoke(*args)
    assert outcome.exit_code == 2
    assert str(not_a_run) in outcome.output and "findings.json" in outcome.output
    assert "Traceback" not in outcome.output


# --- the HTML pages --------------------------------------------------------------------------------


class PageScanner(HTMLParser):
    """The elements of a page, and its text as a browser would show it."""

    def __init__(self, markup: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _assert_offline_and_inert(markup: str) -> PageScanner:
    page = PageScanner(markup)
    for tag, attrs in page.tags:
        for attr in ("src", "href", "xlink:href", "data", "poster"):
            assert not (attrs.get(attr) or "").startswith(("http:", "https:", "//")), (tag, attrs)
    assert not [tag for tag, _ in page.tags if tag in ("script", "link", "iframe", "object", "embed")]
    assert "@import" not in markup and not any(f"url({q}http" in markup for q in ("", "'", '"'))
    # The hostile name reaches the page as text only, escaped in the markup.
    assert any(HOSTILE_NAME in text for text in page.text)
    assert HOSTILE_NAME not in markup and "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    return page


def test_diff_html_is_self_contained_and_escapes_run_text(original, changed, tmp_path):
    out = tmp_path / "diff.html"
    outcome = _invoke("diff", str(original), str(changed), "--html", str(out))
    assert outcome.exit_code == 0, outcome.output
    markup = out.read_text(encoding="utf-8")
    page = _assert_offline_and_inert(markup)
    assert [tag for tag, _ in page.tags].count("style") == 1 and ".ioreport-banner" in markup
    assert "accounts.creation_batches.0.accounts" in markup and CHANGED_CELL in markup
    assert render_diff_html(diff_runs(load_run(original), load_run(changed))) == markup


def test_compare_sets_runs_side_by_side(original, changed, tmp_path):
    out = tmp_path / "compare.html"
    outcome = _invoke("compare", str(original), str(changed), "--out", str(out))
    assert outcome.exit_code == 0, outcome.output
    markup = out.read_text(encoding="utf-8")
    page = _assert_offline_and_inert(markup)
    original_name = load_run(original).name
    assert any(original_name in text for text in page.text)
    headings = [i for i, (tag, _) in enumerate(page.tags) if tag == "h2"]
    assert len(headings) == 3  # key findings, then one section per run
    svgs = [attrs for tag, attrs in page.tags if tag == "svg"]
    assert len(svgs) == 4, "both charts for both runs"
    badges = [attrs for tag, attrs in page.tags if attrs.get("class") == "synthetic-badge"]
    assert len(badges) == 1, "only the run marked synthetic has the badge"
    assert f'{html.escape(HOSTILE_NAME)} <span class="synthetic-badge">synthetic data</span></h2>' in markup


def test_compare_says_when_a_figure_is_missing_and_fills_gaps_with_na(original, small_run, tmp_path):
    no_topics = _copy_run(small_run, tmp_path / "no_topics")
    (no_topics / TOPIC_TIMELINE).unlink()
    _edit_json(no_topics / "findings.json", lambda found: found.pop("narratives"))
    runs = [load_run(original), load_run(no_topics)]
    markup = compare_runs(runs)
    assert "Figure missing" in markup and Path(TOPIC_TIMELINE).name in markup
    table = key_findings_table(runs)
    topic_rows = table.filter(table["finding"].str.starts_with("Topic share"))
    assert topic_rows.height > 0 and set(topic_rows[table.columns[2]]) == {"n/a"}


def test_compare_embeds_the_cjk_glyphs_the_page_shows(original, small_run, tmp_path):
    chinese = _copy_run(small_run, tmp_path / "chinese")
    _edit_json(chinese / "findings.json", lambda found: found["dataset"].update(name="中文数据集"))
    markup = compare_runs([load_run(original), load_run(chinese)])
    assert "data:font/woff;base64," in markup and "中文数据集" in markup
