"""The sandbox's create models: one per data type and kind, built from a company's own
records, in Codat's field names; what Codat's SDKs send passes, and each way a push can
be wrong is reported on the field, by its Codat ``itemId`` path. No database: the
models come from the books alone."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ledgerport.connectors.sandbox import catalog as c
from ledgerport.connectors.sandbox.books import AS_OF, Books, books
from ledgerport.connectors.sandbox.options import (
    BANK_CURRENCIES,
    CREATE_TYPES,
    UPDATE_TYPES,
    create_model,
)
from ledgerport.connectors.sandbox.simulation import simulate
from ledgerport.connectors.sandbox.size import Size
from ledgerport.connectors.writes import WriteKind
from ledgerport.domain.enums import DataType
from ledgerport.domain.push import PushOption, PushOptionType, validate
from tests.conformance.codat_schema import errors

SMALL = Size(customers=4, suppliers=4, invoices=40, bills=40, direct_costs=10, history_days=200)
D = DataType
CREATE = WriteKind.CREATE

# The Codat schema of each data type's record (accounting spec), for the field names.
SCHEMAS = {
    D.BANK_ACCOUNTS: "BankAccount",
    D.SUPPLIERS: "Supplier",
    D.CUSTOMERS: "Customer",
    D.BILLS: "Bill",
    D.BILL_PAYMENTS: "BillPayment",
    D.BILL_CREDIT_NOTES: "BillCreditNote",
    D.INVOICES: "Invoice",
    D.PAYMENTS: "Payment",
    D.CREDIT_NOTES: "CreditNote",
    D.JOURNAL_ENTRIES: "JournalEntry",
    D.CHART_OF_ACCOUNTS: "Account",
    D.DIRECT_COSTS: "DirectCost",
    D.DIRECT_INCOMES: "DirectIncome",
    D.TRANSFERS: "Transfer",
    D.JOURNALS: "Journal",
}
# Fields Codat defines elsewhere than the 2023 accounting spec's record schema.
NOT_IN_2023_SPEC = {(D.BANK_ACCOUNTS, "status")}  # Codat's current bankAccountStatus

EXPENSE_ACCOUNT = c.ACCOUNT_BY_CODE[c.RENT].id
INCOME_ACCOUNT = c.ACCOUNT_BY_CODE[c.SALES_SERVICES].id
BANK_ACCOUNT = c.ACCOUNT_BY_CODE[c.BANK].id
DEPRECIATION = c.ACCOUNT_BY_CODE[c.DEPRECIATION].id
PROVISION = c.ACCOUNT_BY_CODE[c.DEPRECIATION_PROVISION].id
CONTROL = {c.ACCOUNT_BY_CODE[code].id for code in (c.DEBTORS, c.CREDITORS, c.VAT_LIABILITY)}


@pytest.fixture(scope="module")
def company() -> Books:
    return books("options-test", SMALL)


def model(company: Books, data_type: DataType, kind: WriteKind = CREATE) -> PushOption:
    return create_model(company, data_type, kind)


def problems(company: Books, data_type: DataType, record: Any) -> list[tuple[str | None, str]]:
    return [(p.item_id, p.message) for p in validate(record, model(company, data_type))]


def paths(company: Books, data_type: DataType, record: Any) -> list[str | None]:
    return [path for path, _ in problems(company, data_type, record)]


def node_at(root: PushOption, path: str) -> PushOption:
    """The node for a dotted path; ``[]`` steps into an array's items."""
    node = root
    for part in path.split("."):
        # An Array's properties are its elements' fields, so "[]" needs no extra step.
        node = (node.properties or {})[part.removesuffix("[]")]
    return node


def option_values(root: PushOption, path: str) -> list[str]:
    return [choice.value for choice in node_at(root, path).options or []]


def walk(node: PushOption, path: str = "") -> Iterator[tuple[str, PushOption]]:
    yield path, node
    for key, child in (node.properties or {}).items():
        if node.type is PushOptionType.ARRAY:  # its properties are each element's fields
            yield from walk(child, f"{path}[].{key}")
        else:
            yield from walk(child, f"{path}.{key}" if path else key)


def required_paths(root: PushOption) -> set[str]:
    return {path for path, node in walk(root) if path and node.required}


# -- example records, as a Codat SDK sends them ---------------------------------------


def bill() -> dict[str, Any]:
    return {
        "supplierRef": {"id": "sup-0001", "supplierName": "Acme"},
        "issueDate": "2024-06-01T00:00:00",
        "dueDate": "2024-07-01T00:00:00",
        "currency": "GBP",
        "status": "Open",
        "lineItems": [
            {
                "description": "Workshop rent, June",
                "unitAmount": 100.0,
                "quantity": 1.0,
                "taxAmount": 20.0,
                "totalAmount": 120.0,
                "accountRef": {"id": EXPENSE_ACCOUNT},
                "taxRateRef": {"id": c.STANDARD.id},
            }
        ],
        "subTotal": 100,
        "taxAmount": 20,
        "totalAmount": 120,
    }


