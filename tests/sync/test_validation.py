"""Validation after a pull, on both backends: which checks run for which data type,
cross-type checks once their types are pulled, the cap, and that a corrupted record or
a crashing check never fails the pull."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from ledgerport.config import Settings
from ledgerport.connectors.registry import ConnectorRegistry
from ledgerport.connectors.spec import Branding, Connector, FetchedPage, NoAuth, ReadStream
from ledgerport.domain.enums import ConnectionStatus, DataType, SourceType
from ledgerport.domain.pulls import PullStatus
from ledgerport.domain.quality import CHECK_FAILED
from ledgerport.domain.quality import ledger as ledger_rules
from ledgerport.domain.quality import reports as report_rules
from ledgerport.domain.quality.documents import INVOICE
from ledgerport.services import Services
from ledgerport.storage.db import make_engine, make_sessionmaker, transaction
from ledgerport.storage.repositories import ledger as ledger_repo
from ledgerport.storage.repositories import pulls
from ledgerport.storage.tables import PullOperationRow
from ledgerport.storage.types import utcnow
from ledgerport.sync import validation
from ledgerport.sync.engine import Engine
from tests.api.test_financials import store
from tests.factories import ledger as f
from tests.factories import platform

TODAY = date(2024, 3, 1)


class Books:
    """A platform whose records are already in Codat's shape, one list per data type."""

    def __init__(self) -> None:
        self.records: dict[DataType, list[dict[str, Any]]] = {}

    def fetch(
        self, stream: ReadStream, params: Mapping[str, str], since: datetime | None
    ) -> FetchedPage:
        return FetchedPage(records=self.records.get(stream.data_type, []))


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[dict[str, Any]]:
    books = Books()
    connector = Connector(
        key="tstv",
        name="Test Books",
        source_type=SourceType.ACCOUNTING,
        auth=NoAuth(),
        branding=Branding("#000", "T"),
        reads=tuple(
            ReadStream(data_type, dict)
            for data_type in (
                DataType.INVOICES,
                DataType.PAYMENTS,
                DataType.CHART_OF_ACCOUNTS,
                DataType.JOURNAL_ENTRIES,
            )
        ),
        reader=lambda _ctx: books,
    )
    settings = Settings(database_url=database_url, data_dir=tmp_path, secret_key=SecretStr("e"))
    engine = make_engine(database_url)
    services = Services(
        settings=settings,
        engine=engine,
        sessions=make_sessionmaker(engine),
        connectors=ConnectorRegistry([connector]),
        secret=b"e",
    )
    company = platform.company(services, connections=(("tstv", ConnectionStatus.LINKED),))
    yield {"services": services, "company": company, "books": books, "engine": Engine(services)}
    engine.dispose()


def pull(world: dict[str, Any], data_type: DataType) -> PullOperationRow:
    services: Services = world["services"]
    company = world["company"]
    with transaction(services.sessions) as session:
        row, _ = pulls.queue(
            session, company.id, company.connections[0].id, data_type.value, utcnow()
        )
    world["engine"].run(row.id)
    with services.sessions() as session:
        result = session.get(PullOperationRow, row.id)
        assert result is not None
        return result


def validate(world: dict[str, Any], data_type: str, **kwargs: Any) -> dict[str, Any]:
    company = world["company"]
    return validation.validate(
        world["services"].sessions,
        company_id=company.id,
        connection_id=company.connections[0].id,
        data_type=data_type,
        today=TODAY,
        **kwargs,
    )


def rule_ids(result: dict[str, Any], bucket: str) -> list[str]:
    return [item["ruleId"] for item in result[bucket]]


def test_a_clean_pull_has_an_empty_validation(world: dict[str, Any]) -> None:
    world["books"].records[DataType.INVOICES] = f.trading_year_documents()["invoices"]
    result = pull(world, DataType.INVOICES)
    assert result.status == PullStatus.COMPLETE
    found = result.audit["validation"]
    assert (found["errors"], found["warnings"]) == ([], [])
    assert found["summary"]["checks"] == ["invoices totals and status"]
    assert found["summary"]["errors"] == found["summary"]["warnings"] == 0


def test_a_pull_with_corrupted_records_completes_with_findings(world: dict[str, Any]) -> None:
    invoices = f.trading_year_documents()["invoices"]
    invoices[1]["status"] = "Paid"  # but 600 is due: a warning
    invoices[0]["lineItems"][0]["totalAmount"] = 1199.99  # lines short of the total: an error
    world["books"].records[DataType.INVOICES] = invoices
    result = pull(world, DataType.INVOICES)
    assert result.status == PullStatus.COMPLETE
    assert result.error_message is None
    found = result.audit["validation"]
    assert found["errors"] == [
        {
            "ruleId": INVOICE.lines_total.id,
            "itemId": "inv-1",
            "message": "An invoice's lines summed (1199.99) should be the same as "
            "TotalAmount (1200.00).",
            "validatorName": "InvoiceValidator",
        }
    ]
    assert [(w["ruleId"], w["itemId"]) for w in found["warnings"]] == [(INVOICE.status.id, "inv-2")]


