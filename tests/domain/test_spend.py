"""The spend analysis on a hand-built set of payables whose answers are worked out by
hand (see ``spend_books.py``), and against a plain second computation of the same
figures (``spend_reference.py``)."""

from __future__ import annotations

import copy
import io
import json
import time
import zipfile
from datetime import date, datetime
from typing import Any

import pytest
from openpyxl import load_workbook

from ledgerport.domain.spend import SpendInputs, SpendOptions, SpendOptionsError, analyse_spend
from ledgerport.domain.spend.bundle import bundle_filename, report_bundle
from ledgerport.domain.spend.workbook import spend_workbook
from tests.domain import spend_reference as ref
from tests.domain.spend_books import TODAY, dataset


def inputs(data: dict[str, Any]) -> SpendInputs:
    return SpendInputs(
        bills=data["bills"],
        bill_payments=data["billPayments"],
        suppliers=data["suppliers"],
        bill_credit_notes=data["billCreditNotes"],
        accounts=data["accounts"],
        payment_methods=data["paymentMethods"],
        direct_costs=data["directCosts"],
        company_info=data["company"],
    )


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return analyse_spend(inputs(dataset()), SpendOptions(today=TODAY))


def test_totals_by_hand(report: dict[str, Any]) -> None:
    spend = report["spend"]
    assert (report["fromDate"], report["toDate"]) == ("2024-07-01", "2025-06-15")
    # 12 rents of 1,000, Beta 600+400+300 (not the draft), Gamma 3 x 250 (not the void
    # copy), Delta $500 at 0.8; the dollar bill with no rate is left out and counted.
    assert spend["billsCount"] == 19
    assert spend["billedAmount"] == 14450.0
    assert spend["creditedAmount"] == 100.0
    assert spend["netAmount"] == 14350.0
    assert report["currencies"]["unconvertedBills"] == [{"currency": "USD", "count": 1}]
    months = {m["month"]: m for m in spend["months"]}
    assert len(months) == 12
    assert months["2025-03"]["billedAmount"] == 1750.0
    assert months["2025-02"]["netAmount"] == 900.0  # rent less Beta's credit note
    assert months["2025-06"]["isPartial"] is True
    assert months["2025-06"]["toDate"] == "2025-06-15"
    assert spend["months"][0]["changeFromPreviousMonth"] is None


def test_suppliers_and_concentration_by_hand(report: dict[str, Any]) -> None:
    suppliers = report["suppliers"]
    assert [s["supplierId"] for s in suppliers["top"]] == ["alpha", "beta", "gamma", "delta"]
    assert suppliers["top"][1]["creditedAmount"] == 100.0
    concentration = suppliers["concentration"]
    assert concentration["top1Percentage"] == 83.04  # 12,000 / 14,450
    assert concentration["top5Percentage"] == 100.0
    shares = [12000 / 14450, 1300 / 14450, 750 / 14450, 400 / 14450]
    assert concentration["herfindahlHirschmanIndex"] == pytest.approx(
        sum((s * 100) ** 2 for s in shares), abs=0.01
    )


def test_categories_by_hand(report: dict[str, Any]) -> None:
    accounts = {a["accountId"]: a["amount"] for a in report["categories"]["byAccount"]}
    # Gamma's account is not in the chart and Delta's line has none: Uncategorised.
    assert accounts == {"acc-rent": 12300.0, "acc-tools": 1000.0, None: 1150.0}
    categories = [(c["category"], c["amount"]) for c in report["categories"]["byCategory"]]
    assert categories == [
        ("Expense.Overheads", 12300.0),
        ("Uncategorised", 1150.0),
        ("Expense.CostOfSales", 1000.0),
    ]


