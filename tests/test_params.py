from pathlib import Path

import pytest

from ioreport.config.params import load_params
from ioreport.config.paths import PARAMS_DIR
from ioreport.errors import InputError
from tests.conftest import write_params


def test_default_parameters_are_synthetic_and_valid():
    params = load_params(PARAMS_DIR / "default.yaml")
    assert params.synthetic is not None and params.timezone == "Asia/Shanghai"
    assert params.synthetic_dir is not None


@pytest.mark.parametrize("name", ["china_052020", "china_082019_1", "russia_052020", "turkey_052020"])
def test_dataset_parameters_name_the_archive_files(name):
    # The raw files are not shipped: the error must say which file to download and where.
    with pytest.raises(InputError, match=rf"{name}_(tweets|users)_csv_hashed"):
        load_params(PARAMS_DIR / f"{name}.yaml")


def test_paths_are_relative_to_the_yaml_file(tmp_path):
    (tmp_path / "raw").mkdir()
    for part in ("a_tweets_1.csv", "a_tweets_2.csv"):
        (tmp_path / "raw" / part).write_text("x")
    (tmp_path / "raw" / "a_users.csv").write_text("x")
    params = load_params(
        write_params(tmp_path / "p.yaml", name="a", tweets="raw/a_tweets_*.csv", users="raw/a_users.csv")
    )
    assert params.tweets == [tmp_path / "raw" / "a_tweets_1.csv", tmp_path / "raw" / "a_tweets_2.csv"]
    assert params.users == tmp_path / "raw" / "a_users.csv"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"name": "a", "users": "u.csv", "colour": "red"}, "colour: unknown key"),
        ({"name": "a", "users": "missing.csv"}, "`users` file not found"),
        ({"name": "a", "users": "u.csv", "timezone": "Mars/Olympus"}, "unknown time zone 'Mars/Olympus'"),
        ({"name": "a", "users": "u.csv", "holidays": "XX"}, "no public-holiday calendar"),
        ({"name": "a", "users": "u.csv", "holidays": ""}, "no public-holiday calendar"),
        ({"name": "a", "tweets": "nothing_*.csv"}, "matches no file"),
        ({"name": "a"}, "give `users`, `tweets` or both"),
        ({"name": "a", "users": "u.csv", "published": "atlantis"}, "no published figures"),
    ],
)
def test_bad_parameters_get_a_clear_error_naming_the_file(tmp_path, values, message):
    (tmp_path / "u.csv").write_text("x")
    path = write_params(tmp_path / "bad.yaml", **values)
    with pytest.raises(InputError, match=message) as error:
        load_params(path)
    assert str(path) in str(error.value)


def test_malformed_yaml(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: [unclosed\n")
    with pytest.raises(InputError, match="not valid YAML"):
        load_params(path)


def test_missing_parameters_file():
    with pytest.raises(InputError, match="parameters file not found"):
        load_params(Path("/nonexistent/params.yaml"))


# --- Every parameter file is checked before anything runs (lexicons too) ----------------------------

BOMB = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]
"""


@pytest.mark.parametrize(
    ("lexicon", "message"),
    [
        ('evil: ["/<img src=x onerror=window.__pwn=1>(/"]', "invalid regular expression"),
        ("", "expected a mapping of topics"),
        ("- just\n- a list\n", "expected a mapping of topics"),
        ("topic: [unclosed\n", "not valid YAML"),
        (BOMB, "anchors and aliases"),
        ("hong_kong: []\n", "non-empty list of keywords"),
        ("hong_kong: ['']\n", "keyword 1 must be non-empty text"),
        ("untagged: [x]\n", "a topic name must be text other than"),
        (f"long: ['{'x' * 600}']\n", "over 500 characters"),
    ],
)
def test_a_bad_lexicon_is_one_error_before_ingest(tmp_path, lexicon, message):
    (tmp_path / "u.csv").write_text("x")
    (tmp_path / "topics.yaml").write_text(lexicon, encoding="utf-8")
    path = write_params(tmp_path / "p.yaml", name="a", users="u.csv", topics="topics.yaml")
    with pytest.raises(InputError, match=message):
        load_params(path)


def test_the_cli_prints_a_hostile_error_as_text_and_exits_2(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from ioreport import cli

    (tmp_path / "u.csv").write_text("x")
    (tmp_path / "topics.yaml").write_text('evil: ["/[bold]<img src=x onerror=alert(1)>(/"]', encoding="utf-8")
    path = write_params(tmp_path / "p.yaml", name="a", users="u.csv", topics="topics.yaml")
    ingested = []
    monkeypatch.setattr("ioreport.pipeline.data.ingest", lambda *a, **k: ingested.append(a))
    outcome = CliRunner().invoke(cli.app, ["run", str(path), "--out", str(tmp_path / "out")])
    assert outcome.exit_code == 2 and ingested == []
    assert "[bold]<img src=x onerror=alert(1)>" in outcome.output  # shown as it is, not as markup
    assert "Traceback" not in outcome.output and outcome.output.count("error:") == 1


def test_an_oversized_parameters_file_is_refused(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text("name: a\n" + "#" * (2 << 20) + "\n")
    with pytest.raises(InputError, match="too large"):
        load_params(path)
