"""The envelope every accounting record shares: id, modified dates, metadata and
supplemental data.

Kept apart from the data types so the sync engine can treat every record alike (deletion
flags, change detection on ``modifiedDate``) without knowing what kind it is.
``modifiedDate`` is when *we* last changed the record (Codat's cache time, so it is UTC);
``sourceModifiedDate`` is when the platform last changed it, as the platform reported it.
"""

from __future__ import annotations

from typing import Any

from ledgerport.domain.accounting.fields import CodatModel, DateTime, Omittable


class Metadata(CodatModel):
    """``isDeleted`` is true for a record that was deleted in the platform after a pull
    had seen it; Codat keeps serving it so consumers learn of the deletion."""

    isDeleted: bool | None = None


class SupplementalData(CodatModel):
    """Platform fields outside the standard model, fetched because a client configured
    them: ``{configKey: {field: value}}``. Codat requires each value to be an object."""

    content: dict[str, dict[str, Any]] | None = None


class ModifiedDates(CodatModel):
    """Codat's ``ModifiedDates``: neither may be ``null``, so both are left out when unknown."""

    modifiedDate: Omittable[DateTime] = None
    sourceModifiedDate: Omittable[DateTime] = None


class Record(CodatModel):
    """A record of one of Codat's accounting data types.

    ``id`` is optional because Codat's schemas say so (push bodies have none yet); every
    record we store or serve has one. Newer Codat specs give every data type ``metadata``
    and ``supplementalData``, so every record carries both here, even where the 2023
    accounting spec had not added them yet. (It repeats :class:`ModifiedDates` rather
    than inheriting it so that ``id`` comes first in the JSON.)"""

    id: Omittable[str] = None
    metadata: Omittable[Metadata] = None
    supplementalData: Omittable[SupplementalData] = None
    modifiedDate: Omittable[DateTime] = None
    sourceModifiedDate: Omittable[DateTime] = None
