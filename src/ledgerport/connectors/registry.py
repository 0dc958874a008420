"""Connector discovery: the built-in list, then the ``ledgerport.connectors`` entry-point
group, so a third party ships a connector as an ordinary package.

Bad declarations (duplicate keys, malformed keys) fail at start-up, not at first sync.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator
from importlib.metadata import entry_points

from ledgerport.connectors.spec import Connector
from ledgerport.errors import LedgerportError

BUILTIN = (
    "ledgerport.connectors.sandbox",
    "ledgerport.connectors.xero",
    "ledgerport.connectors.quickbooks_online",
    "ledgerport.connectors.quickbooks_desktop",
    "ledgerport.connectors.myob_business",
    "ledgerport.connectors.netsuite",
    "ledgerport.connectors.sage_intacct",
    "ledgerport.connectors.partner_expense",
    "ledgerport.connectors.file_upload",
)
ENTRY_POINT_GROUP = "ledgerport.connectors"
_KEY = re.compile(r"^[a-z]{4}$")


class RegistryError(LedgerportError):
    """A connector declaration the registry refuses."""


class ConnectorRegistry:
    def __init__(self, connectors: Iterable[Connector]) -> None:
        self._by_key: dict[str, Connector] = {}
        for connector in connectors:
            if not _KEY.match(connector.key):
                raise RegistryError(
                    f"Connector key {connector.key!r} must be four lower-case letters."
                )
            if connector.key in self._by_key:
                raise RegistryError(f"Two connectors declare the key {connector.key!r}.")
            self._by_key[connector.key] = connector

    def get(self, key: str) -> Connector | None:
        return self._by_key.get(key)

    def __iter__(self) -> Iterator[Connector]:
        return iter(sorted(self._by_key.values(), key=lambda c: c.name.lower()))

    def __len__(self) -> int:
        return len(self._by_key)


def _load(module_path: str) -> Connector:
    module = importlib.import_module(module_path)
    connector = getattr(module, "CONNECTOR", None)
    if not isinstance(connector, Connector):
        raise RegistryError(f"{module_path} does not export a CONNECTOR of type Connector.")
    return connector


def discover(include_entry_points: bool = True) -> ConnectorRegistry:
    connectors = [_load(path) for path in BUILTIN]
    if include_entry_points:
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            loaded = ep.load()
            if not isinstance(loaded, Connector):
                raise RegistryError(f"Entry point {ep.name!r} is not a Connector.")
            connectors.append(loaded)
    return ConnectorRegistry(connectors)
