"""What the Sync for Expenses routes share: where they live, the accounting connection
expenses are written to, and what a transaction is checked against before anything is
pushed (the company's accounting data as last pulled, and the accounts the platform's
create models take on each record type's lines).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from ledgerport.connectors.writes import WriteKind
from ledgerport.domain import expense_documents as documents
from ledgerport.domain import expenses as rules
from ledgerport.domain.enums import DataType, SourceType
from ledgerport.errors import ApiError, BadRequestError
from ledgerport.services import Services
from ledgerport.storage.repositories import expenses as repo
from ledgerport.storage.tables import ConnectionRow
from ledgerport.sync import push

BASE = "/companies/{companyId}/sync/expenses"


def accounting_keys(services: Services) -> set[str]:
    """The platform keys of the accounting connectors (where expenses can be written)."""
    return {c.key for c in services.connectors if c.source_type is SourceType.ACCOUNTING}


def accounting_connection(
    services: Services, session: Session, company_id: uuid.UUID
) -> ConnectionRow:
    """The company's linked accounting connection (the oldest, if it has several):
    where expenses are written and their references are checked."""
    linked = repo.linked_connections(session, company_id, accounting_keys(services))
    if not linked:
        raise BadRequestError(
            f"Company {company_id} has no linked accounting connection to sync expenses to; "
            "link one first (POST /companies/{companyId}/connections, then its linkUrl)."
        )
    return linked[0]


def platform_cannot(
    services: Services, connection: ConnectionRow, data_type: DataType, kind: WriteKind
) -> str | None:
    """The platform's name when its connector cannot make this write (for the message
    refusing it); None when it can."""
    connector = services.connectors.get(connection.platform_key)
    if connector is not None and connector.can_write(data_type, kind):
        return None
    return connector.name if connector else connection.platform_key


def line_accounts(
    services: Services, company_id: uuid.UUID, connection_id: uuid.UUID
) -> rules.LineAccounts:
    """The accounts the platform takes on the lines of each record type expenses
    become (direct costs, direct incomes, bills, journal entries)."""

    def allowed(data_type: DataType) -> frozenset[str] | None:
        try:
            model = push.create_model(
                services, company_id=company_id, connection_id=connection_id, data_type=data_type
            )
        except ApiError:
            return None  # the platform cannot write it: the general rule describes it
        return rules.line_account_options(model)

    return rules.LineAccounts(
        direct_costs=allowed(DataType.DIRECT_COSTS),
        direct_incomes=allowed(DataType.DIRECT_INCOMES),
        bills=allowed(DataType.BILLS),
        journal_entries=allowed(DataType.JOURNAL_ENTRIES),
    )


def _ids(records: Sequence[Mapping[str, Any]] | None) -> frozenset[str] | None:
    if records is None:
        return None
    return frozenset(str(r["id"]) for r in records if rules.is_usable(r))


def references(
    session: Session, connection_id: uuid.UUID, platform: rules.LineAccounts | None = None
) -> rules.References:
    """What the company's accounting data (as last pulled) holds, to check ids against."""

    def read(data_type: DataType) -> list[dict[str, Any]] | None:
        return repo.reference_records(session, connection_id, data_type.value)

    accounts = read(DataType.CHART_OF_ACCOUNTS)
    banks = _ids(read(DataType.BANK_ACCOUNTS))
    chart_banks = (
        frozenset(str(a["id"]) for a in accounts if a.get("isBankAccount") and rules.is_usable(a))
        if accounts is not None
        else None
    )
    bank_accounts = None
    if banks is not None or chart_banks is not None:
        bank_accounts = (banks or frozenset()) | (chart_banks or frozenset())
    return rules.References(
        accounts=(
            {str(a["id"]): a for a in accounts if rules.is_usable(a)}
            if accounts is not None
            else None
        ),
        tax_rates=_ids(read(DataType.TAX_RATES)),
        tracking_categories=_ids(read(DataType.TRACKING_CATEGORIES)),
        suppliers=_ids(read(DataType.SUPPLIERS)),
        customers=_ids(read(DataType.CUSTOMERS)),
        bank_accounts=bank_accounts,
        platform=platform,
    )


def tracking(refs: Sequence[Any] | None, invoice_to: Any | None) -> documents.Tracking:
    """A line's ``trackingRefs`` and ``invoiceTo`` (adjustments and claims) as the
    tracking its journal or bill line carries."""
    refs = refs or ()
    return documents.Tracking(
        category_ids=tuple(r.id for r in refs if r.dataType == "trackingCategories"),
        customer_ids=tuple(r.id for r in refs if r.dataType == "customers"),
        supplier_ids=tuple(r.id for r in refs if r.dataType == "suppliers"),
        invoice_to=invoice_to.id if invoice_to is not None and invoice_to.id else None,
    )
