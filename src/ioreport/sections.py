"""The report's sections, one notebook each, in the order they run and are read.

Adding an analysis = a notebook in notebooks/, an analysis module, a line
here, and a section in reports/index.qmd.
"""

from __future__ import annotations

from dataclasses import dataclass

from ioreport.paths import NOTEBOOKS_DIR


@dataclass(frozen=True)
class Section:
    notebook: str  # stem of notebooks/<notebook>.py (jupytext py:percent)
    title: str
    needs_tweets: bool

    @property
    def source(self):
        return NOTEBOOKS_DIR / f"{self.notebook}.py"


SECTIONS: tuple[Section, ...] = (
    Section("overview", "Data overview", needs_tweets=True),
    Section("accounts", "Accounts", needs_tweets=False),
    Section("activity", "Posting rhythm", needs_tweets=True),
    Section("narratives", "Narratives", needs_tweets=True),
    Section("engagement", "Engagement", needs_tweets=True),
    # Last: it sets this run's findings beside the published ones.
    Section("summary", "Key findings", needs_tweets=False),
)
