"""The QBO simulator's query language and reads: the grammar Intuit documents
(operators, AND only, ORDERBY, STARTPOSITION/MAXRESULTS), paging with the
``QueryResponse`` envelope, COUNT(*), QBO's query faults, and the entity shapes."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from ledgerport.simulators.qbo.faults import QboFault
from ledgerport.simulators.qbo.query import Condition, parse
from tests.conformance.qbo.harness import Qbo, fault_code, make_qbo

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[78]:00$")


@pytest.fixture(scope="module")
def qbo() -> Qbo:
    return make_qbo()


def test_the_grammar_takes_what_intuit_documents() -> None:
    q = parse(
        "select * from Invoice where MetaData.LastUpdatedTime >= '2026-11-01T00:00:00-07:00' "
        "and Id IN ('11', '111') and DocNumber LIKE 'INV%' orderby TxnDate DESC, Id "
        "startposition 11 maxresults 5"
    )
    assert q.entity == "Invoice"
    assert not q.count
    assert q.where == (
        Condition("MetaData.LastUpdatedTime", ">=", ("2026-11-01T00:00:00-07:00",)),
        Condition("Id", "IN", ("11", "111")),
        Condition("DocNumber", "LIKE", ("INV%",)),
    )
    assert q.order == (("TxnDate", True), ("Id", False))
    assert (q.start, q.max_results) == (11, 5)
    # python-quickbooks: "ORDER BY" in two words, "SELECT *, Sku", escaped quotes
    q = parse("SELECT *, Sku FROM Item ORDER BY Name MAXRESULTS 100")
    assert q.order == (("Name", False),)
    assert parse(r"SELECT * FROM Vendor WHERE DisplayName = 'Cutlery \'R Us'").where[0].values == (
        "Cutlery 'R Us",
    )
    assert parse("SELECT COUNT(*) FROM Bill").count


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM Invoice WHERE Id = '1' OR Id = '2'",
        "SELECT * Invoice",
        "SELECT * FROM Invoice WHERE Id ~ '1'",
        "SELECT * FROM Invoice MAXRESULTS many",
        "SELECT * FROM Invoice WHERE Id IN ('1'",
    ],
)
def test_a_statement_qbo_cannot_parse_is_fault_4000(statement: str) -> None:
    with pytest.raises(QboFault) as raised:
        parse(statement)
    assert raised.value.code == "4000"
    assert raised.value.detail.startswith("QueryParserError:")


def test_pages_are_one_based_and_follow_on(qbo: Qbo) -> None:
    every = qbo.rows("SELECT * FROM Invoice MAXRESULTS 1000")
    assert len(every) == len(qbo.sim.books().company.invoices)
    ids = [r["Id"] for r in every]
    assert ids == sorted(ids, key=int)  # natural order is creation order, Ids ascending
    page = qbo.query("SELECT * FROM Invoice STARTPOSITION 11 MAXRESULTS 10")["QueryResponse"]
    assert page["startPosition"] == 11
    assert page["maxResults"] == 10
    assert [r["Id"] for r in page["Invoice"]] == ids[10:20]
    walked: list[str] = []
    start = 1
    while True:
        found = qbo.query(f"SELECT * FROM Invoice STARTPOSITION {start} MAXRESULTS 100")  # noqa: S608 - a QBO query, not SQL
        rows = found["QueryResponse"].get("Invoice", [])
        if not rows:
            assert found["QueryResponse"] == {}  # an empty page has no entity key
            break
        walked += [r["Id"] for r in rows]
        start += len(rows)
    assert walked == ids
    assert "time" in found


def test_maxresults_is_capped_at_1000_and_defaults_to_100(qbo: Qbo) -> None:
    assert len(qbo.rows("SELECT * FROM Invoice")) == 100
    assert parse("SELECT * FROM Invoice MAXRESULTS 5000").max_results == 1000


def test_filters_compare_as_qbo_does(qbo: Qbo) -> None:
    every = qbo.rows("SELECT * FROM Invoice MAXRESULTS 1000")
    since = sorted(r["MetaData"]["LastUpdatedTime"] for r in every)[-20]
    changed = qbo.rows(
        f"SELECT * FROM Invoice WHERE MetaData.LastUpdatedTime >= '{since}' MAXRESULTS 1000"  # noqa: S608 - a QBO query, not SQL
    )
    assert changed
    assert all(r["MetaData"]["LastUpdatedTime"] >= since for r in changed)
    assert len(changed) < len(every)
    open_ones = qbo.rows("SELECT * FROM Invoice WHERE Balance > '0' MAXRESULTS 1000")
    assert open_ones
    assert all(Decimal(str(r["Balance"])) > 0 for r in open_ones)
    dated = qbo.rows(
        "SELECT * FROM Invoice WHERE TxnDate >= '2026-11-01' AND TxnDate < '2026-11-08' "
        "ORDERBY TxnDate DESC MAXRESULTS 1000"
    )
    dates = [r["TxnDate"] for r in dated]
    assert dates
    assert all("2026-11-01" <= d < "2026-11-08" for d in dates)
    assert dates == sorted(dates, reverse=True)
    some = [r["Id"] for r in every[:3]]
    listed = qbo.rows(f"SELECT * FROM Invoice WHERE Id IN ({', '.join(repr(i) for i in some)})")  # noqa: S608 - a QBO query, not SQL
    assert [r["Id"] for r in listed] == some
    customer = qbo.rows("SELECT * FROM Customer MAXRESULTS 1")[0]
    prefix = customer["DisplayName"][:4]
    liked = qbo.rows(f"SELECT * FROM Customer WHERE DisplayName LIKE '{prefix.lower()}%'")  # noqa: S608 - a QBO query, not SQL
    assert customer["Id"] in [r["Id"] for r in liked]
    assert all(r["DisplayName"].lower().startswith(prefix.lower()) for r in liked)
    by_ref = qbo.rows(f"SELECT * FROM Invoice WHERE CustomerRef = '{customer['Id']}'")  # noqa: S608 - a QBO query, not SQL
    assert all(r["CustomerRef"]["value"] == customer["Id"] for r in by_ref)
    active = qbo.query("SELECT COUNT(*) FROM Customer WHERE Active = true")["QueryResponse"]
    assert active == {"totalCount": len(qbo.rows("SELECT * FROM Customer MAXRESULTS 1000"))}


def test_query_by_post_with_application_text(qbo: Qbo) -> None:
    response = qbo.client.post(
        f"{qbo.base}/query",
        content="select count(*) from Bill",
        params={"minorversion": "75"},
        headers=qbo.headers | {"Content-Type": "application/text"},
    )
    assert response.status_code == 200
    assert response.json()["QueryResponse"]["totalCount"] == len(qbo.sim.books().company.bills)
    assert response.headers["intuit_tid"]


def test_query_faults(qbo: Qbo) -> None:
    bad = qbo.client.get(
        f"{qbo.base}/query", params={"query": "SELECT * FROM Invoice WHERE"}, headers=qbo.headers
    )
    assert bad.status_code == 400
    assert fault_code(bad) == "4000"
    assert bad.json()["Fault"]["type"] == "ValidationFault"
    assert "time" in bad.json()
    not_queryable = qbo.client.get(
        f"{qbo.base}/query",
        params={"query": "SELECT * FROM Vendor WHERE PrimaryEmailAddr = 'x@example.com'"},
        headers=qbo.headers,
    )
    assert not_queryable.status_code == 400
    assert fault_code(not_queryable) == "4001"
    detail = not_queryable.json()["Fault"]["Error"][0]["Detail"]
    assert detail == "QueryValidationError: property 'PrimaryEmailAddr' is not queryable"
    unknown = qbo.client.get(
        f"{qbo.base}/query", params={"query": "SELECT * FROM Widget"}, headers=qbo.headers
    )
    assert unknown.status_code == 400
    assert fault_code(unknown) == "4001"


def test_entities_have_qbo_shapes(qbo: Qbo) -> None:
    for name in (
        "Account",
        "Bill",
        "BillPayment",
        "Customer",
        "Vendor",
        "Invoice",
        "Payment",
        "CreditMemo",
        "VendorCredit",
        "Item",
        "TaxCode",
        "TaxRate",
        "Class",
        "Department",
        "JournalEntry",
        "CompanyInfo",
        "Attachable",
        "Purchase",
    ):
        rows = qbo.rows(f"SELECT * FROM {name} MAXRESULTS 1000")  # noqa: S608 - a QBO query, not SQL
        assert rows, name
        for row in rows:
            assert row["Id"].isdigit()
            assert isinstance(row["SyncToken"], str)
            assert STAMP.match(row["MetaData"]["CreateTime"]), row["MetaData"]
            assert STAMP.match(row["MetaData"]["LastUpdatedTime"])
    invoice = qbo.rows("SELECT * FROM Invoice WHERE Balance > '0' MAXRESULTS 1")[0]
    assert re.match(r"^\d{4}-\d\d-\d\d$", invoice["TxnDate"])
    assert set(invoice["CustomerRef"]) == {"value", "name"}
    assert isinstance(invoice["TotalAmt"], int | float)
    lines = [x for x in invoice["Line"] if x["DetailType"] == "SalesItemLineDetail"]
    net = sum(Decimal(str(x["Amount"])) for x in lines)
    tax = Decimal(str(invoice["TxnTaxDetail"]["TotalTax"]))
    assert net + tax == Decimal(str(invoice["TotalAmt"]))
    customer = qbo.read("Customer", invoice["CustomerRef"]["value"])
    assert customer["DisplayName"] == invoice["CustomerRef"]["name"]
    paid = qbo.rows("SELECT * FROM Payment MAXRESULTS 1")[0]
    link = paid["Line"][0]["LinkedTxn"][0]
    target = qbo.read(link["TxnType"], link["TxnId"])
    assert {"TxnId": paid["Id"], "TxnType": "Payment"} in target["LinkedTxn"]
    info = qbo.read("CompanyInfo", qbo.sim.realm_id)
    assert info["Country"] == "GB"
    assert info["CompanyName"]


def test_reading_what_is_not_there_is_610(qbo: Qbo) -> None:
    response = qbo.client.get(f"{qbo.base}/invoice/999999911", headers=qbo.headers)
    assert response.status_code == 400
    assert fault_code(response) == "610"


def test_preferences_by_query_and_by_path(qbo: Qbo) -> None:
    (queried,) = qbo.rows("SELECT * FROM Preferences")
    direct = qbo.client.get(f"{qbo.base}/preferences", headers=qbo.headers).json()["Preferences"]
    assert queried == direct
    assert direct["CurrencyPrefs"]["HomeCurrency"]["value"] == "GBP"
    assert direct["AccountingInfoPrefs"]["FirstMonthOfFiscalYear"] == "April"
    locked = qbo.sim.books().company.vat_locked_to
    assert locked is not None
    assert direct["AccountingInfoPrefs"]["BookCloseDate"] == (
        qbo.sim.books().company.date(locked).isoformat()
    )
