"""Writes to Payment (lines linked to Invoices and CreditMemos) and BillPayment (lines
linked to Bills and VendorCredits).

Applying a payment lowers each linked document's Balance and adds the payment to the
document's ``LinkedTxn`` (a write to the document: its SyncToken moves). A line may not
apply more than the document still owes, and the lines may not apply more than the
payment's ``TotalAmt`` (credits applied count against the documents paid); what is left
over is the Payment's ``UnappliedAmt``, a credit, as QBO keeps it. Updating a payment
first takes back what it applied; deleting one takes it back for good."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from ledgerport.connectors.sandbox import catalog as c
from ledgerport.simulators.qbo import faults
from ledgerport.simulators.qbo.dates import txn_date
from ledgerport.simulators.qbo.entities import from_sandbox
from ledgerport.simulators.qbo.mapping.common import GBP_REF, Json
from ledgerport.simulators.qbo.writes.common import (
    WriteContext,
    a_date,
    money,
    ref_to,
    referenced,
    touch,
)

# Per payment entity: (party key, party entity, documents it pays, credits it uses).
_RULES = {
    "Payment": ("CustomerRef", "Customer", "Invoice", "CreditMemo"),
    "BillPayment": ("VendorRef", "Vendor", "Bill", "VendorCredit"),
}
_PASSTHROUGH = frozenset({"PrivateNote", "PaymentRefNum", "PaymentMethodRef", "DocNumber"})


@dataclass(frozen=True)
class Application:
    entity: str  # the linked document's entity
    id: str
    amount: Decimal


def applications(payment: Json, entity: str) -> list[Application]:
    """What a stored payment applied, document by document."""
    _, _, pays, uses = _RULES[entity]
    out = []
    for line in payment.get("Line") or []:
        for link in line.get("LinkedTxn") or []:
            kind = link.get("TxnType")
            if kind in (pays, uses):
                out.append(Application(kind, str(link["TxnId"]), Decimal(str(line["Amount"]))))
    return out


def _link_type(entity: str, record: Json) -> str:
    if entity == "Payment":
        return "Payment"
    return "BillPaymentCreditCard" if record.get("PayType") == "CreditCard" else "BillPaymentCheck"


def payment(
    ctx: WriteContext, entity: str, body: Json, current: Json | None, base: Json
) -> tuple[Json, list[Application]]:
    """The payment as it will be stored and what it will apply (checked against the
    documents' balances with whatever ``current`` applied given back)."""
    party_key, party_entity, pays, uses = _RULES[entity]
    party = referenced(ctx, body, party_key, party_entity)
    assert party is not None
    if body.get("TotalAmt") in (None, ""):
        raise faults.required("TotalAmt")
    total = money(body["TotalAmt"], "TotalAmt")
    if total < 0:
        raise faults.business("The total amount cannot be negative.", "TotalAmt")
    given_back: dict[str, Decimal] = defaultdict(Decimal)
    for old in applications(current or {}, entity):
        given_back[old.id] += old.amount
    wanted: list[Application] = []
    lines = []
    for raw in body.get("Line") or []:
        if not isinstance(raw, dict):
            raise faults.invalid_request("Line must be an object", "Line")
        amount = money(raw.get("Amount"), "Line.Amount")
        links = []
        for link in raw.get("LinkedTxn") or []:
            kind, txn_id = link.get("TxnType"), str(link.get("TxnId", ""))
            if kind not in (pays, uses):
                raise faults.QboFault(
                    faults.INVALID_ENUMERATION,
                    "Invalid Enumeration",
                    f"Invalid Enumeration : {kind} cannot be linked to a {entity}",
                    "Line.LinkedTxn.TxnType",
                )
            target = ctx.ledger.get(kind, txn_id)
            if target is None:
                raise faults.not_found(kind, txn_id)
            if target[party_key]["value"] != party["Id"]:
                raise faults.business(
                    f"{kind} {txn_id} belongs to another {party_entity.lower()}.",
                    "Line.LinkedTxn",
                )
            wanted.append(Application(kind, txn_id, amount))
            links.append({"TxnId": txn_id, "TxnType": kind})
        lines.append({"Amount": amount, "LinkedTxn": links})
    applied: dict[str, Decimal] = defaultdict(Decimal)
    for a in wanted:
        applied[a.id] += a.amount
    for a in wanted:
        target = ctx.ledger.get(a.entity, a.id)
        assert target is not None
        open_amount = Decimal(str(target.get("Balance", 0))) + given_back[a.id]
        if applied[a.id] > open_amount:
            raise faults.business(
                f"The amount applied to {a.entity} {target.get('DocNumber') or a.id} "
                f"({applied[a.id]}) is more than its open balance ({open_amount}).",
                "Line.Amount",
            )
    paid = sum((a.amount for a in wanted if a.entity == pays), Decimal(0))
    credited = sum((a.amount for a in wanted if a.entity == uses), Decimal(0))
    if paid - credited > total:
        raise faults.business(
            f"The lines apply {paid - credited}, more than the TotalAmt of {total}.", "TotalAmt"
        )
    day = a_date(body.get("TxnDate"), "TxnDate", ctx.today)
    record = (
        base
        | {k: v for k, v in body.items() if k in _PASSTHROUGH}
        | {
            party_key: ref_to(party),
            "TxnDate": txn_date(day),
            "TotalAmt": total,
            "CurrencyRef": GBP_REF,
            "ExchangeRate": 1,
            "Line": lines,
        }
    )
    bank_id = from_sandbox("Account", c.ACCOUNT_BY_CODE[c.BANK].id)
    if entity == "Payment":
        deposit = referenced(ctx, body, "DepositToAccountRef", "Account", required=False)
        record["DepositToAccountRef"] = ref_to(deposit or _must(ctx.ledger.get("Account", bank_id)))
        debtors = from_sandbox("Account", c.ACCOUNT_BY_CODE[c.DEBTORS].id)
        record["ARAccountRef"] = ref_to(_must(ctx.ledger.get("Account", debtors)))
        record["UnappliedAmt"] = total - (paid - credited)
        record["ProcessPayment"] = False
    else:
        record |= _pay_type(ctx, body)
        creditors = from_sandbox("Account", c.ACCOUNT_BY_CODE[c.CREDITORS].id)
        record["APAccountRef"] = ref_to(_must(ctx.ledger.get("Account", creditors)))
    return record, wanted


def _must(record: Json | None) -> Json:
    assert record is not None
    return record


def _pay_type(ctx: WriteContext, body: Json) -> Json:
    pay_type = body.get("PayType")
    if pay_type in (None, ""):
        raise faults.required("PayType")
    if pay_type == "Check":
        check = body.get("CheckPayment") or {}
        bank = referenced(ctx, check, "BankAccountRef", "Account")
        assert bank is not None
        status = check.get("PrintStatus") or "NotSet"
        return {
            "PayType": "Check",
            "CheckPayment": {"BankAccountRef": ref_to(bank), "PrintStatus": status},
        }
    if pay_type == "CreditCard":
        card = body.get("CreditCardPayment") or {}
        account = referenced(ctx, card, "CCAccountRef", "Account")
        assert account is not None
        return {"PayType": "CreditCard", "CreditCardPayment": {"CCAccountRef": ref_to(account)}}
    raise faults.QboFault(
        faults.INVALID_ENUMERATION,
        "Invalid Enumeration",
        f"Invalid Enumeration : {pay_type}",
        "PayType",
    )


def apply(
    ctx: WriteContext,
    entity: str,
    record: Json,
    before: list[Application],
    after: list[Application],
) -> None:
    """Move the linked documents from what the payment applied ``before`` to what it
    applies ``after``: each document whose share changed gets its Balance moved, its
    ``LinkedTxn`` brought up to date, and a new SyncToken."""
    link_type = _link_type(entity, record)
    old: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    new: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for a in before:
        old[(a.entity, a.id)] += a.amount
    for a in after:
        new[(a.entity, a.id)] += a.amount
    for kind, txn_id in sorted(set(old) | set(new)):
        linked = (kind, txn_id) in new
        delta = new.get((kind, txn_id), Decimal(0)) - old.get((kind, txn_id), Decimal(0))
        target = ctx.ledger.editable(kind, txn_id)
        if target is None:
            continue  # deleted since: nothing to give back
        links = [
            link
            for link in target.get("LinkedTxn") or []
            if not (link.get("TxnId") == record["Id"] and link.get("TxnType") == link_type)
        ]
        was_linked = len(links) != len(target.get("LinkedTxn") or [])
        if not delta and linked == was_linked:
            continue
        if linked:
            links.append({"TxnId": record["Id"], "TxnType": link_type})
        balance = Decimal(str(target.get("Balance", 0))) - delta
        target["Balance"] = balance
        if "RemainingCredit" in target:
            target["RemainingCredit"] = balance
        target["LinkedTxn"] = links
        ctx.overlay.put(kind, touch(target, ctx.now))
