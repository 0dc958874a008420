"""Setting a company up for Sync for Expenses: its partner expense connection, its
expense configuration (the bank account card spend is paid from, and the default
supplier and customer), and the mapping options expense lines may use.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from ledgerport.api.deps import ServicesDep
from ledgerport.api.models.common import ERROR_RESPONSES
from ledgerport.api.models.connections import Connection
from ledgerport.api.models.expenses import CompanyConfiguration, MappingOptions
from ledgerport.api.responses import JSONBytes
from ledgerport.api.routes.companies import load_company
from ledgerport.api.routes.connections import connection_body
from ledgerport.api.routes.expenses.common import (
    BASE,
    accounting_connection,
    accounting_keys,
    line_accounts,
    references,
)
from ledgerport.connectors.partner_expense import KEY as PARTNER_KEY
from ledgerport.domain import expenses as rules
from ledgerport.errors import BadRequestError, NotFoundError, Validation, ValidationItem
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import expenses as repo
from ledgerport.storage.tables import ExpenseConfigRow

router = APIRouter(tags=["Sync for Expenses"], responses=ERROR_RESPONSES)


@router.post(
    BASE + "/connections/partnerExpense",
    response_model=Connection,
    response_class=JSONBytes,
    operation_id="create-partner-expense-connection",
    summary="Create partner expense connection",
)
def create_partner_expense_connection(companyId: str, services: ServicesDep) -> Response:
    """The company's partner expense connection, created ``Linked``. Idempotent: a
    company has at most one, and calling again returns it."""
    with transaction(services.sessions) as session:
        company = load_company(session, companyId)
        repo.lock_company(session, company.id)
        row = repo.partner_connection(session, company.id, PARTNER_KEY)
        if row is None:
            row = repo.create_partner_connection(session, company.id, PARTNER_KEY)
        return connection_body(services, session, row.id)


def _config_body(row: ExpenseConfigRow) -> dict[str, Any]:
    return {
        "bankAccount": {"id": row.bank_account_id},
        "supplier": {"id": row.supplier_id},
        "customer": {"id": row.customer_id},
    }


@router.get(
    BASE + "/config",
    response_model=CompanyConfiguration,
    response_class=JSONBytes,
    operation_id="get-company-configuration",
    summary="Get company configuration",
)
def get_company_configuration(companyId: str, services: ServicesDep) -> Response:
    with services.sessions() as session:
        company = load_company(session, companyId)
        row = repo.config(session, company.id)
        if row is None:
            raise NotFoundError(
                f"Company {companyId} has no expense configuration yet; set it with "
                "POST /companies/{companyId}/sync/expenses/config."
            )
        return JSONBytes(_config_body(row))


@router.post(
    BASE + "/config",
    response_model=CompanyConfiguration,
    response_class=JSONBytes,
    operation_id="set-company-configuration",
    summary="Set company configuration",
)
def set_company_configuration(
    companyId: str, body: CompanyConfiguration, services: ServicesDep
) -> Response:
    """Sets the bank account card spend is paid from, and the supplier and customer used
    when a transaction names no contact. Each id must exist in the company's accounting
    data (as last pulled)."""
    with transaction(services.sessions) as session:
        company = load_company(session, companyId)
        connection = accounting_connection(services, session, company.id)
        refs = references(session, connection.id)
        checks = (
            ("bankAccount.id", body.bankAccount.id, refs.bank_accounts, "bankAccounts"),
            ("supplier.id", body.supplier.id, refs.suppliers, "suppliers"),
            ("customer.id", body.customer.id, refs.customers, "customers"),
        )
        problems = []
        for field, value, known, data_type in checks:
            if known is None:
                message = (
                    f"The company's {data_type} have not been pulled yet, so "
                    f"{value} cannot be checked; refresh {data_type} first."
                )
            elif value not in known:
                message = f"{value} is not one of the company's {data_type}."
            else:
                continue
            problems.append(
                ValidationItem(
                    message=message, item_id=field, validator_name="CompanyConfiguration"
                )
            )
        if problems:
            raise BadRequestError(
                "The configuration is invalid - "
                + "; ".join(f"{p.item_id}: {p.message}" for p in problems),
                validation=Validation(errors=tuple(problems)),
            )
        row = repo.save_config(
            session,
            company.id,
            bank_account=body.bankAccount.id,
            supplier=body.supplier.id,
            customer=body.customer.id,
        )
        return JSONBytes(_config_body(row))


@router.get(
    BASE + "/mappingOptions",
    response_model=MappingOptions,
    response_class=JSONBytes,
    operation_id="get-mapping-options",
    summary="Mapping options",
)
def get_mapping_options(companyId: str, services: ServicesDep) -> Response:
    """The accounts, tracking categories and tax rates expense lines may use, from the
    accounting data as last pulled; each account says which transaction types it takes
    (what the platform's create models accept)."""
    with services.sessions() as session:
        company = load_company(session, companyId)
        linked = repo.linked_connections(session, company.id, accounting_keys(services))
        if not linked:
            raise NotFoundError(
                f"Company {companyId} has no linked accounting connection to map expenses to."
            )
        connection = linked[0]
        partner = repo.partner_connection(session, company.id, PARTNER_KEY)
    platform = line_accounts(services, company.id, connection.id)
    with services.sessions() as session:
        accounts = repo.reference_records(session, connection.id, "chartOfAccounts")
        tracking = repo.reference_records(session, connection.id, "trackingCategories")
        rates = repo.reference_records(session, connection.id, "taxRates")
    connector = services.connectors.get(PARTNER_KEY)
    options = [rules.account_option(a, platform) for a in accounts or () if rules.is_usable(a)]
    return JSONBytes(
        {
            "expenseProvider": connector.name if partner is not None and connector else None,
            "accounts": [o for o in options if o is not None],
            "trackingCategories": [
                rules.tracking_category_option(t) for t in tracking or () if rules.is_usable(t)
            ],
            "taxRates": [rules.tax_rate_option(r) for r in rates or () if rules.is_usable(r)],
        }
    )
