"""Every push endpoint the sandbox supports, as a table (:data:`ENDPOINTS`): a valid
request built from the company's real ids, a request breaking the create model (or, for
a delete or upload, a record the platform refuses), and what a pull must show after.
``tests/api/test_push.py`` runs its tests over it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ledgerport.connectors.writes import WriteKind
from ledgerport.domain.enums import DataType
from ledgerport.domain.push import PushStatus
from tests.api.push_world import PNG, Body, D, World

# -- request bodies, from the company's real ids -----------------------------------------


def line(account: str, vat: str, amount: int = 100, **more: Any) -> Body:
    return {
        "description": "Pushed line",
        "unitAmount": amount,
        "quantity": 1,
        "accountRef": {"id": account},
        "taxRateRef": {"id": vat},
        **more,
    }


def bill(w: World, amount: int = 100, **more: Any) -> Body:
    return {
        "reference": "PUSH-BILL-1",
        "supplierRef": {"id": w.supplier},
        "issueDate": w.day,
        "dueDate": w.later(30),
        "currency": "GBP",
        "status": "Open",
        "lineItems": [line(w.expense, w.vat, amount)],
        **more,
    }


def invoice(w: World, amount: int = 100, **more: Any) -> Body:
    return {
        "customerRef": {"id": w.customer},
        "issueDate": w.day,
        "dueDate": w.later(30),
        "currency": "GBP",
        "status": "Submitted",
        "lineItems": [line(w.income, w.vat, amount)],
        **more,
    }


def credit_note(w: World, amount: int = 100, **more: Any) -> Body:
    return {
        "customerRef": {"id": w.customer},
        "issueDate": w.day,
        "currency": "GBP",
        "status": "Submitted",
        "lineItems": [line(w.income, w.vat, amount)],
        **more,
    }


def bill_credit_note(w: World, amount: int = 100, **more: Any) -> Body:
    return {
        "supplierRef": {"id": w.supplier},
        "issueDate": w.day,
        "currency": "GBP",
        "status": "Submitted",
        "lineItems": [line(w.expense, w.vat, amount)],
        **more,
    }


def payment(w: World, invoice_id: str, amount: Decimal | int) -> Body:
    return {
        "customerRef": {"id": w.customer},
        "accountRef": {"id": w.bank},
        "totalAmount": amount,
        "date": w.day,
        "currency": "GBP",
        "reference": "PUSH-RECEIPT",
        "lines": [{"amount": amount, "links": [{"type": "Invoice", "id": invoice_id,
                                               "amount": -amount}]}],
    }  # fmt: skip


def bill_payment(w: World, bill_id: str, amount: Decimal | int) -> Body:
    return {
        "supplierRef": {"id": w.supplier},
        "accountRef": {"id": w.bank},
        "totalAmount": amount,
        "date": w.day,
        "currency": "GBP",
        "reference": "PUSH-PAYMENT",
        "lines": [{"amount": amount, "links": [{"type": "Bill", "id": bill_id,
                                               "amount": -amount}]}],
    }  # fmt: skip


def journal(w: World) -> Body:
    return {
        "description": "Pushed reclass",
        "postedOn": w.day,
        "journalLines": [
            {"netAmount": 25, "accountRef": {"id": w.expense}, "description": "to"},
            {"netAmount": -25, "accountRef": {"id": w.expense2}, "description": "from"},
        ],
    }


def account(w: World) -> Body:
    codes = w.options("accounts")["properties"]["nominalCode"]["validation"]["warnings"][0]
    code = next(c for c in ("7990", "7991", "7992", "7993") if c not in codes["details"])
    return {
        "nominalCode": code,
        "name": "Pushed Marketing",
        "type": "Expense",
        "fullyQualifiedCategory": "Expense.Overheads",
        "description": "Advertising pushed through the API",
    }


def bank_account(w: World) -> Body:
    return {
        "accountName": "Pushed Savings",
        "currency": "GBP",
        "sortCode": "12-34-56",
        "accountNumber": "12345678",
        "institution": "Pushed Bank",
    }


def supplier(w: World) -> Body:
    return {
        "supplierName": "Pushed Supplier Ltd",
        "emailAddress": "ap@pushed.example",
        "status": "Active",
        "addresses": [{"type": "Billing", "line1": "1 High St", "city": "Bath",
                       "postalCode": "BA1 1AA"}],
    }  # fmt: skip


def customer(w: World) -> Body:
    return {
        "customerName": "Pushed Customer Ltd",
        "emailAddress": "ar@pushed.example",
        "status": "Active",
    }


def _paid_from(w: World, total: int) -> list[Body]:
    return [{"payment": {"accountRef": {"id": w.bank}}, "allocation": {"totalAmount": total}}]


def direct_cost(w: World, amount: int = 10, **more: Any) -> Body:
    return {
        "reference": "CARD-PUSH-1",
        "issueDate": w.day,
        "currency": "GBP",
        "lineItems": [line(w.expense, w.vat, amount)],
        "paymentAllocations": _paid_from(w, amount * 6 // 5),  # with 20% VAT
        **more,
    }


def direct_income(w: World, amount: int = 40, **more: Any) -> Body:
    return {
        "reference": "CASH-PUSH-1",
        "issueDate": w.day,
        "currency": "GBP",
        "contactRef": {"id": w.customer, "dataType": "customers"},
        "lineItems": [line(w.income, w.vat, amount)],
        "paymentAllocations": _paid_from(w, amount * 6 // 5),
        **more,
    }


def journal_book(w: World) -> Body:
    """A journal (book), under the company's first journal, as Codat's prototype."""
    parent = w.choices("journals", "parentId")[0]["value"]
    return {
        "name": "Pushed Accruals",
        "journalCode": "PACC",
        "type": "General",
        "parentId": parent,
        "hasChildren": False,
        "status": "Active",
    }


def transfer(w: World) -> Body:
    """From the company's bank account to ``w.target``, a second one."""
    return {
        "description": "Into savings",
        "date": w.day,
        "from": {"accountRef": {"id": w.bank}, "amount": 75, "currency": "GBP"},
        "to": {"accountRef": {"id": w.target_id}, "amount": 75, "currency": "GBP"},
    }


