"""A real archive head with faults planted: impossible dates, a tweetid clash, a control character in a
userid, spreadsheet formulas in client names, a byte that is not UTF-8. The run exits 0, the counts add
up, the bad rows are in quarantine with their reasons, and no exported CSV holds a live formula."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from ioreport import cli
from tests.conftest import write_params

HEAD = "CNHU_0621_tweets_csv_hashed_2021.head.csv"
FORMULA = '=HYPERLINK("http://evil.example","x")'
LIVE_FORMULA = re.compile(r"^[=+\-@\t\r]")
NUMBER_OR_ID = re.compile(r"^[+-]?(?:\d+(?:[.,]\d+)*|\.\d+)(?:[eE][+-]?\d+)?%?$|^[A-Za-z0-9+/]{40,}=$")


def plant_faults(head: Path, target: Path) -> dict[str, int]:
    """The head with one fault per record in its first rows; returns what was planted where (record no.)."""
    records = list(csv.reader(io.StringIO(head.read_text(encoding="utf-8"), newline="")))
    header, rows = records[0], records[1:]
    column = {name: index for index, name in enumerate(header)}
    rows[0][column["tweet_time"]] = "0001-01-01 00:00"
    rows[1][column["tweet_time"]] = "9999-12-31 23:59"
    rows[2][column["account_creation_date"]] = "1800-01-01"
    clash = list(rows[3])
    clash[column["tweet_text"]] = "the same tweetid with another text"
    rows.insert(4, clash)
    rows[5][column["userid"]] = rows[5][column["userid"]][:5] + "\x0b" + rows[5][column["userid"]][5:]
    rows[6][column["tweet_client_name"]] = FORMULA
    rows[7][column["tweet_client_name"]] = "+cmd|' /C calc'!A0"
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = out.getvalue().encode("utf-8")
    # One byte that is not UTF-8, inside the text of the last record.
    last_text = rows[-1][column["tweet_text"]].encode("utf-8")
    data = data.replace(last_text, last_text[:3] + b"\xff" + last_text[3:], 1)
    target.write_bytes(data)
    return {"rows": len(rows)}


@pytest.fixture(scope="module")
def hostile_run(real_data_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("downloads")
    planted = plant_faults(real_data_dir / HEAD, folder / HEAD)
    out = folder.parent / "run"
    outcome = CliRunner().invoke(cli.app, ["run", str(folder), "--out", str(out)])
    return outcome, out, planted


def test_the_run_exits_0_and_every_row_is_accounted_for(hostile_run):
    outcome, out, planted = hostile_run
    assert outcome.exit_code == 0, outcome.output
    manifest = json.loads((out / "manifest.json").read_text())
    rows = manifest["rows"]["tweets"]
    assert rows["input_rows"] == planted["rows"]
    assert rows["input_rows"] == rows["loaded"] + rows["quarantined"] + rows["duplicates"]


def test_the_bad_rows_are_in_quarantine_with_their_reasons(hostile_run):
    outcome, out, _ = hostile_run
    assert outcome.exit_code == 0, outcome.output
    quarantine = _quarantine(out)
    reasons = " | ".join(quarantine["reason"].to_list())
    assert "tweet_time before Twitter existed" in reasons
    assert "tweet_time after the time of ingest" in reasons
    assert "account_creation_date before Twitter existed" in reasons
    assert "conflicting tweetid" in reasons
    assert "not UTF-8" in reasons
    assert quarantine.filter(pl.col("reason").str.starts_with("conflicting")).height == 2  # both versions


def _quarantine(out: Path) -> pl.DataFrame:
    """The quarantine of the run's ingested dataset (the executed overview notebook names its directory)."""
    notebook = json.loads((out / "notebooks" / "overview.ipynb").read_text())
    injected = next(c for c in notebook["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    data_dir = re.search(r'data_dir = "([^"]+)"', "".join(injected["source"])).group(1)
    return pl.read_parquet(Path(data_dir) / "quarantine.parquet")


def test_the_control_character_is_gone_from_the_userid(hostile_run):
    outcome, out, _ = hostile_run
    assert outcome.exit_code == 0, outcome.output
    found = json.loads((out / "findings.json").read_text())
    assert found["dataset"]["quarantined_rows"] >= 6
    for table in (out / "tables").glob("*.csv"):
        assert "\x0b" not in table.read_text(encoding="utf-8"), table.name


def test_no_exported_csv_holds_a_live_formula(hostile_run, tmp_path):
    outcome, out, _ = hostile_run
    assert outcome.exit_code == 0, outcome.output
    clients = (out / "tables" / "overview-clients.csv").read_text(encoding="utf-8")
    assert "'" + FORMULA.replace('"', '""') in clients  # the text is there, made inert
    folder = next(p for p in out.parent.iterdir() if p.is_dir() and p.name.startswith("downloads"))
    params = write_params(tmp_path / "p.yaml", name="hostile", tweets=str(folder / HEAD))
    edges = tmp_path / "edges.csv"
    network = CliRunner().invoke(cli.app, ["network", str(params), "--type", "co_tweet", "--out", str(edges)])
    assert network.exit_code == 0, network.output
    exported = [*(out / "tables").glob("*.csv"), edges, edges.with_name("edges.evidence.csv")]
    assert len(exported) > 10
    for path in exported:
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")):
            for cell in row:
                assert not (LIVE_FORMULA.match(cell) and not NUMBER_OR_ID.match(cell)), (path.name, cell)


def test_spreadsheet_safe_cells():
    from ioreport.config.rundir import spreadsheet_safe

    cells = [FORMULA, "+A1", "@SUM(A1)", "-1 dead", "\tx", "-3", "+8", "12%", "hello", None]
    hashed = ["+b2QXPqfMKG8MNZt8rCgeYiM/2u3XXXt5mnhfdI5QQY=", "+JJLpPEhOyOmMCgHWhfFybjjGHxq9WYHTu35IyYwbwM="]
    frame = pl.DataFrame({"text": cells + hashed, "number": list(range(-6, 6))})
    safe = spreadsheet_safe(frame)
    assert safe["text"].to_list() == [
        "'" + FORMULA,
        "'+A1",
        "'@SUM(A1)",
        "'-1 dead",
        "'\tx",
        "-3",
        "+8",
        "12%",
        "hello",
        None,
        *hashed,
    ]
    assert safe["number"].to_list() == frame["number"].to_list()


def test_graphml_of_the_hostile_head_is_whole_valid_xml(hostile_run, tmp_path):
    import xml.etree.ElementTree as ElementTree

    _, out, _ = hostile_run
    folder = next(p for p in out.parent.iterdir() if p.is_dir() and p.name.startswith("downloads"))
    params = write_params(tmp_path / "p.yaml", name="hostile", tweets=str(folder / HEAD))
    graph = tmp_path / "edges.graphml"
    outcome = CliRunner().invoke(cli.app, ["network", str(params), "--type", "co_link", "--out", str(graph)])
    assert outcome.exit_code == 0 and "Traceback" not in outcome.output, outcome.output
    ElementTree.parse(graph)  # raises on a truncated file or a control character
    assert not [p for p in tmp_path.iterdir() if ".partial" in p.name]
