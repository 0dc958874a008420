"""Tracking on line items: which categories, customer or project a line is booked to.

Codat has four shapes. Bill-side and invoice-side lines share one shape but differ in the
``isBilledTo`` enum (only the payables side may bill a line on to a ``Customer``), so
they are two classes; direct costs, journal lines and sales order lines only carry
references to other records.
"""

from __future__ import annotations

from ledgerport.domain.accounting.enums import PayablesBilledToType, ReceivablesBilledToType
from ledgerport.domain.accounting.fields import CodatModel, Omittable
from ledgerport.domain.accounting.refs import (
    CustomerRef,
    ProjectRef,
    RecordRef,
    TrackingCategoryRef,
)


class AccountsPayableTracking(CodatModel):
    """Tracking on bill and bill credit note lines."""

    categoryRefs: list[TrackingCategoryRef]
    customerRef: Omittable[CustomerRef] = None
    projectRef: Omittable[ProjectRef] = None
    isBilledTo: PayablesBilledToType
    isRebilledTo: PayablesBilledToType


class AccountsReceivableTracking(CodatModel):
    """Tracking on invoice and credit note lines."""

    categoryRefs: list[TrackingCategoryRef]
    customerRef: Omittable[CustomerRef] = None
    projectRef: Omittable[ProjectRef] = None
    isBilledTo: ReceivablesBilledToType
    isRebilledTo: ReceivablesBilledToType


class DirectCostTracking(CodatModel):
    """Codat forbids any other key here (``additionalProperties: false``)."""

    recordRefs: list[RecordRef]
    invoiceTo: Omittable[RecordRef] = None


class RecordTracking(CodatModel):
    """Tracking on journal lines and sales order lines."""

    recordRefs: list[RecordRef] | None = None
