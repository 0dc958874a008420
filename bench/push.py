"""What the push engine costs on top of the platform's own write.

Writes N suppliers and N bills (each paid in two parts) to a sandbox company, twice in
one process, on fresh companies of the same size:

- **baseline**: the sandbox writer called directly (``SandboxWriter.write``, with the
  engine's write log): the platform's own work, rebuilding the books and logging;
- **engine**: ``sync.push.submit(..., run_now=True)``, everything a synchronous client
  (Sync for Payables v2) pays for: the create model built and checked, the operation
  stored, claimed, marked in doubt, written, settled, and the record stored for reads.

Prints writes per second and milliseconds per write for both, and the ratio.

    .venv/bin/python bench/push.py [--writes 30] [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from common import linked_company
from ledgerport.config import Settings
from ledgerport.connectors.sandbox.writer import SandboxWriter
from ledgerport.connectors.spec import WriterContext
from ledgerport.connectors.writes import WriteKind, WriteRequest
from ledgerport.domain.enums import DataType
from ledgerport.services import Services
from ledgerport.storage.migrate import upgrade
from ledgerport.sync import push
from ledgerport.sync.writelog import StoredWriteLog

Write = Callable[[DataType, dict[str, Any]], dict[str, Any]]


def supplier(n: int) -> dict[str, Any]:
    return {"supplierName": f"Bench Supplies {n} Ltd", "status": "Active"}


def bill(supplier_id: str, n: int, day: str) -> dict[str, Any]:
    return {
        "supplierRef": {"id": supplier_id},
        "issueDate": day,
        "dueDate": day,
        "currency": "GBP",
        "status": "Open",
        "reference": f"BENCH-{n}",
        "lineItems": [
            {
                "description": "Cable drums",
                "unitAmount": 100.0,
                "quantity": 2.0,
                "taxAmount": 40.0,
                "accountRef": {"id": "acc-5000"},
                "taxRateRef": {"id": "tax-s"},
            }
        ],
    }


def payment(supplier_id: str, bill_id: str, amount: float, day: str) -> dict[str, Any]:
    return {
        "supplierRef": {"id": supplier_id},
        "accountRef": {"id": "acc-1200"},
        "totalAmount": amount,
        "currency": "GBP",
        "date": day,
        "lines": [
            {"amount": amount, "links": [{"type": "Bill", "id": bill_id, "amount": -amount}]}
        ],
    }


def run(write: Write, writes: int, day: str) -> list[float]:
    """Seconds per write, for ``writes`` rounds of supplier, bill and two payments."""
    took: list[float] = []

    def timed(data_type: DataType, record: dict[str, Any]) -> dict[str, Any]:
        start = time.perf_counter()
        result = write(data_type, record)
        took.append(time.perf_counter() - start)
        return result

    for n in range(writes):
        made = timed(DataType.SUPPLIERS, supplier(n))
        owed = timed(DataType.BILLS, bill(made["id"], n, day))
        half = float(owed["totalAmount"]) / 2
        for _ in range(2):
            timed(DataType.BILL_PAYMENTS, payment(made["id"], owed["id"], half, day))
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writes", type=int, default=30, help="rounds of 4 writes each")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ledgerport-bench-push-"))
    url = args.database_url or f"sqlite:///{(folder / 'bench.db').as_posix()}"
    upgrade(url)
    services = Services.build(
        Settings(database_url=url, data_dir=folder, secret_key=SecretStr("bench"))
    )
    day = time.strftime("%Y-%m-%dT00:00:00", time.gmtime())

    def direct() -> Write:
        connection = linked_company(services.sessions, f"direct {uuid.uuid4().hex[:6]}")
        context = WriterContext(
            company_id=str(connection.company_id),
            connection_id=str(connection.id),
            connection_info={},
            log=StoredWriteLog(services.sessions, connection.id),
        )

        def write(data_type: DataType, record: dict[str, Any]) -> dict[str, Any]:
            writer = SandboxWriter(context)  # one per write, as the engine builds them
            context.log._cache = None  # type: ignore[union-attr]  # see the log fresh
            request = WriteRequest(data_type, WriteKind.CREATE, uuid.uuid4().hex, record)
            return dict(writer.write(request).record)

        return write

    def engine() -> Write:
        connection = linked_company(services.sessions, f"engine {uuid.uuid4().hex[:6]}")

        def write(data_type: DataType, record: dict[str, Any]) -> dict[str, Any]:
            op = push.submit(
                services,
                None,
                company_id=connection.company_id,
                connection_id=connection.id,
                data_type=data_type,
                kind=WriteKind.CREATE,
                record=record,
                run_now=True,
            )
            assert op.status == "Success", op.error_message
            return dict(op.data or {})

        return write

    print(f"push: {args.writes * 4} writes each way on {url.split(':', 1)[0]}")
    results = {}
    for name, make in (("baseline (writer alone)", direct), ("engine (submit, run_now)", engine)):
        took = run(make(), args.writes, day)
        results[name] = took
        print(
            f"  {name:26} {len(took) / sum(took):7.1f} writes/s   "
            f"p50 {statistics.median(took) * 1000:6.1f} ms   "
            f"p95 {statistics.quantiles(took, n=20)[18] * 1000:6.1f} ms"
        )
    base, ours = (statistics.median(t) for t in results.values())
    print(f"  engine / baseline (p50): {ours / base:.2f}")
    services.close()


if __name__ == "__main__":
    main()
