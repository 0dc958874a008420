"""Sync settings: how often each data type is refreshed and how much history it fetches.

Codat carries the frequency as ``syncSchedule`` in hours; the portal offers the four
the seeds name (hourly, daily, weekly, monthly). Profile settings are the defaults for
every company; a company whose settings say ``overridesDefaults`` uses its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from ledgerport.domain.dates import to_codat
from ledgerport.domain.enums import DataType
from ledgerport.errors import BadRequestError, Validation, ValidationItem

FREQUENCIES: Mapping[str, int] = {"hourly": 1, "daily": 24, "weekly": 168, "monthly": 720}
MAX_SCHEDULE_HOURS = 24 * 366
REPORT_TYPES = frozenset({DataType.BALANCE_SHEET, DataType.PROFIT_AND_LOSS})

# Queued on first link: the books themselves. Reports and derived types are computed or
# fetched on demand and need not be pulled straight away.
_FETCH_ON_FIRST_LINK = frozenset(
    {
        DataType.CHART_OF_ACCOUNTS,
        DataType.BANK_ACCOUNTS,
        DataType.BANK_TRANSACTIONS,
        DataType.BILLS,
        DataType.BILL_CREDIT_NOTES,
        DataType.BILL_PAYMENTS,
        DataType.COMPANY,
        DataType.CREDIT_NOTES,
        DataType.CUSTOMERS,
        DataType.DIRECT_COSTS,
        DataType.DIRECT_INCOMES,
        DataType.INVOICES,
        DataType.ITEMS,
        DataType.JOURNAL_ENTRIES,
        DataType.JOURNALS,
        DataType.PAYMENT_METHODS,
        DataType.PAYMENTS,
        DataType.PURCHASE_ORDERS,
        DataType.SALES_ORDERS,
        DataType.SUPPLIERS,
        DataType.TAX_RATES,
        DataType.TRACKING_CATEGORIES,
        DataType.TRANSFERS,
    }
)
# Reference data first, so documents pulled later can be checked against it.
_FIRST = (
    DataType.COMPANY,
    DataType.CHART_OF_ACCOUNTS,
    DataType.TAX_RATES,
    DataType.TRACKING_CATEGORIES,
    DataType.CUSTOMERS,
    DataType.SUPPLIERS,
)


def default_settings() -> list[dict[str, Any]]:
    """One setting per data type: daily, in dependency order."""
    ordered = [*_FIRST, *(dt for dt in DataType if dt not in _FIRST)]
    settings = []
    for order, data_type in enumerate(ordered):
        setting: dict[str, Any] = {
            "dataType": data_type.value,
            "fetchOnFirstLink": data_type in _FETCH_ON_FIRST_LINK,
            "syncSchedule": FREQUENCIES["daily"],
            "syncOrder": order,
            "syncFromUtc": None,
            "syncFromWindow": None,
            "monthsToSync": 24 if data_type in REPORT_TYPES else None,
            "isLocked": False,
        }
        settings.append(_compact(setting))
    return settings


def _compact(setting: dict[str, Any]) -> dict[str, Any]:
    # Codat's SyncSetting has no nullable fields: unset optional ones are left out.
    return {key: value for key, value in setting.items() if value is not None}


def _utc_text(value: datetime | None) -> str | None:
    if value is None:
        return None
    # Naive times are taken as UTC, as everywhere else in the API.
    return to_codat(value if value.tzinfo else value.replace(tzinfo=UTC))


def _invalid(item: str, message: str) -> BadRequestError:
    return BadRequestError(
        message,
        validation=Validation(
            errors=(ValidationItem(message=message, item_id=item, validator_name="SyncSetting"),)
        ),
    )


def clean_settings(
    raw: Iterable[Mapping[str, Any]], locked: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """Check posted settings and return them complete, one per data type: data types the
    post leaves out keep their defaults. ``locked`` data types may not be changed."""
    locked_types = set(locked)
    by_type = {s["dataType"]: s for s in default_settings()}
    seen: set[str] = set()
    for index, setting in enumerate(raw):
        where = f"settings[{index}]"
        data_type = setting.get("dataType")
        try:
            parsed = DataType(str(data_type))
        except ValueError:
            raise _invalid(f"{where}.dataType", f"Unknown data type {data_type!r}.") from None
        if parsed.value in seen:
            raise _invalid(f"{where}.dataType", f"{parsed.value} appears more than once.")
        seen.add(parsed.value)
        if parsed.value in locked_types:
            raise _invalid(f"{where}.dataType", f"The sync setting for {parsed.value} is locked.")
        schedule = setting.get("syncSchedule")
        if not isinstance(schedule, int) or not 1 <= schedule <= MAX_SCHEDULE_HOURS:
            raise _invalid(
                f"{where}.syncSchedule",
                f"syncSchedule is the number of hours between refreshes, 1 to "
                f"{MAX_SCHEDULE_HOURS} (hourly 1, daily 24, weekly 168, monthly 720).",
            )
        order = setting.get("syncOrder")
        if not isinstance(order, int) or order < 0:
            raise _invalid(f"{where}.syncOrder", "syncOrder must be a whole number from 0.")
        sync_from: datetime | None = setting.get("syncFromUtc")
        window = setting.get("syncFromWindow")
        if sync_from is not None and window is not None:
            raise _invalid(where, "Set syncFromUtc or syncFromWindow, not both.")
        if window is not None and (not isinstance(window, int) or window < 1):
            raise _invalid(
                f"{where}.syncFromWindow", "syncFromWindow is a number of months, from 1."
            )
        months = setting.get("monthsToSync")
        if months is not None and parsed not in REPORT_TYPES:
            raise _invalid(
                f"{where}.monthsToSync",
                "monthsToSync applies to balanceSheet and profitAndLoss only.",
            )
        if months is not None and (not isinstance(months, int) or not 1 <= months <= 120):
            raise _invalid(f"{where}.monthsToSync", "monthsToSync must be 1 to 120.")
        by_type[parsed.value] = _compact(
            {
                "dataType": parsed.value,
                "fetchOnFirstLink": bool(setting.get("fetchOnFirstLink")),
                "syncSchedule": schedule,
                "syncOrder": order,
                "syncFromUtc": _utc_text(sync_from),
                "syncFromWindow": window,
                "monthsToSync": months
                if months is not None
                else by_type[parsed.value].get("monthsToSync"),
                "isLocked": bool(setting.get("isLocked", False)),
            }
        )
    return sorted(by_type.values(), key=lambda s: (s["syncOrder"], s["dataType"]))
