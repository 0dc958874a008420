"""Sync for Payables v2: Codat's synchronous "Bill pay" API, under
``/companies/{companyId}/connections/{connectionId}/payables``.

It is a view over the same two things the rest of ledgerport serves, never a copy:
writes go through the push engine in the request (``writes.py``), reads come from the
synced records store (``reads.py``), mapped to the v2 shapes (``mapping.py``) and paged
with continuation tokens (``paging.py``). One module per resource holds its routes:

- ``options.py``: company information and mapping options;
- ``suppliers.py``: suppliers;
- ``bills.py``: bills;
- ``payments.py``: bill payments and the bank accounts they are paid from;
- ``bill_attachments.py``: files on bills.

Operation ids carry a ``payables-`` prefix: Codat's own (``list-bills``,
``list-bill-attachments``...) are already the data API's here, and ids must be unique
in one OpenAPI document (the SDKs never send them).
"""

from __future__ import annotations

from fastapi import APIRouter

from ledgerport.api.routes.payables import (
    bill_attachments,
    bills,
    options,
    payments,
    suppliers,
)

router = APIRouter()
for _module in (options, suppliers, bills, payments, bill_attachments):
    router.include_router(_module.router)