# -- the endpoints ---------------------------------------------------------------------------


Target = Callable[[World], str]
Expect = Callable[[World, Body], None]
Invalid = Callable[[World], tuple[Body, set[str]]]


@dataclass(frozen=True)
class Endpoint:
    """One push endpoint: how to call it validly and invalidly, and what it must do.

    ``target``: the record an update, delete or upload acts on (made by a push first,
    or a generated one). ``expect``: checks on the record a pull serves afterwards.
    ``invalid``: a body breaking the create model and the ``itemId`` paths it must be
    told about; or, for a delete or upload (no body), ``missing``: a record id the
    platform refuses, the status code it answers and a part of its message."""

    name: str
    kind: WriteKind
    data_type: DataType
    segment: str  # the path segment of the push URL
    read: str  # the /data/ segment its records are served at
    body: Callable[[World], Body] | None = None
    target: Target | None = None
    expect: Expect | None = None
    invalid: Invalid | None = None
    missing: tuple[str, int, str] | None = None
    path: str | None = None  # a route other than .../push/{segment}[/{id}]
    # A delete of a file, when the world uploaded none (``missing``): the file's id.
    missing_file: str | None = None

    def url(self, record_id: str | None, attachment_id: str | None = None) -> str:
        if self.path is not None:
            return self.path
        if self.kind is WriteKind.CREATE:
            return f"/push/{self.segment}"
        if self.kind is WriteKind.DELETE_ATTACHMENT:
            # Codat's path (bills'; the route serves every type that keeps files).
            return f"/push/{self.segment}/{record_id}/attachments/{attachment_id}"
        if self.kind is WriteKind.UPLOAD_ATTACHMENT:
            # Codat's paths: plural for bills, singular for the others.
            suffix = "attachments" if self.data_type is DataType.BILLS else "attachment"
            return f"/push/{self.segment}/{record_id}/{suffix}"
        return f"/push/{self.segment}/{record_id}"

    def send(self, w: World, record_id: str | None, body: Body | None, **params: Any) -> Body:
        method = {
            WriteKind.CREATE: "POST",
            WriteKind.UPDATE: "PUT",
            WriteKind.DELETE: "DELETE",
            WriteKind.UPLOAD_ATTACHMENT: "POST",
            WriteKind.DELETE_ATTACHMENT: "DELETE",
        }[self.kind]
        kwargs: dict[str, Any] = {"params": params}
        if self.kind is WriteKind.UPLOAD_ATTACHMENT:
            kwargs["files"] = {"file": ("receipt.png", PNG, "image/png")}
        elif body is not None:
            kwargs["json"] = body
        attachment = w.attachment if w.attachment is not None else self.missing_file
        return w.call(method, self.url(record_id, attachment), **kwargs)


