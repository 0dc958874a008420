"""The write log the engine keeps for a platform that runs inside ledgerport.

A remote platform keeps what was written to it in its own database; the sandbox has
none, so the engine lends it this one. Each entry is committed at once in its own
transaction, apart from the push operation's: exactly like a remote write, it can have
happened while the push that sent it is still unsettled (the worker died, the answer
was lost), which is what the engine's look-up-before-resend rule is tested against.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from ledgerport.connectors.errors import WriteConflictError
from ledgerport.connectors.writes import LoggedWrite
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import pushes
from ledgerport.storage.types import utcnow


class StoredWriteLog:
    def __init__(self, sessions: sessionmaker[Session], connection_id: uuid.UUID) -> None:
        self.sessions = sessions
        self.connection_id = connection_id
        self._cache: tuple[LoggedWrite, ...] | None = None

    def append(self, key: str, entry: Mapping[str, Any]) -> None:
        """Log after the entries this object handed out: if another write was logged
        since (a second worker writing to the same company), this one was decided on a
        state that no longer holds, and :class:`WriteConflictError` says to decide it
        again; the engine retries at once."""
        position = len(self.entries())
        try:
            with transaction(self.sessions) as session:
                pushes.log_append(session, self.connection_id, key, entry, position, utcnow())
        except pushes.LogConflict as conflict:
            raise WriteConflictError(
                "Another write to this company's books landed first; deciding again."
            ) from conflict
        finally:
            self._cache = None

    def entries(self) -> Sequence[LoggedWrite]:
        """Read once per log object (a reader or writer lives for one operation)."""
        if self._cache is None:
            with self.sessions() as session:
                self._cache = tuple(
                    LoggedWrite(key=row.key, entry=row.entry, logged=row.logged)
                    for row in pushes.log_entries(session, self.connection_id)
                )
        return self._cache
