"""The sandbox's create models (Codat's ``PushOption``): what a push of each data type
may hold on one company, served by ``GET .../options/{dataType}`` and enforced by
:func:`ledgerport.domain.push.validate` before the writer sees the record.

Field names are Codat's standard model's, so a record built with a Codat SDK passes as
it is. Only what Codat's spec and the sandbox really need is required (the SDKs send
every field a caller sets and omit the rest). Where a value must be one of the
company's records (an account, a tax rate, an item) the model lists them as options, so
the answer differs per company and grows with what was pushed (a new bank account is
an option for payments at once). Rules a tree cannot express (totals adding up, unique
nominal codes, the ledger lock date) are ``validation`` notes: the writer enforces them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ledgerport.connectors.push_options import (
    Notes,
    array,
    choice,
    choices,
    date,
    explained,
    flag,
    number,
    obj,
    ref,
    text,
)
from ledgerport.connectors.sandbox import catalog as c
from ledgerport.connectors.sandbox.books import Books
from ledgerport.connectors.sandbox.writeback import JOURNAL_NAME
from ledgerport.connectors.writes import WriteKind
from ledgerport.domain.enums import DataType
from ledgerport.domain.push import PushOption, PushOptionChoice, PushOptionType

GBP = "GBP"
BANK_CURRENCIES: tuple[str, ...] = (
    "GBP", "EUR", "USD", "AUD", "CAD", "CHF", "CNY", "CZK", "DKK", "HKD", "HUF", "INR",
    "JPY", "NOK", "NZD", "PLN", "SEK", "SGD", "ZAR", "AED", "BRL", "ILS", "KRW", "MXN",
    "MYR", "PHP", "RON", "SAR", "THB", "TRY",
)  # fmt: skip
"""The currencies (ISO 4217) a bank account may be opened in: the sandbox's books are
in GBP, but a business may bank in others."""

# Longest text accepted, by kind: what the common platforms take (Xero, QuickBooks).
NAME, REFERENCE, NOTE, CODE, SHORT, ADDRESS_LINE = 255, 255, 4000, 10, 50, 500

MONEY_NOTE = "Amounts are in pounds, with at most 2 decimal places."
GBP_BANK_NOTE = "A bank account held in GBP: what it settles is in GBP."
ACTIVE_ARCHIVED = [("Active", "In use."), ("Archived", "Kept for history, hidden from use.")]

CREATE_TYPES: frozenset[DataType] = frozenset(
    {
        DataType.BANK_ACCOUNTS,
        DataType.SUPPLIERS,
        DataType.CUSTOMERS,
        DataType.BILLS,
        DataType.BILL_PAYMENTS,
        DataType.BILL_CREDIT_NOTES,
        DataType.INVOICES,
        DataType.PAYMENTS,
        DataType.CREDIT_NOTES,
        DataType.JOURNAL_ENTRIES,
        DataType.CHART_OF_ACCOUNTS,
        DataType.DIRECT_COSTS,
        DataType.DIRECT_INCOMES,
        DataType.TRANSFERS,
        DataType.JOURNALS,
    }
)
"""Data types the sandbox has a create model for (and so a delete and an attachment
model: an empty object)."""

UPDATE_TYPES: frozenset[DataType] = frozenset(
    {
        DataType.SUPPLIERS,
        DataType.CUSTOMERS,
        DataType.BILLS,
        DataType.INVOICES,
        DataType.CREDIT_NOTES,
        DataType.BILL_CREDIT_NOTES,
        DataType.BANK_ACCOUNTS,
        DataType.DIRECT_COSTS,
        DataType.DIRECT_INCOMES,
    }
)
"""Data types with an update model: the create tree, as an update sends the whole
record."""


def create_model(books: Books, data_type: DataType, kind: WriteKind) -> PushOption:
    """The model a push of ``data_type`` (``kind``) must conform to on this company.

    Delete, attachment upload and attachment delete take no record: their model is an
    empty object.
    Raises ``ValueError`` for a data type (or an update of one) the sandbox does not
    model."""
    if data_type not in _MODELS:
        raise ValueError(f"The sandbox has no create model for {data_type.value}.")
    title, build = _MODELS[data_type]
    if kind in _NO_BODY:
        action = _NO_BODY[kind]
        return PushOption(
            type=PushOptionType.OBJECT,
            displayName=title,
            description=f"{action} a record takes no body: nothing is required.",
            properties={},
        )
    if kind is WriteKind.UPDATE and data_type not in UPDATE_TYPES:
        raise ValueError(f"The sandbox cannot update {data_type.value}.")
    root = build(_Company.of(books))
    if kind is WriteKind.UPDATE and data_type in _DOCUMENTS:
        status = (root.properties or {})["status"]
        status.options = [*(status.options or []), choice("Void", "Void", _VOID)]
        status.description = (status.description or "").rstrip(".") + " or Void."
    return root


_NO_BODY = {
    WriteKind.DELETE: "Deleting",
    WriteKind.UPLOAD_ATTACHMENT: "Uploading an attachment to",
    WriteKind.DELETE_ATTACHMENT: "Deleting an attachment of",
}
_DOCUMENTS = frozenset(
    {DataType.BILLS, DataType.INVOICES, DataType.CREDIT_NOTES, DataType.BILL_CREDIT_NOTES}
)
_VOID = "Update only: cancels a posted document, reversing its postings (delete a draft)."


# -- what a company offers ----------------------------------------------------------


@dataclass(frozen=True)
class _Company:
    """The records a push may refer to on one company, for the option lists."""

    accounts: tuple[c.AccountDef, ...]  # active accounts, in chart order
    codes: tuple[str, ...]  # every nominal code in use, archived accounts' too
    tax_rates: tuple[c.TaxRateDef, ...]
    items: tuple[c.ItemDef, ...]
    tracking: tuple[c.TrackingDef, ...]  # every category, parents too
    payment_methods: tuple[c.PaymentMethodDef, ...]  # active ones
    journals: tuple[c.JournalDef, ...]
    start_date: str  # ISO date: the books begin
    lock_date: str | None  # ISO date: nothing may be posted on or before it

    @classmethod
    def of(cls, books: Books) -> _Company:
        chart = [line.account for _, line in books.rows(DataType.CHART_OF_ACCOUNTS)]
        locked = books.company.vat_locked_to
        return cls(
            accounts=tuple(a for a in chart if a.status == "Active"),
            codes=tuple(a.code for a in chart),
            tax_rates=tuple(x for _, x in books.rows(DataType.TAX_RATES)),
            items=tuple(x for _, x in books.rows(DataType.ITEMS)),
            tracking=tuple(x for _, x in books.rows(DataType.TRACKING_CATEGORIES)),
            payment_methods=tuple(
                x for _, x in books.rows(DataType.PAYMENT_METHODS) if x.status == "Active"
            ),
            journals=tuple(x for _, x in books.rows(DataType.JOURNALS)),
            start_date=books.company.start_date.isoformat(),
            lock_date=None if locked is None else books.renderer.day(locked).date().isoformat(),
        )

    def accounts_of(self, account_type: str) -> list[PushOptionChoice]:
        return [_account(a) for a in self.accounts if a.type == account_type and not a.is_bank]

    def bank_accounts(self) -> list[PushOptionChoice]:
        return [_account(a) for a in self.accounts if a.is_bank]

    def journal_accounts(self) -> list[PushOptionChoice]:
        """Any account but the bank accounts (their balance is the bank statement's) and
        the control accounts (debtors and creditors: the sum of open documents; the VAT
        liability: the VAT returns')."""
        barred = {c.DEBTORS, c.CREDITORS, c.VAT_LIABILITY}
        return [_account(a) for a in self.accounts if not a.is_bank and a.code not in barred]

    def tax_rate_choices(self) -> list[PushOptionChoice]:
        return [choice(r.id, r.name, f"{r.code}: {r.rate}%") for r in self.tax_rates]

    def item_choices(self, *, bought: bool) -> list[PushOptionChoice]:
        """Items sold (every one), or bought (those with a buying price)."""
        return [choice(i.id, i.name, i.code) for i in self.items if not bought or i.cost]

    def tracking_choices(self) -> list[PushOptionChoice]:
        """Leaf categories only: lines are tracked to Department / Installations, not to
        Department."""
        names = {t.id: t.name for t in self.tracking}
        parents = {t.parent for t in self.tracking if t.parent is not None}
        return [
            choice(t.id, t.name, f"{names.get(t.parent, t.parent)} / {t.name}")
            for t in self.tracking
            if t.parent is not None and t.id not in parents
        ]

    def tracking_parents(self) -> int:
        return len({t.parent for t in self.tracking if t.parent is not None})

    def lock_note(self, field: str) -> Notes:
        """When a posting may be dated: not before the books begin, nor on or before
        the ledger lock date (the last VAT return), as platforms refuse."""
        notes = [(field, f"Must not be before {self.start_date}, when the books begin.")]
        if self.lock_date is not None:
            notes.append((field, f"Must be after {self.lock_date}, the ledger lock date."))
        return notes

    def code_warning(self) -> Notes:
        return (("nominalCode", f"Must not match a nominal code in use: {', '.join(self.codes)}."),)

    def name_warning(self, field: str, what: str) -> Notes:
        return ((field, f"Must not match the name of another {what} (ignoring case)."),)


def _account(account: c.AccountDef) -> PushOptionChoice:
    name = f"{account.code} {account.name}"
    return choice(account.id, name, f"{account.category}: {account.description}")


# -- parts shared by several models -------------------------------------------------


def _currency(subject: str, *, required: bool = False) -> PushOption:
    about = f"The currency of the {subject} (ISO 4217): the sandbox trades in GBP only."
    return text("Currency", about, required=required, options=choices([GBP]))


def _currency_rate(subject: str) -> PushOption:
    about = f"The rate from the {subject}'s currency to the base currency (GBP)."
    rule = ("currencyRate", "Always 1: the sandbox trades in GBP only.")
    return number("Currency Exchange Rate", about, minimum=0, info=[rule])


def _note(subject: str) -> PushOption:
    return text("Note", f"A note about the {subject}.", max_length=NOTE)


def _reference(about: str) -> PushOption:
    return text("Reference", about, max_length=REFERENCE)


def _issue_date(subject: str, company: _Company) -> PushOption:
    about = f"The date of the {subject} as recorded in the books."
    return date("Issue Date", about, required=True, info=company.lock_note("issueDate"))


def _party_ref(subject: str, *, supplier: bool) -> PushOption:
    who = "supplier" if supplier else "customer"
    return ref(
        f"{who.title()} Reference",
        f"The {who} the {subject} is {'from' if supplier else 'for'}.",
        f"The id of an active {who} (see {who}s).",
        required=True,
        name_field="supplierName" if supplier else "companyName",
    )


def _contact_ref(subject: str, data_types: list[str]) -> PushOption:
    which = "Whether the id is a customer's or a supplier's."
    return ref(
        "Contact Reference",
        f"The customer or supplier of the {subject}, if known.",
        "The id of a customer or supplier.",
        name_field=None,
        extra={"dataType": text("Data Type", which, options=choices(data_types))},
    )


def _tracking_refs(company: _Company, field: str = "trackingCategoryRefs") -> PushOption:
    category = obj(
        "Tracking Category Reference",
        "A tracking category (a leaf, such as Department / Installations).",
        {
            "id": text(
                "Identifier",
                "The id of a tracking category.",
                required=True,
                options=company.tracking_choices(),
            ),
            "name": text("Tracking Category Name", "The category's name (informational)."),
        },
    )
    return array(
        "Tracking Category References",
        "The tracking categories the line is analysed by.",
        category,
        max_items=company.tracking_parents() or None,
        info=[(field, "At most one category under each parent category.")],
    )


def _tracking(company: _Company, *, sale: bool) -> PushOption:
    """A document line's ``tracking`` (Codat's newer form of ``trackingCategoryRefs``;
    the two are merged)."""
    # Codat's enums: a sales line is never billed on to a customer (it is the customer's).
    billed = (
        ["NotApplicable", "Project", "Unknown"]
        if sale
        else ["NotApplicable", "Customer", "Project", "Unknown"]
    )
    return obj(
        "Tracking",
        "What the line is tracked against: categories, and who it is billed on to.",
        {
            "categoryRefs": _tracking_refs(company, "tracking.categoryRefs"),
            "customerRef": ref(
                "Customer Reference",
                "The customer the line is tracked against.",
                "The id of a customer (see customers).",
                name_field="companyName",
            ),
            "isBilledTo": text(
                "Is Billed To", "Who the line is billed to.", options=choices(billed)
            ),
            "isRebilledTo": text(
                "Is Rebilled To", "Who the line is billed on to.", options=choices(billed)
            ),
        },
    )


def _line_items(
    company: _Company,
    subject: str,
    *,
    sale: bool,
    tracking: bool = True,
    account_types: tuple[str, ...] | None = None,
) -> PushOption:
    """The priced lines of a bill, invoice, credit note or direct cost/income, posted to
    an income account (a sale) or an expense account (a purchase), or to any of
    ``account_types``. A direct cost's or income's lines have no ``tracking`` (Codat
    gives theirs another shape)."""
    types = account_types or (("Income",) if sale else ("Expense",))
    kind = " or ".join(t.lower() for t in types)
    tax_rule = (
        "taxRateRef",
        "Required when taxAmount is given; taxAmount must be the rate applied to subTotal"
        " (to within a penny). No VAT if left out.",
    )
    line = obj(
        "Line Item",
        f"One line of the {subject}.",
        {
            "description": text("Description", "What was sold or bought.", max_length=NOTE),
            "unitAmount": number(
                "Unit Amount", "The price of one unit, excluding tax.", required=True
            ),
            "quantity": number("Quantity", "How many units: more than 0.", required=True, above=0),
            "discountAmount": number("Discount Amount", "The discount, before tax.", minimum=0),
            "discountPercentage": number("Discount Percentage", "The discount in %.", minimum=0),
            "subTotal": number("Sub Total Amount", "The amount after discount, before tax."),
            "taxAmount": number("Tax Amount", "The VAT on the line."),
            "totalAmount": number("Total Amount", "The amount including tax."),
            "accountRef": ref(
                "Nominal Account Reference",
                f"The {kind} account the line is posted to.",
                f"The id of an active {kind} account (see chartOfAccounts).",
                options=[option for t in types for option in company.accounts_of(t)],
                info=[("accountRef", "Required unless itemRef is given: the item's account.")],
            ),
            "taxRateRef": ref(
                "Tax Rate Reference",
                "The VAT rate applied to the line.",
                "The id of a tax rate (see taxRates).",
                options=company.tax_rate_choices(),
                extra={"effectiveTaxRate": number("Effective Tax Rate", "The rate in %.")},
                info=[tax_rule],
            ),
            "itemRef": ref(
                "Item Reference",
                f"The product or service {'sold' if sale else 'bought'}.",
                "The id of an item (see items).",
                options=company.item_choices(bought=not sale),
            ),
            "trackingCategoryRefs": _tracking_refs(company),
            **({"tracking": _tracking(company, sale=sale)} if tracking else {}),
        },
        info=[
            (
                "lineItems",
                "subTotal is quantity times unitAmount less discountAmount;"
                " totalAmount is subTotal plus taxAmount.",
            )
        ],
    )
    about = f"The lines of the {subject}: at least one."
    return array("Line Items", about, line, required=True, min_items=1)


def _totals(subject: str, tax_field: str) -> dict[str, PushOption]:
    return {
        "subTotal": number("Sub Total Amount", f"The {subject}'s amount before tax.", minimum=0),
        tax_field: number("Tax Amount", f"The VAT on the {subject}.", minimum=0),
        "totalAmount": number("Total Amount", f"The {subject}'s amount with tax.", minimum=0),
    }


def _document_rules(tax_field: str) -> Notes:
    return (
        ("lineItems", "Line amounts must add up to subTotal."),
        ("totalAmount", f"totalAmount must equal subTotal plus {tax_field}."),
        ("totalAmount", MONEY_NOTE),
    )


def _document(
    company: _Company,
    title: str,
    description: str,
    *,
    number_field: tuple[str, str, str],
    sale: bool,
    statuses: list[tuple[str, str]],
    due: str | None,
    tax_field: str,
) -> PushOption:
    """A bill, invoice, credit note or bill credit note: a party, dates, priced lines."""
    subject = title.lower()
    field, name, about = number_field
    # A bill's reference is the supplier's: two suppliers may use the same one.
    unique = () if field == "reference" else ((field, f"Must not be used by another {subject}."),)
    fields: dict[str, PushOption] = {
        field: text(name, about, max_length=REFERENCE, info=unique),
        ("customerRef" if sale else "supplierRef"): _party_ref(subject, supplier=not sale),
        "issueDate": _issue_date(subject, company),
    }
    if due is not None:
        fields["dueDate"] = date("Due Date", due, info=[("dueDate", "Not before issueDate.")])
    status = " or ".join(value for value, _ in statuses) + "."
    fields |= {
        "currency": _currency(subject),
        "currencyRate": _currency_rate(subject),
        "lineItems": _line_items(company, subject, sale=sale),
        "status": text(f"{title} Status", status, options=explained(statuses)),
        "note": _note(subject),
    }
    if tax_field == "totalTaxAmount":
        fields["totalDiscount"] = number("Total Discount", "The lines' discounts.", minimum=0)
    fields |= _totals(subject, tax_field)
    return obj(title, description, fields, info=_document_rules(tax_field))


# -- the models ---------------------------------------------------------------------


def _bill(company: _Company) -> PushOption:
    return _document(
        company,
        "Bill",
        "A supplier's invoice to the business: what it bought, to be paid later.",
        number_field=("reference", "Reference", "The supplier's invoice number."),
        sale=False,
        statuses=[
            ("Open", "Approved: posted to the ledger and awaiting payment."),
            ("Draft", "Saved but not posted; it can be changed freely."),
        ],
        due="When the bill is to be paid; the supplier's terms if left out.",
        tax_field="taxAmount",
    )


def _bill_credit_note(company: _Company) -> PushOption:
    return _document(
        company,
        "Bill Credit Note",
        "A supplier's credit to the business (goods returned, an overcharge).",
        number_field=("billCreditNoteNumber", "Bill Credit Note Number", "The supplier's number."),
        sale=False,
        statuses=[
            ("Submitted", "Posted to the ledger: its credit can be allocated to bills."),
            ("Draft", "Saved but not posted."),
        ],
        due=None,
        tax_field="totalTaxAmount",
    )


def _invoice(company: _Company) -> PushOption:
    return _document(
        company,
        "Invoice",
        "A bill the business sends a customer for goods or services.",
        number_field=("invoiceNumber", "Invoice Number", "The next in sequence if left out."),
        sale=True,
        statuses=[
            ("Submitted", "Approved: posted to the ledger and sent to the customer."),
            ("Draft", "Saved but not posted; it can be changed freely."),
        ],
        due="When payment is due; the customer's terms if left out.",
        tax_field="totalTaxAmount",
    )


def _credit_note(company: _Company) -> PushOption:
    return _document(
        company,
        "Credit Note",
        "A credit the business gives a customer (a refund, a correction of an invoice).",
        number_field=(
            "creditNoteNumber",
            "Credit Note Number",
            "The next in sequence if left out.",
        ),
        sale=True,
        statuses=[
            ("Submitted", "Posted to the ledger: its credit can be allocated to invoices."),
            ("Draft", "Saved but not posted."),
        ],
        due=None,
        tax_field="totalTaxAmount",
    )


def _contact(*, supplier: bool) -> PushOption:
    """A supplier or a customer: the same fields under Codat's two names."""
    who = "supplier" if supplier else "customer"
    address = obj(
        "Address",
        "A postal address.",
        {
            "type": text(
                "Address Type",
                "What the address is used for.",
                required=True,
                options=choices(["Billing", "Delivery", "Unknown"]),
            ),
            "line1": text("Line 1", "The first line of the address.", max_length=ADDRESS_LINE),
            "line2": text("Line 2", "The second line of the address.", max_length=ADDRESS_LINE),
            "city": text("City", "The town or city.", max_length=NAME),
            "region": text("Region", "The county, state or region.", max_length=NAME),
            "country": text("Country", "The country.", max_length=SHORT),
            "postalCode": text("Postal/Zip Code", "The postcode or zip code.", max_length=SHORT),
        },
    )
    currency = f"The currency the {who} trades in (ISO 4217): the sandbox trades in GBP only."
    return obj(
        who.title(),
        f"A person or organisation the business {'buys from' if supplier else 'sells to'}.",
        {
            f"{who}Name": text(
                f"{who.title()} Name",
                f"The {who}'s name, typically a company name.",
                required=True,
                max_length=NAME,
                warnings=[(f"{who}Name", f"Must not match another {who}'s name (ignoring case).")],
            ),
            "contactName": text("Contact Name", f"The main contact at the {who}.", max_length=NAME),
            "emailAddress": text("Email Address", f"The {who}'s email.", max_length=NAME),
            "phone": text("Phone", f"The {who}'s phone number.", max_length=SHORT),
            "addresses": array("Addresses", f"The {who}'s addresses.", address),
            "registrationNumber": text(
                "Registration Number", "The company registration number.", max_length=SHORT
            ),
            "taxNumber": text("Tax Number", "The VAT registration number.", max_length=SHORT),
            "status": text(
                f"{who.title()} Status",
                f"Whether the {who} is in use.",
                options=explained(ACTIVE_ARCHIVED),
            ),
            "defaultCurrency": text("Default Currency", currency, options=choices([GBP])),
        },
    )


def _supplier(_: _Company) -> PushOption:
    return _contact(supplier=True)


def _customer(_: _Company) -> PushOption:
    return _contact(supplier=False)


def _bank_account(company: _Company) -> PushOption:
    code = "The code of the ledger account that carries the balance; assigned if left out."
    kinds = [
        ("Debit", "Positive balances are assets (a current account)."),
        ("Credit", "Positive balances are liabilities (a credit card)."),
    ]
    return obj(
        "Bank Account",
        "An account at a bank that money is paid in to and out of.",
        {
            "accountName": text(
                "Name",
                "The account's name.",
                required=True,
                max_length=NAME,
                warnings=company.name_warning("accountName", "account"),
            ),
            "accountType": text("Account Type", "Debit or Credit.", options=explained(kinds)),
            "nominalCode": text(
                "Nominal Code", code, max_length=CODE, warnings=company.code_warning()
            ),
            "sortCode": text("Sort Code", "The bank's sort code.", max_length=SHORT),
            "accountNumber": text("Account Number", "The account number.", max_length=SHORT),
            "iBan": text("IBAN", "The international bank account number.", max_length=SHORT),
            "currency": text(
                "Currency",
                "The currency the account is held in (ISO 4217).",
                required=True,
                options=choices(BANK_CURRENCIES),
            ),
            "institution": text("Institution", "The bank.", max_length=NAME),
            "overdraftLimit": number("Overdraft Limit", "The arranged overdraft.", minimum=0),
            "status": text("Status", "Whether it is in use.", options=explained(ACTIVE_ARCHIVED)),
        },
    )


def _chart_account(company: _Company) -> PushOption:
    types = [
        ("Asset", "What the business owns or is owed."),
        ("Liability", "What the business owes."),
        ("Equity", "The owners' stake."),
        ("Income", "Money earned."),
        ("Expense", "Money spent."),
    ]
    category = "The account's category, starting with its type: Expense.Overheads..."
    return obj(
        "Nominal Account",
        "An account of the chart of accounts: a category the business records money in.",
        {
            "nominalCode": text(
                "Nominal Code",
                "The account's code in the chart, such as 7150.",
                required=True,
                max_length=CODE,
                warnings=company.code_warning(),
            ),
            "name": text(
                "Name",
                "The account's name.",
                required=True,
                max_length=NAME,
                warnings=company.name_warning("name", "account"),
            ),
            "description": text("Description", "What the account is for.", max_length=NOTE),
            "fullyQualifiedCategory": text("Fully Qualified Category", category, max_length=NAME),
            "type": text(
                "Account Type", "The base category.", required=True, options=explained(types)
            ),
            "status": text("Account Status", "In use or not.", options=explained(ACTIVE_ARCHIVED)),
            "currency": _currency("account"),
            "isBankAccount": flag("Is Bank Account?", "Must be false: see bankAccounts."),
        },
        info=[
            ("fullyQualifiedCategory", "Must start with type (Expense.Overheads: Expense)."),
            ("isBankAccount", "Bank accounts are created through bankAccounts."),
        ],
    )


def _payment(company: _Company, *, bill: bool) -> PushOption:
    """A customer's payment (receipt), or a payment to a supplier (bill payment)."""
    document = "Bill" if bill else "Invoice"
    paid = document.lower()
    who = "supplier" if bill else "customer"
    link = obj(
        "Link",
        "A document the line settles.",
        {
            "type": text(
                "Link Type",
                f"What is linked: the {paid} paid, or a credit note allocated.",
                required=True,
                options=[
                    choice(document, document, f"The {paid} paid."),
                    choice("CreditNote", "CreditNote", "A credit note allocated."),
                ],
            ),
            "id": text(
                "Identifier",
                "The id of the linked document.",
                required=True,
                info=[("links.id", f"An approved (not draft or void) document of the {who}.")],
            ),
            "amount": number(
                "Amount",
                f"How the document's balance changes: negative for the {paid} paid,"
                " positive for a credit note used.",
                required=True,
            ),
            "currencyRate": number("Currency Exchange Rate", "Always 1.", minimum=0),
        },
    )
    line = obj(
        "Line",
        "One allocation of the payment.",
        {
            "amount": number("Amount", "The line's amount.", required=True),
            "links": array("Links", "What the line settles.", link, required=True, min_items=1),
            "allocatedOnDate": date("Allocated On Date", "When the line was allocated."),
        },
        info=[
            (
                "lines",
                "Each line's amount plus its links' amounts must add up to 0 (to pay a"
                f" {paid} of 60: amount 60, link {document} amount -60).",
            ),
            ("links.amount", f"A payment may not exceed the amount due on the {paid}."),
        ],
    )
    bank = ref(
        "Bank Account Reference",
        "The bank account the money went through.",
        "The id of a bank account (see bankAccounts).",
        options=company.bank_accounts(),
        info=[
            ("accountRef", "Required unless totalAmount is 0 (a credit note allocation)."),
            ("accountRef.id", GBP_BANK_NOTE),
        ],
    )
    method = ref(
        "Payment Method Reference",
        "How the money was paid.",
        "The id of an active payment method (see paymentMethods).",
        options=[choice(m.id, m.name, m.type) for m in company.payment_methods],
    )
    total = "The amount paid; 0 to allocate a credit note with no money moving."
    return obj(
        "Bill Payment" if bill else "Payment",
        f"Money {'paid to a supplier' if bill else 'received from a customer'}: it settles"
        f" {paid}s.",
        {
            ("supplierRef" if bill else "customerRef"): _party_ref("payment", supplier=bill),
            "accountRef": bank,
            "paymentMethodRef": method,
            "totalAmount": number("Total Amount", total, required=True, minimum=0),
            "currency": _currency("payment"),
            "currencyRate": _currency_rate("payment"),
            "date": date(
                "Date", "The day the money moved.", required=True, info=company.lock_note("date")
            ),
            "reference": _reference("A reference for the payment."),
            "note": _note("payment"),
            "lines": array("Lines", "What the payment settles.", line, required=True, min_items=1),
        },
        info=[
            ("totalAmount", "totalAmount must equal the sum of the lines' amounts."),
            ("totalAmount", MONEY_NOTE),
        ],
    )


def _bill_payment(company: _Company) -> PushOption:
    return _payment(company, bill=True)


def _customer_payment(company: _Company) -> PushOption:
    return _payment(company, bill=False)


def _journal_entry(company: _Company) -> PushOption:
    barred = (
        "accountRef.id",
        "Bank accounts and the debtors and creditors control accounts take no manual"
        " journals: use payments, bills and invoices.",
    )
    line = obj(
        "Journal Line",
        "One posting of the entry.",
        {
            "description": text("Description", "What the line is for.", max_length=NOTE),
            "netAmount": number("Net Amount", "Debit positive, credit negative.", required=True),
            "currency": _currency("line"),
            "accountRef": ref(
                "Nominal Account Reference",
                "The account the line is posted to.",
                "The id of an active account that takes manual journals.",
                required=True,
                options=company.journal_accounts(),
                info=[barred],
            ),
        },
    )
    journal = ref(
        "Journal Reference",
        "The journal the entry is recorded in; the general journal if left out.",
        "The id of a journal (see journals).",
        options=[choice(j.id, j.name, j.type) for j in company.journals if j.status == "Active"],
    )
    return obj(
        "Journal Entry",
        "A manual double entry: lines posted to the chart of accounts that add up to 0.",
        {
            "description": text("Description", "What the entry is for.", max_length=NOTE),
            "postedOn": date(
                "Posted On", "The posting date.", required=True, info=company.lock_note("postedOn")
            ),
            "journalRef": journal,
            "journalLines": array(
                "Journal Lines",
                "The entry's postings: at least two.",
                line,
                required=True,
                min_items=2,
                info=[("journalLines", "The lines' netAmount must add up to 0, not all 0.")],
            ),
        },
        info=[("journalLines.netAmount", MONEY_NOTE)],
    )


def _direct(company: _Company, *, income: bool) -> PushOption:
    """A direct cost (spent on the spot, no bill) or a direct income (received on the
    spot, no invoice): priced lines and the bank payment that settled them."""
    subject = "direct income" if income else "direct cost"
    bank = ref(
        "Account Reference",
        "The bank account the money went through.",
        "The id of a bank account (see bankAccounts).",
        required=True,
        options=company.bank_accounts(),
        info=[("accountRef.id", GBP_BANK_NOTE)],
    )
    payment = obj(
        "Payment",
        "The money paid or received.",
        {
            "accountRef": bank,
            "totalAmount": number("Total Amount", "The amount of the payment.", minimum=0),
            "currency": _currency("payment"),
            "paidOnDate": date("Paid On Date", "When the money moved."),
            "reference": _reference("The payment's reference."),
            "note": _note("payment"),
        },
        required=True,
    )
    allocation = obj(
        "Allocation",
        f"How much of the payment settles the {subject}.",
        {
            "totalAmount": number("Total Amount", "The amount allocated.", minimum=0),
            "currency": _currency("allocation"),
            "allocatedOnDate": date("Allocated On Date", "When it was allocated."),
        },
        required=True,
    )
    allocations = array(
        "Payment Allocations",
        f"The payment that settled the {subject}: at least one.",
        obj(
            "Payment Allocation",
            f"A payment settling the {subject}.",
            {"payment": payment, "allocation": allocation},
        ),
        required=True,
        min_items=1,
        info=[("paymentAllocations", "Allocations must add up to totalAmount (paid in full).")],
    )
    parties = ["customers", "suppliers"] if income else ["suppliers", "customers"]
    return obj(
        "Direct Income" if income else "Direct Cost",
        f"Money {'received' if income else 'spent'} and recorded at once, with no"
        f" {'invoice (a cash sale)' if income else 'bill (a card purchase)'}.",
        {
            "reference": _reference(f"A reference for the {subject}."),
            "note": _note(subject),
            "contactRef": _contact_ref(subject, parties),
            "issueDate": _issue_date(subject, company),
            "currency": _currency(subject, required=True),
            "currencyRate": _currency_rate(subject),
            # Money coming back (a merchant's refund, a chargeback) is credited to the
            # expense account the spend went to, as platforms allow; other income, to
            # an income account.
            "lineItems": _line_items(
                company,
                subject,
                sale=income,
                tracking=False,
                account_types=("Income", "Expense") if income else None,
            ),
            "paymentAllocations": allocations,
            **_totals(subject, "taxAmount"),
        },
        info=[
            *_document_rules("taxAmount"),
            ("totalAmount", f"A {subject} must move money: more than 0."),
        ],
    )


def _direct_cost(company: _Company) -> PushOption:
    return _direct(company, income=False)


def _direct_income(company: _Company) -> PushOption:
    return _direct(company, income=True)


def _transfer(company: _Company) -> PushOption:
    def side(name: str, description: str) -> PushOption:
        account = ref(
            "Account Reference",
            "The bank account.",
            "The id of a bank account (see bankAccounts).",
            required=True,
            options=company.bank_accounts(),
        )
        currency = "The currency of the amount (ISO 4217): the account's."
        return obj(
            name,
            description,
            {
                "accountRef": account,
                "amount": number("Amount", "The amount transferred.", required=True, above=0),
                "currency": text("Currency", currency, options=choices(BANK_CURRENCIES)),
            },
            required=True,
        )

    return obj(
        "Transfer",
        "Money moved between two of the business's bank accounts.",
        {
            "description": text("Transfer Description", "What it is for.", max_length=NOTE),
            "date": date(
                "Transfer Date",
                "The day the money moved.",
                required=True,
                info=company.lock_note("date"),
            ),
            "from": side("Transferred From", "The account the money left, and how much."),
            "to": side("Transferred To", "The account the money arrived in, and how much."),
            "contactRef": _contact_ref("transfer", ["customers", "suppliers"]),
        },
        info=[
            ("to.accountRef.id", "Must differ from from.accountRef.id."),
            ("to.amount", "Must equal from.amount when both accounts share a currency."),
            ("from.amount", MONEY_NOTE),
        ],
    )


def _journal(company: _Company) -> PushOption:
    """A journal (book) that journal entries are recorded in, as Codat's
    ``journalPrototype``: ``hasChildren`` and ``createdOn`` are the platform's to set."""
    types = [
        ("General", "Entries of any kind (the default)."),
        ("Sales", "Invoices and credit notes to customers."),
        ("Purchases", "Bills and credit notes from suppliers."),
        ("CashReceipts", "Money received."),
        ("CashPayments", "Money paid out."),
    ]
    active = [j for j in company.journals if j.status == "Active"]
    codes = ", ".join(j.code for j in company.journals if j.code)
    return obj(
        "Journal",
        "A journal (book) that journal entries are recorded in.",
        {
            "name": text(
                "Name",
                f"The journal's name; one longer than {JOURNAL_NAME} characters is truncated.",
                required=True,
                warnings=company.name_warning("name", "journal"),
            ),
            "journalCode": text(
                "Journal Code",
                "The journal's short code, such as GJ; none if left out.",
                max_length=CODE,
                warnings=[
                    ("journalCode", f"Must not match a code in use, ignoring case: {codes}.")
                ],
            ),
            "type": text(
                "Type", "What the journal records; General if left out.", options=explained(types)
            ),
            "parentId": text(
                "Parent Journal",
                "The id of the active journal this one sits under; none for a top-level one.",
                options=[choice(j.id, j.name, j.type) for j in active],
            ),
            "hasChildren": flag("Has Children", "Must be false: a new journal has no children."),
            "status": text("Status", "Active if left out.", options=explained(ACTIVE_ARCHIVED)),
        },
        info=[("hasChildren", "Set by the platform when a journal is created under this one.")],
    )


_MODELS: dict[DataType, tuple[str, Callable[[_Company], PushOption]]] = {
    DataType.BANK_ACCOUNTS: ("Bank Account", _bank_account),
    DataType.SUPPLIERS: ("Supplier", _supplier),
    DataType.CUSTOMERS: ("Customer", _customer),
    DataType.BILLS: ("Bill", _bill),
    DataType.BILL_PAYMENTS: ("Bill Payment", _bill_payment),
    DataType.BILL_CREDIT_NOTES: ("Bill Credit Note", _bill_credit_note),
    DataType.INVOICES: ("Invoice", _invoice),
    DataType.PAYMENTS: ("Payment", _customer_payment),
    DataType.CREDIT_NOTES: ("Credit Note", _credit_note),
    DataType.JOURNAL_ENTRIES: ("Journal Entry", _journal_entry),
    DataType.CHART_OF_ACCOUNTS: ("Nominal Account", _chart_account),
    DataType.DIRECT_COSTS: ("Direct Cost", _direct_cost),
    DataType.DIRECT_INCOMES: ("Direct Income", _direct_income),
    DataType.TRANSFERS: ("Transfer", _transfer),
    DataType.JOURNALS: ("Journal", _journal),
}
