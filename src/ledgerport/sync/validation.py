"""Data-quality validation after a pull: which checks run for the data type just
pulled, over what the store now holds for that connection, and the result kept in the
pull's audit as Codat's ``{errors, warnings}`` (plus a summary).

Checks read the whole data set, not only what the pull changed: the result describes
the data a reader now gets. Cross-type checks (the trial balance against the chart,
control accounts against open documents, the statements adding up) run when every
type they need has been pulled. The checks share one read-only session, each in its own
transaction (so a check whose query fails cannot poison the next), and one that
crashes becomes a warning: validation never fails a pull.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from ledgerport.domain.enums import DataType
from ledgerport.domain.quality import CHECK_FAILED, DEFAULT_CAP, Findings, documents, payments
from ledgerport.domain.quality import ledger as ledger_checks
from ledgerport.domain.quality import reports as report_checks
from ledgerport.domain.reports import Ledger
from ledgerport.domain.reports.amounts import ZERO
from ledgerport.storage.repositories import ledger as ledger_repo
from ledgerport.storage.repositories import records

log = logging.getLogger("ledgerport.sync.validation")

LEDGER = (DataType.CHART_OF_ACCOUNTS.value, DataType.JOURNAL_ENTRIES.value)
RECEIVABLES = (DataType.INVOICES.value, DataType.CREDIT_NOTES.value)
PAYABLES = (DataType.BILLS.value, DataType.BILL_CREDIT_NOTES.value)
_ALL = (*LEDGER, *RECEIVABLES, *PAYABLES)


@dataclass
class _Context:
    session: Session
    company_id: uuid.UUID
    connection_id: uuid.UUID
    data_type: str
    present: set[str]
    findings: Findings
    today: date
    # What one check read and the next needs, so no data set is read twice.
    built: Ledger | None = None
    # data type -> (its documents' open amount, whether any is in a foreign currency)
    open_totals: dict[str, tuple[Decimal, bool]] = field(default_factory=dict)

    def documents(self, data_type: str) -> Iterator[dict[str, Any]]:
        return ledger_repo.documents(self.session, self.company_id, data_type, self.connection_id)

    def ledger(self) -> Ledger:
        if self.built is None:
            self.built = ledger_repo.load_ledger(self.session, self.company_id, self.connection_id)
        return self.built


Check = Callable[[_Context], None]


def _document_check(ctx: _Context) -> None:
    """Each document adds up; what is open is summed in the same pass, for the control
    check after this one."""
    kind = documents.KINDS[ctx.data_type]
    total, foreign = ZERO, False
    for doc in ctx.documents(ctx.data_type):
        ctx.findings.extend(documents.check_document(doc, kind))
        amount, in_foreign = documents.open_amount(doc, kind)
        total += amount
        foreign = foreign or in_foreign
    ctx.open_totals[ctx.data_type] = (total, foreign)


def _payment_check(ctx: _Context) -> None:
    kind = payments.KINDS[ctx.data_type]
    for doc in ctx.documents(ctx.data_type):
        ctx.findings.extend(payments.check_payment(doc, kind))


def _journal_check(ctx: _Context) -> None:
    """Each entry balances and is dated, and all of them sum to zero; the ledger is
    built in the same pass when the chart was pulled, for the checks after this one."""
    trial = ledger_checks.TrialBalance()
    ledger = None
    if DataType.CHART_OF_ACCOUNTS.value in ctx.present:
        ledger = Ledger.from_accounts(ctx.documents(DataType.CHART_OF_ACCOUNTS.value))
    for doc in ctx.documents(DataType.JOURNAL_ENTRIES.value):
        ctx.findings.extend(ledger_checks.check_journal_entry(doc))
        trial.add(doc)
        if ledger is not None:
            ledger.add_entry(doc)
    ctx.findings.extend(trial.findings())
    if ledger is not None:
        ctx.built = ledger


def _accounts_check(ctx: _Context) -> None:
    ctx.findings.extend(ledger_checks.check_accounts(ctx.ledger()))


def _statements_check(ctx: _Context) -> None:
    options = ledger_repo.statement_options(
        ctx.session, ctx.company_id, ctx.today, ctx.connection_id
    )
    ctx.findings.extend(report_checks.check_statements(ctx.ledger(), options))


def _open_total(ctx: _Context, data_types: tuple[str, str]) -> Decimal | None:
    """Open documents less open credit notes; None when any is in a foreign currency,
    which the ledger carries at a rate we cannot reproduce exactly."""
    total = ZERO
    for data_type, sign in zip(data_types, (1, -1), strict=True):
        if data_type not in ctx.present:
            continue
        if data_type not in ctx.open_totals:
            ctx.open_totals[data_type] = _open(ctx, data_type)
        amount, foreign = ctx.open_totals[data_type]
        if foreign:
            return None
        total += sign * amount
    return total


def _open(ctx: _Context, data_type: str) -> tuple[Decimal, bool]:
    """One data set's open amount, read up to its first foreign-currency document."""
    kind = documents.KINDS[data_type]
    total = ZERO
    for doc in ctx.documents(data_type):
        amount, foreign = documents.open_amount(doc, kind)
        if foreign:
            return total, True
        total += amount
    return total, False


