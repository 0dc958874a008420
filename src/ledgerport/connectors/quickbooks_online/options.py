"""QBO's create models (Codat's ``PushOption``): what a push of each data type may hold,
served by ``GET .../options/{dataType}`` and enforced before the writer sees a record.

They are the same for every QBO company (no company data is fetched to build them):
references are checked by QBO itself, and its refusal comes back with its message.
Limits are Intuit's documented field lengths (DocNumber 21, PrivateNote 4000,
CustomerMemo 1000, DisplayName 500, account Name 100). A delete needs nothing but the id
in the URL: its model is an empty object.
"""

from __future__ import annotations

from ledgerport.connectors.push_options import (
    array,
    choices,
    date,
    explained,
    number,
    obj,
    ref,
    text,
)
from ledgerport.connectors.quickbooks_online.mapping.push_lists import QBO_ACCOUNT_TYPES
from ledgerport.connectors.writes import WriteKind
from ledgerport.domain.enums import DataType
from ledgerport.domain.push import PushOption

DOC_NUMBER, PRIVATE_NOTE, CUSTOMER_MEMO, DISPLAY_NAME, ACCOUNT_NAME = 21, 4000, 1000, 500, 100
ACTIVE_ARCHIVED = [("Active", "In use."), ("Archived", "Inactive in QuickBooks Online.")]
TRACKING_NOTE = (
    "tracking.categoryRefs",
    "Classes are class-{Id}, locations department-{Id}; a document has one location.",
)


def _tracking() -> PushOption:
    category = ref("Category", "A class or location.", "class-{Id} or department-{Id}.")
    return obj(
        "Tracking",
        "Classes and location of the line.",
        {"categoryRefs": array("Categories", "Class and location.", category)},
    )


def _line(*, sales: bool) -> PushOption:
    item_note = (
        "itemRef.id",
        "QuickBooks Online sales lines must name an item."
        if sales
        else "A purchase line names an item or an account.",
    )
    properties = {
        "description": text("Description", "What the line is for.", max_length=4000),
        "unitAmount": number("Unit amount", "Price of one unit, before tax.", required=True),
        "quantity": number("Quantity", "How many units.", required=True),
        "subTotal": number("Sub total", "The line's amount before tax (else unit x qty)."),
        "itemRef": ref("Item", "The product or service.", "An item id.", required=sales),
        "taxRateRef": ref("Tax code", "The QuickBooks tax code.", "A tax code id."),
        "tracking": _tracking(),
    }
    if not sales:
        properties["accountRef"] = ref("Account", "The expense account.", "An account id.")
    return obj("Line item", "One line.", properties, info=(item_note, TRACKING_NOTE))


def _document(party: str, party_name: str, number_key: str, *, sales: bool) -> PushOption:
    note_limit = CUSTOMER_MEMO if sales else PRIVATE_NOTE
    properties = {
        party: ref(party_name, f"The {party_name.lower()}.", "Its id.", required=True),
        number_key: text("Number", "The document number.", max_length=DOC_NUMBER),
        "issueDate": date("Issue date", "The document's date (QBO: today if absent)."),
        "dueDate": date("Due date", "When payment is due."),
        "currency": text("Currency", "ISO 4217; needs multicurrency on for another."),
        "currencyRate": number("Currency rate", "Home currency per unit.", above=0),
        "note": text("Note", "Memo on the document.", max_length=note_limit),
        "lineItems": array("Line items", "The lines.", _line(sales=sales), min_items=1),
    }
    return obj("Document", "A QuickBooks Online transaction.", properties)


def _payment(party: str, party_name: str, links: list[tuple[str, str]]) -> PushOption:
    link = obj(
        "Link",
        "What the line settles.",
        {
            "type": text("Type", "The kind of document.", required=True, options=explained(links)),
            "id": text("Id", "The document's id."),
            "amount": number("Amount", "Settled amount (its sign is ignored)."),
        },
    )
    line = obj(
        "Line",
        "A part of the payment.",
        {
            "amount": number("Amount", "The line's amount.", required=True),
            "links": array("Links", "What it settles.", link),
        },
    )
    return obj(
        "Payment",
        "Money moved.",
        {
            party: ref(party_name, f"The {party_name.lower()}.", "Its id.", required=True),
            "accountRef": ref(
                "Account",
                "The bank (or credit card) account.",
                "An account id.",
                required=party == "supplierRef",
            ),
            "totalAmount": number("Total", "The whole payment.", required=True, minimum=0),
            "date": date("Date", "When it was paid."),
            "currency": text("Currency", "ISO 4217."),
            "currencyRate": number("Currency rate", "Home currency per unit.", above=0),
            "reference": text("Reference", "Cheque or reference number.", max_length=DOC_NUMBER),
            "note": text("Note", "Private note.", max_length=PRIVATE_NOTE),
            "lines": array("Lines", "What the payment settles.", line),
        },
        info=(("lines", "Money not linked to a document stays unapplied (on account)."),),
    )


