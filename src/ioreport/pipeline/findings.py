"""findings.json: the sections' findings merged by section, and the JSON Schema it follows.

`RunFindings` is made from the section declarations, so adding a section adds its key; a section that
was skipped or failed is absent.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import create_model

from ioreport.analysis.findings import DatasetFindings, Findings
from ioreport.config.rundir import RunDir
from ioreport.pipeline.sections import SECTIONS

RunFindings = create_model(
    "RunFindings",
    __base__=Findings,
    __doc__="Every number a run's report quotes, by section.",
    dataset=(DatasetFindings, ...),
    **{section.name: (section.findings | None, None) for section in SECTIONS},
)


def merge(run: RunDir, dataset: DatasetFindings, produced: list[str]) -> dict[str, Any]:
    """The dataset's findings and each produced section's part (validated against its model)."""
    merged = {"dataset": dataset.to_json()}
    by_name = {section.name: section for section in SECTIONS}
    for name in produced:
        part = json.loads(run.findings_part(name).read_text(encoding="utf-8"))
        merged[name] = by_name[name].findings.model_validate(part).to_json()
    RunFindings.model_validate(merged)
    return merged


def schema() -> dict[str, Any]:
    return RunFindings.model_json_schema()


def write(run: RunDir, findings: dict[str, Any]) -> None:
    run.findings.write_text(
        json.dumps(findings, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    run.findings_schema.write_text(json.dumps(schema(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