def test_payment_behaviour_by_hand(report: dict[str, Any]) -> None:
    behaviour = report["paymentBehaviour"]
    assert behaviour["paidBillsCount"] == 14
    assert (behaviour["paidLateCount"], behaviour["paidLateAmount"]) == (1, 600.0)
    assert behaviour["paidLatePercentageByCount"] == 7.14
    assert behaviour["paidLatePercentageByAmount"] == 4.9  # 600 / 12,250
    assert behaviour["outstandingAmount"] == 2200.0
    assert behaviour["daysPayableOutstanding"] == 53.29  # 2,200 / 14,450 x 350 days
    overdue = behaviour["overdue"]
    assert [b["billId"] for b in overdue["bills"]] == ["b-2", "g-2", "g-3"]
    assert overdue["amount"] == 900.0
    assert {b["daysPastDue"]: b["count"] for b in overdue["ageing"]} == {
        "1-30": 0,
        "31-60": 1,
        "61-90": 1,
        "over 90": 1,
    }
    upcoming = behaviour["upcoming"]
    assert [b["billId"] for b in upcoming["bills"]] == ["b-3", "a-11"]
    assert upcoming["amount"] == 1300.0


def test_recurring_and_duplicates_by_hand(report: dict[str, Any]) -> None:
    recurring = report["recurringSuppliers"]["suppliers"]
    assert [(r["supplierId"], r["cadence"], r["monthsBilled"]) for r in recurring] == [
        ("alpha", "Monthly", 12)
    ]
    assert recurring[0]["nextExpected"] == "2025-07-01"
    pairs = report["duplicateBills"]["pairs"]
    assert [(p["billId"], p["duplicateBillId"], p["daysApart"]) for p in pairs] == [
        ("g-1", "g-2", 2)
    ]


def test_codat_analyses_by_hand(report: dict[str, Any]) -> None:
    suppliers = {s["supplierId"]: s for s in report["supplierAnalysis"]}
    assert set(suppliers) == {"alpha", "beta", "gamma", "delta", "idle"}
    beta = suppliers["beta"]
    assert (beta["billsCount"], beta["billsOutstandingCount"]) == (3, 2)
    assert (beta["billsAmount"], beta["billsOutstandingAmount"]) == (1300.0, 700.0)
    assert (beta["billsPaidLateCount"], beta["billsPaidLatePercentageByAmount"]) == (1, 100.0)
    assert beta["biggestCountPaymentMethod"] == "CreditCard"
    assert beta["latestBilled"] == "2025-06-01T00:00:00"
    alpha = suppliers["alpha"]
    assert alpha["commonPaymentTermsDays"] == 30
    assert alpha["averageBillSettlementPeriodWeighted"] == 20.0
    assert (alpha["directCostsCount"], alpha["directCostsAmount"]) == (1, 50.0)
    assert suppliers["idle"]["billsCount"] == 0
    assert "commonPaymentTermsDays" not in suppliers["idle"]
    methods = {m["biggestCountPaymentMethod"]: m for m in report["paymentMethodAnalysis"]}
    assert {k: (m["billsCount"], m["billsAmount"]) for k, m in methods.items()} == {
        "BankTransfer": (12, 11400.0),
        "Unknown": (5, 2200.0),
        "CreditCard": (2, 850.0),
    }
    assert methods["Unknown"]["directCostsCount"] == 1
    assert methods["CreditCard"]["billsPaidLateCount"] == 1