def _totals(total: int, due: int | None = None, status: str | None = None) -> Expect:
    def check(w: World, got: Body) -> None:
        assert D(got["totalAmount"]) == total, got
        if due is not None:
            assert D(got["amountDue"]) == due, got
        if status is not None:
            assert got["status"] == status, got

    return check


def expect_bill(w: World, got: Body) -> None:
    _totals(120, 120, "Open")(w, got)
    assert got["supplierRef"]["id"] == w.supplier
    assert got["reference"] == "PUSH-BILL-1"
    assert got["lineItems"][0]["accountRef"]["id"] == w.expense
    assert got["issueDate"].startswith(w.day[:10])


def _expect_invoice(w: World, got: Body) -> None:
    _totals(120, 120, "Submitted")(w, got)
    assert got["customerRef"]["id"] == w.customer
    assert got["lineItems"][0]["accountRef"]["id"] == w.income


def _expect_credit(w: World, got: Body) -> None:
    assert D(got["totalAmount"]) == 120
    assert D(got["remainingCredit"]) == 120
    assert got["status"] == "Submitted"


def _expect_journal(w: World, got: Body) -> None:
    lines = {x["accountRef"]["id"]: D(x["netAmount"]) for x in got["journalLines"]}
    assert lines == {w.expense: 25, w.expense2: -25}
    assert got["postedOn"].startswith(w.day[:10])


def _expect_account(w: World, got: Body) -> None:
    assert (got["name"], got["type"], got["status"]) == ("Pushed Marketing", "Expense", "Active")
    assert got["fullyQualifiedCategory"] == "Expense.Overheads"
    assert got["isBankAccount"] is False


def _expect_bank_account(w: World, got: Body) -> None:
    assert (got["accountName"], got["currency"]) == ("Pushed Savings", "GBP")
    assert got["sortCode"] == "12-34-56"
    assert D(got["balance"]) == 0


def _expect_named(key: str, name: str) -> Expect:
    def check(w: World, got: Body) -> None:
        assert got[key] == name, got

    return check


def _expect_payment(w: World, got: Body) -> None:
    assert D(got["totalAmount"]) == 50
    assert got["lines"][0]["links"][0]["type"] in ("Invoice", "Bill")
    link = got["lines"][0]["links"][0]["id"]
    document = DataType.INVOICES if link.startswith("inv") else DataType.BILLS
    w.pull(document)  # what the payment changed besides itself
    paid = w.found(document.value, link)
    assert (paid["status"], D(paid["amountDue"])) == ("PartiallyPaid", D(70)), paid


def _target_invoice_for_payment(w: World) -> str:
    w.pull(DataType.INVOICES)
    return w.made("invoices", invoice(w))


def _target_bill_for_payment(w: World) -> str:
    w.pull(DataType.BILLS)
    return w.made("bills", bill(w))


def _created(segment: str, body: Callable[[World], Body]) -> Target:
    def target(w: World) -> str:
        return w.made(segment, body(w))

    return target


def _bill_payment_target(w: World) -> str:
    bill_id = w.made("bills", bill(w))
    return w.made("billPayments", bill_payment(w, bill_id, 50))


def _expect_transfer(w: World, got: Body) -> None:
    assert (got["from"]["accountRef"]["id"], got["to"]["accountRef"]["id"]) == (
        w.bank,
        w.target_id,
    )
    assert D(got["from"]["amount"]) == D(got["to"]["amount"]) == 75
    assert got["date"].startswith(w.day[:10])


def _expect_journal_book(w: World, got: Body) -> None:
    """Read back as sent, under its parent; and a journal entry written afterwards is
    recorded in it."""
    assert (got["name"], got["journalCode"], got["type"], got["status"]) == (
        "Pushed Accruals", "PACC", "General", "Active"
    )  # fmt: skip
    assert got["parentId"] == journal_book(w)["parentId"]
    assert got["hasChildren"] is False
    entry_id = w.made("journalEntries", {**journal(w), "journalRef": {"id": got["id"]}})
    w.pull(DataType.JOURNAL_ENTRIES)
    entry = w.found("journalEntries", entry_id)
    assert entry["journalRef"] == {"id": got["id"], "name": "Pushed Accruals"}


