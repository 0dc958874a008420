"""The findings collector: Codat's shape, errors apart from warnings, and the cap."""

from __future__ import annotations

from ledgerport.domain.quality import RULES, Findings, Rule, Severity

ERROR = Rule("t-001", "TestValidator", Severity.ERROR, "test error")
WARNING = Rule("t-002", "TestValidator", Severity.WARNING, "test warning")


def test_findings_in_codat_shape() -> None:
    findings = Findings()
    findings.add(ERROR.finding("a", "broken"))
    findings.add(WARNING.finding("b", "odd"))
    assert findings.result() == {
        "errors": [
            {
                "ruleId": "t-001",
                "itemId": "a",
                "message": "broken",
                "validatorName": "TestValidator",
            }
        ],
        "warnings": [
            {"ruleId": "t-002", "itemId": "b", "message": "odd", "validatorName": "TestValidator"}
        ],
    }


def test_each_rule_keeps_at_most_cap_items_and_says_how_many_more() -> None:
    findings = Findings(cap=3)
    findings.extend(ERROR.finding(str(n), "broken") for n in range(10_000))
    findings.add(WARNING.finding("w", "odd"))
    result = findings.result()
    assert [e["itemId"] for e in result["errors"]] == ["0", "1", "2", ""]
    assert result["errors"][-1]["message"] == (
        "9997 more items broke rule t-001 (10000 in all); only the first 3 are listed."
    )
    assert len(result["warnings"]) == 1
    assert findings.totals() == {"errors": 10_000, "warnings": 1}
    assert len(findings) == 10_001


def test_rule_ids_are_unique() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
