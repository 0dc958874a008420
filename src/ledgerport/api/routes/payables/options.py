"""Sync for Payables v2 company information and mapping options: what a client shows
before it writes a bill or pays one (the company's name and currency; the accounts and
tax rates a bill line may be coded to; the bank accounts a bill may be paid from).

All of it is reference data, pulled in the request when the connection never has.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from ledgerport.api.deps import ServicesDep
from ledgerport.api.models import payables as v2
from ledgerport.api.models.common import ERROR_RESPONSES
from ledgerport.api.responses import JSONBytes
from ledgerport.api.routes.payables.common import (
    BASE,
    ContinuationToken,
    StatusQuery,
    linked_connection,
)
from ledgerport.api.routes.payables.mapping import (
    account_option,
    bank_account_out,
    for_bills,
    tax_rate_option,
)
from ledgerport.api.routes.payables.paging import decode_token, option_page, pagination
from ledgerport.api.routes.payables.reads import all_documents, ensure_pulled
from ledgerport.domain.enums import DataType

router = APIRouter(tags=["Bill pay"], responses=ERROR_RESPONSES)


@router.get(
    f"{BASE}/info",
    response_model=v2.CompanyInformation,
    response_class=JSONBytes,
    operation_id="payables-get-company-information",
    summary="Get company information",
)
def get_company_information(companyId: str, connectionId: str, services: ServicesDep) -> Response:
    """The company's name and base currency as its accounting platform holds them."""
    with services.sessions() as session:
        connection = linked_connection(session, companyId, connectionId)
    ensure_pulled(services, connection, DataType.COMPANY)
    with services.sessions() as session:
        documents = all_documents(session, connection, DataType.COMPANY)
    info = documents[0] if documents else {}
    return JSONBytes(
        {"companyName": info.get("companyName"), "baseCurrency": info.get("baseCurrency")}
    )


@router.get(
    f"{BASE}/mappingOptions/bills",
    response_model=v2.BillMappingOptions,
    response_class=JSONBytes,
    operation_id="payables-get-mapping-options-bills",
    summary="Mapping options (bills)",
)
def get_mapping_options_bills(
    companyId: str,
    connectionId: str,
    services: ServicesDep,
    continuation_token: ContinuationToken = None,
    status_query: StatusQuery = None,
) -> Response:
    """The accounts a bill line may be coded to, and the tax rates, with their status in
    payables' terms (Active or Archived)."""
    with services.sessions() as session:
        connection = linked_connection(session, companyId, connectionId)
    decode_token(continuation_token, "mappingOptions/bills", status_query)
    for data_type in (DataType.CHART_OF_ACCOUNTS, DataType.TAX_RATES):
        ensure_pulled(services, connection, data_type)
    with services.sessions() as session:
        accounts = [
            account_option(doc)
            for doc in all_documents(session, connection, DataType.CHART_OF_ACCOUNTS)
            if for_bills(doc)
        ]
        tax_rates = [
            tax_rate_option(doc)
            for doc in all_documents(session, connection, DataType.TAX_RATES)
            if doc.get("status") != "Pending"
        ]
    (accounts, tax_rates), token = option_page(
        "mappingOptions/bills", "Account", status_query, continuation_token, [accounts, tax_rates]
    )
    return JSONBytes({"accounts": accounts, "taxRates": tax_rates, "pagination": pagination(token)})


@router.get(
    f"{BASE}/mappingOptions/payments",
    response_model=v2.PaymentMappingOptions,
    response_class=JSONBytes,
    operation_id="payables-get-mapping-options-payments",
    summary="Mapping options (payments)",
)
def get_mapping_options_payments(
    companyId: str,
    connectionId: str,
    services: ServicesDep,
    continuation_token: ContinuationToken = None,
    status_query: StatusQuery = None,
) -> Response:
    """The bank accounts a bill may be paid from (a ``Pending`` one is left out)."""
    with services.sessions() as session:
        connection = linked_connection(session, companyId, connectionId)
    decode_token(continuation_token, "mappingOptions/payments", status_query)
    ensure_pulled(services, connection, DataType.BANK_ACCOUNTS)
    with services.sessions() as session:
        accounts = [
            bank_account_out(doc)
            for doc in all_documents(session, connection, DataType.BANK_ACCOUNTS)
            if doc.get("status") != "Pending"
        ]
    (accounts,), token = option_page(
        "mappingOptions/payments", "BankAccount", status_query, continuation_token, [accounts]
    )
    return JSONBytes({"bankAccounts": accounts, "pagination": pagination(token)})
