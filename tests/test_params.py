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
