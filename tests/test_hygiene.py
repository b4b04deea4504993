"""Notebook hygiene: what `make lint` checks of the notebooks, and that the check can fail."""

from __future__ import annotations

import jupytext

from ioreport.pipeline.sections import SECTIONS
from ioreport.review import hygiene


def test_the_committed_notebooks_pass():
    assert hygiene.check() == []


def test_every_notebook_declares_exactly_what_its_section_is_injected():
    for section in SECTIONS:
        declared = hygiene.parameter_defaults(jupytext.read(section.source))
        assert set(declared) == {"data_dir", "run_dir", *section.parameters}, section.name


def _notebook_with_parameters(source: str):
    return jupytext.reads(f'# %% tags=["parameters"]\n{source}\n\n# %%\nx = 1\n', fmt="py:percent")


def test_an_undeclared_or_missing_parameter_is_reported():
    activity = next(s for s in SECTIONS if s.name == "activity")
    cell = 'data_dir = ""\nrun_dir = ""\ntimezone = "UTC"\nholidays = None\nworking_hours = [9, 18]\n'
    notebook = _notebook_with_parameters(cell + "topics = None")
    assert hygiene.check_parameters(notebook, activity) == [
        "activity.py: parameters cell has undeclared ['topics'] (the section declares "
        "['data_dir', 'holidays', 'run_dir', 'timezone', 'working_hours'])"
    ]
    notebook = _notebook_with_parameters('data_dir = ""\nrun_dir = ""\ntimezone = "UTC"')
    assert "lacks ['holidays', 'working_hours']" in hygiene.check_parameters(notebook, activity)[0]


def test_a_default_other_than_the_runs_is_reported():
    activity = next(s for s in SECTIONS if s.name == "activity")
    notebook = _notebook_with_parameters(
        'data_dir = ""\nrun_dir = ""\ntimezone = "Asia/Shanghai"\nholidays = None\nworking_hours = [9, 18]'
    )
    assert hygiene.check_parameters(notebook, activity) == [
        "activity.py: `timezone` defaults to 'Asia/Shanghai', the run's to 'UTC'"
    ]
