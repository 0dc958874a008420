"""Benchmark: the data API's query path over 1,000,000 invoices in 10 companies.

    .venv/bin/python bench/query.py [--companies 10] [--per-company 100000]
        [--database-url URL] [--keep PATH] [--duration 10] [--iterations 200]

Prints, for the seeds' query (``customerRef.companyName=X&&status=Submitted``,
``orderBy=issueDate``, pages 1 and 40, with ``totalResults``):
  * p50/p99 through the data API in process (the ASGI app, no sockets) next to the
    same SQL run directly on a connection (count + page keys + page documents), and
    the ratio of the p50s (goal: within 2x);
  * p50/p99 over HTTP against uvicorn (goal: p99 under 50 ms);
then requests/s of ``GET .../data/invoices?page=1&pageSize=100`` next to a minimal
endpoint that returns the same stored JSON text (one SELECT, no auth, no count) served
the same way (goal: ratio >= 0.5), and the latency of an ad-hoc filter on a field with
no index (goal: under 1 s per 100,000 records of the company).

Records are loaded through the records store's own write path. SQLite by default, in
a temporary file (or ``--keep PATH``, reused when it exists: loading takes a minute or
two); ``--database-url`` for PostgreSQL (the database is emptied first). Not part of
``make test``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import orjson
from sqlalchemy import Text, cast, delete, func, select, text

sys.path.insert(0, str(Path(__file__).parent))
from api_list import free_port, run_python_load, run_wrk, start_server
from common import linked_company
from ledgerport.api.routes.data import resolver
from ledgerport.app import create_app
from ledgerport.config import Settings
from ledgerport.domain.enums import DataType
from ledgerport.services import Services
from ledgerport.storage.db import make_engine, make_sessionmaker, transaction
from ledgerport.storage.migrate import upgrade
from ledgerport.storage.query import apply_query
from ledgerport.storage.repositories import api_keys, records
from ledgerport.storage.tables import (
    ApiKeyRow,
    CompanyRow,
    RecordRow,
)
from ledgerport.storage.types import utcnow

STATUSES = ["Submitted"] * 5 + ["Paid"] * 8 + ["PartiallyPaid", "Draft", "Void"]
CUSTOMERS = 50
MINIMAL_APP = """
import os

import orjson
from fastapi import FastAPI
import uuid

from sqlalchemy import Text, Uuid, cast, create_engine, select, table, column
from starlette.responses import Response

engine = create_engine(os.environ["LEDGERPORT_DATABASE_URL"])
records = table("records", column("company_id", Uuid()), column("data_type"),
                column("modified_date"), column("record_id"), column("data"))
app = FastAPI()
COMPANY = uuid.UUID(os.environ["BENCH_COMPANY_ID"])


@app.get("/page")
async def page() -> Response:  # inline, as the data API's list route runs
    with engine.connect() as conn:
        texts = conn.execute(
            select(cast(records.c.data, Text()))
            .where(records.c.company_id == COMPANY, records.c.data_type == "invoices")
            .order_by(records.c.modified_date, records.c.record_id)
            .limit(100)
        ).scalars().all()
    body = {"results": [orjson.Fragment(t) for t in texts], "pageNumber": 1,
            "pageSize": 100, "totalResults": 0, "_links": {}}
    return Response(orjson.dumps(body), media_type="application/json")