def _control_check(kind: str, data_types: tuple[str, str]) -> Check:
    def check(ctx: _Context) -> None:
        open_total = _open_total(ctx, data_types)
        if open_total is not None:
            ctx.findings.extend(ledger_checks.check_control(ctx.ledger(), kind, open_total))

    return check


def plan(data_type: str, present: set[str]) -> list[tuple[str, Check]]:
    """The checks a pull of ``data_type`` runs, given the types pulled so far."""
    checks: list[tuple[str, Check]] = []
    if data_type in documents.KINDS:
        checks.append((f"{data_type} totals and status", _document_check))
    if data_type in payments.KINDS:
        checks.append((f"{data_type} lines and links", _payment_check))
    if data_type == DataType.JOURNAL_ENTRIES.value:
        checks.append(("journal entries balance", _journal_check))
    has_ledger = all(t in present for t in LEDGER)
    if has_ledger and data_type in LEDGER:
        checks.append(("accounts of postings", _accounts_check))
        checks.append(("financial statements add up", _statements_check))
    if has_ledger and DataType.INVOICES.value in present and data_type in (*LEDGER, *RECEIVABLES):
        checks.append(("debtors control", _control_check("receivables", RECEIVABLES)))
    if has_ledger and DataType.BILLS.value in present and data_type in (*LEDGER, *PAYABLES):
        checks.append(("creditors control", _control_check("payables", PAYABLES)))
    return checks


def validate(
    sessions: sessionmaker[Session],
    *,
    company_id: uuid.UUID,
    connection_id: uuid.UUID,
    data_type: str,
    today: date,
    cap: int = DEFAULT_CAP,
) -> dict[str, Any]:
    """Run the checks for a completed pull and return what goes in its audit under
    ``validation``. Never raises."""
    started = time.perf_counter()
    findings = Findings(cap)
    ran: list[str] = []
    try:
        with sessions() as session:
            present = {
                t for t in _ALL if records.has_dataset(session, company_id, t, connection_id)
            }
            ctx = _Context(session, company_id, connection_id, data_type, present, findings, today)
            for name, check in plan(data_type, present):
                try:
                    check(ctx)
                    ran.append(name)
                except Exception as exc:
                    log.exception("validation check %r failed for %s", name, data_type)
                    findings.add(
                        CHECK_FAILED.finding(
                            data_type,
                            f"The '{name}' check failed ({type(exc).__name__}: "
                            f"{str(exc)[:200]}) and was skipped.",
                        )
                    )
                finally:
                    session.rollback()
    except Exception as exc:  # the store itself failed us: still never fail the pull
        log.exception("validation of %s failed", data_type)
        findings.add(
            CHECK_FAILED.finding(data_type, f"Validation could not run ({type(exc).__name__}).")
        )
    result: dict[str, Any] = findings.result()
    result["summary"] = {
        **findings.totals(),
        "checks": ran,
        "seconds": round(time.perf_counter() - started, 3),
    }
    return result
