"""The README's commands and parameters exist as documented (docs must not drift from the code)."""

from __future__ import annotations

import re

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
    documented = set(yaml.safe_load("\n".join(line.strip() for line in block.splitlines())))
    assert documented <= set(RunParams.model_fields), documented - set(RunParams.model_fields)