def _invalid_journal_book(w: World) -> tuple[Body, set[str]]:
    return (
        {"name": 42, "journalCode": "FAR-TOO-LONG", "type": "Bank", "hasChildren": "no",
         "parentId": "jnl-nope"},
        {"name", "journalCode", "type", "hasChildren", "parentId"},
    )  # fmt: skip


def _with_file(segment: str, body: Callable[[World], Body]) -> Target:
    """A record made by a push, with a file uploaded to it (``w.attachment``)."""

    def target(w: World) -> str:
        record_id = w.made(segment, body(w))
        suffix = "attachments" if segment == "bills" else "attachment"
        files = {"file": ("old.png", PNG, "image/png")}
        op = w.call("POST", f"/push/{segment}/{record_id}/{suffix}", files=files)
        assert w.run() == [PushStatus.SUCCESS], w.op(op)
        w.attachment = str(w.op(op)["data"]["id"])
        return record_id

    return target


def _second_bank_account(w: World) -> str:
    return w.made("bankAccounts", bank_account(w))


def _generated_supplier(w: World) -> str:
    return w.supplier


def _generated_customer(w: World) -> str:
    return w.customer


def _generated_bank(w: World) -> str:
    return w.bank


def _bad_lines(w: World, account: str) -> list[Body]:
    return [{"unitAmount": "a lot", "quantity": 0, "accountRef": {"id": account}}]


# Each create model broken three ways where it can be: a required field missing, a value
# of the wrong type, and an id that is not one of the company's.
def _invalid_bank_account(w: World) -> tuple[Body, set[str]]:
    return (
        {"currency": "XYZ", "overdraftLimit": "lots", "accountType": "Savings"},
        {"accountName", "currency", "overdraftLimit", "accountType"},
    )


def _invalid_supplier(w: World) -> tuple[Body, set[str]]:
    return (
        {"addresses": "1 High St", "status": "Dormant", "emailAddress": 7},
        {"supplierName", "addresses", "status", "emailAddress"},
    )


def _invalid_customer(w: World) -> tuple[Body, set[str]]:
    return (
        {"customerName": 42, "addresses": [{"line1": "no type"}]},
        {"customerName", "addresses[0].type"},
    )


def _invalid_bill(w: World) -> tuple[Body, set[str]]:
    return (
        {"supplierRef": {"id": w.supplier}, "issueDate": "next Tuesday",
         "lineItems": _bad_lines(w, "acc-nope")},
        {"issueDate", "lineItems[0].unitAmount", "lineItems[0].quantity",
         "lineItems[0].accountRef.id"},
    )  # fmt: skip


def _invalid_bill_payment(w: World) -> tuple[Body, set[str]]:
    return (
        {"supplierRef": {"id": w.supplier}, "accountRef": {"id": w.expense},
         "totalAmount": -5, "date": w.day, "lines": []},
        {"accountRef.id", "totalAmount", "lines"},
    )  # fmt: skip


def _invalid_bill_credit_note(w: World) -> tuple[Body, set[str]]:
    return (
        {"issueDate": w.day, "lineItems": _bad_lines(w, w.income)},
        {"supplierRef", "lineItems[0].unitAmount", "lineItems[0].quantity",
         "lineItems[0].accountRef.id"},
    )  # fmt: skip


def _invalid_invoice(w: World) -> tuple[Body, set[str]]:
    return (
        {"customerRef": {}, "issueDate": w.day, "lineItems": "one line", "status": "Paid"},
        {"customerRef.id", "lineItems", "status"},
    )


def _invalid_payment(w: World) -> tuple[Body, set[str]]:
    return (
        {"customerRef": {"id": w.customer}, "accountRef": {"id": w.income},
         "totalAmount": "ten", "date": w.day,
         "lines": [{"amount": 10, "links": [{"type": "Bill", "id": "x", "amount": -10}]}]},
        {"accountRef.id", "totalAmount", "lines[0].links[0].type"},
    )  # fmt: skip


