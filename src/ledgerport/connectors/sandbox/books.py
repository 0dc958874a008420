"""The sandbox's books: a believable small business, generated from a seed.

Deterministic (the same connection always sees the same business), so tests and demos
are repeatable. This first version keeps customers and invoices, with line items, VAT
and payment allocations that agree (``amountDue`` = total - what was allocated, the
status follows from both). Suppliers, bills, the ledger and the rest, with books that
balance, are still to come (issue 3), and the connector only declares what exists here.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from ledgerport.domain.accounting.receivables import Customer, Invoice

CENT = Decimal("0.01")
VAT = Decimal("0.20")
AS_OF = datetime(2026, 10, 31, tzinfo=UTC)  # the books' "today": fixed, so output is too

_FIRST = (
    "Acme",
    "Birch",
    "Cobalt",
    "Dunmore",
    "Elm",
    "Fairway",
    "Granite",
    "Harbour",
    "Ivy",
    "Juniper",
    "Kestrel",
    "Larch",
    "Meridian",
    "Northgate",
    "Oakridge",
    "Pinnacle",
    "Quarry",
    "Riverside",
    "Summit",
    "Thornbury",
    "Upland",
    "Vale",
    "Westbrook",
    "Yarrow",
    "Zenith",
)
_SECOND = (
    "Bakery",
    "Builders",
    "Consulting",
    "Dental",
    "Engineering",
    "Florists",
    "Garage",
    "Hair",
    "Interiors",
    "Joinery",
)
_SERVICES = (
    "Consulting day",
    "Design work",
    "Monthly retainer",
    "Installation",
    "Maintenance visit",
    "Training session",
    "Materials",
    "Delivery",
)


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT)


@dataclass(frozen=True)
class Books:
    customers: tuple[dict[str, Any], ...]
    invoices: tuple[dict[str, Any], ...]


def _iso(moment: datetime) -> str:
    return moment.replace(tzinfo=None).isoformat()


def _customer(rng: random.Random, n: int) -> dict[str, Any]:
    name = f"{_FIRST[n % len(_FIRST)]} {_SECOND[(n * 7) % len(_SECOND)]} Ltd"
    created = AS_OF - timedelta(days=730 + rng.randint(0, 60))
    doc = {
        "id": f"cus-{n:04d}",
        "customerName": name,
        "contactName": f"Owner of {name}",
        "emailAddress": f"accounts@{name.split()[0].lower()}{n}.example",
        "defaultCurrency": "GBP",
        "status": "Active",
        "addresses": [
            {
                "type": "Billing",
                "line1": f"{n + 1} High Street",
                "city": "Bristol",
                "country": "GB",
                "postalCode": "BS1 4DJ",
            }
        ],
        "sourceModifiedDate": created.isoformat().replace("+00:00", "Z"),
        "metadata": {"isDeleted": False},
    }
    return Customer.model_validate(doc).model_dump(mode="json", by_alias=True)


def _invoice(rng: random.Random, n: int, customer: dict[str, Any]) -> dict[str, Any]:
    issued = AS_OF - timedelta(days=rng.randint(0, 729))
    issued = issued.replace(hour=0, minute=0, second=0, microsecond=0)
    due = issued + timedelta(days=30)
    lines, subtotal, tax = [], Decimal(0), Decimal(0)
    for _ in range(rng.randint(1, 3)):
        unit = _money(Decimal(rng.randint(5000, 200000)) / 100)
        quantity = Decimal(rng.randint(1, 5))
        line_sub = _money(unit * quantity)
        line_tax = _money(line_sub * VAT)
        subtotal, tax = subtotal + line_sub, tax + line_tax
        lines.append(
            {
                "description": rng.choice(_SERVICES),
                "unitAmount": unit,
                "quantity": quantity,
                "subTotal": line_sub,
                "taxAmount": line_tax,
                "totalAmount": line_sub + line_tax,
                "accountRef": {"id": "acc-4000", "name": "Sales"},
                "taxRateRef": {"id": "tax-20", "name": "VAT 20%", "effectiveTaxRate": 20},
            }
        )
    total = subtotal + tax
    age = (AS_OF - due).days
    roll = rng.random()
    status, paid, allocations = "Submitted", Decimal(0), []
    if roll < 0.04:
        status = "Draft"
    elif roll < 0.08:
        status = "Void"
    elif age > 0 and roll < 0.80:  # most overdue invoices have been paid by now
        paid = total if roll < 0.70 else _money(total * Decimal(rng.randint(20, 80)) / 100)
    paid_on = issued
    if paid:
        paid_on = due - timedelta(days=rng.randint(0, 25))
        allocations.append(
            {
                "payment": {
                    "id": f"pay-{n:05d}",
                    "currency": "GBP",
                    "totalAmount": paid,
                    "paidOnDate": _iso(paid_on),
                    "accountRef": {"id": "acc-1200", "name": "Business Current Account"},
                },
                "allocation": {
                    "currency": "GBP",
                    "totalAmount": paid,
                    "allocatedOnDate": _iso(paid_on),
                },
            }
        )
        status = "Paid" if paid == total else "PartiallyPaid"
    amount_due = Decimal(0) if status in ("Void", "Paid") else total - paid
    # The last time the source touched it: issued, or paid later.
    changed = paid_on if paid else issued
    doc = {
        "id": f"inv-{n:05d}",
        "invoiceNumber": f"INV-{n:05d}",
        "customerRef": {"id": customer["id"], "companyName": customer["customerName"]},
        "issueDate": _iso(issued),
        "dueDate": _iso(due),
        "paidOnDate": allocations[0]["payment"]["paidOnDate"] if status == "Paid" else None,
        "currency": "GBP",
        "currencyRate": 1,
        "lineItems": lines,
        "paymentAllocations": allocations,
        "subTotal": subtotal,
        "totalTaxAmount": tax,
        "totalDiscount": 0,
        "totalAmount": total,
        "amountDue": amount_due,
        "status": status,
        "sourceModifiedDate": changed.isoformat().replace("+00:00", "Z"),
        "metadata": {"isDeleted": False},
    }
    return Invoice.model_validate(doc).model_dump(mode="json", by_alias=True)


@functools.lru_cache(maxsize=16)
def books(seed: str, customers: int = 50, invoices: int = 1500) -> Books:
    """The business for ``seed`` (a connection id): the same every time it is asked."""
    rng = random.Random(seed)
    customer_docs = tuple(_customer(rng, n) for n in range(customers))
    # A few customers bring most of the work, as in a real small business (Zipf-like).
    weights = [1 / (rank + 1) for rank in range(customers)]
    invoice_docs = tuple(
        _invoice(rng, n, rng.choices(customer_docs, weights)[0]) for n in range(1, invoices + 1)
    )
    return Books(customers=customer_docs, invoices=invoice_docs)