def bill_payment() -> dict[str, Any]:
    return {
        "supplierRef": {"id": "sup-0001"},
        "accountRef": {"id": BANK_ACCOUNT},
        "totalAmount": 60,
        "currency": "GBP",
        "date": "2024-06-15T00:00:00",
        "lines": [{"amount": 60, "links": [{"type": "Bill", "id": "bill-00001", "amount": -60}]}],
    }


def payment() -> dict[str, Any]:
    return {
        "customerRef": {"id": "cus-0001"},
        "accountRef": {"id": BANK_ACCOUNT},
        "totalAmount": 60,
        "currency": "GBP",
        "date": "2024-06-15T00:00:00",
        "lines": [{"amount": 60, "links": [{"type": "Invoice", "id": "inv-00001", "amount": -60}]}],
    }


def supplier() -> dict[str, Any]:
    return {"supplierName": "Acme Electrical Wholesale", "status": "Active"}


def bank_account() -> dict[str, Any]:
    return {
        "accountName": "Savings",
        "accountType": "Debit",
        "accountNumber": "12345678",
        "sortCode": "40-47-84",
        "currency": "GBP",
    }


def invoice() -> dict[str, Any]:
    line = bill()["lineItems"][0] | {"accountRef": {"id": INCOME_ACCOUNT}}
    return {
        "customerRef": {"id": "cus-0001", "companyName": "Acme Bakery"},
        "issueDate": "2024-06-01T00:00:00",
        "dueDate": "2024-07-01T00:00:00",
        "currency": "GBP",
        "status": "Submitted",
        "lineItems": [line | {"itemRef": {"id": "itm-consult"}}],
        "subTotal": 100,
        "totalTaxAmount": 20,
        "totalAmount": 120,
        # Spec-required fields the SDK always sends; a create ignores them.
        "amountDue": 120,
        "additionalTaxAmount": 0,
        "additionalTaxPercentage": 0,
    }


def direct_cost() -> dict[str, Any]:
    return {
        "issueDate": "2024-06-01T00:00:00",
        "currency": "GBP",
        "lineItems": bill()["lineItems"],
        "paymentAllocations": [
            {
                "payment": {"accountRef": {"id": BANK_ACCOUNT}, "totalAmount": 120},
                "allocation": {"totalAmount": 120, "allocatedOnDate": "2024-06-01T00:00:00"},
            }
        ],
        "subTotal": 100,
        "taxAmount": 20,
        "totalAmount": 120,
    }


def journal_entry() -> dict[str, Any]:
    return {
        "postedOn": "2024-06-30T00:00:00",
        "description": "Accrual",
        "journalRef": {"id": c.GENERAL_JOURNAL.id},
        "journalLines": [
            {"netAmount": 50, "accountRef": {"id": DEPRECIATION}, "currency": "GBP"},
            {"netAmount": -50, "accountRef": {"id": PROVISION}, "description": "Laptops"},
        ],
    }


def transfer() -> dict[str, Any]:
    return {
        "date": "2024-06-01T00:00:00",
        "from": {"accountRef": {"id": BANK_ACCOUNT}, "amount": 500, "currency": "GBP"},
        "to": {"accountRef": {"id": BANK_ACCOUNT}, "amount": 500},
        "description": "To savings",
    }


def chart_account() -> dict[str, Any]:
    # What the Codat accounting SDK sends: type, status and isBankAccount are required.
    return {
        "nominalCode": "7150",
        "name": "Cleaning",
        "type": "Expense",
        "status": "Active",
        "isBankAccount": False,
        "fullyQualifiedCategory": "Expense.Overheads",
        "currency": "GBP",
    }


def journal() -> dict[str, Any]:
    # Codat's journalPrototype as an SDK sends it (hasChildren is a plain bool there).
    return {
        "journalCode": "ACC",
        "name": "Accruals",
        "type": "General",
        "parentId": c.GENERAL_JOURNAL.id,
        "hasChildren": False,
        "status": "Active",
    }


EXAMPLES = {
    D.BILLS: bill,
    D.BILL_PAYMENTS: bill_payment,
    D.PAYMENTS: payment,
    D.SUPPLIERS: supplier,
    D.CUSTOMERS: lambda: {"customerName": "Acme Bakery", "status": "Active"},
    D.BANK_ACCOUNTS: bank_account,
    D.INVOICES: invoice,
    D.CREDIT_NOTES: lambda: invoice() | {"status": "Draft"},
    D.BILL_CREDIT_NOTES: lambda: bill() | {"status": "Submitted"},
    D.DIRECT_COSTS: direct_cost,
    D.DIRECT_INCOMES: lambda: direct_cost() | {"lineItems": invoice()["lineItems"]},
    D.JOURNAL_ENTRIES: journal_entry,
    D.TRANSFERS: transfer,
    D.CHART_OF_ACCOUNTS: chart_account,
    D.JOURNALS: journal,
}


# -- which models there are -----------------------------------------------------------


def test_the_modelled_data_types() -> None:
    assert set(SCHEMAS) == CREATE_TYPES == set(EXAMPLES)
    assert UPDATE_TYPES < CREATE_TYPES


