"""The official ``codat-sync-for-payables`` 10.0.0 SDK (synchronous Bill pay), unchanged,
against a live ledgerport server and a linked sandbox company.

Every call would raise (SDKError, ResponseValidationError or a typed ErrorMessage) if a
status code (201 on creates), enum, required field or the continuation envelope drifted
from what the SDK accepts. Refreshes go through the ``codat-platform`` SDK, as a client
would; the queued pull is then run here (the test app runs no job consumer).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from codat_platform import CodatPlatform
from codat_sync_for_payables import CodatSyncPayables
from codat_sync_for_payables.models import errors, shared
from codat_sync_for_payables.utils.retries import RetryConfig

from ledgerport.domain.enums import ConnectionStatus
from ledgerport.services import Services
from ledgerport.sync.engine import Engine
from tests.factories import platform


@pytest.fixture
def payables(base_url: str, auth_header: str) -> CodatSyncPayables:
    return CodatSyncPayables(
        security=shared.Security(auth_header=auth_header),
        server_url=base_url,
        retry_config=RetryConfig("none", None, False),
        timeout_ms=20_000,
    )


def _refresh(codat: CodatPlatform, services: Services, company_id: str, data_type: str) -> None:
    pull = codat.refresh_data.by_data_type(
        request={"company_id": company_id, "data_type": data_type}
    )
    Engine(services).run(uuid.UUID(pull.id))
    done = codat.refresh_data.get_pull_operation(
        request={"company_id": company_id, "dataset_id": pull.id}
    )
    assert done.status.value == "Complete"


def test_bill_pay_with_the_official_sdk(
    payables: CodatSyncPayables, codat: CodatPlatform, services: Services
) -> None:
    company = platform.company(services, connections=(("mqjo", ConnectionStatus.LINKED),))
    scope = {"company_id": str(company.id), "connection_id": str(company.connections[0].id)}

    info = payables.company_information.get(request=scope)
    assert info.base_currency == "GBP"
    assert info.company_name

    options = payables.bills.get_bill_options(request=scope)
    account = next(a for a in options.accounts or [] if a and a.name == "Materials Purchased")
    tax = next(t for t in options.tax_rates or [] if t.effective_tax_rate == Decimal(20))
    active = payables.bills.get_bill_options(request={**scope, "status_query": "status=Active"})
    assert len(active.accounts or []) == len(options.accounts or [])
    payment_options = payables.bill_payments.get_payment_options(request=scope)
    [bank] = payment_options.bank_accounts or []
    assert bank is not None
    assert bank.account_type == shared.BankAccountType.DEBIT

    supplier = payables.suppliers.create(
        request={
            **scope,
            "idempotency_key": str(uuid.uuid4()),
            "supplier_prototype": {
                "supplier_name": "Kestrel Fixings Ltd",
                "email_address": "accounts@kestrel.example",
                "status": shared.SupplierStatus.ACTIVE,
                "default_currency": "GBP",
            },
        }
    )
    assert supplier.id
    assert supplier.supplier_name == "Kestrel Fixings Ltd"

    bill = payables.bills.create(
        request={
            **scope,
            "idempotency_key": str(uuid.uuid4()),
            "bill_prototype": {
                "reference": "KF-1001",
                "supplier_ref": {"id": supplier.id},
                "issue_date": "2026-11-02T00:00:00",
                "due_date": "2026-12-02T00:00:00",
                "currency": "GBP",
                "status": shared.BillStatus.OPEN,
                "line_items": [
                    {
                        "description": "Anchor bolts",
                        "unit_amount": Decimal("50.00"),
                        "quantity": Decimal(4),
                        "tax_amount": Decimal("40.00"),
                        "account_ref": {"id": account.id},
                        "tax_rate_ref": {"id": tax.id},
                    }
                ],
            },
        }
    )
    assert bill.id
    assert bill.status == shared.BillStatus.OPEN
    assert bill.total_amount == Decimal(240)

    attachment = payables.bills.upload_attachment(
        request={
            **scope,
            "bill_id": bill.id,
            "attachment_upload": {
                "file": {
                    "file_name": "kestrel.pdf",
                    "content": b"%PDF-1.4 kestrel",
                    "content_type": "application/pdf",
                }
            },
        }
    )
    assert attachment.id
    assert attachment.name == "kestrel.pdf"

    def pay(amount: str, date: str) -> None:
        paid = payables.bill_payments.create(
            request={
                **scope,
                "bill_id": bill.id,
                "idempotency_key": str(uuid.uuid4()),
                "bill_payment_prototype": {
                    "amount": Decimal(amount),
                    "date": date,
                    "account_ref": {"id": bank.id},
                    "reference": f"Kestrel {amount}",
                },
            }
        )
        assert paid.id
        assert paid.amount == Decimal(amount)

    def status() -> shared.BillStatus:
        page = payables.bills.list(request={**scope, "query": f"supplierRef.id={supplier.id}"})
        [found] = page.results or []
        return found.status

    pay("100", "2026-11-10T00:00:00")
    _refresh(codat, services, str(company.id), "bills")
    assert status() == shared.BillStatus.PARTIALLY_PAID
    pay("140", "2026-11-20T00:00:00")
    _refresh(codat, services, str(company.id), "bills")
    assert status() == shared.BillStatus.PAID

    files = payables.bills.list_attachments(request={**scope, "bill_id": bill.id})
    assert attachment.id in {f.id for f in files}
    download = payables.bills.download_attachment(
        request={**scope, "bill_id": bill.id, "attachment_id": attachment.id}
    )
    assert download.content == b"%PDF-1.4 kestrel"

    # Continuation paging through every bill.
    seen, token, pages = set(), None, 0
    while True:
        page = payables.bills.list(request={**scope, "continuation_token": token, "query": None})
        seen |= {b.id for b in page.results or []}
        pages += 1
        token = page.pagination.continuation_token if page.pagination else None
        if token is None:
            break
    assert pages > 1
    assert bill.id in seen

    _refresh(codat, services, str(company.id), "suppliers")
    suppliers = payables.suppliers.list(request={**scope, "query": "status=Active"})
    assert supplier.id in {s.id for s in suppliers.results or []}
    updated = payables.suppliers.update(
        request={
            **scope,
            "supplier_id": supplier.id,
            "supplier_prototype": {
                "supplier_name": "Kestrel Fixings Ltd",
                "phone": "0117 496 0000",
                "status": shared.SupplierStatus.ACTIVE,
            },
        }
    )
    assert updated.phone == "0117 496 0000"

    created = payables.bank_accounts.create(
        request={
            **scope,
            "idempotency_key": str(uuid.uuid4()),
            "bank_account_prototype": {
                "name": "Kestrel Payments Account",
                "account_type": shared.BankAccountType.DEBIT,
                "account_number": "0120 0440",
                "sort_code": "50-50-50",
                "currency": "GBP",
            },
        }
    )
    assert created.id
    assert created.name == "Kestrel Payments Account"

    with pytest.raises(errors.ErrorMessage) as refused:
        payables.bills.create(
            request={
                **scope,
                "bill_prototype": {
                    "supplier_ref": {"id": supplier.id},
                    "issue_date": "2026-11-02T00:00:00",
                    "due_date": "2026-12-02T00:00:00",
                    "currency": "GBP",
                    "status": shared.BillStatus.OPEN,
                    "line_items": [
                        {
                            "unit_amount": Decimal(1),
                            "quantity": Decimal(1),
                            "tax_amount": Decimal(0),
                            "account_ref": {"id": "acc-nope"},
                        }
                    ],
                },
            }
        )
    assert refused.value.data.status_code == 400
    with pytest.raises(errors.ErrorMessage) as bad_token:
        payables.bills.list(request={**scope, "continuation_token": "not-a-token"})
    assert bad_token.value.data.status_code == 400
    with pytest.raises(errors.ErrorMessage) as missing:
        payables.company_information.get(
            request={"company_id": str(uuid.uuid4()), "connection_id": scope["connection_id"]}
        )
    assert missing.value.data.status_code == 404