def compare_with_reference(data: dict[str, Any], report: dict[str, Any], today: date) -> None:
    """Every figure the plain reference computes, equal to the report's (to the cent)."""
    base = report["currencies"]["baseCurrency"]
    billed = ref.monthly_billed(data, today, base)
    for month in report["spend"]["months"]:
        assert month["billedAmount"] == pytest.approx(billed.get(month["month"], 0), abs=0.01)
    totals = ref.supplier_totals(data, today, base)
    ranked = sorted(totals.items(), key=lambda kv: (-round(kv[1], 6), kv[0]))
    top = report["suppliers"]["top"]
    assert [t["supplierId"] for t in top] == [s for s, _ in ranked[: len(top)]]
    one, five, ten, hhi = ref.concentration(totals)
    concentration = report["suppliers"]["concentration"]
    assert concentration["top1Percentage"] == pytest.approx(one, abs=0.01)
    assert concentration["top5Percentage"] == pytest.approx(five, abs=0.01)
    assert concentration["top10Percentage"] == pytest.approx(ten, abs=0.01)
    assert concentration["herfindahlHirschmanIndex"] == pytest.approx(hhi, abs=0.01)
    accounts = ref.account_totals(data, today, base)
    got = {a["accountId"]: a["amount"] for a in report["categories"]["byAccount"]}
    assert got.keys() == accounts.keys()
    for key, amount in accounts.items():
        assert got[key] == pytest.approx(amount, abs=0.01)
    paid, late, paid_amount, late_amount = ref.late_and_paid(data, today, base)
    behaviour = report["paymentBehaviour"]
    assert (behaviour["paidBillsCount"], behaviour["paidLateCount"]) == (paid, late)
    assert behaviour["paidBillsAmount"] == pytest.approx(paid_amount, abs=0.01)
    assert behaviour["paidLateAmount"] == pytest.approx(late_amount, abs=0.01)
    overdue, overdue_amount, upcoming, upcoming_amount = ref.overdue_and_upcoming(data, today, base)
    assert sorted(b["billId"] for b in behaviour["overdue"]["bills"]) == overdue
    assert behaviour["overdue"]["amount"] == pytest.approx(overdue_amount, abs=0.01)
    assert sorted(b["billId"] for b in behaviour["upcoming"]["bills"]) == upcoming
    assert behaviour["upcoming"]["amount"] == pytest.approx(upcoming_amount, abs=0.01)
    assert behaviour["daysPayableOutstanding"] == pytest.approx(
        ref.dpo(data, today, base), abs=0.01
    )
    pairs = [(p["billId"], p["duplicateBillId"]) for p in report["duplicateBills"]["pairs"]]
    assert sorted(pairs) == ref.duplicate_pairs(data)
    figures = ref.supplier_bill_figures(data, today, base)
    payments = ref.supplier_payments(data, today, base)
    for row in report["supplierAnalysis"]:
        count, amount, open_count, open_amount = figures.get(row["supplierId"], (0, 0, 0, 0))
        assert (row["billsCount"], row["billsOutstandingCount"]) == (count, open_count)
        assert row["billsAmount"] == pytest.approx(amount, abs=0.01)
        assert row["billsOutstandingAmount"] == pytest.approx(open_amount, abs=0.01)
        paid_count, paid_total = payments.get(row["supplierId"], (0, 0))
        assert row["paymentsCount"] == paid_count
        assert row["paymentsAmount"] == pytest.approx(paid_total, abs=0.01)
    assert sum(m["billsCount"] for m in report["paymentMethodAnalysis"]) == sum(
        c for c, _, _, _ in figures.values()
    )


def test_agrees_with_the_reference_computation(report: dict[str, Any]) -> None:
    compare_with_reference(dataset(), report, TODAY)


def test_the_reference_catches_a_changed_figure(report: dict[str, Any]) -> None:
    """The comparison can fail: a report with one bill's amount off is caught."""
    tampered = copy.deepcopy(report)
    tampered["paymentBehaviour"]["overdue"]["amount"] += 1
    with pytest.raises(AssertionError):
        compare_with_reference(dataset(), tampered, TODAY)


def test_deterministic_whatever_the_input_order() -> None:
    data = dataset()
    shuffled = {k: (list(reversed(v)) if isinstance(v, list) else v) for k, v in data.items()}
    options = SpendOptions(today=TODAY)
    first = json.dumps(analyse_spend(inputs(data), options), sort_keys=True)
    assert json.dumps(analyse_spend(inputs(shuffled), options), sort_keys=True) == first


def test_base_currency_falls_back_to_the_bills_most_common() -> None:
    data = dataset()
    data["company"] = {}
    assert analyse_spend(inputs(data), SpendOptions(today=TODAY))["currencies"]["baseCurrency"] == (
        "GBP"
    )


def test_options_are_checked() -> None:
    with pytest.raises(SpendOptionsError):
        SpendOptions(today=TODAY, months=0)
    with pytest.raises(SpendOptionsError):
        SpendOptions(today=TODAY, recurring_min_months=13, recurring_months=12)