@pytest.mark.parametrize("data_type", sorted(CREATE_TYPES))
def test_every_create_model_is_an_object_named_for_its_type(
    company: Books, data_type: DataType
) -> None:
    root = model(company, data_type)
    assert root.type is PushOptionType.OBJECT
    assert root.displayName
    assert root.description
    assert root.properties


@pytest.mark.parametrize("data_type", sorted(UPDATE_TYPES))
def test_an_update_model_is_the_create_model(company: Books, data_type: DataType) -> None:
    """...but a document's update may also void it."""
    update, create = model(company, data_type, WriteKind.UPDATE), model(company, data_type)
    if data_type in (D.BILLS, D.INVOICES, D.CREDIT_NOTES, D.BILL_CREDIT_NOTES):
        assert option_values(update, "status") == [*option_values(create, "status"), "Void"]
        assert create.properties is not None
        assert update.properties is not None
        update.properties.pop("status")
        create.properties.pop("status")
    assert update == create


def test_voiding_is_an_update_not_a_create(company: Books) -> None:
    assert paths(company, D.BILLS, bill() | {"status": "Void"}) == ["status"]
    assert validate(bill() | {"status": "Void"}, model(company, D.BILLS, WriteKind.UPDATE)) == []


@pytest.mark.parametrize("data_type", sorted(CREATE_TYPES - UPDATE_TYPES))
def test_no_update_model_for_what_the_sandbox_cannot_update(
    company: Books, data_type: DataType
) -> None:
    with pytest.raises(ValueError, match="cannot update"):
        model(company, data_type, WriteKind.UPDATE)


@pytest.mark.parametrize(
    "kind", [WriteKind.DELETE, WriteKind.UPLOAD_ATTACHMENT, WriteKind.DELETE_ATTACHMENT]
)
@pytest.mark.parametrize("data_type", sorted(CREATE_TYPES))
def test_delete_and_upload_take_an_empty_object(
    company: Books, data_type: DataType, kind: WriteKind
) -> None:
    root = model(company, data_type, kind)
    assert root.type is PushOptionType.OBJECT
    assert not root.properties
    assert not root.required
    assert validate({}, root) == []
    assert root.description
    assert "nothing is required" in root.description


@pytest.mark.parametrize(
    "data_type", [D.ITEMS, D.TAX_RATES, D.BANK_TRANSACTIONS, D.PURCHASE_ORDERS, D.COMPANY]
)
@pytest.mark.parametrize("kind", list(WriteKind))
def test_a_data_type_it_does_not_model_is_refused(
    company: Books, data_type: DataType, kind: WriteKind
) -> None:
    with pytest.raises(ValueError, match=data_type.value):
        model(company, data_type, kind)


# -- shape: Codat's names, Codat's schema ----------------------------------------------


def _spec() -> dict[str, Any]:
    path = Path(__file__).parents[1] / "conformance" / "Codat-Accounting-2.1.0-2023.json"
    spec: dict[str, Any] = json.loads(path.read_text())
    return spec


