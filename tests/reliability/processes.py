"""Real ``ledgerport worker`` processes for the reliability tests, and waiting for
something to become true without sleeping longer than it takes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

_T = TypeVar("_T")


def wait_for(check: Callable[[], _T | None], what: str, timeout: float = 60.0) -> _T:
    """Poll ``check`` until it returns something truthy; fail saying ``what`` was awaited."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


class Worker:
    """``ledgerport worker`` in its own process, its output in a file (a pipe nobody
    reads would block it)."""

    def __init__(self, env: Mapping[str, str], log: Path, threads: int = 2) -> None:
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "ledgerport.cli", "worker", "--workers", str(threads)],
                env={**os.environ, **env},
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> int:
        """SIGKILL: no handler runs, no transaction commits, sockets just close."""
        self.process.send_signal(signal.SIGKILL)
        return self.process.wait(30)

    def stop(self) -> None:
        """End it if it still runs (the way a test cleans up, not a crash)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(15)
