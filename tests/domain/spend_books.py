"""A small hand-built set of payables, with answers worked out by hand in the tests:
a monthly landlord (recurring, always on time), a supplier paid late once and owing an
overdue and an upcoming bill, a supplier with a duplicate bill (and a void copy, and a
same-amount bill too far apart to be one), and a US supplier in dollars (one bill with
a rate, one without). Today is 2025-06-15; the window is 2024-07-01 to 2025-06-15."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

TODAY = date(2025, 6, 15)


def _iso(day: date) -> str:
    return f"{day.isoformat()}T00:00:00"


def bill(
    bill_id: str,
    supplier: str,
    issued: date,
    total: float,
    *,
    due_days: int = 30,
    status: str = "Paid",
    paid_on: date | None = None,
    due: float = 0.0,
    currency: str = "GBP",
    rate: float | None = 1.0,
    account: str | None = "acc-rent",
    deleted: bool = False,
    reference: str | None = None,
) -> dict[str, Any]:
    allocations = []
    if paid_on is not None:
        allocations.append(
            {
                "allocation": {"allocatedOnDate": _iso(paid_on), "totalAmount": total - due},
                "payment": {"id": f"pay-{bill_id}", "paidOnDate": _iso(paid_on)},
            }
        )
    return {
        "id": bill_id,
        "supplierRef": {"id": supplier, "supplierName": supplier.upper()},
        "issueDate": _iso(issued),
        "dueDate": _iso(issued + timedelta(days=due_days)),
        "status": status,
        "currency": currency,
        "currencyRate": rate,
        "totalAmount": total,
        "amountDue": due,
        "reference": reference or f"REF-{bill_id}",
        "lineItems": [{"accountRef": {"id": account} if account else None, "totalAmount": total}],
        "paymentAllocations": allocations,
        "metadata": {"isDeleted": deleted},
    }


def payment(
    bill_doc: dict[str, Any], on: date, method: str, amount: float | None = None
) -> dict[str, Any]:
    value = bill_doc["totalAmount"] if amount is None else amount
    return {
        "id": f"pay-{bill_doc['id']}",
        "supplierRef": {"id": bill_doc["supplierRef"]["id"]},
        "date": _iso(on),
        "currency": bill_doc["currency"],
        "currencyRate": bill_doc["currencyRate"],
        "totalAmount": value,
        "paymentMethodRef": {"id": method},
        "lines": [
            {"amount": value, "links": [{"type": "Bill", "id": bill_doc["id"], "amount": -value}]}
        ],
        "metadata": {"isDeleted": False},
    }


def dataset() -> dict[str, Any]:
    bills, payments = [], []
    # Alpha: rent of 1,000 on the 1st of every month, paid by transfer 20 days later.
    for n in range(12):
        year, month = (2024, 7 + n) if n < 6 else (2025, n - 5)
        issued = date(year, month, 1)
        paid = issued + timedelta(days=20)
        doc = bill(f"a-{n:02d}", "alpha", issued, 1000.0, paid_on=paid if paid <= TODAY else None)
        if paid > TODAY:  # June's rent is still due (in 16 days)
            doc.update(status="Open", amountDue=1000.0)
        bills.append(doc)
        if paid <= TODAY:
            payments.append(payment(doc, paid, "pm-bacs"))
    # Outside the window, deleted: never counted.
    bills.append(bill("a-old", "alpha", date(2024, 5, 1), 1000.0, paid_on=date(2024, 5, 21)))
    bills.append(bill("a-del", "alpha", date(2025, 2, 3), 1000.0, deleted=True))
    # Beta: one bill paid 10 days late by card, one overdue, one upcoming, one draft.
    b1 = bill(
        "b-1", "beta", date(2024, 9, 10), 600.0, paid_on=date(2024, 10, 20), account="acc-tools"
    )
    bills.append(b1)
    payments.append(payment(b1, date(2024, 10, 20), "pm-card"))
    bills.append(
        bill("b-2", "beta", date(2025, 1, 15), 400.0, status="Open", due=400.0, account="acc-tools")
    )
    bills.append(
        bill("b-3", "beta", date(2025, 6, 1), 300.0, due_days=24, status="Open", due=300.0)
    )
    bills.append(bill("b-4", "beta", date(2025, 6, 2), 999.0, status="Draft", due=999.0))
    # Gamma: 250 on 10 and 12 March (a duplicate), a void copy on the 11th, another 250
    # on the 20th (8 days on: not a duplicate). Lines on an account not in the chart.
    for bill_id, day, status in (("g-1", 10, "Paid"), ("g-2", 12, "Open"), ("g-3", 20, "Open")):
        doc = bill(
            bill_id,
            "gamma",
            date(2025, 3, day),
            250.0,
            status=status,
            due=0.0 if status == "Paid" else 250.0,
            paid_on=date(2025, 3, 30) if status == "Paid" else None,
            account="acc-missing",
        )
        bills.append(doc)
        if status == "Paid":
            payments.append(payment(doc, date(2025, 3, 30), "pm-card"))
    bills.append(bill("g-void", "gamma", date(2025, 3, 11), 250.0, status="Void"))
    # Delta, in dollars: $500 at 0.8 (£400) paid on time; $700 with no rate.
    d1 = bill(
        "d-1",
        "delta",
        date(2025, 4, 1),
        500.0,
        currency="USD",
        rate=0.8,
        paid_on=date(2025, 4, 15),
        account=None,
    )
    bills.append(d1)
    payments.append(payment(d1, date(2025, 4, 15), "pm-bacs"))
    bills.append(bill("d-2", "delta", date(2025, 4, 2), 700.0, currency="USD", rate=None))
    credit_notes = [
        {
            "id": "cn-1",
            "supplierRef": {"id": "beta"},
            "issueDate": "2025-02-01T00:00:00",
            "status": "Submitted",
            "currency": "GBP",
            "totalAmount": 100.0,
        }
    ]
    suppliers = [
        {"id": s, "supplierName": s.title(), "emailAddress": f"{s}@example.com", "phone": "0"}
        for s in ("alpha", "beta", "gamma", "delta", "idle")
    ]
    accounts = [
        {
            "id": "acc-rent",
            "name": "Rent",
            "nominalCode": "7100",
            "fullyQualifiedCategory": "Expense.Overheads",
        },
        {
            "id": "acc-tools",
            "name": "Tools",
            "nominalCode": "5000",
            "fullyQualifiedCategory": "Expense.CostOfSales",
        },
    ]
    methods = [
        {"id": "pm-bacs", "type": "BankTransfer"},
        {"id": "pm-card", "type": "CreditCard"},
    ]
    return {
        "bills": bills,
        "billPayments": payments,
        "billCreditNotes": credit_notes,
        "suppliers": suppliers,
        "accounts": accounts,
        "paymentMethods": methods,
        "directCosts": [
            {
                "id": "dc-1",
                "contactRef": {"id": "alpha", "dataType": "suppliers"},
                "issueDate": "2025-05-05T00:00:00",
                "currency": "GBP",
                "totalAmount": 50.0,
            }
        ],
        "company": {"baseCurrency": "GBP"},
    }