"""


def customer_name(n: int) -> str:
    return f"Customer {n:02d} Trading Ltd"


def invoice(rng: random.Random, n: int, start: datetime) -> dict[str, Any]:
    """A Codat-shaped invoice, about the size of a real one (two lines)."""
    customer = min(int(rng.paretovariate(1.2)) - 1, CUSTOMERS - 1)
    issued = start + timedelta(days=rng.randint(0, 729))
    lines = []
    subtotal = 0.0
    for _ in range(2):
        amount = round(rng.uniform(50, 2000), 2)
        subtotal += amount
        lines.append(
            {
                "description": "Consulting day",
                "unitAmount": amount,
                "quantity": 1,
                "subTotal": amount,
                "taxAmount": round(amount * 0.2, 2),
                "totalAmount": round(amount * 1.2, 2),
                "accountRef": {"id": "acc-4000", "name": "Sales"},
                "taxRateRef": {"id": "tax-20", "name": "VAT 20%", "effectiveTaxRate": 20},
            }
        )
    status = rng.choice(STATUSES)
    total = round(subtotal * 1.2, 2)
    return {
        "id": f"inv-{n:07d}",
        "invoiceNumber": f"INV-{n:07d}",
        "customerRef": {"id": f"cus-{customer:03d}", "companyName": customer_name(customer)},
        "issueDate": issued.replace(tzinfo=None).isoformat(),
        "dueDate": (issued + timedelta(days=30)).replace(tzinfo=None).isoformat(),
        "currency": "GBP",
        "currencyRate": 1,
        "lineItems": lines,
        "paymentAllocations": [],
        "subTotal": round(subtotal, 2),
        "totalTaxAmount": round(subtotal * 0.2, 2),
        "totalDiscount": 0,
        "totalAmount": total,
        "amountDue": 0 if status in ("Paid", "Void") else total,
        "status": status,
        "sourceModifiedDate": issued.isoformat().replace("+00:00", "Z"),
        "metadata": {"isDeleted": False},
    }


def load(database_url: str, companies: int, per_company: int) -> tuple[list[uuid.UUID], str]:
    """Migrate and fill the database; return the company ids and an API key."""
    upgrade(database_url)
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    with transaction(sessions) as session:
        existing = list(session.scalars(select(CompanyRow.id).order_by(CompanyRow.name)))
        count = session.scalar(select(func.count()).select_from(RecordRow)) or 0
    if len(existing) == companies and count == companies * per_company:
        print(f"reusing {count:,} invoices in {companies} companies")
        settle(engine)
        with transaction(sessions) as session:
            session.execute(delete(ApiKeyRow))
            key = api_keys.create(session, "bench").key
        engine.dispose()
        return existing, key
    with transaction(sessions) as session:
        session.execute(delete(CompanyRow))
        session.execute(delete(ApiKeyRow))
        key = api_keys.create(session, "bench").key
    ids: list[uuid.UUID] = []
    started = time.perf_counter()
    start = datetime(2024, 11, 1, tzinfo=UTC)
    for c in range(companies):
        connection = linked_company(sessions, f"Bench company {c:02d}")
        ids.append(connection.company_id)
        rng = random.Random(c)
        with transaction(sessions) as session:
            for first in range(0, per_company, 2000):
                batch = [
                    invoice(rng, n, start) for n in range(first, min(first + 2000, per_company))
                ]
                records.save_batch(
                    session,
                    company_id=connection.company_id,
                    connection_id=connection.id,
                    data_type=DataType.INVOICES.value,
                    documents=batch,
                    now=utcnow(),
                )
            records.mark_dataset(
                session,
                company_id=connection.company_id,
                connection_id=connection.id,
                data_type=DataType.INVOICES.value,
                now=utcnow(),
            )
        done = (c + 1) * per_company
        rate = done / (time.perf_counter() - started)
        print(f"  loaded {done:,} invoices ({rate:,.0f}/s)", flush=True)
    settle(engine)
    engine.dispose()
    return ids, key


def settle(engine: Any) -> None:
    """What a live database has done by itself after a bulk load: statistics gathered
    and, on PostgreSQL, the visibility map set (autovacuum), without which an index-only
    count still visits every row."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))


class InProcess:
    """The ASGI app called on this thread's event loop, no sockets and no thread hop
    (unlike Starlette's TestClient): what is timed is the app itself."""

    def __init__(self, app: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench"
        )

    def __enter__(self) -> InProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.close()

    def get(self, url: str, headers: dict[str, str]) -> httpx.Response:
        return self.loop.run_until_complete(self.client.get(url, headers=headers))


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.99)] * 1000


def timed(fn: Callable[[], object], iterations: int) -> list[float]:
    for _ in range(5):
        fn()
    samples = []
    for _ in range(iterations):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return samples


