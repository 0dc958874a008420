"""Sync for Expenses rules: the record an expense becomes, which accounts suit which
transaction types, and how transaction and sync statuses follow from push outcomes."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from ledgerport.domain import expense_documents as docs
from ledgerport.domain import expenses as rules
from ledgerport.domain.enums import DataType
from ledgerport.domain.expenses import ExpenseType as T
from ledgerport.domain.expenses import TransactionStatus as S
from ledgerport.domain.push import PushOption, PushOptionChoice, PushOptionType

EXPENSE_ACCOUNT = {"id": "acc-7500", "type": "Expense", "isBankAccount": False}
INCOME_ACCOUNT = {"id": "acc-4900", "type": "Income", "isBankAccount": False}
BANK = {"id": "acc-1200", "type": "Asset", "isBankAccount": True}


def _expense(kind: T = T.PAYMENT, *lines: rules.ExpenseLine) -> rules.Expense:
    return rules.Expense(
        id="4d7c6929-7770-412b-91bb-44d3bc71d111",
        type=kind,
        issue_date="2024-05-21T00:00:00",
        currency="GBP",
        currency_rate=None,
        bank_account_id="acc-1200",
        contact_id="sup-0001",
        contact_type="suppliers",
        reference="CARD-1",
        merchant_name="Amazon UK",
        notes="Card ending 4590",
        lines=lines
        or (rules.ExpenseLine(Decimal("100.10"), Decimal("20.02"), "acc-7500", "tax-s"),),
    )


def test_payment_is_a_direct_cost_and_the_rest_direct_incomes() -> None:
    assert rules.record_type(T.PAYMENT) is DataType.DIRECT_COSTS
    for kind in (T.REFUND, T.REWARD, T.CHARGEBACK):
        assert rules.record_type(kind) is DataType.DIRECT_INCOMES


def test_the_record_is_exact_and_paid_in_full_from_the_bank_account() -> None:
    lines = (
        rules.ExpenseLine(Decimal("0.10"), Decimal("0.02"), "acc-7500", "tax-s", ("trk-1",)),
        rules.ExpenseLine(Decimal("0.20"), Decimal("0.04"), "acc-7500", "tax-s"),
    )
    record = rules.to_record(_expense(T.PAYMENT, *lines))
    assert record["subTotal"] == 0.3  # Decimal sums: 0.1 + 0.2 is not 0.30000000000000004
    assert record["taxAmount"] == 0.06
    assert record["totalAmount"] == 0.36
    assert record["lineItems"][0]["trackingCategoryRefs"] == [{"id": "trk-1"}]
    assert record["lineItems"][1]["totalAmount"] == 0.24
    payment = record["paymentAllocations"][0]["payment"]
    assert payment["accountRef"] == {"id": "acc-1200"}
    assert payment["totalAmount"] == 0.36
    assert record["contactRef"] == {"id": "sup-0001", "dataType": "suppliers"}
    assert record["note"] == "Amazon UK - Card ending 4590"
    whole = rules.to_record(
        _expense(T.REFUND, rules.ExpenseLine(Decimal(100), Decimal(20), "a", None))
    )
    assert whole["totalAmount"] == 120
    assert isinstance(whole["totalAmount"], int)


def test_account_types_follow_the_general_rule_narrowed_by_the_platform() -> None:
    assert rules.account_transaction_types(EXPENSE_ACCOUNT) == ["Payment", "Refund", "Chargeback"]
    assert rules.account_transaction_types(INCOME_ACCOUNT) == ["Reward"]
    assert rules.account_transaction_types(BANK) == []
    # A platform whose direct incomes take only income accounts: a refund cannot go
    # back to the expense account, and an income account still takes no spend.
    platform = rules.LineAccounts(
        direct_costs=frozenset({"acc-7500"}), direct_incomes=frozenset({"acc-4900"})
    )
    assert rules.account_transaction_types(EXPENSE_ACCOUNT, platform) == ["Payment"]
    assert rules.account_transaction_types(INCOME_ACCOUNT, platform) == ["Reward"]
    # One that takes expense accounts on direct incomes too (the sandbox).
    both = rules.LineAccounts(
        direct_costs=frozenset({"acc-7500"}),
        direct_incomes=frozenset({"acc-4900", "acc-7500"}),
        bills=frozenset({"acc-7500"}),
        journal_entries=frozenset({"acc-4900"}),
    )
    assert rules.account_transaction_types(EXPENSE_ACCOUNT, both) == [
        "Payment",
        "Refund",
        "Chargeback",
    ]
    valid_for = rules.account_valid_for(EXPENSE_ACCOUNT, both)
    assert "reimbursable-expense-transactions" in valid_for
    assert "adjustment-transactions" not in valid_for
    assert "adjustment-transactions" in rules.account_valid_for(INCOME_ACCOUNT, both)
    option = rules.account_option(EXPENSE_ACCOUNT | {"name": "Office", "currency": "GBP"})
    assert option is not None
    assert option["accountType"] == "Expense"
    assert "reimbursable-expense-transactions" in option["validFor"]
    assert "transfer-transactions" in rules.account_valid_for(BANK)
    assert rules.account_option({"id": "x", "type": "Unknown"}) is None


def test_line_accounts_are_read_from_a_create_model() -> None:
    def node(name: str, **kw: object) -> PushOption:
        return PushOption(type=PushOptionType.OBJECT, displayName=name, **kw)  # type: ignore[arg-type]

    account_id = PushOption(
        type=PushOptionType.STRING,
        displayName="id",
        options=[PushOptionChoice(value="acc-7500")],
    )
    model = node(
        "Direct Cost",
        properties={
            "lineItems": PushOption(
                type=PushOptionType.ARRAY,
                displayName="Lines",
                properties={"accountRef": node("Ref", properties={"id": account_id})},
            )
        },
    )
    assert rules.line_account_options(model) == frozenset({"acc-7500"})
    assert rules.line_account_options(node("Empty", properties={})) is None
    journal = node(
        "Journal Entry",
        properties={
            "journalLines": PushOption(
                type=PushOptionType.ARRAY,
                displayName="Lines",
                properties={"accountRef": node("Ref", properties={"id": account_id})},
            )
        },
    )
    assert rules.line_account_options(journal) == frozenset({"acc-7500"})


def test_problems_name_every_unknown_reference_and_a_bad_total() -> None:
    refs = rules.References(
        accounts={"acc-7500": EXPENSE_ACCOUNT, "acc-4900": INCOME_ACCOUNT},
        tax_rates=frozenset({"tax-s"}),
        tracking_categories=frozenset(),
        suppliers=frozenset({"sup-0001"}),
        customers=frozenset(),
        bank_accounts=frozenset({"acc-1200"}),
    )
    assert rules.problems(_expense(), refs) == []
    bad = _expense(
        T.REWARD,
        rules.ExpenseLine(Decimal(-5), Decimal(0), "acc-7500", "tax-x", ("trk-9",)),
        rules.ExpenseLine(Decimal(1), Decimal(0), None, None),
    )
    found = " | ".join(rules.problems(bad, refs))
    assert "must be greater than zero" in found
    assert "not valid for Reward" in found
    assert "tax rate tax-x does not exist" in found
    assert "tracking category trk-9" in found
    assert "lines[1].accountRef is required" in found
    # A data type never pulled cannot be checked: left to the platform.
    assert rules.problems(_expense(), rules.References()) == []


def test_transaction_status_follows_its_push() -> None:
    def outcome(status: str, code: int = 200, **kw: object) -> tuple[S, str | None]:
        return rules.transaction_status(
            rules.PushOutcome(status, code, kw.pop("error", None), **kw)
        )  # type: ignore[arg-type]

    assert outcome("Pending", 202) == (S.PENDING, None)
    status, message = outcome("Success", record_id="dc-1", data_type="directCosts")
    assert status is S.COMPLETED
    assert message == "Written as directCosts dc-1."
    status, message = outcome(
        "Failed", 400, error="invalid", validation_errors=("lineItems[0].accountRef.id: bad",)
    )
    assert (status, message) == (S.VALIDATION_ERROR, "lineItems[0].accountRef.id: bad")
    assert outcome("Failed", 409, error="Locked period.") == (S.PUSH_ERROR, "Locked period.")
    assert outcome("TimedOut", 504)[0] is S.PUSH_ERROR


def test_sync_state() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    soon, late = start + timedelta(minutes=1), start + timedelta(minutes=11)
    pending = [("a", S.COMPLETED, None), ("b", S.PENDING, None)]
    assert rules.sync_state(pending, start, soon).code == 1000
    assert rules.sync_state(pending, start, late).code == 1010
    done = rules.sync_state([("a", S.COMPLETED, None)], start, soon)
    assert (done.code, done.text, done.data_pushed) == (2000, "Complete", True)
    invalid = rules.sync_state(
        [("a", S.COMPLETED, None), ("b", S.VALIDATION_ERROR, "x")], start, soon
    )
    assert invalid.code == 5120
    assert invalid.data_pushed
    assert invalid.error_message is not None
    assert "1 of 2" in invalid.error_message
    failed = rules.sync_state(
        [("a", S.PUSH_ERROR, "down"), ("b", S.VALIDATION_ERROR, "x")], start, soon
    )
    assert failed.code == 5130
    assert not failed.data_pushed


REFS = rules.References(
    accounts={"acc-7500": EXPENSE_ACCOUNT, "acc-4900": INCOME_ACCOUNT, "acc-1200": BANK},
    tax_rates=frozenset({"tax-s"}),
    tracking_categories=frozenset({"trk-1"}),
    suppliers=frozenset({"sup-0001"}),
    customers=frozenset({"cus-0001"}),
    bank_accounts=frozenset({"acc-1200"}),
)


def test_an_adjustment_is_a_balanced_journal_entry() -> None:
    line = docs.AdjustmentLine
    adjustment = docs.Adjustment(
        id="a",
        date="2026-11-20T00:00:00",
        currency="GBP",
        currency_rate=None,
        reference="FX",
        lines=(
            line(Decimal("0.10"), "acc-7500", "debit", docs.Tracking(("trk-1",))),
            line(Decimal("0.20"), "acc-7500", None),
            line(Decimal("-0.30"), "acc-4900", "credit"),
        ),
    )
    assert docs.adjustment_problems(adjustment, REFS) == []
    record = docs.adjustment_record(adjustment)
    assert record["postedOn"] == "2026-11-20T00:00:00"
    assert record["description"] == "FX"
    assert [x["netAmount"] for x in record["journalLines"]] == [0.1, 0.2, -0.3]
    assert record["journalLines"][0]["tracking"] == {
        "recordRefs": [{"id": "trk-1", "dataType": "trackingCategories"}]
    }
    unbalanced = docs.Adjustment(
        "b", "2026-11-20", "GBP", None, None,
        (line(Decimal(5), "acc-7500", None, docs.Tracking(supplier_ids=("sup-9",))),),
    )  # fmt: skip
    found = " | ".join(docs.adjustment_problems(unbalanced, REFS))
    assert "at least two lines" in found
    assert "add up to 5, not 0" in found
    assert "supplier sup-9 does not exist" in found
    journals_only_income = dataclasses.replace(
        REFS, platform=rules.LineAccounts(journal_entries=frozenset({"acc-4900"}))
    )
    assert "not valid for adjustment" in " ".join(
        docs.adjustment_problems(adjustment, journals_only_income)
    )


def test_a_reimbursable_expense_is_a_bill_from_the_employee() -> None:
    claim = docs.Reimbursable(
        id="r",
        employee_id="sup-0001",
        reference="expenses w/c 01/07",
        issue_date="2026-11-20",
        due_date="2026-11-30",
        currency="GBP",
        currency_rate=None,
        notes="Hotel and taxi",
        lines=(
            docs.ClaimLine(Decimal("100.10"), Decimal("20.02"), "acc-7500", "tax-s", "Hotel",
                           docs.Tracking(("trk-1",), invoice_to="cus-0001")),
            docs.ClaimLine(Decimal("0.20"), Decimal(0), "acc-7500", None, "Taxi"),
        ),
    )  # fmt: skip
    assert docs.reimbursable_problems(claim, REFS) == []
    bill = docs.bill_record(claim)
    assert (bill["supplierRef"], bill["status"], bill["dueDate"]) == (
        {"id": "sup-0001"}, "Open", "2026-11-30"
    )  # fmt: skip
    assert (bill["subTotal"], bill["taxAmount"], bill["totalAmount"]) == (100.3, 20.02, 120.32)
    assert bill["lineItems"][0]["tracking"]["customerRef"] == {"id": "cus-0001"}
    assert bill["lineItems"][0]["trackingCategoryRefs"] == [{"id": "trk-1"}]
    wrong = dataclasses.replace(
        claim,
        employee_id="sup-9",
        due_date="2026-11-01",
        lines=(docs.ClaimLine(Decimal(5), Decimal(0), "acc-1200", "tax-x", None),),
    )
    found = " | ".join(docs.reimbursable_problems(wrong, REFS))
    assert "Supplier sup-9 does not exist" in found
    assert "dueDate is before issueDate" in found
    assert "acc-1200 (Asset) is not valid for reimbursable" in found
    assert "tax rate tax-x does not exist" in found
