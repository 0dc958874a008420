"""Benchmark: financial statements and post-pull validation over a large ledger.

    .venv/bin/python bench/financials.py [--entries 10000] [--database-url URL] [--repeat 5]

Stores a chart of accounts and ``--entries`` balanced journal entries (two years,
two to four lines each) for one company, then prints the median time of:
  * reading the ledger out of the store (chartOfAccounts + journalEntries);
  * each statement for 12 monthly periods, computed from the loaded ledger;
  * each statement end to end through the API in process (12 x 1 month);
  * the validation a journalEntries pull runs (every check, two years of statements).
SQLite in a temporary directory by default; ``--database-url`` for PostgreSQL, which
must be a scratch database: it is migrated and every table emptied first. Not part of
``make test``.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.api.test_financials import store
from tests.factories import ledger as f
from tests.factories import platform

from ledgerport.app import create_app
from ledgerport.config import Settings
from ledgerport.domain.enums import ConnectionStatus
from ledgerport.domain.reports import (
    ReportRequest,
    balance_sheet,
    cash_flow_statement,
    profit_and_loss,
)
from ledgerport.services import Services
from ledgerport.storage.db import make_engine
from ledgerport.storage.migrate import upgrade
from ledgerport.storage.repositories import ledger as ledger_repo
from ledgerport.storage.tables import Base
from ledgerport.storage.types import utcnow
from ledgerport.sync.validation import validate


def timed(fn: Callable[[], Any], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        if args.database_url:
            engine = make_engine(url)
            with engine.begin() as conn:
                names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
                conn.execute(text(f"TRUNCATE {names} CASCADE"))
            engine.dispose()
        settings = Settings(
            database_url=url,
            data_dir=Path(tmp) / "data",
            secret_key=SecretStr("bench"),
            jobs_in_process=False,
        )
        services = Services.build(settings)
        company = platform.company(services, connections=(("mqjo", ConnectionStatus.LINKED),))
        entries = f.random_ledger(args.entries, seed=7)
        lines = sum(len(e["journalLines"]) for e in entries)
        store(services, company, "chartOfAccounts", f.chart())
        for start in range(0, len(entries), 2000):
            store(services, company, "journalEntries", entries[start : start + 2000])
        print(f"{url.split(':')[0]}: {len(entries)} journal entries, {lines} lines")

        def load() -> Any:
            with services.sessions() as session:
                return ledger_repo.load_ledger(session, company.id)

        print(f"  load ledger from the store     {timed(load, args.repeat):8.1f} ms")
        ledger = load()
        request = ReportRequest(1, 12)
        for name, statement in (
            ("balance sheet", balance_sheet),
            ("profit and loss", profit_and_loss),
            ("cash flow statement", cash_flow_statement),
        ):
            ms = timed(functools.partial(statement, ledger, request), args.repeat)
            print(f"  compute {name:<22} {ms:8.1f} ms")
        key = platform.api_key(services)
        with TestClient(create_app(services=services)) as client:
            client.headers.update(platform.basic(key))
            for statement in ("balanceSheet", "profitAndLoss", "cashFlowStatement"):
                path = f"/companies/{company.id}/data/financials/{statement}"

                def call(path: str = path) -> None:
                    response = client.get(path, params={"periodLength": 1, "periodsToCompare": 12})
                    assert response.status_code == 200, response.text

                print(f"  GET {statement:<26} {timed(call, args.repeat):8.1f} ms")

        def run_validation() -> None:
            result = validate(
                services.sessions,
                company_id=company.id,
                connection_id=company.connections[0].id,
                data_type="journalEntries",
                today=utcnow().date(),
            )
            assert result["summary"]["errors"] == 0, result

        print(f"  validate a journalEntries pull {timed(run_validation, args.repeat):8.1f} ms")
        services.close()


if __name__ == "__main__":
    main()
