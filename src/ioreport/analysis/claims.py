"""Claims: what the report may say about a network, each decided by a stated rule from measured evidence.

SIO and ASPI make a claim only where the evidence carries it, and say how sure they are. A claim here is
`holds`: True (the rule's test passed), False (it was tested and did not), or None (too little data to
say, or the section that tests it did not run), with the `evidence` the rule read and the `rule` itself
in words. Each analysis module decides its own claims (and names its rules in CLAIM_RULES); the report's
sentences are chosen from them (`ioreport.publish.prose`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

# Every claim the report can make, in the order the key findings list them.
CLAIM_IDS = (
    "batch_creation",
    "office_hours",
    "holiday_dip",
    "coordination",
    "repurposed_accounts",
    "anomalous_engagement",
    "low_engagement",
)


class Claim(BaseModel):
    model_config = ConfigDict(extra="forbid")

    holds: bool | None
    evidence: dict[str, Any]
    rule: str


def decided(holds: bool, rule: str, **evidence: Any) -> Claim:
    return Claim(holds=holds, evidence=evidence, rule=rule)


def undecided(rule: str, reason: str, **evidence: Any) -> Claim:
    """Too little data to say: `reason` says what was missing."""
    return Claim(holds=None, evidence={"reason": reason, **evidence}, rule=rule)