def _invalid_credit_note(w: World) -> tuple[Body, set[str]]:
    return (
        {"customerRef": {"id": w.customer},
         "lineItems": [{"quantity": 1, "accountRef": {"id": w.expense}}]},
        {"issueDate", "lineItems[0].unitAmount", "lineItems[0].accountRef.id"},
    )  # fmt: skip


def _invalid_journal(w: World) -> tuple[Body, set[str]]:
    return (
        {"postedOn": w.day, "journalLines": [{"netAmount": "5", "accountRef": {"id": w.bank}}]},
        {"journalLines", "journalLines[0].accountRef.id"},
    )


def _invalid_account(w: World) -> tuple[Body, set[str]]:
    return (
        {"name": "No code", "type": "Expenses", "isBankAccount": "no"},
        {"nominalCode", "type", "isBankAccount"},
    )


def _invalid_direct_cost(w: World) -> tuple[Body, set[str]]:
    return (
        {"issueDate": w.day, "lineItems": [line(w.income, "tax-nope")], "paymentAllocations": []},
        {"currency", "lineItems[0].accountRef.id", "lineItems[0].taxRateRef.id",
         "paymentAllocations"},
    )  # fmt: skip


def _invalid_direct_income(w: World) -> tuple[Body, set[str]]:
    return (
        {"currency": "EUR", "issueDate": w.day, "lineItems": [],
         "paymentAllocations": [{"payment": {}, "allocation": {}}]},
        {"currency", "lineItems", "paymentAllocations[0].payment.accountRef"},
    )  # fmt: skip


def _invalid_transfer(w: World) -> tuple[Body, set[str]]:
    return (
        {"date": "soon", "from": {"accountRef": {"id": w.expense}, "amount": 0}},
        {"date", "from.accountRef.id", "from.amount", "to"},
    )


def _invalid_update_supplier(w: World) -> tuple[Body, set[str]]:
    return {"supplierName": "  ", "defaultCurrency": "USD"}, {"supplierName", "defaultCurrency"}


def _invalid_update_customer(w: World) -> tuple[Body, set[str]]:
    return {"emailAddress": "x@y.example"}, {"customerName"}


def _invalid_update_document(party: str, account: str) -> Invalid:
    def invalid(w: World) -> tuple[Body, set[str]]:
        party_id = w.supplier if party == "supplierRef" else w.customer
        return (
            {party: {"id": party_id}, "issueDate": "2026-13-45",
             "lineItems": [line(getattr(w, account), "tax-nope")], "status": "Paid"},
            {"issueDate", "lineItems[0].taxRateRef.id", "status"},
        )  # fmt: skip

    return invalid


def _invalid_update_direct(build: Callable[..., Body]) -> Invalid:
    def invalid(w: World) -> tuple[Body, set[str]]:
        body = build(w, issueDate="2026-13-45", paymentAllocations=[{"payment": {}}])
        return {**body, "currency": None}, {
            "issueDate",
            "currency",
            "paymentAllocations[0].payment.accountRef",
            "paymentAllocations[0].allocation",
        }

    return invalid


def _invalid_update_bank_account(w: World) -> tuple[Body, set[str]]:
    return {"accountName": "No currency", "status": "Closed"}, {"currency", "status"}


def _amended(builder: Callable[..., Body]) -> Callable[[World], Body]:
    def build(w: World) -> Body:
        return builder(w, 200, note="Amended through the API")

    return build


def _expect_amended(w: World, got: Body) -> None:
    assert D(got["totalAmount"]) == 240, got
    assert got["note"] == "Amended through the API"


def _create(
    segment: str,
    data_type: DataType,
    body: Callable[[World], Body],
    expect: Expect,
    invalid: Invalid,
    *,
    read: str | None = None,
    target: Target | None = None,
    name: str | None = None,
    path: str | None = None,
) -> Endpoint:
    return Endpoint(
        name or f"create-{segment}",
        WriteKind.CREATE,
        data_type,
        segment,
        read or segment,
        body=body,
        expect=expect,
        invalid=invalid,
        target=target,
        path=path,
    )