def test_empty_books_give_an_empty_report() -> None:
    report = analyse_spend(SpendInputs(), SpendOptions(today=TODAY))
    assert report["spend"]["billedAmount"] == 0
    assert report["paymentBehaviour"]["daysPayableOutstanding"] is None
    assert report["suppliers"]["concentration"]["herfindahlHirschmanIndex"] == 0
    assert report["supplierAnalysis"] == [] == report["paymentMethodAnalysis"]


def test_workbook_has_a_sheet_per_section_with_formats(report: dict[str, Any]) -> None:
    book = load_workbook(io.BytesIO(spend_workbook(report)))
    assert book.sheetnames == [
        "Summary",
        "Monthly spend",
        "Top suppliers",
        "Categories",
        "Overdue bills",
        "Upcoming bills",
        "Recurring suppliers",
        "Duplicate bills",
        "Supplier analysis",
        "Payment methods",
    ]
    monthly = book["Monthly spend"]
    assert monthly["A2"].value == "2024-07"
    assert monthly["B2"].value == datetime(2024, 7, 1)  # a real date
    assert monthly["B2"].number_format == "yyyy-mm-dd"
    assert monthly["F2"].value == 1000.0
    assert monthly["F2"].number_format == "#,##0.00"
    top = book["Top suppliers"]
    assert (top["B2"].value, top["H2"].value, top["H2"].number_format) == (
        "alpha",
        83.04,
        '0.00"%"',
    )
    summary = {row[0].value: row[1].value for row in book["Summary"].iter_rows(min_row=2)}
    assert summary["Billed"] == 14450.0
    assert book["Duplicate bills"]["C2"].value == "g-1"
    french = load_workbook(io.BytesIO(spend_workbook(report, "fr")))
    assert french.sheetnames[0] == "Synthèse"
    assert spend_workbook(report) == spend_workbook(report)  # same report, same bytes


def test_the_workbook_bytes_do_not_depend_on_the_time_of_saving(
    report: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = spend_workbook(report)
    later = time.time() + 3600
    monkeypatch.setattr(time, "time", lambda: later)  # zipfile dates entries from it
    monkeypatch.setattr(time, "localtime", lambda *_: time.gmtime(later))
    assert spend_workbook(report) == first


def test_bundle_holds_the_workbook_json_and_a_manifest(report: dict[str, Any]) -> None:
    created = datetime(2025, 6, 15, 9, 30)
    bundle = report_bundle(
        report,
        report_id="r-1",
        company_id="c-1",
        company_name="Acme & Sons (UK)",
        lang="fr",
        created=created,
        correlation_id="cid",
    )
    assert bundle.filename == "Acme_Sons_UK_SpendReports_fr_2025-06-15.zip"
    assert (bundle.included, bundle.total, bundle.is_partial) == (2, 2, False)
    archive = zipfile.ZipFile(io.BytesIO(bundle.content))
    assert archive.namelist() == ["manifest.txt", "SpendAnalysis_fr.xlsx", "SpendAnalysis.json"]
    manifest = archive.read("manifest.txt").decode()
    assert "reportId: r-1" in manifest
    assert "correlationId: cid" in manifest
    assert "SpendAnalysis_fr.xlsx\tINCLUDED" in manifest
    assert json.loads(archive.read("SpendAnalysis.json")) == report
    assert bundle_filename("", "en", created) == "Company_SpendReports_2025-06-15.zip"


def test_bundle_records_a_file_that_fails() -> None:
    bundle = report_bundle(
        {"broken": True},  # no sections: the workbook cannot be built, the JSON can
        report_id="r",
        company_id="c",
        company_name="X",
        lang="en",
        created=datetime(2025, 1, 1),
        correlation_id="cid",
    )
    assert (bundle.included, bundle.total, bundle.is_partial) == (1, 2, True)
    manifest = zipfile.ZipFile(io.BytesIO(bundle.content)).read("manifest.txt").decode()
    assert "SpendAnalysis.xlsx\tFAILED" in manifest
