"""The profile singleton and sync settings per scope."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ledgerport.storage.tables import ProfileRow, SyncSettingsRow

PROFILE_SCOPE = "profile"
_PROFILE_ID = 1


def profile(session: Session) -> ProfileRow:
    """The profile, created with defaults the first time anyone asks for it."""
    row = session.get(ProfileRow, _PROFILE_ID)
    if row is not None:
        return row
    try:
        with session.begin_nested():
            row = ProfileRow(
                id=_PROFILE_ID,
                client_id=uuid.uuid4(),
                name="ledgerport",
                logo_url=None,
                icon_url=None,
                redirect_url="",
                white_list_urls=[],
            )
            session.add(row)
            session.flush()
    except IntegrityError:  # created by a concurrent request meanwhile
        row = session.get(ProfileRow, _PROFILE_ID)
        assert row is not None
    return row


def sync_settings(session: Session, company_id: uuid.UUID | None) -> SyncSettingsRow | None:
    scope = PROFILE_SCOPE if company_id is None else str(company_id)
    return session.scalar(select(SyncSettingsRow).where(SyncSettingsRow.scope == scope))


def save_sync_settings(
    session: Session,
    company_id: uuid.UUID | None,
    settings: list[dict[str, Any]],
    overrides_defaults: bool,
) -> None:
    row = sync_settings(session, company_id)
    if row is None:
        row = SyncSettingsRow(
            scope=PROFILE_SCOPE if company_id is None else str(company_id),
            company_id=company_id,
        )
        session.add(row)
    row.settings = settings
    row.overrides_defaults = overrides_defaults
    session.flush()


def effective_sync_settings(
    session: Session, company_id: uuid.UUID, defaults: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], bool]:
    """The settings a company follows: its own if it overrides the defaults, else the
    profile's, else ``defaults``. Also whether they are the company's own."""
    own = sync_settings(session, company_id)
    if own is not None and own.overrides_defaults:
        return own.settings, True
    profile_row = sync_settings(session, None)
    return (profile_row.settings if profile_row is not None else defaults), False