def _update(
    segment: str,
    data_type: DataType,
    target: Target,
    body: Callable[[World], Body],
    expect: Expect,
    invalid: Invalid,
) -> Endpoint:
    return Endpoint(
        f"update-{segment}",
        WriteKind.UPDATE,
        data_type,
        segment,
        segment,
        body=body,
        target=target,
        expect=expect,
        invalid=invalid,
    )


def _delete(
    segment: str, data_type: DataType, target: Target, missing: tuple[str, int, str]
) -> Endpoint:
    return Endpoint(
        f"delete-{segment}", WriteKind.DELETE, data_type, segment, segment,
        target=target, missing=missing,
    )  # fmt: skip


def _delete_file(
    segment: str,
    data_type: DataType,
    body: Callable[[World], Body],
    missing: tuple[str, int, str],
    missing_file: str,
) -> Endpoint:
    return Endpoint(
        f"delete-attachment-{segment}", WriteKind.DELETE_ATTACHMENT, data_type, segment, segment,
        target=_with_file(segment, body), missing=missing, missing_file=missing_file,
    )  # fmt: skip


def _upload(
    segment: str, data_type: DataType, target: Target, missing: tuple[str, int, str]
) -> Endpoint:
    return Endpoint(
        f"upload-{segment}", WriteKind.UPLOAD_ATTACHMENT, data_type, segment, segment,
        target=target, missing=missing,
    )  # fmt: skip