def test_a_crashing_check_is_a_warning_not_a_failed_pull(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(_ctx: Any) -> None:
        raise RuntimeError("check bug")

    monkeypatch.setattr(validation, "_document_check", explode)
    world["books"].records[DataType.INVOICES] = f.trading_year_documents()["invoices"]
    result = pull(world, DataType.INVOICES)
    assert result.status == PullStatus.COMPLETE
    (warning,) = result.audit["validation"]["warnings"]
    assert warning["ruleId"] == CHECK_FAILED.id
    assert "RuntimeError: check bug" in warning["message"]
    assert result.audit["validation"]["summary"]["checks"] == []


def test_a_failed_pull_is_not_validated(world: dict[str, Any]) -> None:
    world["books"].records[DataType.INVOICES] = [{"no": "id"}]  # the pull itself fails
    result = pull(world, DataType.INVOICES)
    assert result.status == PullStatus.INTERNAL_ERROR
    assert result.audit["validation"] is None


def test_the_ledger_checks_run_once_both_ledger_types_are_pulled(world: dict[str, Any]) -> None:
    books = world["books"]
    books.records[DataType.JOURNAL_ENTRIES] = [
        *f.trading_year(),
        f.entry("je-bad", "2024-01-20", [(f.BANK, 50), (f.SALES, -45)]),
    ]
    first = pull(world, DataType.JOURNAL_ENTRIES).audit["validation"]
    # Without the chart only the entries themselves can be checked.
    assert first["summary"]["checks"] == ["journal entries balance"]
    assert rule_ids(first, "errors") == [
        ledger_rules.ENTRY_BALANCES.id,
        ledger_rules.TRIAL_BALANCE.id,
    ]
    books.records[DataType.CHART_OF_ACCOUNTS] = f.chart()
    second = pull(world, DataType.CHART_OF_ACCOUNTS).audit["validation"]
    assert second["summary"]["checks"] == ["accounts of postings", "financial statements add up"]
    # The 5 the bad entry is short shows in every balance sheet from January on.
    assert set(rule_ids(second, "errors")) == {report_rules.BALANCE_SHEET_BALANCES.id}
    assert [e["itemId"] for e in second["errors"]] == ["2024-02-29T00:00:00", "2024-01-31T00:00:00"]


def test_control_accounts_against_open_documents(world: dict[str, Any]) -> None:
    company, services = world["company"], world["services"]
    store(services, company, "chartOfAccounts", f.chart())
    store(services, company, "journalEntries", f.trading_year())
    docs = f.trading_year_documents()
    store(services, company, "invoices", docs["invoices"])
    store(services, company, "bills", docs["bills"])
    clean = validate(world, "journalEntries")
    assert clean["summary"]["checks"] == [
        "journal entries balance",
        "accounts of postings",
        "financial statements add up",
        "debtors control",
        "creditors control",
    ]
    assert (clean["errors"], clean["warnings"]) == ([], [])
    # An open invoice the ledger never saw.
    store(services, company, "invoices", [f.document("invoices", "inv-3", [("100", "20")])])
    found = validate(world, "invoices")
    assert rule_ids(found, "warnings") == [ledger_rules.RECEIVABLES_CONTROL.id]
    assert (
        "differs from the open invoices less open credit notes (720.00)"
        in (found["warnings"][0]["message"])
    )
    # A credit note for it brings the documents back in line with the ledger.
    credit = f.document("creditNotes", "cn-1", [("100", "20")])
    store(services, company, "creditNotes", [credit])
    assert validate(world, "creditNotes")["warnings"] == []
    # A foreign-currency open document makes the comparison meaningless: skipped.
    store(
        services, company, "bills", [f.document("bills", "bill-2", [("5", "1")], currency_rate=1.2)]
    )
    assert validate(world, "bills")["warnings"] == []


def test_findings_are_capped_per_rule(world: dict[str, Any]) -> None:
    company, services = world["company"], world["services"]
    broken = [
        f.document("invoices", f"inv-{n:02d}", [("10", "2")], amountDue=1.0) for n in range(7)
    ]
    store(services, company, "invoices", broken)
    found = validate(world, "invoices", cap=3)
    assert [e["itemId"] for e in found["errors"]] == ["inv-00", "inv-01", "inv-02", ""]
    assert found["errors"][-1]["message"].startswith("4 more items broke rule")
    assert found["summary"]["errors"] == 7
    assert len(found["warnings"]) == 4  # the status rule, capped the same way


def test_payments_and_types_without_checks(world: dict[str, Any]) -> None:
    company, services = world["company"], world["services"]
    payment = f.payment("pay-1", [("inv-1", "100")])
    payment["lines"][0]["links"][0]["amount"] = -90
    store(services, company, "payments", [payment])
    found = validate(world, "payments")
    assert [(e["ruleId"], e["itemId"]) for e in found["errors"]] == [
        ("accounting-payment-031", "pay-1")
    ]
    nothing = validate(world, "customers")
    assert nothing["summary"]["checks"] == []
    assert (nothing["errors"], nothing["warnings"]) == ([], [])


def test_each_data_set_is_read_once(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """The invoices' own check and the debtors control check share one pass over them,
    and the ledger built for one check serves the rest."""
    company, services = world["company"], world["services"]
    store(services, company, "chartOfAccounts", f.chart())
    store(services, company, "journalEntries", f.trading_year())
    store(services, company, "invoices", f.trading_year_documents()["invoices"])
    reads: list[str] = []
    documents = ledger_repo.documents

    def counted(*args: Any) -> Iterator[dict[str, Any]]:
        reads.append(args[2])
        yield from documents(*args)

    monkeypatch.setattr(ledger_repo, "documents", counted)
    found = validate(world, "invoices")
    assert found["summary"]["checks"] == ["invoices totals and status", "debtors control"]
    assert sorted(reads) == ["chartOfAccounts", "invoices", "journalEntries"]