def _contact(name_key: str, label: str) -> PushOption:
    address = obj(
        "Address",
        "A postal address.",
        {
            "type": text("Type", "Billing or Delivery.", options=choices(["Billing", "Delivery"])),
            "line1": text("Line 1", "First line."),
            "line2": text("Line 2", "Second line."),
            "city": text("City", "Town or city."),
            "region": text("Region", "State or county."),
            "country": text("Country", "Country."),
            "postalCode": text("Postal code", "Post or ZIP code."),
        },
    )
    return obj(
        label,
        f"A {label.lower()}.",
        {
            name_key: text(
                "Name",
                "Display name, unique across customers, suppliers and employees.",
                required=True,
                max_length=DISPLAY_NAME,
            ),
            "emailAddress": text("Email", "Primary email address."),
            "phone": text("Phone", "Primary phone number."),
            "defaultCurrency": text("Currency", "ISO 4217 (cannot change once set)."),
            "addresses": array("Addresses", "Billing and delivery addresses.", address),
            "status": text("Status", "Active or not.", options=explained(ACTIVE_ARCHIVED)),
        },
    )


def _account() -> PushOption:
    types = ["Asset", "Liability", "Equity", "Income", "Expense"]
    categories = [f"Type.{name.replace(' ', '')}[.SubType]" for name in QBO_ACCOUNT_TYPES]
    return obj(
        "Account",
        "A ledger account.",
        {
            "name": text("Name", "Unique account name.", required=True, max_length=ACCOUNT_NAME),
            "type": text("Type", "The account's class.", required=True, options=choices(types)),
            "fullyQualifiedCategory": text(
                "Category",
                "QBO account type (and subtype), e.g. Asset.Bank.Checking.",
                info=(("fullyQualifiedCategory", "One of: " + ", ".join(categories)),),
            ),
            "nominalCode": text("Number", "Account number (if numbers are on)."),
            "description": text("Description", "What it is for.", max_length=PRIVATE_NOTE),
            "currency": text("Currency", "ISO 4217."),
            "status": text("Status", "Active or not.", options=explained(ACTIVE_ARCHIVED)),
        },
    )


def create_model(data_type: DataType, kind: WriteKind) -> PushOption:
    if kind is not WriteKind.CREATE and kind is not WriteKind.UPDATE:
        return obj(data_type.value, "Nothing beyond the record id.", {})
    match data_type:
        case DataType.INVOICES:
            return _document("customerRef", "Customer", "invoiceNumber", sales=True)
        case DataType.CREDIT_NOTES:
            return _document("customerRef", "Customer", "creditNoteNumber", sales=True)
        case DataType.BILLS:
            return _document("supplierRef", "Supplier", "reference", sales=False)
        case DataType.BILL_CREDIT_NOTES:
            return _document("supplierRef", "Supplier", "billCreditNoteNumber", sales=False)
        case DataType.PAYMENTS:
            links = [
                ("Invoice", "Pays an invoice."),
                ("CreditNote", "Uses a credit memo."),
                ("PaymentOnAccount", "Left unapplied."),
            ]
            return _payment("customerRef", "Customer", links)
        case DataType.BILL_PAYMENTS:
            links = [
                ("Bill", "Pays a bill."),
                ("CreditNote", "Uses a vendor credit."),
                ("PaymentOnAccount", "Left unapplied."),
            ]
            return _payment("supplierRef", "Supplier", links)
        case DataType.CUSTOMERS:
            return _contact("customerName", "Customer")
        case DataType.SUPPLIERS:
            return _contact("supplierName", "Supplier")
        case DataType.CHART_OF_ACCOUNTS:
            return _account()
    raise ValueError(f"QuickBooks Online does not write {data_type.value}.")
