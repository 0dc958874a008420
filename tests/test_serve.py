"""`ledgerport serve` (what `make run` starts) end to end: a fresh data directory, the
API key printed on first start, and that key creating a company and a connection."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.live_server import free_port


def test_first_start_prints_a_working_key_and_second_start_does_not(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "LEDGERPORT_DATA_DIR": str(tmp_path / "data"),
        "LEDGERPORT_PORT": str(port),
    }
    env.pop("LEDGERPORT_DATABASE_URL", None)
    cmd = [sys.executable, "-m", "ledgerport.cli", "serve"]

    def start() -> tuple[subprocess.Popen[str], list[str]]:
        proc = subprocess.Popen(
            cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        lines: list[str] = []
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        for line in proc.stdout:
            lines.append(line)
            if "serving on" in line or time.monotonic() > deadline:
                break
        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        return proc, lines

    proc, lines = start()
    try:
        key = next(line.split(":", 1)[1].strip() for line in lines if line.startswith("API key:"))
        auth = {"Authorization": "Basic " + base64.b64encode(key.encode()).decode()}
        base = f"http://127.0.0.1:{port}"
        company = httpx.post(f"{base}/companies", json={"name": "Hairosmith"}, headers=auth)
        assert company.status_code == 200
        conn = httpx.post(
            f"{base}/companies/{company.json()['id']}/connections",
            json={"platformKey": "qhyg"},
            headers=auth,
        )
        assert conn.status_code == 200
        assert "/start?otp=" in conn.json()["linkUrl"]
        assert (tmp_path / "data" / "ledgerport.db").exists()

        # The sandbox company is there, linked, and its first pull lands within seconds.
        sandbox = next(
            c
            for c in httpx.get(f"{base}/companies", headers=auth).json()["results"]
            if c["name"] == "Sandbox Company"
        )
        assert sandbox["dataConnections"][0]["status"] == "Linked"
        invoices = None
        for _ in range(300):
            invoices = httpx.get(f"{base}/companies/{sandbox['id']}/data/invoices", headers=auth)
            if invoices.status_code == 200:
                break
            time.sleep(0.1)
        assert invoices is not None
        assert invoices.status_code == 200, invoices.text
        # 1,500 in its fixed history, and more since: it keeps trading with the clock.
        assert invoices.json()["totalResults"] >= 1500
    finally:
        proc.terminate()
        proc.communicate(timeout=20)

    proc, lines = start()
    try:
        assert not any(line.startswith("API key:") for line in lines)
    finally:
        proc.terminate()
        proc.communicate(timeout=20)
