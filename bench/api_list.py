"""Benchmark: GET /companies?page=1&pageSize=100 over 10,000 companies, against a
minimal FastAPI endpoint served the same way in the same run.

    .venv/bin/python bench/api_list.py [--companies 10000] [--duration 10] [--database-url URL]

Each server runs under uvicorn (one worker, uvloop/httptools when installed) in its own
process; the load comes from wrk (-t1 -c32, keep-alive) if it is installed, else from
a built-in asyncio client in a separate process (slower, so it under-reports both sides
alike; the ratio is what carries over). Not part of `make test`.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import multiprocessing
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import httpx

from ledgerport.domain.enums import ConnectionStatus
from ledgerport.domain.tokens import new_nonce
from ledgerport.storage.db import make_engine, make_sessionmaker, transaction
from ledgerport.storage.migrate import upgrade
from ledgerport.storage.repositories import api_keys
from ledgerport.storage.tables import CompanyRow, ConnectionRow
from ledgerport.storage.types import utcnow

MINIMAL_APP = """
from fastapi import FastAPI

app = FastAPI()


@app.get("/hello")
async def hello() -> dict[str, str]:
    return {"hello": "world"}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed(database_url: str, companies: int) -> str:
    """Migrate, insert the companies (each with one or two connections), return a key."""
    upgrade(database_url)
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    platforms = ("mqjo", "gbol", "qhyg", "pdvj", "akxx", "knfz")
    statuses = list(ConnectionStatus)
    start = utcnow() - timedelta(days=365)
    with transaction(sessions) as session:
        for i in range(companies):
            created = start + timedelta(minutes=i)
            company = CompanyRow(
                id=uuid.uuid4(),
                name=f"Company {i:05d} Ltd",
                description="Benchmark company",
                tags={"region": "uk" if i % 2 else "us"},
                products=["spend-insights"],
                created=created,
                link_nonce=new_nonce(),
            )
            company.connections = [
                ConnectionRow(
                    id=uuid.uuid4(),
                    platform_key=platforms[(i + j) % len(platforms)],
                    status=statuses[(i + j) % len(statuses)].value,
                    created=created,
                    link_nonce=new_nonce(),
                    link_issued_at=created,
                    errors=[],
                )
                for j in range(1 + i % 2)
            ]
            session.add(company)
        key = api_keys.create(session, "bench").key
    if engine.dialect.name == "postgresql":
        # A live server's autovacuum would have gathered statistics by now; a freshly
        # loaded table has none, and the planner would scan it.
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return key


def start_server(
    app_spec: str, port: int, env: dict[str, str], factory: bool
) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        app_spec,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    if factory:
        cmd.append("--factory")
    proc = subprocess.Popen(cmd, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"server {app_spec} did not start")


def run_wrk(url: str, headers: dict[str, str], duration: int) -> tuple[float, str]:
    cmd = ["wrk", "-t1", "-c32", f"-d{duration}s", "--latency"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"{non2xx.group(1)} non-2xx responses from {url}")
    return rps, p99.group(1) if p99 else "?"


def _python_load(
    url: str, headers: dict[str, str], duration: int, queue: multiprocessing.Queue
) -> None:  # type: ignore[type-arg]
    async def main() -> None:
        latencies: list[float] = []
        stop = time.monotonic() + duration
        async with httpx.AsyncClient(
            headers=headers, limits=httpx.Limits(max_connections=32)
        ) as client:

            async def worker() -> None:
                while time.monotonic() < stop:
                    t0 = time.perf_counter()
                    response = await client.get(url)
                    response.raise_for_status()
                    latencies.append(time.perf_counter() - t0)

            await asyncio.gather(*(worker() for _ in range(32)))
        latencies.sort()
        queue.put(
            (len(latencies) / duration, f"{latencies[int(len(latencies) * 0.99)] * 1000:.1f}ms")
        )

    asyncio.run(main())


def run_python_load(url: str, headers: dict[str, str], duration: int) -> tuple[float, str]:
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    proc = multiprocessing.Process(target=_python_load, args=(url, headers, duration, queue))
    proc.start()
    result = queue.get(timeout=duration + 60)
    proc.join()
    return result  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument(
        "--database-url",
        default=None,
        help="Default: a fresh SQLite file in a temporary directory.",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        database_url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        t0 = time.perf_counter()
        key = seed(database_url, args.companies)
        print(
            f"seeded {args.companies} companies in {time.perf_counter() - t0:.1f}s "
            f"({database_url.split(':')[0]})"
        )
        app_file = Path(tmp) / "minimal_app.py"
        app_file.write_text(MINIMAL_APP)
        env = {
            **os.environ,
            "LEDGERPORT_DATABASE_URL": database_url,
            "LEDGERPORT_DATA_DIR": tmp,
            "LEDGERPORT_SECRET_KEY": "bench-secret",
            "PYTHONPATH": tmp + os.pathsep + os.environ.get("PYTHONPATH", ""),
        }
        auth = {"Authorization": "Basic " + base64.b64encode(key.encode()).decode()}
        load = run_wrk if shutil.which("wrk") else run_python_load
        generator = "wrk -t1 -c32" if load is run_wrk else "python asyncio, 32 connections"
        print(f"load generator: {generator}, {args.duration}s per endpoint")

        results = {}
        for name, spec, factory, path, headers in (
            ("minimal FastAPI endpoint", "minimal_app:app", False, "/hello", {}),
            (
                "GET /companies?page=1&pageSize=100",
                "ledgerport.app:create_app",
                True,
                "/companies?page=1&pageSize=100",
                auth,
            ),
        ):
            port = free_port()
            server = start_server(spec, port, env, factory)
            try:
                url = f"http://127.0.0.1:{port}{path}"
                check = httpx.get(url, headers=headers, timeout=10)
                check.raise_for_status()
                if "companies" in path:
                    body = check.json()
                    assert body["totalResults"] == args.companies
                    assert len(body["results"]) == 100
                load(url, headers, 2)  # warm-up
                results[name] = load(url, headers, args.duration)
            finally:
                server.terminate()
                server.wait(10)

        (base_name, (base_rps, base_p99)), (list_name, (list_rps, list_p99)) = results.items()
        print(f"{base_name:<40} {base_rps:>10.0f} req/s   p99 {base_p99}")
        print(f"{list_name:<40} {list_rps:>10.0f} req/s   p99 {list_p99}")
        print(f"ratio (list / minimal): {list_rps / base_rps:.3f}")
        print(f"companies served per second: {list_rps * 100:.0f}")


if __name__ == "__main__":
    main()
