"""The sandbox platform (Codat's key ``mqjo``): a generated small business to develop
against without any vendor account. Linking it takes one click in Link.

It reads every data type its books generate (``books.DATA_TYPES``: company info, the
ledger, receivables, payables, bank) and those only written to it (direct incomes,
transfers: ``books.WRITTEN_ONLY``), each paged 100 at a time; every list is
incremental on ``sourceModifiedDate``, which the generator moves whenever a record
changes. Invoices and bills carry their PDF as an attachment. A connection's
``connectionInfo.sandbox`` can ask for another size (see ``size.py``).

It is writable (push, see ``writer.py`` and ``writeback.py``): customers, suppliers,
bank accounts, accounts, invoices, bills, credit notes, payments, bill payments, journals,
journal entries, direct costs, direct incomes and transfers between its bank accounts can
be created; some updated, deleted or given a file (``WRITES``). A file pushed to a bill,
invoice, direct cost or direct income can be deleted again (the generated PDFs cannot).
A journal's name and code are unique; a journal entry written after it may name it in
``journalRef``. A direct cost or income
keeps the ``issueDate`` sent, and a transfer its ``date`` (the day the write was made
is their ``sourceModifiedDate``, and their statement lines'). An update of a direct
cost or income reverses its posting and posts it again, and is refused when either date
is on or before the ledger lock date; a direct income's lines may credit an expense
account (a merchant's refund). Writes are kept in the connection's write log, and the
books at any moment are the generated ones plus the writes made by then, so the next
pull returns a pushed record like any other, under the id the write was given
(``bill-w0001``, ``trf-w0001``...).
Money is exact (more than two decimals is refused); documents are in GBP only.

Failures can be asked for, to see how a client copes without a real platform:
``connectionInfo.sandboxFaults`` (beside ``connectionInfo.sandbox``, not in it) maps a
data type, or ``"*"`` for all, to one of:

- ``"reject"``: the write is refused (400) and nothing is written;
- ``"unavailable"``: the platform cannot be reached and nothing is written (retry);
- ``"lostResponse"``: the write is applied and logged, then its answer is lost, so the
  engine must find it (``SourceWriter.find``) rather than send it again.

Any other value refuses every write of the connection, saying what is wrong.
"""

from collections.abc import Mapping
from typing import Any

from ledgerport.connectors.paging import PageNumber
from ledgerport.connectors.sandbox.books import ATTACHMENT_TYPES, READ_TYPES
from ledgerport.connectors.sandbox.reader import PAGE_SIZE, SandboxReader
from ledgerport.connectors.sandbox.writeback import SUPPORTED
from ledgerport.connectors.sandbox.writer import SandboxWriter
from ledgerport.connectors.spec import Branding, Connector, NoAuth, ReadStream
from ledgerport.connectors.writes import WriteStream
from ledgerport.domain.enums import DataType, SourceType

COMPANY_RECORD_ID = "company"


def _as_is(record: Mapping[str, Any]) -> dict[str, Any]:
    # The sandbox speaks the standard model already (its books are built from it).
    return dict(record)


def _company(record: Mapping[str, Any]) -> dict[str, Any]:
    # Company info is one object with no id of its own; the records store keys every
    # record by id, so the one record gets a fixed one.
    return {**record, "id": COMPANY_RECORD_ID}


def _stream(data_type: DataType) -> ReadStream:
    if data_type is DataType.COMPANY:  # one record, no sourceModifiedDate to filter on
        return ReadStream(data_type, _company, PageNumber(size=PAGE_SIZE))
    return ReadStream(
        data_type,
        _as_is,
        PageNumber(size=PAGE_SIZE),
        incremental=True,
        attachments=data_type in ATTACHMENT_TYPES,
        pdf=data_type is DataType.INVOICES,  # each invoice's file is its own PDF
    )


WRITES: tuple[WriteStream, ...] = tuple(
    WriteStream(data_type, kinds) for data_type, kinds in sorted(SUPPORTED.items())
)


CONNECTOR = Connector(
    key="mqjo",
    name="Sandbox",
    source_type=SourceType.ACCOUNTING,
    auth=NoAuth(),
    branding=Branding(colour="#6d28d9", initials="SB"),
    linkable=True,
    description="A generated small business for development and testing.",
    reads=tuple(_stream(data_type) for data_type in READ_TYPES),
    reader=SandboxReader,
    writes=WRITES,
    writer=SandboxWriter,
)
