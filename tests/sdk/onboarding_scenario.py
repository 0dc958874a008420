"""The seeds' supplier-onboarding flow, run by the ``codat-accounting`` 0.36.0 SDK from
its own virtual environment against a live ledgerport server:

    python onboarding_scenario.py BASE_URL AUTH_HEADER COMPANY_ID CONNECTION_ID

Finds a customer's unpaid invoice (invoices filtered by customer), lists the bank
accounts and creates one to deposit into, pushes a payment from it that settles the
invoice and waits until the invoice reads ``Paid``, then pushes a credit note for a
refund. Push operations are polled over plain HTTP (the 0.36.0 SDK has no
get-push-operation; Codat's platform SDK does). Prints what it saw as one JSON object.
Imports nothing from ledgerport: this is what a customer's code would do.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from typing import Any

import httpx
from codat_accounting import CodatAccounting
from codat_accounting.models import shared
from codat_accounting.utils import BackoffStrategy, RetryConfig

TODAY = datetime.now(UTC).strftime("%Y-%m-%dT00:00:00")


def wait_for(check: Any, what: str, seconds: float = 90) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise SystemExit(f"timed out waiting for {what}")


def main() -> None:
    base_url, auth_header, company_id, connection_id = sys.argv[1:5]
    sdk = CodatAccounting(
        security=shared.Security(auth_header=auth_header),
        server_url=base_url,
        retry_config=RetryConfig("backoff", BackoffStrategy(100, 1000, 1.5, 3000), False),
        timeout_ms=10_000,
    )
    api = httpx.Client(base_url=base_url, headers={"Authorization": auth_header}, timeout=10)
    company = {"company_id": company_id}
    on_connection = {**company, "connection_id": connection_id}
    seen: dict[str, Any] = {}

    def settled(key: str) -> dict[str, Any]:
        def check() -> dict[str, Any] | None:
            op = api.get(f"/companies/{company_id}/push/{key}").json()
            return op if op["status"] != "Pending" else None

        return wait_for(check, f"push operation {key}")  # type: ignore[no-any-return]

    # 1. The customer's unpaid invoices.
    unpaid = sdk.invoices.list(
        request={**company, "query": "status=Submitted&&amountDue>0", "order_by": "-issueDate"}
    )
    assert unpaid is not None
    assert unpaid.results
    invoice = unpaid.results[0]
    customer_id = invoice.customer_ref.id
    by_customer = sdk.invoices.list(
        request={**company, "query": f"customerRef.id={customer_id}", "page_size": 500}
    )
    assert by_customer is not None
    seen["customer_id"] = customer_id
    seen["customer_invoices"] = sorted(i.id for i in by_customer.results or [])
    seen["invoice"] = {"id": invoice.id, "amount_due": float(invoice.amount_due)}

    # 2. Bank accounts: list them, and create the one the customer pays into.
    before = sdk.bank_accounts.list(request={**on_connection, "page_size": 100})
    assert before is not None
    seen["bank_accounts_before"] = sorted(a.id for a in before.results or [])
    created = sdk.bank_accounts.create(
        request={
            **on_connection,
            "bank_account": {
                "account_name": "Customer receipts",
                "account_type": shared.BankAccountType.DEBIT,
                "account_number": "41234567",
                "sort_code": "40-47-84",
                "currency": "GBP",
                "nominal_code": "1210",
            },
        }
    )
    assert created is not None
    seen["bank_push_status"] = created.status.value
    bank_op = settled(created.push_operation_key)
    seen["bank_op"] = {"status": bank_op["status"], "id": bank_op["data"]["id"]}
    bank_id = bank_op["data"]["id"]

    def bank_listed() -> bool:
        page = sdk.bank_accounts.list(request={**on_connection, "page_size": 100})
        return bool(page and any(a.id == bank_id for a in page.results or []))

    wait_for(bank_listed, "the new bank account to be pulled")  # allowSyncOnPushComplete

    # 3. A payment into it that settles the invoice.
    amount = float(invoice.amount_due)
    payment = sdk.payments.create(
        request={
            **on_connection,
            "payment": {
                "customer_ref": {"id": customer_id},
                "account_ref": {"id": bank_id},
                "total_amount": amount,
                "currency": "GBP",
                "date": TODAY,
                "reference": f"Settles {invoice.invoice_number}",
                "lines": [
                    {
                        "amount": amount,
                        "links": [{"type": "Invoice", "id": invoice.id, "amount": -amount}],
                    }
                ],
            },
        }
    )
    assert payment is not None
    payment_op = settled(payment.push_operation_key)
    seen["payment_op"] = {"status": payment_op["status"], "id": payment_op["data"]["id"]}

    def paid() -> Any:
        current = sdk.invoices.get(request={**company, "invoice_id": invoice.id})
        return current if current and current.status == shared.InvoiceStatus.PAID else None

    after = wait_for(paid, "the invoice to read Paid")
    seen["invoice_after"] = {"status": after.status.value, "amount_due": float(after.amount_due)}

    # 4. A credit note for a refund.
    income = sdk.accounts.list(request={**company, "query": "type=Income"})
    rates = sdk.tax_rates.list(request={**company, "query": "effectiveTaxRate=20"})
    assert income
    assert income.results
    assert rates
    assert rates.results
    note = sdk.credit_notes.create(
        request={
            **on_connection,
            "credit_note": {
                "customer_ref": {"id": customer_id},
                "issue_date": TODAY,
                "currency": "GBP",
                "status": shared.CreditNoteStatus.SUBMITTED,
                "line_items": [
                    {
                        "description": "Refund: call-out charge",
                        "unit_amount": 50.0,
                        "quantity": 1.0,
                        "tax_amount": 10.0,
                        "sub_total": 50.0,
                        "total_amount": 60.0,
                        "account_ref": {"id": income.results[0].id},
                        "tax_rate_ref": {"id": rates.results[0].id},
                    }
                ],
                "sub_total": 50.0,
                "total_tax_amount": 10.0,
                "total_amount": 60.0,
                "total_discount": 0.0,
                "discount_percentage": 0.0,
                "remaining_credit": 60.0,
                "note": "Refund agreed with the customer",
            },
        }
    )
    assert note is not None
    note_op = settled(note.push_operation_key)
    seen["credit_note_op"] = {
        "status": note_op["status"],
        "id": note_op["data"]["id"],
        "total": note_op["data"]["totalAmount"],
    }

    def note_pulled() -> Any:
        page = sdk.credit_notes.list(request={**company, "query": f"id={note_op['data']['id']}"})
        return page.results[0] if page and page.results else None

    pulled = wait_for(note_pulled, "the credit note to be pulled")
    seen["credit_note"] = {
        "status": pulled.status.value,
        "total": float(pulled.total_amount),
        "remaining": float(pulled.remaining_credit),
        "customer": pulled.customer_ref.id if pulled.customer_ref else None,
    }
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
