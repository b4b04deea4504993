"""The README's commands and parameters exist as documented (docs must not drift from the code)."""

from __future__ import annotations

import re
import textwrap

import pytest
import yaml
from typer.testing import CliRunner

from ioreport import cli
from ioreport.config.params import RunParams
from ioreport.config.paths import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")


def test_the_first_two_commands_are_make_report_and_make_test():
    commands = re.findall(r"^(make \w+)", README, flags=re.MULTILINE)
    assert commands[:2] == ["make report", "make test"]


@pytest.mark.parametrize("target", sorted(set(re.findall(r"\bmake (\w+)", README))))
def test_every_make_target_in_the_readme_exists(target):
    assert re.search(rf"^{target}:", MAKEFILE, flags=re.MULTILINE), target


@pytest.mark.parametrize("command", sorted(set(re.findall(r"bin/ioreport (\w+) ", README))))
def test_every_ioreport_command_in_the_readme_exists(command):
    outcome = CliRunner().invoke(cli.app, [command, "--help"])
    assert outcome.exit_code == 0, outcome.output


def test_the_documented_parameters_are_the_real_ones():
    block = re.search(r"```yaml\n(.*?)```", README, flags=re.DOTALL).group(1)
    example = yaml.safe_load(textwrap.dedent(block))
    assert set(example) <= set(RunParams.model_fields), set(example) - set(RunParams.model_fields)
    RunParams.model_validate(example)  # every value of the example is valid, nested settings too


# --- The findings.json contract in the README, against the JSON Schema the code writes ----------------


def _contract_block() -> str:
    block = re.search(r"### `findings.json`\n\n```\n(.*?)```", README, flags=re.DOTALL).group(1)
    return " ".join(line.split("#")[0] for line in block.splitlines())


def _parse(text: str, at: int = 0):
    """The README's shorthand: {key: value, key, ...}, [item, ...], or a placeholder word."""
    text_at = text[at:].lstrip()
    at = len(text) - len(text_at)
    if text_at.startswith(("{", "[")):
        closing = "}" if text_at[0] == "{" else "]"
        items, at = [], at + 1
        while True:
            rest = text[at:].lstrip()
            at = len(text) - len(rest)
            if rest.startswith(closing):
                return (dict(items) if closing == "}" else [v for _, v in items]), at + 1
            if rest.startswith(","):
                at += 1
                continue
            if closing == "]":
                value, at = _parse(text, at)
                items.append((None, value))
                continue
            key = re.match(r'"?([\w.+]+)"?', rest).group(1)
            at += len(re.match(r'"?[\w.+]+"?', rest).group(0))
            rest = text[at:].lstrip()
            if rest.startswith(":"):
                value, at = _parse(text, len(text) - len(rest) + 1)
            else:
                value = None
            items.append((key, value))
    word = re.match(r"[\w.+-]+", text_at)
    return word.group(0), at + len(word.group(0))


def _contract() -> dict:
    text, contract, at = _contract_block(), {}, 0
    for match in re.finditer(r"(\w+):\s*\{", text):
        if match.start() < at:
            continue
        value, at = _parse(text, match.end() - 1)
        contract[match.group(1)] = value
    return contract


def _missing(contract, schema: dict, defs: dict, path: str) -> list[str]:
    while "$ref" in schema or "anyOf" in schema:
        if "$ref" in schema:
            schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
        else:
            schema = next(s for s in schema["anyOf"] if s.get("type") != "null")
    if isinstance(contract, list):
        return [m for item in contract if item != "..." for m in _missing(item, schema["items"], defs, path)]
    if not isinstance(contract, dict) or "properties" not in schema:
        return []  # a placeholder, or a mapping of the dataset's own keys (topics, networks, ...)
    missing = []
    for key, value in contract.items():
        if key == "...":
            continue
        if key not in schema["properties"]:
            missing.append(f"{path}{key}")
        elif value is not None:
            missing += _missing(value, schema["properties"][key], defs, f"{path}{key}.")
    return missing


def test_the_readme_contract_names_only_keys_the_schema_has():
    from ioreport.pipeline.findings import schema

    written = schema()
    contract = _contract()
    assert {"dataset", "accounts", "activity", "coordination"} <= set(contract)  # the parser read it
    assert _missing(contract, written, written["$defs"], "") == []


def test_the_contract_check_catches_a_key_the_code_does_not_write():
    from ioreport.pipeline.findings import schema

    written = schema()
    contract = {**_contract(), "accounts": {"share_zero_followers": None, "share_of_bots": None}}
    assert _missing(contract, written, written["$defs"], "") == ["accounts.share_of_bots"]


def test_the_readme_names_every_claim_and_the_folder_run():
    from ioreport.analysis.claims import CLAIM_IDS

    claims_table = README.split("## What the report claims")[1].split("##")[0]
    assert [name for name in CLAIM_IDS if f"| `{name}` |" not in claims_table] == []
    assert "ioreport run FOLDER" in README
