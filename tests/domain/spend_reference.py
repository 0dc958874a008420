"""A deliberately plain second computation of the spend figures, for the tests to
compare the domain module with: straight loops over the raw Codat dicts, floats, no
shared code with ``ledgerport.domain.spend`` (so a bug there is not repeated here)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any


def d(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def window_start(today: date, months: int = 12) -> date:
    year, month = today.year, today.month - (months - 1)
    while month < 1:
        month += 12
        year -= 1
    return date(year, month, 1)


def rate(doc: dict[str, Any], base: str) -> float | None:
    if doc.get("currency") in (None, base):
        return 1.0
    r = doc.get("currencyRate")
    return float(r) if r else None


def spend_bills(data: dict[str, Any], today: date, base: str) -> list[dict[str, Any]]:
    start = window_start(today)
    out = []
    for b in data["bills"]:
        if (b.get("metadata") or {}).get("isDeleted"):
            continue
        if b["status"] in ("Void", "Draft"):
            continue
        if rate(b, base) is None:
            continue
        issued = d(b["issueDate"])
        if issued is not None and start <= issued <= today:
            out.append(b)
    return out


def base_total(doc: dict[str, Any], base: str, field: str = "totalAmount") -> float:
    return doc[field] * (rate(doc, base) or 0)


def settled_on(bill: dict[str, Any]) -> date | None:
    if bill["amountDue"] > 0:
        return None
    running = 0.0
    when = None
    allocations = sorted(
        (a["allocation"]["allocatedOnDate"], a["allocation"]["totalAmount"])
        for a in bill.get("paymentAllocations") or []
    )
    for on, amount in allocations:
        running += amount
        when = d(on)
        if running >= bill["totalAmount"] - 0.005:
            return when
    return when


def monthly_billed(data: dict[str, Any], today: date, base: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for b in spend_bills(data, today, base):
        key = b["issueDate"][:7]
        out[key] = out.get(key, 0.0) + base_total(b, base)
    return out


def supplier_totals(data: dict[str, Any], today: date, base: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for b in spend_bills(data, today, base):
        sid = b["supplierRef"]["id"]
        out[sid] = out.get(sid, 0.0) + base_total(b, base)
    return out


def concentration(totals: dict[str, float]) -> tuple[float, float, float, float]:
    amounts = sorted((a for a in totals.values() if a > 0), reverse=True)
    whole = sum(amounts)
    hhi = 0.0
    for a in amounts:
        hhi += (a / whole * 100) ** 2
    return (
        sum(amounts[:1]) / whole * 100,
        sum(amounts[:5]) / whole * 100,
        sum(amounts[:10]) / whole * 100,
        hhi,
    )


def account_totals(data: dict[str, Any], today: date, base: str) -> dict[str | None, float]:
    known = {a["id"] for a in data["accounts"]}
    out: dict[str | None, float] = {}
    for b in spend_bills(data, today, base):
        r = rate(b, base) or 0
        lines_total = 0.0
        for line in b["lineItems"]:
            acc = (line.get("accountRef") or {}).get("id")
            key = acc if acc in known else None
            out[key] = out.get(key, 0.0) + line["totalAmount"] * r
            lines_total += line["totalAmount"] * r
        rest = b["totalAmount"] * r - lines_total
        if abs(rest) >= 0.005:
            out[None] = out.get(None, 0.0) + rest
    return out


def late_and_paid(data: dict[str, Any], today: date, base: str) -> tuple[int, int, float, float]:
    paid = late = 0
    paid_amount = late_amount = 0.0
    for b in spend_bills(data, today, base):
        on = settled_on(b)
        if on is None or not b.get("dueDate"):
            continue
        paid += 1
        paid_amount += base_total(b, base)
        if on > d(b["dueDate"]):  # type: ignore[operator]
            late += 1
            late_amount += base_total(b, base)
    return paid, late, paid_amount, late_amount


def open_bills(data: dict[str, Any], today: date, base: str) -> list[dict[str, Any]]:
    out = []
    for b in data["bills"]:
        if (b.get("metadata") or {}).get("isDeleted") or b["status"] in ("Void", "Draft"):
            continue
        if rate(b, base) is None or b["amountDue"] <= 0:
            continue
        if d(b["issueDate"]) <= today:  # type: ignore[operator]
            out.append(b)
    return out


def overdue_and_upcoming(
    data: dict[str, Any], today: date, base: str, days: int = 30
) -> tuple[list[str], float, list[str], float]:
    overdue, upcoming = [], []
    overdue_amount = upcoming_amount = 0.0
    for b in open_bills(data, today, base):
        due = d(b.get("dueDate"))
        if due is None:
            continue
        if due < today:
            overdue.append(b["id"])
            overdue_amount += base_total(b, base, "amountDue")
        elif due <= today + timedelta(days=days):
            upcoming.append(b["id"])
            upcoming_amount += base_total(b, base, "amountDue")
    return sorted(overdue), overdue_amount, sorted(upcoming), upcoming_amount


def dpo(data: dict[str, Any], today: date, base: str) -> float:
    owed = sum(base_total(b, base, "amountDue") for b in open_bills(data, today, base))
    billed = sum(base_total(b, base) for b in spend_bills(data, today, base))
    return owed / billed * ((today - window_start(today)).days + 1)


def duplicate_pairs(data: dict[str, Any], window: int = 3) -> list[tuple[str, str]]:
    bills = [
        b
        for b in data["bills"]
        if not (b.get("metadata") or {}).get("isDeleted") and b["status"] != "Void"
    ]
    pairs = []
    for a in bills:
        for b in bills:
            if a["id"] == b["id"] or a["supplierRef"]["id"] != b["supplierRef"]["id"]:
                continue
            if a["totalAmount"] != b["totalAmount"] or a["currency"] != b["currency"]:
                continue
            gap = (d(b["issueDate"]) - d(a["issueDate"])).days  # type: ignore[operator]
            if 0 < gap <= window or (gap == 0 and a["id"] < b["id"]):
                pairs.append((a["id"], b["id"]))
    return sorted(pairs)


def supplier_bill_figures(
    data: dict[str, Any], today: date, base: str
) -> dict[str, tuple[int, float, int, float]]:
    """Supplier → (bills, billed, outstanding bills, outstanding amount)."""
    out: dict[str, tuple[int, float, int, float]] = {}
    for b in spend_bills(data, today, base):
        sid = b["supplierRef"]["id"]
        count, amount, open_count, open_amount = out.get(sid, (0, 0.0, 0, 0.0))
        is_open = b["amountDue"] > 0
        out[sid] = (
            count + 1,
            amount + base_total(b, base),
            open_count + (1 if is_open else 0),
            open_amount + (base_total(b, base, "amountDue") if is_open else 0.0),
        )
    return out


def supplier_payments(data: dict[str, Any], today: date, base: str) -> dict[str, tuple[int, float]]:
    start = window_start(today)
    out: dict[str, tuple[int, float]] = {}
    for p in data["billPayments"]:
        if (p.get("metadata") or {}).get("isDeleted") or not p["totalAmount"]:
            continue
        on = d(p["date"])
        if on is None or not start <= on <= today or rate(p, base) is None:
            continue
        sid = (p.get("supplierRef") or {}).get("id")
        if sid is None:
            continue
        count, amount = out.get(sid, (0, 0.0))
        out[sid] = (count + 1, amount + base_total(p, base))
    return out
