"""What understanding an uploaded CSV costs on top of merely parsing it.

Builds one 100,000-row bills CSV (Windows-1252, semicolons, day-first dates, decimal
commas, 500 suppliers spelt two ways), then, in one process:

- **baseline**: the bytes decoded and split by the ``csv`` module, nothing else;
- **import**: ``understand_file`` + ``import_file``: encoding and delimiter detected,
  header row and columns mapped, every cell parsed, suppliers de-duplicated (rapidfuzz),
  and every supplier and bill built and checked by the Codat pydantic models.

Prints rows per second for both and the ratio.

    .venv/bin/python bench/file_import.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import csv
import io
import time

from ledgerport.connectors.file_upload.understanding import import_file, understand_file


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


if __name__ == "__main__":
    main()
