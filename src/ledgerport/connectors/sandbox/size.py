"""How big the sandbox company is, and how a connection asks for another size.

A connection's ``connectionInfo`` may carry ``{"sandbox": {...}}`` with any of these
keys (counts are for the history, which ends on :data:`HISTORY_END`; the business keeps
trading at the same pace after it)::

    customers     50     customers at the end of the history
    suppliers     80     suppliers
    invoices      1500   invoices raised during the history
    bills         1200   bills received during the history
    directCosts   360    card purchases with no bill
    historyDays   730    how many days of history end on HISTORY_END

so a benchmark can link a 100,000-invoice company with
``{"sandbox": {"invoices": 100000, "customers": 2000}}``. Unknown keys and values out of
range are refused rather than ignored, so a typo cannot silently give the default size.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

CONNECTION_INFO_KEY = "sandbox"
_KEYS = {
    "customers": ("customers", 1, 100_000),
    "suppliers": ("suppliers", 1, 100_000),
    "invoices": ("invoices", 0, 2_000_000),
    "bills": ("bills", 0, 2_000_000),
    "directCosts": ("direct_costs", 0, 2_000_000),
    "historyDays": ("history_days", 1, 3_660),
}


@dataclass(frozen=True)
class Size:
    customers: int = 50
    suppliers: int = 80
    invoices: int = 1_500
    bills: int = 1_200
    direct_costs: int = 360
    history_days: int = 730

    @property
    def key(self) -> str:
        """A stable text form, part of every random seed drawn for this size."""
        return ",".join(str(getattr(self, f.name)) for f in fields(self))

    @classmethod
    def from_connection_info(cls, info: Mapping[str, Any] | None) -> Size:
        """The size a connection asks for; raises ``ValueError`` saying what is wrong."""
        overrides = (info or {}).get(CONNECTION_INFO_KEY) or {}
        if not isinstance(overrides, Mapping):
            raise ValueError(f"connectionInfo.{CONNECTION_INFO_KEY} must be an object")
        changes: dict[str, int] = {}
        for key, value in overrides.items():
            if key not in _KEYS:
                known = ", ".join(sorted(_KEYS))
                raise ValueError(f"Unknown sandbox size key {key!r} (known: {known})")
            name, low, high = _KEYS[key]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValueError(f"Sandbox {key} must be a whole number from {low} to {high}")
            changes[name] = value
        return replace(cls(), **changes)
