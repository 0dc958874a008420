"""Writes to Invoice, CreditMemo, Bill and VendorCredit: lines checked against the
ledger (items, accounts, tax codes, classes), VAT worked out per line from the tax
code's rate (UK QBO refuses a line without a VAT code), totals and Balance computed
by the simulator whatever the client sent (QBO overwrites ``TotalAmt``), a DocNumber
unique per entity for sales documents (6140), and what was already paid kept when a
document is updated."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ledgerport.connectors.sandbox import catalog as c
from ledgerport.simulators.qbo import faults
from ledgerport.simulators.qbo.dates import txn_date
from ledgerport.simulators.qbo.entities import from_sandbox
from ledgerport.simulators.qbo.mapping.common import GBP_REF, Json
from ledgerport.simulators.qbo.writes.common import (
    CENT,
    WriteContext,
    a_date,
    money,
    optional_money,
    plus_days,
    ref_to,
    referenced,
)

SALES = frozenset({"Invoice", "CreditMemo"})
_PASSTHROUGH = frozenset(
    {
        "PrivateNote",
        "CustomerMemo",
        "BillEmail",
        "BillAddr",
        "ShipAddr",
        "SalesTermRef",
        "PrintStatus",
        "EmailStatus",
        "VendorAddr",
        "ShipDate",
        "TrackingNum",
    }
)
_DUE_DAYS = 30


def _tax_rate(ctx: WriteContext, code: Json, sales: bool) -> tuple[Json, Decimal]:
    """The TaxRate a tax code applies to sales or purchases, and its percentage."""
    key = "SalesTaxRateList" if sales else "PurchaseTaxRateList"
    details = (code.get(key) or {}).get("TaxRateDetail") or []
    if not details:
        raise faults.business(f"Tax code {code['Name']} cannot be used here.", "TaxCodeRef")
    rate = ctx.ledger.get("TaxRate", details[0]["TaxRateRef"]["value"])
    if rate is None:
        raise faults.invalid_reference("TaxCodeRef", "TaxRate", details[0]["TaxRateRef"]["value"])
    return rate, Decimal(str(rate.get("RateValue", 0)))


def _line(
    ctx: WriteContext, entity: str, raw: Any, n: int, taxed: bool, totals: dict[str, list[Any]]
) -> Json | None:
    sales = entity in SALES
    if not isinstance(raw, dict):
        raise faults.invalid_request("Line must be an object", "Line")
    kind = raw.get("DetailType")
    if kind in ("SubTotalLineDetail", "DescriptionOnly"):
        return None  # QBO recomputes the subtotal; a description line carries no money
    allowed = (
        ("SalesItemLineDetail",)
        if sales
        else ("AccountBasedExpenseLineDetail", "ItemBasedExpenseLineDetail")
    )
    if kind is None:
        raise faults.required("Line.DetailType")
    if kind not in allowed:
        raise faults.QboFault(
            faults.INVALID_ENUMERATION,
            "Invalid Enumeration",
            f"Invalid Enumeration : {kind} is not a line type of {entity}",
            "Line.DetailType",
        )
    detail: Json = dict(raw.get(kind) or {})
    qty = optional_money(detail.get("Qty"), "Line.Qty")
    price = optional_money(detail.get("UnitPrice"), "Line.UnitPrice")
    if raw.get("Amount") is None and qty is not None and price is not None:
        amount = (qty * price).quantize(CENT, ROUND_HALF_UP)
    else:
        amount = money(raw.get("Amount"), "Line.Amount")
    out: Json = {}
    item = referenced(ctx, detail, "ItemRef", "Item", required=kind == "ItemBasedExpenseLineDetail")
    if item is not None:
        out["ItemRef"] = ref_to(item)
    if kind == "AccountBasedExpenseLineDetail":
        out["AccountRef"] = ref_to(_checked(referenced(ctx, detail, "AccountRef", "Account")))
    if sales and item is not None and item.get("IncomeAccountRef"):
        out["ItemAccountRef"] = item["IncomeAccountRef"]
    klass = referenced(ctx, detail, "ClassRef", "Class", required=False)
    if klass is not None:
        out["ClassRef"] = ref_to(klass)
    for key in ("Qty", "UnitPrice"):
        if detail.get(key) not in (None, ""):
            out[key] = qty if key == "Qty" else price
    if not sales:
        out["BillableStatus"] = detail.get("BillableStatus") or "NotBillable"
    code = referenced(ctx, detail, "TaxCodeRef", "TaxCode", required=False)
    if code is None and item is not None:
        default = item.get("SalesTaxCodeRef" if sales else "PurchaseTaxCodeRef")
        code = None if default is None else ctx.ledger.get("TaxCode", default["value"])
    if code is None and taxed:
        raise faults.business(
            "Make sure all your transactions have a VAT rate before you save.",
            "Line.TaxCodeRef",
        )
    if code is not None:
        out["TaxCodeRef"] = ref_to(code)
        if taxed:
            rate, percent = _tax_rate(ctx, code, sales)
            tax = (amount * percent / 100).quantize(CENT, ROUND_HALF_UP)
            bucket = totals.setdefault(rate["Id"], [Decimal(0), Decimal(0), percent])
            bucket[0] += amount
            bucket[1] += tax
    line: Json = {"Id": str(n), "LineNum": n, "Amount": amount, "DetailType": kind, kind: out}
    if raw.get("Description"):
        line["Description"] = raw["Description"]
    return line


def _checked(record: Json | None) -> Json:
    assert record is not None  # referenced(required=True) raised otherwise
    return record


def _doc_number(ctx: WriteContext, entity: str, body: Json, current: Json | None) -> str | None:
    number = body.get("DocNumber")
    own = None if current is None else current["Id"]
    if number in (None, ""):
        if current is not None:
            return None
        if entity not in SALES:
            return None  # a bill without a reference number keeps none
        taken = {r.get("DocNumber") for r in ctx.ledger.records(entity)}
        n = len(taken) + 1001
        while str(n) in taken:
            n += 1
        return str(n)
    number = str(number)
    if len(number) > 21:
        raise faults.invalid_request("DocNumber is longer than 21 characters", "DocNumber")
    if entity in SALES:
        for record in ctx.ledger.records(entity):
            if record.get("DocNumber") == number and record["Id"] != own:
                raise faults.QboFault(
                    faults.DUPLICATE_DOC_NUMBER,
                    "Duplicate Document Number Error",
                    "Duplicate Document Number Error : You must specify a different number. "
                    f"This number has already been used. DocNumber={number} is assigned to "
                    f"TxnType={entity} with TxnId={record['Id']}",
                    "DocNumber",
                )
    return number


def document(ctx: WriteContext, entity: str, body: Json, current: Json | None, base: Json) -> Json:
    """The document as it will be stored; ``current`` is the one being updated."""
    sales = entity in SALES
    party_key = "CustomerRef" if sales else "VendorRef"
    party = _checked(referenced(ctx, body, party_key, "Customer" if sales else "Vendor"))
    raw_lines = body.get("Line")
    if not raw_lines:
        raise faults.required("Line")
    mode = body.get("GlobalTaxCalculation") or "TaxExcluded"
    if mode not in ("TaxExcluded", "TaxInclusive", "NotApplicable"):
        raise faults.QboFault(
            faults.INVALID_ENUMERATION,
            "Invalid Enumeration",
            f"Invalid Enumeration : {mode}",
            "GlobalTaxCalculation",
        )
    taxed = mode != "NotApplicable"
    totals: dict[str, list[Any]] = {}
    lines: list[Json] = []
    for raw in raw_lines:
        line = _line(ctx, entity, raw, len(lines) + 1, taxed, totals)
        if line is not None:
            lines.append(line)
    if not lines:
        raise faults.required("Line", "a line with an amount")
    net = sum((line["Amount"] for line in lines), Decimal(0))
    tax = sum((bucket[1] for bucket in totals.values()), Decimal(0))
    total = net + tax
    paid = Decimal(0)
    if current is not None:
        paid = Decimal(str(current.get("TotalAmt", 0))) - Decimal(str(current.get("Balance", 0)))
        if total < paid:
            raise faults.business(
                f"The new total {total} is less than the {paid} already applied to this {entity}.",
                "TotalAmt",
            )
    day = a_date(body.get("TxnDate"), "TxnDate", ctx.today)
    record = (
        base
        | {k: v for k, v in body.items() if k in _PASSTHROUGH}
        | {
            party_key: ref_to(party),
            "TxnDate": txn_date(day),
            "CurrencyRef": GBP_REF,
            "ExchangeRate": 1,
            "GlobalTaxCalculation": mode,
            "Line": lines,
            "TxnTaxDetail": {
                "TotalTax": tax,
                "TaxLine": [
                    {
                        "Amount": bucket[1],
                        "DetailType": "TaxLineDetail",
                        "TaxLineDetail": {
                            "TaxRateRef": {"value": rate_id},
                            "PercentBased": True,
                            "TaxPercent": bucket[2],
                            "NetAmountTaxable": bucket[0],
                        },
                    }
                    for rate_id, bucket in totals.items()
                ],
            },
            "TotalAmt": total,
            "Balance": total - paid,
            "LinkedTxn": [] if current is None else current.get("LinkedTxn", []),
        }
    )
    if sales:
        record["Line"] = [
            *lines,
            {"Amount": net, "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}},
        ]
    if entity in ("Invoice", "Bill"):
        record["DueDate"] = txn_date(
            a_date(body.get("DueDate"), "DueDate", plus_days(day, _DUE_DAYS))
        )
    if entity == "CreditMemo":
        record["RemainingCredit"] = record["Balance"]
    if not sales:
        ap = referenced(ctx, body, "APAccountRef", "Account", required=False)
        creditors = from_sandbox("Account", c.ACCOUNT_BY_CODE[c.CREDITORS].id)
        record["APAccountRef"] = ref_to(ap or _checked(ctx.ledger.get("Account", creditors)))
    department = referenced(ctx, body, "DepartmentRef", "Department", required=False)
    if department is not None:
        record["DepartmentRef"] = ref_to(department)
    number = _doc_number(ctx, entity, body, current)
    if number is not None:
        record["DocNumber"] = number
    return record
