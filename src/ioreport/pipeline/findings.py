"""findings.json: the sections' findings merged by section, the claims they decide, and its JSON Schema.

`RunFindings` is made from the section declarations, so adding a section adds its key; a section that
was skipped or failed is absent, and its claims are undecided, saying why.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import create_model

from ioreport.analysis.claims import CLAIM_IDS, Claim, undecided
from ioreport.analysis.findings import DatasetFindings, Findings
from ioreport.config.rundir import RunDir
from ioreport.pipeline.sections import SECTIONS, Section

RunFindings = create_model(
    "RunFindings",
    __base__=Findings,
    __doc__="Every number a run's report quotes, by section.",
    dataset=(DatasetFindings, ...),
    claims=(dict[str, Claim], ...),
    **{section.name: (section.findings | None, None) for section in SECTIONS},
)


def merge(run: RunDir, dataset: DatasetFindings, reasons: dict[str, str]) -> dict[str, Any]:
    """The dataset's findings, each section's part (validated against its model) and every claim.

    `reasons` names each section that produced nothing this run, and why (skipped, failed).
    """
    merged: dict[str, Any] = {"dataset": dataset.to_json()}
    claims: dict[str, Any] = {}
    for section in SECTIONS:
        if section.name in reasons:
            claims |= _undecided(section, reasons[section.name])
            continue
        part = json.loads(run.findings_part(section.name).read_text(encoding="utf-8"))
        merged[section.name] = section.findings.model_validate(part["findings"]).to_json()
        decided = {name: Claim.model_validate(claim) for name, claim in part["claims"].items()}
        if set(decided) != set(section.claims):
            wanted = sorted(section.claims)
            raise AssertionError(f"section {section.name} decided {sorted(decided)}, not {wanted}")
        claims |= {name: claim.model_dump(mode="json") for name, claim in decided.items()}
    merged["claims"] = {name: claims[name] for name in CLAIM_IDS}
    RunFindings.model_validate(merged)
    return merged


def _undecided(section: Section, reason: str) -> dict[str, Any]:
    why = f"the {section.title.lower()} section did not run: {reason}"
    return {name: undecided(rule, why).model_dump(mode="json") for name, rule in section.claims.items()}


def schema() -> dict[str, Any]:
    return RunFindings.model_json_schema()


def write(run: RunDir, findings: dict[str, Any]) -> None:
    run.findings.write_text(
        json.dumps(findings, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    run.findings_schema.write_text(json.dumps(schema(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