SPEC = _spec()


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """A schema with its ``$ref`` followed and ``allOf`` merged: its properties."""
    while "$ref" in schema:
        target: Any = SPEC
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[int(part)] if isinstance(target, list) else target[part]
        schema = target
    properties: dict[str, Any] = dict(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        properties |= _resolve(part).get("properties", {})
    items = schema.get("items")
    return {"properties": properties} | ({"items": items} if items else {})


def _unknown_fields(node: PushOption, schema: dict[str, Any], path: str) -> Iterator[str]:
    resolved = _resolve(schema)
    if node.type is PushOptionType.ARRAY:  # its properties are each element's fields
        element = PushOption(
            type=PushOptionType.OBJECT, displayName="item", properties=node.properties
        )
        if node.properties:
            yield from _unknown_fields(element, resolved["items"], f"{path}[]")
        return
    for key, child in (node.properties or {}).items():
        where = f"{path}.{key}" if path else key
        if key not in resolved["properties"]:
            yield where
        else:
            yield from _unknown_fields(child, resolved["properties"][key], where)


@pytest.mark.parametrize("data_type", sorted(CREATE_TYPES))
def test_every_field_is_named_as_in_codats_standard_model(
    company: Books, data_type: DataType
) -> None:
    schema = {"$ref": f"#/components/schemas/{SCHEMAS[data_type]}"}
    unknown = set(_unknown_fields(model(company, data_type), schema, ""))
    assert unknown == {field for d, field in NOT_IN_2023_SPEC if d is data_type}


@pytest.mark.parametrize("data_type", sorted(CREATE_TYPES))
def test_every_model_serializes_as_codats_push_option(company: Books, data_type: DataType) -> None:
    for kind in (CREATE, WriteKind.DELETE):
        dumped = json.loads(
            json.dumps(model(company, data_type, kind).model_dump(exclude_none=True))
        )
        assert errors(dumped, "PushOption", spec="accounting") == []
        assert {"type", "displayName", "required"} <= set(dumped)
    text = json.dumps(model(company, data_type).model_dump(exclude_none=True))
    assert '"displayName"' in text
    assert "display_name" not in text
    assert "null" not in text


@pytest.mark.parametrize("data_type", sorted(CREATE_TYPES))
def test_every_node_says_what_it_is(company: Books, data_type: DataType) -> None:
    """Codat requires a description on every property; a developer reads them."""
    for path, node in walk(model(company, data_type)):
        assert node.displayName.strip(), path
        assert (node.description or "").strip(), path
        for choice in node.options or []:
            assert choice.value, path
            assert choice.displayName, path
        notes = node.validation
        for note in [*(notes.information if notes else []), *(notes.warnings if notes else [])]:
            assert note.field, path
            assert note.details, path


# -- what is required ------------------------------------------------------------------

REQUIRED = {
    D.BANK_ACCOUNTS: {"accountName", "currency"},
    D.SUPPLIERS: {"supplierName", "addresses[].type"},
    D.CUSTOMERS: {"customerName", "addresses[].type"},
    D.CHART_OF_ACCOUNTS: {"name", "nominalCode", "type"},
    D.JOURNALS: {"name"},
    D.JOURNAL_ENTRIES: {
        "postedOn",
        "journalRef.id",
        "journalLines",
        "journalLines[].netAmount",
        "journalLines[].accountRef",
        "journalLines[].accountRef.id",
    },
    D.TRANSFERS: {
        "date",
        "from",
        "from.accountRef",
        "from.accountRef.id",
        "from.amount",
        "to",
        "to.accountRef",
        "to.accountRef.id",
        "to.amount",
        "contactRef.id",
    },
}
LINE = {
    "lineItems",
    "lineItems[].unitAmount",
    "lineItems[].quantity",
    "lineItems[].accountRef.id",
    "lineItems[].taxRateRef.id",
    "lineItems[].itemRef.id",
    "lineItems[].trackingCategoryRefs[].id",
}
for _type, _party in [
    (D.BILLS, "supplierRef"),
    (D.BILL_CREDIT_NOTES, "supplierRef"),
    (D.INVOICES, "customerRef"),
    (D.CREDIT_NOTES, "customerRef"),
]:
    REQUIRED[_type] = {
        _party,
        f"{_party}.id",
        "issueDate",
        "lineItems[].tracking.categoryRefs[].id",
        "lineItems[].tracking.customerRef.id",
        *LINE,
    }
for _type in (D.DIRECT_COSTS, D.DIRECT_INCOMES):
    REQUIRED[_type] = {
        "issueDate",
        "currency",
        "contactRef.id",
        "paymentAllocations",
        "paymentAllocations[].payment",
        "paymentAllocations[].payment.accountRef",
        "paymentAllocations[].payment.accountRef.id",
        "paymentAllocations[].allocation",
        *LINE,
    }
for _type, _party in [(D.BILL_PAYMENTS, "supplierRef"), (D.PAYMENTS, "customerRef")]:
    REQUIRED[_type] = {
        _party,
        f"{_party}.id",
        "accountRef.id",
        "paymentMethodRef.id",
        "totalAmount",
        "date",
        "lines",
        "lines[].amount",
        "lines[].links",
        "lines[].links[].type",
        "lines[].links[].id",
        "lines[].links[].amount",
    }


@pytest.mark.parametrize("data_type", sorted(CREATE_TYPES))
def test_exactly_these_fields_are_required(company: Books, data_type: DataType) -> None:
    """The list the writer relies on: a field not here may be missing from a push."""
    assert required_paths(model(company, data_type)) == REQUIRED[data_type]


@pytest.mark.parametrize("data_type", sorted(CREATE_TYPES))
def test_leaving_out_each_required_top_level_field_is_reported(
    company: Books, data_type: DataType
) -> None:
    root = model(company, data_type)
    record = EXAMPLES[data_type]()
    for key, child in (root.properties or {}).items():
        if child.required:
            assert paths(company, data_type, {k: v for k, v in record.items() if k != key}) == [
                key
            ], key


# -- the examples pass -----------------------------------------------------------------


@pytest.mark.parametrize("data_type", sorted(CREATE_TYPES))
def test_a_record_as_a_codat_sdk_sends_it_passes(company: Books, data_type: DataType) -> None:
    assert problems(company, data_type, EXAMPLES[data_type]()) == []


@pytest.mark.parametrize("data_type", sorted(UPDATE_TYPES))
def test_an_update_as_a_codat_sdk_sends_it_passes(company: Books, data_type: DataType) -> None:
    """An update sends the record back with what a pull added (id, metadata...)."""
    record = EXAMPLES[data_type]() | {
        "id": "x-1",
        "metadata": {"isDeleted": False},
        "modifiedDate": "2024-06-02T10:00:00Z",
        "sourceModifiedDate": "2024-06-02T09:00:00Z",
        "supplementalData": {"content": {}},
    }
    assert validate(record, model(company, data_type, WriteKind.UPDATE)) == []


@pytest.mark.parametrize("data_type", [D.BILLS, D.INVOICES, D.PAYMENTS, D.BILL_PAYMENTS])
def test_numbers_sent_as_strings_pass(company: Books, data_type: DataType) -> None:
    """Some SDK versions serialize decimals as strings."""
    record = json.loads(
        json.dumps(EXAMPLES[data_type]()),
        parse_int=str,
        parse_float=str,
    )
    assert problems(company, data_type, record) == []


def test_records_the_sandbox_serves_pass_its_own_models(company: Books) -> None:
    """A pulled record, sent back as an update, conforms: the model and the data agree.
    Only a status a create cannot set (Paid, Void...) is refused: the update model is
    the create model."""
    served = [d for d in sorted(UPDATE_TYPES) if company.records(d)]
    assert len(served) >= 5  # a small company may have no credit notes yet
    for data_type in served:
        records = company.records(data_type)
        root = model(company, data_type, WriteKind.UPDATE)
        has_status = "status" in (root.properties or {})  # direct costs have none
        allowed = option_values(root, "status") if has_status else []
        for record in records[:40]:
            expected = [] if not has_status or record["status"] in allowed else ["status"]
            found = [p.item_id for p in validate(record, root)]
            assert found == expected, (data_type, record["id"])


def test_journal_entries_the_sandbox_serves_pass_unless_they_touch_the_bank(
    company: Books,
) -> None:
    root = model(company, D.JOURNAL_ENTRIES)
    barred = {BANK_ACCOUNT, *CONTROL}
    checked = 0
    for record in company.records(D.JOURNAL_ENTRIES):
        touched = {line["accountRef"]["id"] for line in record["journalLines"]}
        record = copy.deepcopy(record)
        if touched & barred:
            assert validate(record, root), record["id"]
        else:
            assert validate(record, root) == [], record["id"]
            checked += 1
    assert checked


# -- the company's ids as options --------------------------------------------------------


def test_line_accounts_are_the_expense_or_income_accounts(company: Books) -> None:
    expense = [a.id for a in c.ACCOUNTS if a.type == "Expense"]
    income = [a.id for a in c.ACCOUNTS if a.type == "Income"]
    for data_type, ids in [
        (D.BILLS, expense),
        (D.BILL_CREDIT_NOTES, expense),
        (D.DIRECT_COSTS, expense),
        (D.INVOICES, income),
        (D.CREDIT_NOTES, income),
        (D.DIRECT_INCOMES, income + expense),  # a refund credits the spend's account
    ]:
        assert option_values(model(company, data_type), "lineItems[].accountRef.id") == ids


def test_tax_rates_items_and_tracking_categories_are_the_companys(company: Books) -> None:
    bills, invoices = model(company, D.BILLS), model(company, D.INVOICES)
    tax_ids = [r.id for r in c.TAX_RATES]
    assert option_values(bills, "lineItems[].taxRateRef.id") == tax_ids
    assert option_values(invoices, "lineItems[].itemRef.id") == [i.id for i in c.ITEMS]
    assert option_values(bills, "lineItems[].itemRef.id") == [i.id for i in c.MATERIAL_ITEMS]
    leaves = [t.id for t in c.TRACKING if t.parent is not None]
    assert option_values(bills, "lineItems[].trackingCategoryRefs[].id") == leaves
    assert node_at(bills, "lineItems[].trackingCategoryRefs").maxItems == 2  # Department, Region


def test_payments_go_through_the_bank_accounts(company: Books) -> None:
    for data_type, path in [
        (D.PAYMENTS, "accountRef.id"),
        (D.BILL_PAYMENTS, "accountRef.id"),
        (D.DIRECT_COSTS, "paymentAllocations[].payment.accountRef.id"),
        (D.DIRECT_INCOMES, "paymentAllocations[].payment.accountRef.id"),
        (D.TRANSFERS, "from.accountRef.id"),
        (D.TRANSFERS, "to.accountRef.id"),
    ]:
        assert option_values(model(company, data_type), path) == [BANK_ACCOUNT], data_type


def test_link_types_are_codats(company: Books) -> None:
    assert option_values(model(company, D.PAYMENTS), "lines[].links[].type") == [
        "Invoice",
        "CreditNote",
    ]
    assert option_values(model(company, D.BILL_PAYMENTS), "lines[].links[].type") == [
        "Bill",
        "CreditNote",
    ]


def test_statuses_allowed_on_create(company: Books) -> None:
    status = {
        D.BILLS: ["Open", "Draft"],
        D.INVOICES: ["Submitted", "Draft"],
        D.CREDIT_NOTES: ["Submitted", "Draft"],
        D.BILL_CREDIT_NOTES: ["Submitted", "Draft"],
        D.SUPPLIERS: ["Active", "Archived"],
        D.CUSTOMERS: ["Active", "Archived"],
        D.BANK_ACCOUNTS: ["Active", "Archived"],
        D.CHART_OF_ACCOUNTS: ["Active", "Archived"],
    }
    for data_type, values in status.items():
        assert option_values(model(company, data_type), "status") == values, data_type
    assert option_values(model(company, D.BANK_ACCOUNTS), "accountType") == ["Debit", "Credit"]
    assert option_values(model(company, D.CHART_OF_ACCOUNTS), "type") == [
        "Asset",
        "Liability",
        "Equity",
        "Income",
        "Expense",
    ]


def test_journal_lines_may_not_post_to_the_bank_or_the_control_accounts(company: Books) -> None:
    ids = option_values(model(company, D.JOURNAL_ENTRIES), "journalLines[].accountRef.id")
    barred = {BANK_ACCOUNT, *CONTROL}
    assert set(ids) == {a.id for a in c.ACCOUNTS} - barred


def test_payment_methods_offered_are_the_active_ones(company: Books) -> None:
    ids = option_values(model(company, D.PAYMENTS), "paymentMethodRef.id")
    assert ids == [m.id for m in c.PAYMENT_METHODS if m.status == "Active"]
    assert c.CASH.id not in ids


def test_journals_offered_are_the_companys_active_ones() -> None:
    """A journal created through the API is a journalRef and a parent at once; an
    archived one is neither; a code in use is warned against."""
    size = Size(customers=2, suppliers=2, invoices=5, bills=5, direct_costs=2, history_days=60)
    company_ = simulate("options-journals", size, AS_OF)
    company_.journals += [
        c.JournalDef("jnl-w0001", "ACC", "Accruals", "General", "jnl-general"),
        c.JournalDef("jnl-w0002", None, "Old", "General", status="Archived"),
    ]
    made = Books("options-journals", size, AS_OF, company_)
    active = [j.id for j in c.JOURNALS] + ["jnl-w0001"]
    assert option_values(model(made, D.JOURNAL_ENTRIES), "journalRef.id") == active
    journal_model = model(made, D.JOURNALS)
    assert option_values(journal_model, "parentId") == active
    assert option_values(journal_model, "type") == [
        "General", "Sales", "Purchases", "CashReceipts", "CashPayments"
    ]  # fmt: skip
    assert option_values(journal_model, "status") == ["Active", "Archived"]
    warnings = node_at(journal_model, "journalCode").validation
    assert warnings is not None
    assert "ACC" in warnings.warnings[0].details
    assert "GJ" in warnings.warnings[0].details
    assert paths(made, D.JOURNALS, {"name": "X", "type": "Bank", "journalCode": "TOOLONGCODE"}) == [
        "journalCode",
        "type",
    ]


def test_currencies(company: Books) -> None:
    # Journals hold no money: no currency.
    in_gbp = CREATE_TYPES - {D.BANK_ACCOUNTS, D.TRANSFERS, D.SUPPLIERS, D.CUSTOMERS, D.JOURNALS}
    for data_type in in_gbp - {D.JOURNAL_ENTRIES}:
        assert option_values(model(company, data_type), "currency") == ["GBP"], data_type
    journal = model(company, D.JOURNAL_ENTRIES)
    assert option_values(journal, "journalLines[].currency") == ["GBP"]
    for data_type in (D.SUPPLIERS, D.CUSTOMERS):
        assert option_values(model(company, data_type), "defaultCurrency") == ["GBP"]
    currencies = option_values(model(company, D.BANK_ACCOUNTS), "currency")
    assert currencies == list(BANK_CURRENCIES)
    assert currencies[0] == "GBP"
    assert all(len(code) == 3 and code.isupper() for code in currencies)
    assert len(set(currencies)) == len(currencies)
    usd = bank_account() | {"currency": "USD"}
    assert problems(company, D.BANK_ACCOUNTS, usd) == []
    assert paths(company, D.BANK_ACCOUNTS, bank_account() | {"currency": "usd"}) == ["currency"]


def test_new_nominal_codes_are_warned_against_clashing(company: Books) -> None:
    for data_type in (D.CHART_OF_ACCOUNTS, D.BANK_ACCOUNTS):
        code = node_at(model(company, data_type), "nominalCode")
        assert code.validation is not None
        (warning,) = code.validation.warnings
        assert warning.field == "nominalCode"
        assert all(a.code in warning.details for a in c.ACCOUNTS)


def test_the_ledger_lock_date_is_stated_on_every_posting_date(company: Books) -> None:
    locked = company.records(D.COMPANY)[0]["ledgerLockDate"]
    assert locked, "the test company should have filed a VAT return"
    for data_type, path in [
        (D.BILLS, "issueDate"),
        (D.INVOICES, "issueDate"),
        (D.DIRECT_COSTS, "issueDate"),
        (D.PAYMENTS, "date"),
        (D.JOURNAL_ENTRIES, "postedOn"),
        (D.TRANSFERS, "date"),
    ]:
        notes = node_at(model(company, data_type), path).validation
        assert notes is not None
        assert any(locked[:10] in note.details for note in notes.information), data_type
        start = company.company.start_date.isoformat()
        assert any(start in note.details for note in notes.information), data_type


def test_platform_rules_are_stated(company: Books) -> None:
    def notes(root: PushOption) -> str:
        return " ".join(
            note.details
            for _, node in walk(root)
            if node.validation
            for note in node.validation.information
        )

    assert "Line amounts must add up to subTotal" in notes(model(company, D.BILLS))
    assert "may not exceed the amount due" in notes(model(company, D.BILL_PAYMENTS))
    assert "must add up to 0" in notes(model(company, D.JOURNAL_ENTRIES))


def test_the_models_follow_the_books() -> None:
    """Accounts added to the chart (as a push adds them) are offered at once; archived
    ones are not, though their codes stay taken."""
    grown = Books("options-grown", SMALL, AS_OF, simulate("options-grown", SMALL, AS_OF))
    t = grown.renderer.as_of
    savings = c.AccountDef("1210", "Savings", "Asset", "Asset.Current.Bank", "Savings.", True)
    cleaning = c.AccountDef("7160", "Cleaning", "Expense", "Expense.Overheads", "Cleaners.")
    old = c.AccountDef("7170", "Old", "Expense", "Expense.Overheads", "Gone.", status="Archived")
    for account in (savings, cleaning, old):
        grown.company.add_account(account, t)
    bank_ids = option_values(create_model(grown, D.PAYMENTS, CREATE), "accountRef.id")
    assert bank_ids == [BANK_ACCOUNT, savings.id]
    bills = create_model(grown, D.BILLS, CREATE)
    line_ids = option_values(bills, "lineItems[].accountRef.id")
    assert cleaning.id in line_ids
    assert old.id not in line_ids
    assert savings.id not in line_ids
    warning = node_at(create_model(grown, D.CHART_OF_ACCOUNTS, CREATE), "nominalCode")
    assert warning.validation is not None
    assert "7170" in warning.validation.warnings[0].details
    record = transfer()
    record["to"]["accountRef"]["id"] = savings.id
    assert validate(record, create_model(grown, D.TRANSFERS, CREATE)) == []


# -- field-level problems ----------------------------------------------------------------


def test_a_bill_missing_its_supplier_and_lines(company: Books) -> None:
    record = bill()
    del record["supplierRef"], record["lineItems"]
    assert problems(company, D.BILLS, record) == [
        ("supplierRef", "supplierRef is required."),
        ("lineItems", "lineItems is required."),
    ]


def test_a_bill_with_no_lines(company: Books) -> None:
    assert problems(company, D.BILLS, bill() | {"lineItems": []}) == [
        ("lineItems", "lineItems needs at least 1 item(s).")
    ]


def test_a_bill_line_posted_to_an_income_account(company: Books) -> None:
    record = bill()
    record["lineItems"][0]["accountRef"] = {"id": INCOME_ACCOUNT}
    ((path, message),) = problems(company, D.BILLS, record)
    assert path == "lineItems[0].accountRef.id"
    assert message.startswith("lineItems[0].accountRef.id must be one of: acc-5000,")
    assert message.endswith(f"(got '{INCOME_ACCOUNT}').")


def test_an_unknown_account_and_tax_rate(company: Books) -> None:
    record = bill()
    record["lineItems"].append(
        record["lineItems"][0] | {"accountRef": {"id": "acc-9999"}, "taxRateRef": {"id": "VAT"}}
    )
    assert paths(company, D.BILLS, record) == [
        "lineItems[1].accountRef.id",
        "lineItems[1].taxRateRef.id",
    ]


def test_a_bill_in_euros(company: Books) -> None:
    assert problems(company, D.BILLS, bill() | {"currency": "EUR"}) == [
        ("currency", "currency must be one of: GBP (got 'EUR').")
    ]


def test_a_line_may_name_an_item_instead_of_an_account(company: Books) -> None:
    record = invoice()
    del record["lineItems"][0]["accountRef"]
    assert problems(company, D.INVOICES, record) == []
    record["lineItems"][0]["accountRef"] = {"name": "Sales"}
    assert paths(company, D.INVOICES, record) == ["lineItems[0].accountRef.id"]


def test_tracking_in_either_form(company: Books) -> None:
    """``trackingCategoryRefs`` and Codat's newer ``tracking.categoryRefs`` (what the
    sandbox serves, and what a Payables v2 bill becomes) are both checked."""
    record = bill()
    line = record["lineItems"][0]
    line["trackingCategoryRefs"] = [{"id": c.DEPT_INSTALL.id}]
    line["tracking"] = {
        "categoryRefs": [{"id": c.REGIONS[0].id}, {"id": "trk-dept"}],
        "customerRef": {"id": "cus-0001"},
        "isBilledTo": "Customer",
        "isRebilledTo": "NotApplicable",
    }
    assert paths(company, D.BILLS, record) == ["lineItems[0].tracking.categoryRefs[1].id"]
    invoiced = invoice()
    invoiced["lineItems"][0]["tracking"] = {"categoryRefs": [], "isBilledTo": "Customer"}
    assert paths(company, D.INVOICES, invoiced) == ["lineItems[0].tracking.isBilledTo"]


def test_a_line_of_no_quantity(company: Books) -> None:
    record = bill()
    record["lineItems"][0]["quantity"] = 0
    assert problems(company, D.BILLS, record) == [
        ("lineItems[0].quantity", "lineItems[0].quantity must be greater than 0.")
    ]


def test_wrong_types(company: Books) -> None:
    record = bill() | {"issueDate": "1st June", "totalAmount": "lots", "status": 1}
    record["lineItems"][0]["unitAmount"] = True
    record["lineItems"][0]["accountRef"] = EXPENSE_ACCOUNT
    assert problems(company, D.BILLS, record) == [
        ("issueDate", "issueDate must be a date such as 2024-06-01T00:00:00."),
        ("lineItems[0].unitAmount", "lineItems[0].unitAmount must be a number."),
        ("lineItems[0].accountRef", "lineItems[0].accountRef must be an object."),
        ("status", "status must be a string."),
        ("totalAmount", "totalAmount must be a number."),
    ]


def test_a_status_not_allowed_on_create(company: Books) -> None:
    assert paths(company, D.BILLS, bill() | {"status": "Paid"}) == ["status"]
    assert paths(company, D.INVOICES, invoice() | {"status": "Open"}) == ["status"]


def test_negative_totals(company: Books) -> None:
    assert problems(company, D.BILLS, bill() | {"totalAmount": -120}) == [
        ("totalAmount", "totalAmount must be at least 0.")
    ]


def test_a_reference_too_long(company: Books) -> None:
    assert paths(company, D.BILLS, bill() | {"reference": "x" * 256}) == ["reference"]
    assert problems(company, D.BILLS, bill() | {"reference": "x" * 255}) == []


def test_a_payment_link_of_the_wrong_kind_and_without_an_id(company: Books) -> None:
    record = bill_payment()
    record["lines"][0]["links"] = [{"type": "Invoice", "amount": -60}]
    assert paths(company, D.BILL_PAYMENTS, record) == [
        "lines[0].links[0].type",
        "lines[0].links[0].id",
    ]


def test_a_payment_line_without_links(company: Books) -> None:
    record = payment()
    record["lines"][0]["links"] = []
    assert paths(company, D.PAYMENTS, record) == ["lines[0].links"]


def test_a_payment_through_an_account_that_is_not_a_bank(company: Books) -> None:
    record = payment() | {"accountRef": {"id": INCOME_ACCOUNT}}
    assert paths(company, D.PAYMENTS, record) == ["accountRef.id"]


def test_a_customer_without_a_name(company: Books) -> None:
    assert problems(company, D.CUSTOMERS, {"customerName": " ", "status": "Active"}) == [
        ("customerName", "customerName is required and cannot be blank.")
    ]


def test_an_address_without_a_type(company: Books) -> None:
    record = supplier() | {"addresses": [{"type": "Billing"}, {"line1": "1 High Street"}]}
    assert paths(company, D.SUPPLIERS, record) == ["addresses[1].type"]


def test_a_bank_account_of_an_unknown_type(company: Books) -> None:
    assert paths(company, D.BANK_ACCOUNTS, bank_account() | {"accountType": "Savings"}) == [
        "accountType"
    ]


def test_a_journal_entry_of_one_line(company: Books) -> None:
    record = journal_entry()
    record["journalLines"] = record["journalLines"][:1]
    assert problems(company, D.JOURNAL_ENTRIES, record) == [
        ("journalLines", "journalLines needs at least 2 item(s).")
    ]


def test_a_journal_line_to_the_bank(company: Books) -> None:
    record = journal_entry()
    record["journalLines"][1]["accountRef"]["id"] = BANK_ACCOUNT
    assert paths(company, D.JOURNAL_ENTRIES, record) == ["journalLines[1].accountRef.id"]


def test_a_direct_cost_with_no_payment(company: Books) -> None:
    record = direct_cost()
    record["paymentAllocations"] = [{"allocation": {"totalAmount": 120}}]
    assert paths(company, D.DIRECT_COSTS, record) == ["paymentAllocations[0].payment"]
    record["paymentAllocations"] = [{"payment": {"totalAmount": 120}, "allocation": {}}]
    assert paths(company, D.DIRECT_COSTS, record) == ["paymentAllocations[0].payment.accountRef"]


def test_a_transfer_of_nothing(company: Books) -> None:
    record = transfer()
    record["from"]["amount"] = 0
    del record["to"]
    assert paths(company, D.TRANSFERS, record) == ["from.amount", "to"]


def test_a_chart_account_without_a_code(company: Books) -> None:
    record = chart_account()
    del record["nominalCode"]
    record["type"] = "Unknown"
    assert paths(company, D.CHART_OF_ACCOUNTS, record) == ["nominalCode", "type"]


def test_null_required_fields(company: Books) -> None:
    record = bill() | {"issueDate": None, "supplierRef": {"id": None}}
    assert problems(company, D.BILLS, record) == [
        ("supplierRef.id", "supplierRef.id is required."),
        ("issueDate", "issueDate is required."),
    ]


def test_many_problems_at_once_each_on_its_field(company: Books) -> None:
    record = invoice() | {"currency": "USD", "customerRef": {}}
    record["lineItems"] = [
        record["lineItems"][0] | {"quantity": -1, "itemRef": {"id": "itm-nope"}},
        {"description": "no price"},
    ]
    assert paths(company, D.INVOICES, record) == [
        "customerRef.id",
        "currency",
        "lineItems[0].quantity",
        "lineItems[0].itemRef.id",
        "lineItems[1].unitAmount",
        "lineItems[1].quantity",
    ]
