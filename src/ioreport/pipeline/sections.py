"""The report's sections, one notebook each, in the order they run and are read.

Adding an analysis = a notebook in notebooks/, an analysis module, a line
here, and a section in reports/index.qmd.
"""

from __future__ import annotations

from dataclasses import dataclass

from ioreport.config.paths import NOTEBOOKS_DIR


@dataclass(frozen=True)
class Section:
    notebook: str  # stem of notebooks/<notebook>.py (jupytext py:percent)
    title: str
    needs_tweets: bool
    # Run parameters the notebook reads; a change to any other leaves it cached. None: all of them.
    parameters: tuple[str, ...] | None = None
    # Reads the findings of the sections before it (so reruns when they change).
    reads_findings: bool = False

    @property
    def source(self):
        return NOTEBOOKS_DIR / f"{self.notebook}.py"


SECTIONS: tuple[Section, ...] = (
    Section("overview", "Data overview", needs_tweets=True, parameters=()),
    Section("accounts", "Accounts", needs_tweets=False, parameters=()),
    Section(
        "activity", "Posting rhythm", needs_tweets=True, parameters=("timezone", "holidays", "working_hours")
    ),
    Section("narratives", "Narratives", needs_tweets=True, parameters=("timezone", "topics")),
    Section("coordination", "Coordination", needs_tweets=True, parameters=("topics",)),
    Section("forensics", "Account forensics", needs_tweets=True, parameters=("timezone",)),
    Section("engagement", "Engagement", needs_tweets=True, parameters=()),
    # Last: it sets this run's findings beside the published ones.
    Section("summary", "Key findings", needs_tweets=False, parameters=("published",), reads_findings=True),
)
