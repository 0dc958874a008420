"""Run by the ``codat-accounting`` 0.36.0 SDK's own virtual environment (it pins an
httpx and pydantic older than the project's), against a live ledgerport server:

    python accounting_scenario.py BASE_URL AUTH_HEADER COMPANY_ID CONNECTION_ID

Pages through invoices, bills, suppliers, customers, accounts and payments with a
query, reads one invoice with its line items, lists its attachments and downloads one,
then prints what it saw as one JSON object for the calling test to check against the
server. Imports nothing from ledgerport: this is what a customer's code would do.
"""

from __future__ import annotations

import hashlib
import json
import sys
from typing import Any

from codat_accounting import CodatAccounting
from codat_accounting.models import shared
from codat_accounting.utils import BackoffStrategy, RetryConfig


def page_all(list_call: Any, request: dict[str, Any], page_size: int = 100) -> list[Any]:
    """Every result of a list call, following pages until totalResults is reached."""
    results: list[Any] = []
    page = 1
    while True:
        response = list_call(request={**request, "page": page, "page_size": page_size})
        results.extend(response.results or [])
        if len(results) >= response.total_results or not response.results:
            return results
        page += 1


def main() -> None:
    base_url, auth_header, company_id, connection_id = sys.argv[1:5]
    sdk = CodatAccounting(
        security=shared.Security(auth_header=auth_header),
        server_url=base_url,
        retry_config=RetryConfig("backoff", BackoffStrategy(100, 1000, 1.5, 3000), False),
        timeout_ms=10_000,
    )
    company = {"company_id": company_id}
    seen: dict[str, Any] = {}

    invoices = page_all(sdk.invoices.list, {**company, "query": "status=Paid"})
    seen["paid_invoices"] = len(invoices)
    assert all(i.status == shared.InvoiceStatus.PAID for i in invoices)
    name = invoices[0].customer_ref.company_name
    by_customer = page_all(
        sdk.invoices.list,
        {**company, "query": f"customerRef.companyName={name}", "order_by": "-issueDate"},
    )
    seen["customer_name"] = name
    seen["customer_invoices"] = [i.id for i in by_customer]
    bills = page_all(sdk.bills.list, {**company, "query": "amountDue>0"})
    seen["open_bills"] = len(bills)
    assert all(b.amount_due is not None and b.amount_due > 0 for b in bills)
    seen["suppliers"] = len(page_all(sdk.suppliers.list, {**company, "query": "status=Active"}))
    seen["customers"] = len(page_all(sdk.customers.list, {**company, "query": "status=Active"}))
    seen["accounts"] = len(page_all(sdk.accounts.list, {**company, "query": "type=Income"}))
    seen["payments"] = len(page_all(sdk.payments.list, {**company, "query": "totalAmount>0"}))
    on_connection = {**company, "connection_id": connection_id}
    accounts = page_all(sdk.bank_accounts.list, on_connection)
    seen["bank_transactions"] = {
        account.id: len(
            page_all(
                sdk.bank_account_transactions.list,
                {**on_connection, "account_id": account.id},
            )
        )
        for account in accounts
    }

    invoice = sdk.invoices.get(request={**company, "invoice_id": by_customer[0].id})
    assert invoice is not None
    seen["invoice"] = {
        "id": invoice.id,
        "lines": len(invoice.line_items or []),
        "line_total": float(sum((line.total_amount or 0) for line in invoice.line_items or [])),
        "total": float(invoice.total_amount),
    }
    scoped = {**company, "connection_id": connection_id, "invoice_id": invoice.id}
    listed = sdk.invoices.list_attachments(request=scoped)
    assert listed is not None
    attachments = listed.attachments or []
    seen["attachments"] = [a.id for a in attachments]
    one = sdk.invoices.get_attachment(request={**scoped, "attachment_id": attachments[0].id})
    assert one is not None
    download = sdk.invoices.download_attachment(
        request={**scoped, "attachment_id": attachments[0].id}
    )
    assert download is not None
    content = download.read()
    seen["download"] = {
        "size": len(content),
        "declared_size": one.file_size,
        "sha256": hashlib.sha256(content).hexdigest(),
        "starts": content[:5].decode("latin-1"),
    }
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
