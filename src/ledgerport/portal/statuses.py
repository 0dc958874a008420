"""How a data connection's state is shown: the colours of Codat's Companies tab.

Green: linked. Red: an unresolved linking error, or deauthorized (the customer must
authorize again). Purple: created, not yet authorized. Grey: unlinked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ledgerport.domain.enums import ConnectionStatus, ErrorStatus


@dataclass(frozen=True)
class Badge:
    tone: str  # a CSS class: status-linked, status-error, status-pending, status-unlinked
    label: str  # what is said, never colour alone


def active_errors(errors: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in errors if e.get("status", ErrorStatus.ACTIVE.value) == ErrorStatus.ACTIVE]


def badge(status: str, errors: Sequence[dict[str, Any]]) -> Badge:
    if status == ConnectionStatus.DEAUTHORIZED:
        return Badge("status-error", "Deauthorized")
    if active_errors(errors):
        return Badge("status-error", f"{status}, with errors")
    if status == ConnectionStatus.LINKED:
        return Badge("status-linked", "Linked")
    if status == ConnectionStatus.PENDING_AUTH:
        return Badge("status-pending", "Pending authorization")
    if status == ConnectionStatus.UNLINKED:
        return Badge("status-unlinked", "Unlinked")
    return Badge("status-unlinked", status)
