from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class SyncSettingModel(BaseModel):
    """How often, and how much history, to fetch for one data type."""

    dataType: str
    fetchOnFirstLink: bool
    syncSchedule: int = Field(description="Hours between refreshes: 1, 24, 168, 720...")
    syncOrder: int
    syncFromUtc: datetime | None = None
    syncFromWindow: int | None = None
    monthsToSync: int | None = None
    isLocked: bool | None = None


class ProfileSyncSettingsRequest(BaseModel):
    clientId: str
    settings: list[SyncSettingModel]
    overridesDefaults: bool = True


class CompanySyncSettingsRequest(BaseModel):
    companyId: str
    settings: list[SyncSettingModel]
    overridesDefaults: bool = True


class SyncSettings(BaseModel):
    clientId: str
    settings: list[SyncSettingModel]
    overridesDefaults: bool


class CompanySyncSettings(BaseModel):
    companyId: str
    settings: list[SyncSettingModel]
    overridesDefaults: bool


class Profile(BaseModel):
    """This installation. ``redirectUrl`` is where Link sends the company when it has
    finished; placeholders such as ``{companyId}`` and ``{connectionId}`` are filled in."""

    name: str = Field(min_length=1, max_length=255)
    logoUrl: str | None = None
    iconUrl: str | None = None
    redirectUrl: str
    whiteListUrls: list[str] = []
