"""Codat-shaped ledger documents for tests: a small UK company's chart of accounts,
journal entries built from (account, amount) pairs, and the documents that go with them
(invoices, bills, credit notes, payments), each internally consistent unless a test
breaks it on purpose.

``trading_year()`` is a worked example whose statements are checked by hand in the
tests; ``random_ledger()`` is a balanced ledger of any size for properties and timing.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

D = Decimal


def account(
    account_id: str,
    name: str,
    kind: str,
    category: str | None,
    *,
    bank: bool = False,
    currency: str = "GBP",
) -> dict[str, Any]:
    return {
        "id": account_id,
        "nominalCode": account_id,
        "name": name,
        "description": None,
        "fullyQualifiedCategory": category,
        "fullyQualifiedName": f"{category}.{name}" if category else None,
        "currency": currency,
        "currentBalance": None,
        "type": kind,
        "status": "Active",
        "isBankAccount": bank,
        "validDatatypeLinks": [],
        "metadata": {"isDeleted": False},
        "modifiedDate": "2024-03-01T00:00:00Z",
        "sourceModifiedDate": "2024-03-01T00:00:00",
    }


BANK, SAVINGS, RECEIVABLE, EQUIPMENT = "1200", "1210", "1100", "0030"
PAYABLE, VAT, LOAN = "2100", "2200", "2900"
CAPITAL, RETAINED = "3000", "3200"
SALES, INTEREST_IN = "4000", "4900"
PURCHASES, RENT, ADVERTISING, INTEREST_OUT = "5000", "6000", "6100", "7900"


def chart() -> list[dict[str, Any]]:
    return [
        account(BANK, "Business Current Account", "Asset", "Asset.Current.Bank", bank=True),
        account(SAVINGS, "Savings Account", "Asset", "Asset.Current.Bank", bank=True),
        account(RECEIVABLE, "Accounts Receivable", "Asset", "Asset.Current"),
        account(EQUIPMENT, "Office Equipment", "Asset", "Asset.Fixed"),
        account(PAYABLE, "Accounts Payable", "Liability", "Liability.Current"),
        account(VAT, "VAT", "Liability", "Liability.Current"),
        account(LOAN, "Loan", "Liability", "Liability.NonCurrent"),
        account(CAPITAL, "Share Capital", "Equity", "Equity.Owners"),
        account(RETAINED, "Retained Earnings", "Equity", "Equity.RetainedEarnings"),
        account(SALES, "Sales", "Income", "Income.Revenue"),
        account(INTEREST_IN, "Interest Income", "Income", "Income.Other"),
        account(PURCHASES, "Purchases", "Expense", "Expense.CostOfSales"),
        account(RENT, "Rent", "Expense", "Expense.Operating"),
        account(ADVERTISING, "Advertising", "Expense", "Expense.Operating"),
        account(INTEREST_OUT, "Bank Interest Paid", "Expense", "Expense.Other"),
    ]


def entry(
    entry_id: str, posted: str | None, lines: Iterable[tuple[str, str | float]], **extra: Any
) -> dict[str, Any]:
    names = {a["id"]: a["name"] for a in chart()}
    doc: dict[str, Any] = {
        "id": entry_id,
        "description": f"Entry {entry_id}",
        "postedOn": f"{posted}T00:00:00" if posted else None,
        "createdOn": None,
        "updatedOn": None,
        "journalRef": {"id": "general"},
        "journalLines": [
            {
                "description": None,
                "netAmount": float(D(str(amount))),
                "currency": "GBP",
                "accountRef": {"id": account_id, "name": names.get(account_id, account_id)},
            }
            for account_id, amount in lines
        ],
        "metadata": {"isDeleted": False},
        "modifiedDate": "2024-03-01T00:00:00Z",
        "sourceModifiedDate": "2024-03-01T00:00:00",
    }
    doc.update(extra)
    return doc


def trading_year() -> list[dict[str, Any]]:
    """November 2023 to February 2024, financial year from January. By hand, at the end
    of January 2024: bank 9605, savings 1000, equipment 2000 (assets 12605); payables
    360, VAT 140, loan 2000 (liabilities 2500); capital 10000, retained earnings 500
    (2023's profit), current year earnings -395 (equity 10105)."""
    return [
        entry("je-01", "2023-11-15", [(BANK, 10000), (CAPITAL, -10000)]),
        entry("je-02", "2023-12-10", [(RECEIVABLE, 1200), (SALES, -1000), (VAT, -200)]),
        entry("je-03", "2023-12-20", [(RENT, 500), (BANK, -500)]),
        entry("je-04", "2024-01-05", [(BANK, 1200), (RECEIVABLE, -1200)]),
        entry("je-05", "2024-01-10", [(PURCHASES, 300), (VAT, 60), (PAYABLE, -360)]),
        entry("je-06", "2024-01-15", [(EQUIPMENT, 2000), (LOAN, -2000)]),
        entry("je-07", "2024-01-20", [(ADVERTISING, 100), (BANK, -100)]),
        entry("je-08", "2024-01-25", [(SAVINGS, 1000), (BANK, -1000)]),
        entry("je-09", "2024-01-31", [(BANK, 10), (INTEREST_IN, -10)]),
        entry("je-10", "2024-01-31", [(INTEREST_OUT, 5), (BANK, -5)]),
        entry("je-11", "2024-02-10", [(PAYABLE, 360), (BANK, -360)]),
        entry("je-12", "2024-02-15", [(RECEIVABLE, 600), (SALES, -500), (VAT, -100)]),
    ]


def random_ledger(entries: int, *, seed: int = 1, months: int = 24) -> list[dict[str, Any]]:
    """Balanced journal entries of two to four lines over ``months`` months from
    January 2022, some through the bank and some not."""
    rng = random.Random(seed)
    ids = [a["id"] for a in chart()]
    non_bank = [i for i in ids if i not in (BANK, SAVINGS)]
    docs = []
    for n in range(entries):
        month = rng.randrange(months)
        posted = f"{2022 + month // 12}-{month % 12 + 1:02d}-{rng.randint(1, 28):02d}"
        first = BANK if rng.random() < 0.6 else rng.choice(non_bank)
        others = rng.sample([i for i in ids if i != first], rng.randint(1, 3))
        amounts = [D(rng.randint(-50_000, 50_000)) / 100 for _ in others]
        lines = [(first, -sum(amounts, D(0))), *zip(others, amounts, strict=True)]
        docs.append(entry(f"je-{n:06d}", posted, [(a, str(v)) for a, v in lines]))
    return docs


# -- receivables and payables ---------------------------------------------------------

_TAX_FIELD = {"bills": "taxAmount"}
_OUTSTANDING = {"creditNotes": "remainingCredit", "billCreditNotes": "remainingCredit"}
_OPEN = {"bills": "Open"}


def document(
    data_type: str,
    doc_id: str,
    lines: Sequence[tuple[str, str]],
    *,
    allocated: Sequence[str] = (),
    status: str | None = None,
    currency_rate: float | None = 1,
    **overrides: Any,
) -> dict[str, Any]:
    """An invoice, credit note, bill or bill credit note whose lines are (subTotal,
    taxAmount) pairs, totals and what is due derived from them, status to match."""
    line_items = [
        {
            "description": f"Line {n}",
            "unitAmount": float(D(sub)),
            "quantity": 1,
            "discountAmount": 0,
            "subTotal": float(D(sub)),
            "taxAmount": float(D(tax)),
            "totalAmount": float(D(sub) + D(tax)),
            "accountRef": {"id": SALES if "bill" not in data_type.lower() else PURCHASES},
        }
        for n, (sub, tax) in enumerate(lines, start=1)
    ]
    sub_total = sum((D(s) for s, _ in lines), D(0))
    tax = sum((D(t) for _, t in lines), D(0))
    total = sub_total + tax
    paid = sum((D(a) for a in allocated), D(0))
    due = total - paid
    if status is None:
        status = "Paid" if due == 0 else _OPEN.get(data_type, "Submitted")
        if 0 < paid < total:
            status = "PartiallyPaid"
    doc: dict[str, Any] = {
        "id": doc_id,
        "issueDate": "2024-01-10T00:00:00",
        "currency": "GBP",
        "currencyRate": currency_rate,
        "lineItems": line_items,
        "paymentAllocations": [
            {
                "payment": {"id": f"pay-{doc_id}-{n}", "totalAmount": float(D(a))},
                "allocation": {"totalAmount": float(D(a)), "currency": "GBP"},
            }
            for n, a in enumerate(allocated)
        ],
        "subTotal": float(sub_total),
        _TAX_FIELD.get(data_type, "totalTaxAmount"): float(tax),
        "totalAmount": float(total),
        _OUTSTANDING.get(data_type, "amountDue"): float(due),
        "status": status,
        "metadata": {"isDeleted": False},
    }
    if data_type in _OUTSTANDING:
        doc.update(totalDiscount=0, discountPercentage=0)
    doc.update(overrides)
    return doc


def payment(
    doc_id: str, links: Sequence[tuple[str, str]], *, link_type: str = "Invoice", **overrides: Any
) -> dict[str, Any]:
    """A payment (or, with ``link_type="Bill"``, a bill payment) with one line per
    (document id, amount) pair, each line offset by its link as Codat requires."""
    lines = [
        {
            "amount": float(D(amount)),
            "links": [{"type": link_type, "id": target, "amount": -float(D(amount))}],
            "allocatedOnDate": "2024-01-05T00:00:00",
        }
        for target, amount in links
    ]
    doc: dict[str, Any] = {
        "id": doc_id,
        "date": "2024-01-05T00:00:00",
        "currency": "GBP",
        "currencyRate": 1,
        "totalAmount": float(sum((D(a) for _, a in links), D(0))),
        "lines": lines,
        "accountRef": {"id": BANK},
        "metadata": {"isDeleted": False},
    }
    doc.update(overrides)
    return doc


def trading_year_documents() -> dict[str, list[dict[str, Any]]]:
    """The invoices, bills and payments behind :func:`trading_year`: at its end 600 is
    owed by customers and nothing to suppliers, as the control accounts say."""
    return {
        "invoices": [
            document("invoices", "inv-1", [("1000", "200")], allocated=["1200"]),
            document("invoices", "inv-2", [("500", "100")]),
        ],
        "bills": [document("bills", "bill-1", [("300", "60")], allocated=["360"])],
        "payments": [payment("pay-1", [("inv-1", "1200")])],
        "billPayments": [payment("bp-1", [("bill-1", "360")], link_type="Bill")],
    }
