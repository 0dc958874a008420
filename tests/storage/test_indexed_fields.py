"""The indexed copies of record fields answer every query exactly as the JSON does.

Records are written through the records store (which fills the ``f_*`` columns), then
each query is compiled twice, once allowed to use the indexed columns and once reading
only the JSON, on SQLite and PostgreSQL; both must select the same rows in the same
order. The documents and queries are the query-language property tests' own, plus
long and case-varied counterparty names.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ledgerport.domain.enums import ConnectionStatus, DataType
from ledgerport.services import Services
from ledgerport.storage.indexed_fields import INDEXED, SLOTS, extract
from ledgerport.storage.query import (
    JsonDocumentResolver,
    apply_query,
    compile_filter,
    render_query,
)
from ledgerport.storage.repositories import records
from ledgerport.storage.tables import RecordRow
from ledgerport.storage.tables.records import INDEXED_TEXT
from ledgerport.storage.types import utcnow
from tests.factories.platform import company
from tests.storage.test_query_properties import (
    DB_SETTINGS,
    KINDS,
    Scenario,
    _clauses_of,
    order_terms,
    scenarios,
)

INDEXED_RESOLVER = JsonDocumentResolver(
    "Invoice",
    RecordRow.data.expression,
    KINDS,
    indexed=records.indexed_columns(DataType.INVOICES.value),
    indexed_text=INDEXED_TEXT,
)
JSON_RESOLVER = JsonDocumentResolver("Invoice", RecordRow.data.expression, KINDS)
LONG = "Acme " + "x" * INDEXED_TEXT


def test_every_assigned_path_is_indexed_with_its_kind() -> None:
    assert set(INDEXED[DataType.INVOICES.value]) == {
        "customerRef.id",
        "customerRef.companyName",
        "status",
        "issueDate",
        "dueDate",
        "totalAmount",
        "amountDue",
    }
    assert INDEXED[DataType.BILLS.value]["supplierRef.supplierName"] is SLOTS["name"]


def test_extract_keeps_only_what_the_json_comparison_would_read() -> None:
    doc = {
        "customerRef": {"companyName": "ACME Ltd", "id": 7},
        "status": "x" * (INDEXED_TEXT + 1),
        "issueDate": "2021-01-28T10:00:00.0005+02:00",
        "dueDate": "2021-02-30",
        "totalAmount": True,
        "amountDue": 12.5,
    }
    values = extract(DataType.INVOICES.value, doc)
    assert values["f_name"] == "acme ltd"
    assert values["f_ref_id"] is None  # a number, not text
    assert values["f_status"] is None  # too long to index: queries read the JSON
    assert values["f_date"].isoformat() == "2021-01-28T08:00:00.001000+00:00"
    assert values["f_due_date"] is None  # no such day
    assert values["f_amount"] is None  # a boolean is not a number
    assert str(values["f_amount_due"]) == "12.5"


@st.composite
def with_long_names(draw: st.DrawFn) -> Scenario:
    docs, node, probes = draw(scenarios())
    for doc in docs:
        if isinstance(doc.get("customerRef"), dict) and draw(st.integers(0, 4)) == 0:
            doc["customerRef"]["companyName"] = draw(st.sampled_from([LONG, LONG.upper()]))
    return docs, node, probes


@DB_SETTINGS
@given(scenario=with_long_names(), terms=order_terms, long_probe=st.booleans())
def test_indexed_columns_select_what_the_json_selects(
    services: Services, scenario: Scenario, terms: list[Any], long_probe: bool
) -> None:
    docs, node, probes = scenario
    query = render_query(node)
    if long_probe:
        query = f"customerRef.companyName={LONG.lower()}||{{{query}}}"
    order = ",".join(("-" if t.descending else "") + ".".join(t.path) for t in terms)
    owner = company(services, connections=(("mqjo", ConnectionStatus.LINKED),))
    connection_id = owner.connections[0].id
    with services.sessions() as session:
        try:
            records.save_batch(
                session,
                company_id=owner.id,
                connection_id=connection_id,
                data_type=DataType.INVOICES.value,
                documents=[{**doc, "id": f"r{i:02d}"} for i, doc in enumerate(docs)],
                now=utcnow(),
            )
            scope = records.scope(owner.id, DataType.INVOICES.value)
            ids = RecordRow.record_id
            for part in [node, *_clauses_of(node), *probes]:
                fast = scope.with_only_columns(ids).where(compile_filter(part, INDEXED_RESOLVER))
                slow = scope.with_only_columns(ids).where(compile_filter(part, JSON_RESOLVER))
                got = set(session.execute(fast).scalars())
                assert got == set(session.execute(slow).scalars()), render_query(part)
            fast_all = apply_query(
                scope.with_only_columns(ids), INDEXED_RESOLVER, query, order, [ids]
            )
            slow_all = apply_query(scope.with_only_columns(ids), JSON_RESOLVER, query, order, [ids])
            got_all = list(session.execute(fast_all).scalars())
            assert got_all == list(session.execute(slow_all).scalars()), (query, order)
        finally:
            session.rollback()