def raw_sql(services: Services, company_id: uuid.UUID, query: str, page: int) -> Callable[[], int]:
    """The statements the data API runs for one page, run directly: count, keys, data."""
    stmt = apply_query(
        records.scope(company_id, DataType.INVOICES.value),
        resolver(DataType.INVOICES),
        query,
        "issueDate",
        default_order=records.page_order(ordered=True),
    )
    total_stmt = select(func.count()).select_from(stmt.order_by(None).subquery())
    keys_stmt = stmt.with_only_columns(
        RecordRow.connection_id, RecordRow.data_type, RecordRow.record_id
    )
    keys_stmt = keys_stmt.offset((page - 1) * 100).limit(100)

    def run() -> int:
        with services.engine.connect() as conn:
            total = conn.execute(total_stmt).scalar()
            keys = conn.execute(keys_stmt).all()
            if not keys:  # a page past the end
                return int(total or 0)
            ids = [k[2] for k in keys]
            texts = conn.execute(
                select(cast(RecordRow.data, Text())).where(
                    RecordRow.connection_id == keys[0][0],
                    RecordRow.data_type == "invoices",
                    RecordRow.record_id.in_(ids),
                )
            ).all()
            assert len(texts) == len(keys)
            return int(total or 0)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=10)
    parser.add_argument("--per-company", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--keep", default=None, help="SQLite file to keep and reuse")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--iterations", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        if args.database_url:
            database_url = args.database_url
        else:
            path = Path(args.keep) if args.keep else Path(tmp) / "bench.db"
            database_url = f"sqlite:///{path}"
        backend = database_url.split(":")[0].split("+")[0]
        t0 = time.perf_counter()
        company_ids, key = load(database_url, args.companies, args.per_company)
        print(f"database ready in {time.perf_counter() - t0:.0f}s ({backend})")
        company_id = company_ids[0]
        name = customer_name(1)  # the second-busiest customer: ~5,000 submitted invoices
        query = f"customerRef.companyName={name}&&status=Submitted"
        auth = {"Authorization": "Basic " + base64.b64encode(key.encode()).decode()}
        settings = Settings(database_url=database_url, data_dir=Path(tmp), jobs_in_process=False)
        services = Services.build(settings)
        print(f"\nseeds' query: {query}  orderBy=issueDate  pageSize=100")
        with InProcess(create_app(services=services)) as client:
            for page in (1, 40):
                url = (
                    f"/companies/{company_id}/data/invoices"
                    f"?page={page}&pageSize=100&orderBy=issueDate&query={quote(query)}"
                )
                first = client.get(url, headers=auth)
                first.raise_for_status()
                body = first.json()
                assert len(body["results"]) == max(
                    0, min(100, body["totalResults"] - (page - 1) * 100)
                )

                def via_api(url: str = url) -> None:
                    client.get(url, headers=auth).raise_for_status()

                api = percentiles(timed(via_api, args.iterations))
                direct = raw_sql(services, company_id, query, page)
                assert direct() == body["totalResults"]  # the same rows either way
                sql = percentiles(timed(direct, args.iterations))
                print(
                    f"  page {page:>2} (totalResults {body['totalResults']:,}): "
                    f"API in process p50 {api[0]:.2f} ms p99 {api[1]:.2f} ms | "
                    f"raw SQL p50 {sql[0]:.2f} ms p99 {sql[1]:.2f} ms | "
                    f"ratio {api[0] / sql[0]:.2f}"
                )
            adhoc = "invoiceNumber~99&&currency=GBP"
            url = f"/companies/{company_id}/data/invoices?page=1&pageSize=100&query={quote(adhoc)}"
            samples = timed(lambda: client.get(url, headers=auth).raise_for_status(), 5)
            total = client.get(url, headers=auth).json()["totalResults"]
            per_100k = statistics.median(samples) / (args.per_company / 100_000)
            print(
                f"  ad-hoc unindexed filter {adhoc!r} ({total:,} of {args.per_company:,}): "
                f"{statistics.median(samples) * 1000:.0f} ms, {per_100k * 1000:.0f} ms per 100k"
            )
        services.close()

        env = {
            **os.environ,
            "LEDGERPORT_DATABASE_URL": database_url,
            "LEDGERPORT_DATA_DIR": tmp,
            "LEDGERPORT_SECRET_KEY": "bench-secret",
            "LEDGERPORT_JOBS_IN_PROCESS": "false",
            "BENCH_COMPANY_ID": str(company_id),
            "PYTHONPATH": tmp + os.pathsep + os.environ.get("PYTHONPATH", ""),
        }
        (Path(tmp) / "minimal_data_app.py").write_text(MINIMAL_APP)
        port = free_port()
        server = start_server("ledgerport.app:create_app", port, env, True)
        try:
            base = f"http://127.0.0.1:{port}"
            with httpx.Client(base_url=base, headers=auth) as http:
                for page in (1, 40):
                    url = (
                        f"/companies/{company_id}/data/invoices"
                        f"?page={page}&pageSize=100&orderBy=issueDate&query={quote(query)}"
                    )
                    over_http = percentiles(
                        timed(lambda u=url: http.get(u).raise_for_status(), args.iterations)
                    )
                    print(
                        f"  page {page:>2} over HTTP (uvicorn, 1 worker): "
                        f"p50 {over_http[0]:.2f} ms p99 {over_http[1]:.2f} ms"
                    )
            load_fn = run_wrk if shutil.which("wrk") else run_python_load
            list_url = f"{base}/companies/{company_id}/data/invoices?page=1&pageSize=100"
            load_fn(list_url, auth, 2)
            list_rps, list_p99 = load_fn(list_url, auth, args.duration)
        finally:
            server.terminate()
            server.wait(10)
        port = free_port()
        server = start_server("minimal_data_app:app", port, env, False)
        try:
            minimal_url = f"http://127.0.0.1:{port}/page"
            assert len(orjson.loads(httpx.get(minimal_url).content)["results"]) == 100
            load_fn(minimal_url, {}, 2)
            min_rps, min_p99 = load_fn(minimal_url, {}, args.duration)
        finally:
            server.terminate()
            server.wait(10)
        print("\nlist endpoint, page 1 of 100 invoices, 32 connections:")
        print(f"  minimal endpoint (same stored JSON) {min_rps:>8.0f} req/s  p99 {min_p99}")
        print(f"  GET .../data/invoices               {list_rps:>8.0f} req/s  p99 {list_p99}")
        print(f"  ratio (list / minimal): {list_rps / min_rps:.2f}")


if __name__ == "__main__":
    main()
