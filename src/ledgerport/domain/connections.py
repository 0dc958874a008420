"""Connection status rules."""

from __future__ import annotations

from ledgerport.domain.enums import ConnectionStatus
from ledgerport.errors import BadRequestError

# What a client may ask for through PATCH .../connections/{id}. Linked and Deauthorized
# are facts reported by the platform (Link succeeded, a grant was revoked), so a client
# cannot set them; unlinking is the one change a client makes.
_CLIENT_TRANSITIONS: dict[ConnectionStatus, frozenset[ConnectionStatus]] = {
    ConnectionStatus.PENDING_AUTH: frozenset({ConnectionStatus.UNLINKED}),
    ConnectionStatus.LINKED: frozenset({ConnectionStatus.UNLINKED}),
    ConnectionStatus.DEAUTHORIZED: frozenset({ConnectionStatus.UNLINKED}),
    ConnectionStatus.UNLINKED: frozenset({ConnectionStatus.UNLINKED}),
}


def check_client_transition(current: ConnectionStatus, requested: ConnectionStatus) -> None:
    if requested not in _CLIENT_TRANSITIONS[current]:
        raise BadRequestError(
            f"Cannot change a connection's status from {current} to {requested}: "
            f"a client can only unlink a connection (status Unlinked); it becomes Linked "
            f"when the company completes Link."
        )


def can_link(current: ConnectionStatus) -> bool:
    """Link (re)authorizes a connection that is not currently linked."""
    return current is not ConnectionStatus.LINKED
