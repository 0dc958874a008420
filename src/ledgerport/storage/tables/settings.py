from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from ledgerport.storage.tables.base import Base
from ledgerport.storage.types import json_type


class ProfileRow(Base):
    """This installation's client profile (Codat's ``/profile``): one row."""

    __tablename__ = "profile"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    name: Mapped[str] = mapped_column(String(255))
    logo_url: Mapped[str | None] = mapped_column(Text)
    icon_url: Mapped[str | None] = mapped_column(Text)
    redirect_url: Mapped[str] = mapped_column(Text)
    white_list_urls: Mapped[list[str]] = mapped_column(json_type(), default=list)


class SyncSettingsRow(Base):
    """Sync settings for the profile (``scope`` = "profile") or for one company.

    The settings are read and written whole, so they are one JSON list per scope.
    """

    __tablename__ = "sync_settings"

    scope: Mapped[str] = mapped_column(String(36), primary_key=True)
    company_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("companies.id", ondelete="CASCADE"), unique=True
    )
    overrides_defaults: Mapped[bool] = mapped_column(Boolean)
    settings: Mapped[list[dict[str, Any]]] = mapped_column(json_type())
