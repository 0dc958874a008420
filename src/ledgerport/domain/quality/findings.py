"""Findings of the data-quality checks, in Codat's validation-item shape, and the
collector that keeps them bounded.

A finding is an error (the data contradicts itself: totals that do not add up, a ledger
that does not balance) or a warning (something a reader should know but may be
legitimate: a status that disagrees with what is due, a control account that differs
from the open documents). Codat's ``/sync/{datasetId}/validation`` lists both.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

DEFAULT_CAP = 100


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Rule:
    """A rule's id (stable, Codat-style ``accounting-invoice-030``), the validator that
    owns it, how serious breaking it is, and what it asserts (for the docs)."""

    id: str
    validator: str
    severity: Severity
    description: str

    def finding(self, item_id: str, message: str) -> Finding:
        return Finding(self, item_id, message)


@dataclass(frozen=True)
class Finding:
    rule: Rule
    item_id: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {
            "ruleId": self.rule.id,
            "itemId": self.item_id,
            "message": self.message,
            "validatorName": self.rule.validator,
        }


CHECK_FAILED = Rule(
    "ledgerport-validation-001",
    "ValidationRunner",
    Severity.WARNING,
    "A check crashed on the data; it was skipped and the pull still completed.",
)


class Findings:
    """Collects findings, keeping at most ``cap`` per rule plus one item saying how many
    more there were: a pull of 100,000 broken records still stores a small result."""

    def __init__(self, cap: int = DEFAULT_CAP) -> None:
        self.cap = cap
        self.counts: Counter[str] = Counter()
        self._rules: dict[str, Rule] = {}
        self._kept: list[Finding] = []

    def add(self, finding: Finding) -> None:
        rule = finding.rule
        self._rules[rule.id] = rule
        self.counts[rule.id] += 1
        if self.counts[rule.id] <= self.cap:
            self._kept.append(finding)

    def extend(self, findings: Any) -> None:
        for finding in findings:
            self.add(finding)

    def __len__(self) -> int:
        return sum(self.counts.values())

    def totals(self) -> dict[str, int]:
        """How many errors and warnings were found, including those not kept."""
        totals = {"errors": 0, "warnings": 0}
        for rule_id, count in self.counts.items():
            totals[_bucket(self._rules[rule_id])] += count
        return totals

    def result(self) -> dict[str, list[dict[str, str]]]:
        """Codat's ``ValidationResult``: ``{errors: [...], warnings: [...]}``."""
        body: dict[str, list[dict[str, str]]] = {"errors": [], "warnings": []}
        for finding in self._kept:
            body[_bucket(finding.rule)].append(finding.to_json())
        for rule_id, count in self.counts.items():
            if count > self.cap:
                rule = self._rules[rule_id]
                body[_bucket(rule)].append(
                    rule.finding(
                        "",
                        f"{count - self.cap} more items broke rule {rule_id} ({count} in all); "
                        f"only the first {self.cap} are listed.",
                    ).to_json()
                )
        return body


def _bucket(rule: Rule) -> str:
    return "errors" if rule.severity is Severity.ERROR else "warnings"
