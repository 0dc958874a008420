"""What understanding an uploaded CSV costs on top of merely parsing it.

Builds one 100,000-row bills CSV (Windows-1252, semicolons, day-first dates, decimal
commas, 500 suppliers spelt two ways), then, in one process:

- **baseline**: the bytes decoded and split by the ``csv`` module, nothing else;
- **import**: ``understand_file`` + ``import_file``: encoding and delimiter detected,
  header row and columns mapped, every cell parsed, suppliers de-duplicated (rapidfuzz),
  and every supplier and bill built and checked by the Codat pydantic models;
- **end to end** (``--end-to-end``, on by default): what a company's upload costs until
  its bills can be queried: the file received as the Files API receives it (understood,
  stored in the blob store), its mapping confirmed (the import run once to check it),
  then the pulls of suppliers and bills through the engine into a fresh SQLite database.

Prints rows per second for each and the ratios to the baseline.

    .venv/bin/python bench/file_import.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import csv
import io
import tempfile
import time
from pathlib import Path

from common import linked_company
from ledgerport.config import Settings
from ledgerport.connectors.file_upload import KEY
from ledgerport.connectors.file_upload.understanding import import_file, understand_file
from ledgerport.domain.pulls import PullStatus
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.migrate import upgrade
from ledgerport.storage.repositories import records
from ledgerport.storage.types import utcnow
from ledgerport.sync import uploads
from ledgerport.sync.engine import Engine


def build(rows: int) -> bytes:
    out = io.StringIO()
    out.write(
        "Lieferant;Rechnungsnummer;Rechnungsdatum;Fälligkeitsdatum;Nettobetrag;MwSt;"
        "Bruttobetrag;Beschreibung\n"
    )
    for n in range(rows):
        who = n % 500
        name = f"Händler {who} GmbH" if n % 2 else f"Haendler {who}"
        net = 100 + n % 9000
        out.write(
            f"{name};R-{n};{1 + n % 28:02d}.{1 + n % 12:02d}.2024;{1 + n % 28:02d}."
            f"{1 + (n + 1) % 12:02d}.2024;{net:,}.50 €;{net * 19 // 100},00 €;"
            f"{net + net * 19 // 100:,}.50 €;Wareneingang {n}\n".replace(",", "X")
            .replace(".50", ",50")
            .replace("X", ".")
        )
    return out.getvalue().encode("cp1252")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--end-to-end",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time upload, confirmation and the pulls into SQLite",
    )
    args = parser.parse_args()
    data = build(args.rows)
    print(f"file_import: {args.rows:,} rows, {len(data) / 1e6:.1f} MB CSV (cp1252, ';')")

    start = time.perf_counter()
    parsed = sum(1 for _ in csv.reader(io.StringIO(data.decode("cp1252")), delimiter=";"))
    base = time.perf_counter() - start

    start = time.perf_counter()
    understanding = understand_file(data, "bench.csv")
    result = import_file(data, "bench.csv", understanding.sheets)
    ours = time.perf_counter() - start
    assert parsed == args.rows + 1, parsed
    assert len(result.bills) == args.rows, len(result.bills)
    assert len(result.suppliers) == 500, len(result.suppliers)

    print(f"  {'baseline (csv module)':26} {args.rows / base:10,.0f} rows/s   {base:6.2f} s")
    print(f"  {'import (understand+import)':26} {args.rows / ours:10,.0f} rows/s   {ours:6.2f} s")
    print(f"  import / baseline (time): {ours / base:.1f}")
    if args.end_to_end:
        whole = end_to_end(data, args.rows)
        print(f"  {'end to end (to SQLite)':26} {args.rows / whole:10,.0f} rows/s   {whole:6.2f} s")
        print(f"  end to end / baseline (time): {whole / base:.1f}")


def end_to_end(data: bytes, rows: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        services = Services.build(Settings(database_url=url, data_dir=Path(tmp) / "data"))
        try:
            connection = linked_company(services.sessions, "Uploads", platform_key=KEY)
            start = time.perf_counter()
            (row,) = uploads.receive(
                services, connection, [uploads.Incoming("bench.csv", "text/csv", data)], utcnow()
            )
            with transaction(services.sessions) as session:
                stored = uploads.load(session, connection.company_id, connection.id, str(row.id))
                uploads.confirm(services, connection, stored, None, utcnow())
                queued = uploads.queue_pulls(services, session, connection, utcnow())
            engine = Engine(services, sleep=lambda _s: None)
            for pull_id in queued:
                assert engine.run(pull_id) is PullStatus.COMPLETE
            took = time.perf_counter() - start
            with services.sessions() as session:
                count = records.dataset_count(session, connection.id, "bills")
            assert count == rows, count
            return took
        finally:
            services.close()


if __name__ == "__main__":
    main()
