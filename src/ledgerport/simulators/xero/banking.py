"""``/BankTransactions``: Xero's spend- and receive-money transactions, the money
through a bank account that no invoice or bill explains. In the sandbox's books those
are direct costs (``SPEND``: card purchases), direct incomes (``RECEIVE``) and the bank
lines posted straight against an account (the bank's fees, VAT paid to HMRC,
dividends), each ``SPEND`` or ``RECEIVE`` by the way the money went. Invoice and bill
payments are ``/Payments`` in Xero, not bank transactions, so they are not here.

A transaction is reconciled once its statement line is (a day after it cleared, as
the sandbox's bank lines are), which moves its ``UpdatedDateUTC``."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ledgerport.connectors.sandbox.state import BankTransaction, DirectCost, JournalEntry
from ledgerport.simulators.xero import mapping
from ledgerport.simulators.xero.dates import ms_date
from ledgerport.simulators.xero.index import BANK_ITEM
from ledgerport.simulators.xero.records import Record, Row

if TYPE_CHECKING:
    from ledgerport.simulators.xero.records import View

RECONCILE_AFTER = 24  # hours after it cleared that a direct cost's bank line is reconciled


def _bank_account(view: View, code: str) -> Record:
    account = view.company.chart_by_code[code]
    return {
        "AccountID": mapping.xero_id(view.tenant_id, "account", account.id),
        "Code": account.code,
        "Name": account.name,
    }


def rows(view: View) -> list[Row]:
    """Every bank transaction, in the order they were recorded."""
    co = view.company
    dated: list[tuple[int, Row]] = [
        (cost.t, _direct(view, cost)) for cost in (*co.direct_costs, *co.direct_incomes)
    ]
    lines = {line.id: line for line in co.bank_transactions}
    for entry in co.journal_entries:
        if entry.record is not None and entry.record[1] == BANK_ITEM and entry.record[0] in lines:
            dated.append((entry.t, _bank_item(view, entry, lines[entry.record[0]])))
    dated.sort(key=lambda item: item[0])
    return [row for _, row in dated]


def _direct(view: View, cost: DirectCost) -> Row:
    guid = mapping.xero_id(view.tenant_id, "bank-transaction", cost.id)
    reconciled_at = cost.t + RECONCILE_AFTER
    reconciled = reconciled_at <= view.renderer.as_of
    stamp = view.moment(cost.id, reconciled_at if reconciled else cost.t)
    deleted = cost.id in view.company.deleted

    def render() -> Record:
        codat = (view.renderer.direct_income if cost.income else view.renderer.direct_cost)(cost)
        record: Record = {
            "BankTransactionID": guid,
            "Type": "RECEIVE" if cost.income else "SPEND",
            "LineItems": [
                mapping.line_item(view.tenant_id, f"{cost.id}:{n}", line, sales=cost.income)
                for n, line in enumerate(codat.get("lineItems") or [])
            ],
            "BankAccount": _bank_account(view, cost.account),
            "IsReconciled": reconciled,
            "Date": ms_date(view.company.moment(cost.day * 24)),
            "Reference": cost.reference or "",
            "CurrencyCode": "GBP",
            "CurrencyRate": Decimal(1),
            "Status": "DELETED" if deleted else "AUTHORISED",
            "LineAmountTypes": "Exclusive",
            "SubTotal": mapping.money(codat["subTotal"]),
            "TotalTax": mapping.money(codat["taxAmount"]),
            "Total": mapping.money(codat["totalAmount"]),
            "HasAttachments": view.has_files(guid),
        }
        if cost.contact is not None:
            party_id, data_type = cost.contact
            customer = data_type == "customers"
            party = next(
                p
                for p in (
                    (*view.company.customers, *view.company.pushed_customers)
                    if customer
                    else (*view.company.suppliers, *view.company.pushed_suppliers)
                )
                if p.id == party_id
            )
            record["Contact"] = {
                "ContactID": view.contact_guid(party_id, customer),
                "Name": party.name,
            }
        return view.finish(record, stamp)

    return Row(guid, stamp, render, cache=view.cache)


def _bank_item(view: View, entry: JournalEntry, line: BankTransaction) -> Row:
    guid = mapping.xero_id(view.tenant_id, "bank-transaction", line.id)
    stamp = view.moment(line.id, view.renderer.bank_transaction_modified(line))
    other = next(x for x in entry.lines if x.account != line.account)
    amount = mapping.money(Decimal(abs(line.amount)) / 100)

    def render() -> Record:
        account = view.company.chart_by_code[other.account]
        record: Record = {
            "BankTransactionID": guid,
            "Type": "SPEND" if line.amount < 0 else "RECEIVE",
            "LineItems": [
                {
                    "LineItemID": mapping.xero_id(view.tenant_id, "line", f"{line.id}:0"),
                    "Description": entry.description,
                    "Quantity": Decimal(1),
                    "UnitAmount": amount,
                    "AccountCode": account.code,
                    "AccountID": mapping.xero_id(view.tenant_id, "account", account.id),
                    "TaxType": "NONE",
                    "TaxAmount": Decimal(0),
                    "LineAmount": amount,
                    "Tracking": [],
                }
            ],
            "BankAccount": _bank_account(view, line.account),
            "IsReconciled": line.reconciled_at <= view.renderer.as_of,
            "Date": ms_date(view.company.moment(entry.day * 24)),
            "Reference": line.reference or "",
            "CurrencyCode": "GBP",
            "CurrencyRate": Decimal(1),
            "Status": "AUTHORISED",
            "LineAmountTypes": "NoTax",
            "SubTotal": amount,
            "TotalTax": Decimal(0),
            "Total": amount,
            "HasAttachments": view.has_files(guid),
        }
        return view.finish(record, stamp)

    return Row(guid, stamp, render, cache=view.cache)
