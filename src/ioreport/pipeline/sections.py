"""The report's sections, each one declared unit: a notebook, the run parameters it reads, its findings.

The runner injects exactly the declared parameters into the notebook's papermill parameters cell (where
the notebook shows their defaults), and a section's cache key is exactly what was injected. Adding an
analysis = a module in ioreport.analysis returning its findings model, a notebook in notebooks/, a line
here, and a section in reports/index.qmd.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ioreport.analysis import accounts, activity, engagement, forensics
from ioreport.analysis.accounts import AccountsFindings
from ioreport.analysis.activity import ActivityFindings
from ioreport.analysis.coordination import tables as coordination
from ioreport.analysis.coordination.tables import CoordinationFindings
from ioreport.analysis.engagement import EngagementFindings
from ioreport.analysis.findings import Findings
from ioreport.analysis.forensics import ForensicsFindings
from ioreport.analysis.narratives import NarrativesFindings
from ioreport.analysis.overview import OverviewFindings
from ioreport.config.paths import NOTEBOOKS_DIR

# Injected into every notebook besides its declared parameters: where its data and its outputs are.
DATA_DIR = "data_dir"
RUN_DIR = "run_dir"


@dataclass(frozen=True)
class Section:
    name: str  # notebooks/<name>.py (jupytext py:percent), and its key in findings.json
    title: str
    findings: type[Findings]
    parameters: tuple[str, ...] = ()  # run parameters (RunParams fields) the notebook reads
    needs_tweets: bool = True
    claims: Mapping[str, str] = field(default_factory=dict)  # the claims it decides, with their rules

    @property
    def source(self):
        return NOTEBOOKS_DIR / f"{self.name}.py"


SECTIONS: tuple[Section, ...] = (
    Section("overview", "Data overview", OverviewFindings),
    Section("accounts", "Accounts", AccountsFindings, needs_tweets=False, claims=accounts.CLAIM_RULES),
    Section(
        "activity",
        "Posting rhythm",
        ActivityFindings,
        ("timezone", "holidays", "working_hours"),
        claims=activity.CLAIM_RULES,
    ),
    Section("narratives", "Narratives", NarrativesFindings, ("timezone", "topics")),
    Section(
        "coordination",
        "Coordination",
        CoordinationFindings,
        ("topics", "coordination"),
        claims=coordination.CLAIM_RULES,
    ),
    Section("forensics", "Account forensics", ForensicsFindings, ("timezone",), claims=forensics.CLAIM_RULES),
    Section("engagement", "Engagement", EngagementFindings, claims=engagement.CLAIM_RULES),
)

# The order the runner starts notebooks in: longest first (as measured in BENCHMARKS.md, on the default,
# a 58k-tweet network and a real head alike), so that the workers finish close together. The report keeps
# the order of SECTIONS.
EXECUTION_ORDER: tuple[str, ...] = (
    "narratives",
    "coordination",
    "forensics",
    "accounts",
    "overview",
    "activity",
    "engagement",
)