ENDPOINTS: tuple[Endpoint, ...] = (
    # creates
    _create("bankAccounts", DataType.BANK_ACCOUNTS, bank_account, _expect_bank_account,
            _invalid_bank_account),
    _create("bankAccounts", DataType.BANK_ACCOUNTS, bank_account, _expect_bank_account,
            _invalid_bank_account, name="create-bankAccounts-direct", path="/data/bankAccounts"),
    _create("suppliers", DataType.SUPPLIERS, supplier,
            _expect_named("supplierName", "Pushed Supplier Ltd"), _invalid_supplier),
    _create("customers", DataType.CUSTOMERS, customer,
            _expect_named("customerName", "Pushed Customer Ltd"), _invalid_customer),
    _create("bills", DataType.BILLS, bill, expect_bill, _invalid_bill),
    _create("billPayments", DataType.BILL_PAYMENTS,
            lambda w: bill_payment(w, w.target_id, 50), _expect_payment, _invalid_bill_payment,
            target=_target_bill_for_payment),
    _create("billCreditNotes", DataType.BILL_CREDIT_NOTES, bill_credit_note, _expect_credit,
            _invalid_bill_credit_note),
    _create("invoices", DataType.INVOICES, invoice, _expect_invoice, _invalid_invoice),
    _create("payments", DataType.PAYMENTS, lambda w: payment(w, w.target_id, 50),
            _expect_payment, _invalid_payment, target=_target_invoice_for_payment),
    _create("creditNotes", DataType.CREDIT_NOTES, credit_note, _expect_credit,
            _invalid_credit_note),
    _create("journalEntries", DataType.JOURNAL_ENTRIES, journal, _expect_journal,
            _invalid_journal),
    _create("accounts", DataType.CHART_OF_ACCOUNTS, account, _expect_account,
            _invalid_account),
    _create("directCosts", DataType.DIRECT_COSTS, direct_cost, _totals(12), _invalid_direct_cost),
    _create("directIncomes", DataType.DIRECT_INCOMES, direct_income, _totals(48),
            _invalid_direct_income),
    _create("transfers", DataType.TRANSFERS, transfer, _expect_transfer, _invalid_transfer,
            target=_second_bank_account),
    _create("journals", DataType.JOURNALS, journal_book, _expect_journal_book,
            _invalid_journal_book),
    # updates
    _update("suppliers", DataType.SUPPLIERS, _generated_supplier,
            lambda w: {"supplierName": "Renamed Supplier Ltd", "status": "Active"},
            _expect_named("supplierName", "Renamed Supplier Ltd"), _invalid_update_supplier),
    _update("customers", DataType.CUSTOMERS, _generated_customer,
            lambda w: {"customerName": "Renamed Customer Ltd"},
            _expect_named("customerName", "Renamed Customer Ltd"), _invalid_update_customer),
    _update("bills", DataType.BILLS, _created("bills", bill), _amended(bill), _expect_amended,
            _invalid_update_document("supplierRef", "expense")),
    _update("invoices", DataType.INVOICES, _created("invoices", invoice), _amended(invoice),
            _expect_amended, _invalid_update_document("customerRef", "income")),
    _update("creditNotes", DataType.CREDIT_NOTES, _created("creditNotes", credit_note),
            _amended(credit_note), _expect_amended,
            _invalid_update_document("customerRef", "income")),
    _update("billCreditNotes", DataType.BILL_CREDIT_NOTES,
            _created("billCreditNotes", bill_credit_note), _amended(bill_credit_note),
            _expect_amended, _invalid_update_document("supplierRef", "expense")),
    _update("directCosts", DataType.DIRECT_COSTS, _created("directCosts", direct_cost),
            lambda w: direct_cost(w, 20, note="Amended through the API"), _totals(24),
            _invalid_update_direct(direct_cost)),
    _update("directIncomes", DataType.DIRECT_INCOMES, _created("directIncomes", direct_income),
            lambda w: direct_income(w, 50, note="Amended through the API"), _totals(60),
            _invalid_update_direct(direct_income)),
    _update("bankAccounts", DataType.BANK_ACCOUNTS, _generated_bank,
            lambda w: {"accountName": "Renamed Current Account", "currency": "GBP"},
            _expect_named("accountName", "Renamed Current Account"),
            _invalid_update_bank_account),
    # deletes: the refusal is the platform's, for a record it does not have or will not
    # delete (a journal posted by a transaction, not by hand)
    _delete("bills", DataType.BILLS, _created("bills", bill),
            ("bill-w9999", 404, "There is no bill with id bill-w9999.")),
    _delete("invoices", DataType.INVOICES, _created("invoices", invoice),
            ("inv-w9999", 404, "There is no invoice with id inv-w9999.")),
    _delete("billPayments", DataType.BILL_PAYMENTS, _bill_payment_target,
            ("bpy-w9999", 404, "There is no billPayments record with id bpy-w9999.")),
    _delete("journalEntries", DataType.JOURNAL_ENTRIES, _created("journalEntries", journal),
            ("generated", 400, "was posted by a transaction, not by hand")),
    _delete("directCosts", DataType.DIRECT_COSTS, _created("directCosts", direct_cost),
            ("dc-w9999", 404, "There is no direct cost with id dc-w9999.")),
    # attachment uploads, each at Codat's path (bills' is plural, the others' singular)
    _upload("bills", DataType.BILLS, _created("bills", bill),
            ("bill-w9999", 404, "There is no bill with id bill-w9999.")),
    _upload("invoices", DataType.INVOICES, _created("invoices", invoice),
            ("inv-w9999", 404, "There is no invoice with id inv-w9999.")),
    _upload("directCosts", DataType.DIRECT_COSTS, _created("directCosts", direct_cost),
            ("dc-w9999", 404, "There is no directCosts record with id dc-w9999.")),
    _upload("directIncomes", DataType.DIRECT_INCOMES, _created("directIncomes", direct_income),
            ("di-w9999", 404, "There is no directIncomes record with id di-w9999.")),
    # deleting an uploaded file (Codat's Sync for Payables v1: bills); a generated PDF is
    # the platform's and refused, a file the record does not have is a 404
    _delete_file("bills", DataType.BILLS, bill,
                 ("bill-00001", 400, "is the bill's own PDF, made by the platform"),
                 "att-bill-00001"),
    _delete_file("invoices", DataType.INVOICES, invoice,
                 ("inv-00001", 400, "is the invoice's own PDF, made by the platform"),
                 "att-inv-00001"),
    _delete_file("directCosts", DataType.DIRECT_COSTS, direct_cost,
                 ("dc-00001", 404,
                  "There is no attachment with id att-w9999 on directCosts record dc-00001."),
                 "att-w9999"),
    _delete_file("directIncomes", DataType.DIRECT_INCOMES, direct_income,
                 ("di-w9999", 404, "There is no directIncomes record with id di-w9999."),
                 "att-w0001"),
)  # fmt: skip

BY_NAME = {endpoint.name: endpoint for endpoint in ENDPOINTS}
assert len(BY_NAME) == len(ENDPOINTS)
WITH_BODY = [e for e in ENDPOINTS if e.invalid is not None]
WITHOUT_BODY = [e for e in ENDPOINTS if e.missing is not None]
