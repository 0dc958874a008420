"""Xero's create models (Codat's ``PushOption``) for what the connector writes, in
Codat's field names, with the company's active accounts and tax rates as the values a
line may name (two calls: ``/Accounts`` and ``/TaxRates``). Only what Xero itself
requires is required; what the writer cannot send is not offered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ledgerport.connectors.push_options import (
    array,
    choice,
    date,
    explained,
    number,
    obj,
    ref,
    text,
)
from ledgerport.connectors.writes import WriteKind
from ledgerport.connectors.xero.mapping.common import as_list
from ledgerport.domain.enums import DataType
from ledgerport.domain.push import PushOption, PushOptionChoice, PushOptionType

NAME, NOTE = 255, 4000  # Xero's documented lengths for names and descriptions
ACTIVE_ARCHIVED = [("Active", "In use."), ("Archived", "Hidden from use, kept for history.")]


class _Api(Protocol):
    def get_json(
        self, path: str, *, params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[Mapping[str, Any], Mapping[str, str]]: ...  # fmt: skip


@dataclass(frozen=True)
class _Company:
    accounts: list[Mapping[str, Any]]
    tax_rates: list[Mapping[str, Any]]

    def account_choices(self, *, bank: bool = False) -> list[PushOptionChoice]:
        return [
            choice(str(a["AccountID"]), str(a.get("Name") or a["AccountID"]), a.get("Code"))
            for a in self.accounts
            if a.get("Status", "ACTIVE") == "ACTIVE"
            and a.get("AccountID")
            and (a.get("Type") == "BANK") is bank
        ]

    def tax_choices(self) -> list[PushOptionChoice]:
        return [
            choice(str(t["TaxType"]), str(t.get("Name") or t["TaxType"]))
            for t in self.tax_rates
            if t.get("Status", "ACTIVE") == "ACTIVE" and t.get("TaxType")
        ]


def _company(api: _Api, data_type: DataType) -> _Company:
    if data_type in (DataType.CUSTOMERS, DataType.SUPPLIERS, DataType.BANK_ACCOUNTS):
        return _Company([], [])  # nothing of the company's to choose from
    accounts, _ = api.get_json("/Accounts")
    if data_type in (DataType.PAYMENTS, DataType.BILL_PAYMENTS):
        return _Company(as_list(accounts.get("Accounts")), [])
    rates, _ = api.get_json("/TaxRates")
    return _Company(as_list(accounts.get("Accounts")), as_list(rates.get("TaxRates")))


def _lines(company: _Company, subject: str) -> PushOption:
    line = obj(
        "Line Item",
        f"One line of the {subject}, amounts excluding tax.",
        {
            "description": text("Description", "What the line is for.", max_length=NOTE),
            "unitAmount": number(
                "Unit Amount", "The price of one unit, excluding tax.", required=True
            ),
            "quantity": number("Quantity", "How many units.", required=True, above=0),
            "discountPercentage": number("Discount Percentage", "The discount in %.", minimum=0),
            "accountRef": ref(
                "Nominal Account Reference",
                "The account the line is posted to.",
                "The id of an active account (see chartOfAccounts).",
                options=company.account_choices(),
                info=[("accountRef", "Xero requires it unless itemRef names an item with one.")],
            ),
            "taxRateRef": ref(
                "Tax Rate Reference",
                "The tax rate of the line; the account's default if left out.",
                "The id (Xero TaxType) of an active tax rate (see taxRates).",
                options=company.tax_choices(),
            ),
            "itemRef": ref("Item Reference", "The item sold or bought.", "The id of an item."),
        },
    )
    return array("Line Items", f"The {subject}'s lines.", line, required=True, min_items=1)


def _party(key: str, label: str) -> PushOption:
    return ref(label, f"The {label.split()[0].lower()}.", f"The id of a {key}.",
               required=True, name_field=None)  # fmt: skip


def _currency(subject: str) -> PushOption:
    return text("Currency", f"The {subject}'s currency (ISO 4217); the base currency if left out.")


def _currency_rate(subject: str) -> PushOption:
    return number(
        "Currency Rate",
        f"Base currency per unit of the {subject}'s currency; Xero's day rate if left out.",
        above=0,
    )


def _document(company: _Company, kind: str) -> PushOption:
    subject = {"invoice": "invoice", "bill": "bill", "credit": "credit note",
               "billCredit": "bill credit note"}[kind]  # fmt: skip
    sales = kind in ("invoice", "credit")
    statuses = (
        [("Draft", "Saved, not yet approved."), ("Open", "Approved: owed to the supplier.")]
        if kind == "bill"
        else [("Draft", "Saved, not yet approved."), ("Submitted", "Approved.")]
    )
    fields: dict[str, PushOption] = {
        ("customerRef" if sales else "supplierRef"): _party(
            "customer" if sales else "supplier",
            "Customer Reference" if sales else "Supplier Reference",
        ),
        "issueDate": date("Issue Date", f"The {subject}'s date.", required=True),
        "currency": _currency(subject),
        "currencyRate": _currency_rate(subject),
        "status": text("Status", "Draft if left out.", options=explained(statuses)),
        "lineItems": _lines(company, subject),
    }
    if kind in ("invoice", "bill"):
        fields["dueDate"] = date("Due Date", "When it is due; the contact's terms if left out.")
    number_field = {"invoice": "invoiceNumber", "bill": "reference", "credit": "creditNoteNumber",
                    "billCredit": "billCreditNoteNumber"}[kind]  # fmt: skip
    fields[number_field] = text(
        "Number", f"The {subject}'s number; Xero numbers it if left out.", max_length=NAME
    )
    return obj(subject.title(), f"A {subject}.", fields)


def _contact(name_key: str, subject: str) -> PushOption:
    return obj(
        subject.title(),
        f"A {subject}: a Xero contact.",
        {
            name_key: text(
                "Name", "Unique among the company's contacts.", required=True, max_length=NAME
            ),
            "contactName": text("Contact Name", "The person to ask for (first and last name)."),
            "emailAddress": text("Email Address", "Where to write to.", max_length=NAME),
            "phone": text("Phone", "The main phone number."),
            "taxNumber": text("Tax Number", "The contact's tax number.", max_length=50),
            "registrationNumber": text("Registration Number", "The company number.", max_length=50),
            "defaultCurrency": text("Default Currency", "ISO 4217."),
            "status": text("Status", "Active if left out.", options=explained(ACTIVE_ARCHIVED)),
        },
        info=[
            (
                name_key,
                f"A contact becomes a {subject} in Xero's lists once it has a"
                f" {'sale' if subject == 'customer' else 'purchase'} document.",
            )
        ],
    )


def _payment(company: _Company, document_type: str) -> PushOption:
    subject = "payment" if document_type == "Invoice" else "bill payment"
    link = obj(
        "Link",
        "The document the payment settles.",
        {
            "type": text("Type", "What is paid.", required=True,
                         options=explained([(document_type, f"A {document_type.lower()} paid."),
                                            ("CreditNote", "A credit note refunded.")])),
            "id": text("Id", "The id of the document.", required=True),
            "amount": number("Amount", "The line's amount, negated."),
        },
    )  # fmt: skip
    line = obj("Line", "The one document the payment settles.", {
        "amount": number("Amount", "The amount paid.", required=True),
        "links": array("Links", "One link.", link, required=True, min_items=1, max_items=1),
    })  # fmt: skip
    return obj(
        subject.title(),
        f"A {subject}: in Xero, one payment settles one document.",
        {
            "accountRef": ref(
                "Account Reference",
                "The bank account the money went through.",
                "The id of a bank account (or an account that takes payments).",
                required=True,
                options=company.account_choices(bank=True),
            ),
            "totalAmount": number("Total Amount", "The amount paid.", required=True),
            "currencyRate": _currency_rate(subject),
            "date": date("Date", "The day the money moved.", required=True),
            "reference": text("Reference", "A reference for the payment.", max_length=NAME),
            "lines": array("Lines", "One line.", line, required=True, min_items=1, max_items=1),
        },
    )


def _bank_account(company: _Company) -> PushOption:
    return obj(
        "Bank Account",
        "A bank or credit card account in the chart of accounts.",
        {
            "accountName": text(
                "Account Name", "Unique in the chart.", required=True, max_length=150
            ),
            "accountNumber": text("Account Number", "The bank's account number.", required=True),
            "nominalCode": text("Nominal Code", "The account code; unique.", max_length=10),
            "currency": text("Currency", "ISO 4217; the base currency if left out."),
            "accountType": text("Account Type", "Debit if left out.", options=explained(
                [("Debit", "A bank account."), ("Credit", "A credit card.")])),
        },
    )  # fmt: skip


_MODELS: Mapping[DataType, Callable[[_Company], PushOption]] = {
    DataType.INVOICES: lambda c: _document(c, "invoice"),
    DataType.BILLS: lambda c: _document(c, "bill"),
    DataType.CREDIT_NOTES: lambda c: _document(c, "credit"),
    DataType.BILL_CREDIT_NOTES: lambda c: _document(c, "billCredit"),
    DataType.CUSTOMERS: lambda _c: _contact("customerName", "customer"),
    DataType.SUPPLIERS: lambda _c: _contact("supplierName", "supplier"),
    DataType.PAYMENTS: lambda c: _payment(c, "Invoice"),
    DataType.BILL_PAYMENTS: lambda c: _payment(c, "Bill"),
    DataType.BANK_ACCOUNTS: _bank_account,
}


def create_model(api: _Api, data_type: DataType, kind: WriteKind) -> PushOption:
    """The model a write of ``kind`` must fit. Files and deletes carry no body."""
    build = _MODELS.get(data_type)
    if build is None:
        return PushOption(type=PushOptionType.OBJECT, displayName=data_type.value,
                          description="Xero does not take this data type here.",
                          properties={})  # fmt: skip
    if kind not in (WriteKind.CREATE, WriteKind.UPDATE):
        return PushOption(type=PushOptionType.OBJECT, displayName=data_type.value,
                          description="No body: the file or the record id says it all.",
                          properties={})  # fmt: skip
    return build(_company(api, data_type))
