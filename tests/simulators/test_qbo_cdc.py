"""The QBO simulator's change data capture: changed records with full payloads, the
business's own deletes and API deletes as ``status: Deleted`` (seen nowhere else), the
30-day look-back and the 1,000-object cap, as Intuit's CDC page describes them."""

from __future__ import annotations

from datetime import timedelta

from ledgerport.connectors.sandbox.size import Size
from ledgerport.simulators.qbo.dates import parse_moment
from ledgerport.simulators.qbo.entities import from_sandbox
from tests.conformance.qbo.harness import START, Clock, fault_code, make_qbo

LATER = START + timedelta(days=30)  # the business has deleted a draft invoice by then


def cdc(qbo, entities: str, since: str):  # type: ignore[no-untyped-def]
    return qbo.client.get(
        f"{qbo.base}/cdc",
        params={"entities": entities, "changedSince": since, "minorversion": 75},
        headers=qbo.headers,
    )


def test_cdc_returns_what_changed_grouped_by_entity() -> None:
    qbo = make_qbo()
    since = (START - timedelta(days=3)).isoformat()
    response = cdc(qbo, "Invoice,Customer,Bill", since)
    assert response.status_code == 200
    body = response.json()
    groups = body["CDCResponse"][0]["QueryResponse"]
    assert len(groups) == 3
    assert "time" in body
    invoices = groups[0]["Invoice"]
    assert groups[0]["startPosition"] == 1
    assert groups[0]["maxResults"] == len(invoices)
    cutoff = parse_moment(since)
    stamps = [parse_moment(r["MetaData"]["LastUpdatedTime"]) for r in invoices]
    assert all(s >= cutoff for s in stamps)
    assert stamps == sorted(stamps)
    expected = [
        r["Id"]
        for r in qbo.rows("SELECT * FROM Invoice MAXRESULTS 1000")
        if parse_moment(r["MetaData"]["LastUpdatedTime"]) >= cutoff
    ]
    assert sorted(r["Id"] for r in invoices) == sorted(expected)
    assert "Line" in invoices[0]  # full payloads
    assert all(list(g) == [] or {"Bill", "Customer", "Invoice"} & set(g) for g in groups)


def test_deletes_appear_only_in_cdc() -> None:
    qbo = make_qbo(Clock(LATER))
    company = qbo.sim.books().company
    gone = [d for d in company.invoices if d.deleted]
    assert gone, "the business deletes an unwanted draft within the month"
    deleted_id = from_sandbox("Invoice", gone[0].id)
    assert deleted_id not in [r["Id"] for r in qbo.rows("SELECT * FROM Invoice MAXRESULTS 1000")]
    reread = qbo.client.get(f"{qbo.base}/invoice/{deleted_id}", headers=qbo.headers)
    assert fault_code(reread) == "610"
    # and one deleted through the API
    bill = qbo.rows("SELECT * FROM Bill WHERE Balance > '0' MAXRESULTS 1000")
    unpaid = next(b for b in bill if not b.get("LinkedTxn"))
    deleted = qbo.post(
        "Bill", {"Id": unpaid["Id"], "SyncToken": unpaid["SyncToken"]}, operation="delete"
    )
    assert deleted.status_code == 200
    assert deleted.json()["Bill"] == {"status": "Deleted", "domain": "QBO", "Id": unpaid["Id"]}
    since = (LATER - timedelta(days=29)).isoformat()
    groups = cdc(qbo, "Invoice,Bill,Attachable", since).json()["CDCResponse"][0]["QueryResponse"]
    invoices, bills, files = groups[0]["Invoice"], groups[1]["Bill"], groups[2]["Attachable"]
    tomb = [r for r in invoices if r.get("status") == "Deleted"]
    assert [t["Id"] for t in tomb] == [deleted_id]
    assert set(tomb[0]) == {"domain", "status", "Id", "MetaData"}
    assert invoices[-1]["status"] == "Deleted"  # deletes come after the live records
    assert {"domain": "QBO", "status": "Deleted", "Id": unpaid["Id"]}.items() <= bills[-1].items()
    assert any(f.get("status") == "Deleted" for f in files)  # the draft's PDF went with it


def test_cdc_looks_back_at_most_30_days() -> None:
    qbo = make_qbo()
    too_old = cdc(qbo, "Invoice", (START - timedelta(days=31)).isoformat())
    assert too_old.status_code == 400
    error = too_old.json()["Fault"]["Error"][0]
    assert "older than 30 days" in error["Detail"]
    assert error["element"] == "changedSince"
    # a naive changedSince (what python-quickbooks sends) is read as Pacific time
    naive = (START - timedelta(days=29)).astimezone(parse_moment("2026-01-01").tzinfo)
    assert cdc(qbo, "Invoice", naive.strftime("%Y-%m-%dT%H:%M:%S")).status_code == 200
    assert fault_code(cdc(qbo, "TaxCode", START.isoformat())) == "500"
    assert fault_code(cdc(qbo, "Invoice", "yesterday")) == "2010"


def test_cdc_answers_at_most_1000_objects() -> None:
    busy = Size(
        customers=200, suppliers=40, invoices=3000, bills=300, direct_costs=10, history_days=60
    )
    qbo = make_qbo(size=busy)
    since = (START - timedelta(days=29)).isoformat()
    total = qbo.query(f"SELECT COUNT(*) FROM Invoice WHERE MetaData.LastUpdatedTime >= '{since}'")[  # noqa: S608 - a QBO query, not SQL
        "QueryResponse"
    ]["totalCount"]
    assert total > 1000
    groups = cdc(qbo, "Invoice,Bill", since).json()["CDCResponse"][0]["QueryResponse"]
    assert len(groups[0]["Invoice"]) == 1000
    assert groups[1] == {}
