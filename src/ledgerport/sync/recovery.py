"""Recovery of pulls whose worker died, and of queued pulls whose job was lost.

A pull writes everything in one transaction, so a worker killed mid-pull leaves the
last good data as it was; what it also leaves is a pull operation stuck in Fetching,
which would block every later refresh of that data type (a refresh of a running pull
returns the running one). And a pull committed as Queued whose job never reached the
queue (Redis flushed, the process stopped between commit and enqueue) would wait
forever. The scheduler's tick runs :func:`recover` every minute to settle both.

How a dead worker is told from a live one: each claim records the worker's host, pid
and the process's start time. On the same host the pid is checked (with the start time,
since pids are reused); on PostgreSQL the pull's transaction also holds an advisory
lock, which the server drops the moment the worker's connection dies, so workers on
other hosts are checked too. A pull from another host on SQLite cannot be checked and
is only given up after ``ABANDON_AFTER``.
"""

from __future__ import annotations

import functools
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from ledgerport.domain.pulls import PullStatus
from ledgerport.storage.query.fields import parse_datetime
from ledgerport.storage.repositories import pulls, reports

# A queued pull older than this without having started gets its job sent again (a
# duplicate is harmless: only one worker can claim it).
REQUEUE_AFTER = timedelta(minutes=5)
# Between its claim and its transaction's lock a pull is not checkable; leave it be.
GRACE = timedelta(minutes=1)
# A running pull whose worker cannot be checked is given up after this long.
ABANDON_AFTER = timedelta(hours=6)
# A report operation still in progress after this long lost its job or its worker (a
# spend analysis of the sandbox company takes a tenth of a second).
REPORT_TIMEOUT = timedelta(minutes=10)
LOST_REPORT = (
    "The report did not finish (its worker stopped or its job was lost). Generate it again."
)
DEAD_WORKER = (
    "The worker running this pull stopped before it finished (killed or crashed); "
    "nothing was changed, the previous data is intact. Queue a new refresh."
)


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), or None."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            # The command name (field 2) may hold spaces; fields after its ")" are fixed.
            return stat.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


@functools.cache
def worker_identity() -> dict[str, Any]:
    pid = os.getpid()
    return {"host": socket.gethostname(), "pid": pid, "started": _start_time(pid)}


def advisory_key(pull_id: uuid.UUID) -> int:
    """A signed 64-bit key for PostgreSQL's advisory locks, from the pull's id."""
    return int.from_bytes(pull_id.bytes[:8], "big", signed=True)


def hold_advisory_lock(session: Session, pull_id: uuid.UUID) -> None:
    """In the pull's transaction: a lock that lives exactly as long as it (PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": advisory_key(pull_id)})


def _pid_alive(worker: dict[str, Any]) -> bool | None:
    """Whether the worker process lives, if it ran on this host; None if unknowable."""
    if worker.get("host") != socket.gethostname() or not isinstance(worker.get("pid"), int):
        return None
    pid: int = worker["pid"]
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, another user's
    started = worker.get("started")
    return started is None or _start_time(pid) == started


def _lock_free(session: Session, pull_id: uuid.UUID) -> bool | None:
    """PostgreSQL: whether nobody holds the pull's advisory lock (its worker is gone)."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    got = session.execute(
        text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": advisory_key(pull_id)}
    ).scalar()
    return bool(got)


@dataclass(frozen=True)
class RecoveryResult:
    failed: list[uuid.UUID]
    requeue: list[uuid.UUID]


def recover(session: Session, now: datetime) -> RecoveryResult:
    """Mark pulls whose worker is gone as failed, and list queued pulls to enqueue
    again; in the caller's transaction."""
    failed: list[uuid.UUID] = []
    for row in pulls.with_status(session, PullStatus.FETCHING):
        audit = row.audit or {}
        worker = audit.get("worker") or {}
        claimed = parse_datetime(str(audit.get("claimed") or "")) or row.requested
        if worker == worker_identity() or now - claimed < GRACE:
            continue  # this very process is running it, or it has only just started
        dead = _lock_free(session, row.id)
        if dead is None:
            alive = _pid_alive(worker)
            dead = None if alive is None else not alive
        if dead is None:
            dead = now - claimed >= ABANDON_AFTER
        if dead:
            pulls.finish(
                session,
                row.id,
                PullStatus.INTERNAL_ERROR,
                now,
                error=DEAD_WORKER,
                audit={**audit, "recovered": True},
            )
            failed.append(row.id)
    requeue = [
        row.id
        for row in pulls.with_status(session, PullStatus.QUEUED)
        if now - row.requested >= REQUEUE_AFTER
    ]
    reports.fail_stale(session, now - REPORT_TIMEOUT, LOST_REPORT, now)
    session.flush()
    return RecoveryResult(failed=failed, requeue=requeue)
