"""The sandbox platform (Codat's key ``mqjo``): a generated small business to develop
against without any vendor account. Linking it takes one click in Link.

It reads customers and invoices today (see ``books.py``); every other data type is
reported NotImplemented until the generator produces it."""

from collections.abc import Mapping
from typing import Any

from ledgerport.connectors.paging import PageNumber
from ledgerport.connectors.sandbox.reader import PAGE_SIZE, SandboxReader
from ledgerport.connectors.spec import Branding, Connector, NoAuth, ReadStream
from ledgerport.domain.enums import DataType, SourceType


def _as_is(record: Mapping[str, Any]) -> dict[str, Any]:
    # The sandbox speaks the standard model already (its books are built from it).
    return dict(record)


CONNECTOR = Connector(
    key="mqjo",
    name="Sandbox",
    source_type=SourceType.ACCOUNTING,
    auth=NoAuth(),
    branding=Branding(colour="#6d28d9", initials="SB"),
    linkable=True,
    description="A generated small business for development and testing.",
    reads=tuple(
        ReadStream(data_type, _as_is, PageNumber(size=PAGE_SIZE), incremental=True)
        for data_type in (DataType.CUSTOMERS, DataType.INVOICES)
    ),
    reader=SandboxReader,
)
