"""Files attached to a record (invoices, bills, customers, ...).

Attachments are not a data type of their own: they are listed under their parent record,
so there is no ``metadata`` or ``supplementalData``. Codat's schema does give them
modified dates, which is what tells a client a file changed.
"""

from __future__ import annotations

from ledgerport.domain.accounting.fields import DateTime, Omittable
from ledgerport.domain.accounting.metadata import ModifiedDates
from ledgerport.domain.enums import DataType

ATTACHMENT_PARENTS = frozenset(
    {
        DataType.BILLS,
        DataType.CUSTOMERS,
        DataType.DIRECT_COSTS,
        DataType.DIRECT_INCOMES,
        DataType.INVOICES,
        DataType.SUPPLIERS,
    }
)
"""The data types Codat's Accounting API serves attachment reads on (list, get,
download). Purchase orders, credit notes, bill credit notes and journal entries have
none there: Codat only uploads to some of them."""


class Attachment(ModifiedDates):
    """``fileSize`` is in bytes; ``includeWhenSent`` says whether the platform attaches
    the file when it emails the parent document."""

    id: Omittable[str] = None
    name: str | None = None
    contentType: str | None = None
    dateCreated: Omittable[DateTime] = None
    fileSize: int | None = None
    includeWhenSent: Omittable[bool] = None
