"""A PostgreSQL cluster of the test's own, to stop and start at will: the machine's
shared server (127.0.0.1:5432) serves every other test running in parallel and must
never be restarted.

``initdb`` into a temporary directory with the binaries under
``/usr/lib/postgresql/*/bin`` (or ``LEDGERPORT_TEST_PG_BIN``), listening on a free port
of 127.0.0.1 with trust authentication. PostgreSQL refuses to run as root, so as root
the cluster belongs to the ``postgres`` user and every command runs through
``runuser``. Without the binaries (or a user to run them) the test is skipped, saying
why; under ``LEDGERPORT_REQUIRE_SERVERS=1`` it fails instead.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from tests import servers
from tests.live_server import free_port

RUN_AS = "postgres"


def _bin_dir() -> Path | None:
    configured = os.environ.get("LEDGERPORT_TEST_PG_BIN")
    candidates = (
        [configured]
        if configured
        else sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    )
    for candidate in reversed(candidates):
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    return None


def _unavailable(reason: str) -> None:
    message = f"a private PostgreSQL cluster cannot be started here: {reason}"
    if servers.require_servers():
        pytest.fail(message)
    pytest.skip(message)


class PrivatePostgres:
    """One cluster in ``root``: :meth:`stop` and :meth:`start` it while clients run."""

    def __init__(self, bin_dir: Path, root: Path, port: int, user: str | None) -> None:
        self.bin_dir, self.root, self.port, self.user = bin_dir, root, port, user
        self.data = root / "data"
        self.log = root / "postgres.log"

    def _run(self, *args: str, timeout: float = 60) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(args)} failed: {done.stderr or done.stdout}\n{log}")

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-sync")  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off"  # a throwaway cluster: speed over safety
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w",
                  "start")  # fmt: skip

    def stop(self, mode: str = "immediate") -> None:
        """``immediate``: every server process quits at once, as in a crash; clients
        find their connections gone and the next start runs crash recovery."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def create_database(self, name: str) -> str:
        """A new database; its SQLAlchemy URL."""
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A started cluster, stopped and deleted afterwards (or the test skipped)."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        _unavailable("no initdb under /usr/lib/postgresql/*/bin (set LEDGERPORT_TEST_PG_BIN)")
    assert bin_dir is not None
    user: str | None = None
    root = Path(tempfile.mkdtemp(prefix="ledgerport-pg-"))
    try:
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam(RUN_AS)
            except KeyError:
                _unavailable(f"running as root and there is no {RUN_AS!r} user to run it as")
            if shutil.which("runuser") is None:
                _unavailable("running as root and there is no runuser to drop privileges")
            os.chown(root, owner.pw_uid, owner.pw_gid)
            user = RUN_AS
        cluster = PrivatePostgres(bin_dir, root, free_port(), user)
        cluster.init()
        cluster.start()
        try:
            yield cluster
        finally:
            with contextlib.suppress(RuntimeError):  # already stopped
                cluster.stop("immediate")
    finally:
        shutil.rmtree(root, ignore_errors=True)
