"""Pieces every mapped entity shares: the envelope (Id, SyncToken, domain, sparse,
MetaData), references, money, and the tax codes a UK company's lines carry."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ledgerport.connectors.sandbox import catalog as c
from ledgerport.connectors.sandbox.render import money
from ledgerport.simulators.qbo.dates import stamp
from ledgerport.simulators.qbo.entities import from_sandbox, qbo_id

Json = dict[str, Any]
GBP_REF: Json = {"value": "GBP", "name": "British Pound Sterling"}

__all__ = ["GBP_REF", "Json", "envelope", "money", "pounds", "ref"]


def pounds(pence: int) -> Decimal:
    return money(pence)


def ref(value: str, name: str | None = None) -> Json:
    return {"value": value} if name is None else {"value": value, "name": name}


def envelope(object_id: str, sync_token: int, created: datetime, updated: datetime) -> Json:
    return {
        "Id": object_id,
        "SyncToken": str(sync_token),
        "domain": "QBO",
        "sparse": False,
        "MetaData": {"CreateTime": stamp(created), "LastUpdatedTime": stamp(updated)},
    }


def account_ref(account: c.AccountDef) -> Json:
    return ref(from_sandbox("Account", account.id), account.name)


def tax_code_ref(rate: c.TaxRateDef) -> Json:
    return ref(from_sandbox("TaxCode", rate.id), tax_code_name(rate))


def tax_code_name(rate: c.TaxRateDef) -> str:
    """UK QBO's tax code names: ``20.0% S``, ``5.0% R``, ``0.0% Z``, ``Exempt``, ``No VAT``."""
    if rate.code in ("E", "N"):
        return rate.name
    return f"{rate.rate}.0% {rate.code}"


def tax_rate_id(rate: c.TaxRateDef, *, sales: bool) -> str:
    """A tax code's sales and purchase rates are separate TaxRates in UK QBO."""
    position = c.TAX_RATES.index(rate)
    return qbo_id("TaxRate", position * 2 + (1 if sales else 2))
