"""Codat's write API, operation by operation: every push and options operation of Sync
for Payables v1 (``Codat-Sync-Payables-v1.json``) and of the Accounting API
(``Codat-Accounting-2.1.0-2023.json``), and every write to a connection's ``/data/``
(Codat's ``POST .../data/bankAccounts``), is served by the app, or is in
:data:`UNSUPPORTED` with the reason.

"Served" means more than a route: most writes share one generic route per method
(``POST .../push/{dataType}``), which would match any data type, so an operation landing
on one counts only if the data type in its path is one we know and a connector declares
that write (the sandbox does every one we support; ``GET .../options/{dataType}`` needs
a create). A new spec operation we do not serve, or a write added to (or dropped from)
the sandbox that makes this list wrong, fails here.

The specs are copies in ``tests/conformance/``: path parameter names are ignored (ours
say ``{recordId}`` where Codat's say ``{billId}``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ledgerport.connectors.writes import WriteKind
from ledgerport.domain.accounting.registry import URL_SEGMENTS
from ledgerport.domain.enums import DataType
from ledgerport.services import Services
from tests.api.test_auth import assert_codat_error
from tests.factories.sandbox import linked_sandbox

SPECS = Path(__file__).parents[1] / "conformance"
SPEC_FILES = ("Codat-Sync-Payables-v1.json", "Codat-Accounting-2.1.0-2023.json")
METHODS = ("get", "post", "put", "patch", "delete")
CONNECTION = "/companies/{}/connections/{}"

UNSUPPORTED: dict[tuple[str, str], str] = {
    # Bank transactions are written under their account, a model of their own (a batch
    # of lines for a bank feed); the sandbox's statement lines are what payments and
    # transfers pay through its bank accounts, so there is nothing to write them to.
    ("GET", f"{CONNECTION}/options/bankAccounts/{{}}/bankTransactions"):
        "bank transactions are not written",
    ("POST", f"{CONNECTION}/push/bankAccounts/{{}}/bankTransactions"):
        "bank transactions are not written",
    # Items are the sandbox's fixed catalogue (what its lines may name); no connector
    # creates them.
    ("GET", f"{CONNECTION}/options/items"): "items are not written",
    ("POST", f"{CONNECTION}/push/items"): "items are not written",
    # The sandbox keeps no purchase orders (it neither reads nor writes them).
    ("GET", f"{CONNECTION}/options/purchaseOrders"): "purchase orders are not kept",
    ("POST", f"{CONNECTION}/push/purchaseOrders"): "purchase orders are not kept",
    ("PUT", f"{CONNECTION}/push/purchaseOrders/{{}}"): "purchase orders are not kept",
}  # fmt: skip
"""Spec operations we do not serve, by method and path (parameters as ``{}``)."""

# Our generic write routes (by operationId): the kind of write each makes.
GENERIC_KINDS: dict[str, WriteKind] = {
    "create-record": WriteKind.CREATE,
    "update-record": WriteKind.UPDATE,
    "delete-record": WriteKind.DELETE,
    "upload-attachment": WriteKind.UPLOAD_ATTACHMENT,
    "upload-attachment-singular": WriteKind.UPLOAD_ATTACHMENT,
    "delete-attachment": WriteKind.DELETE_ATTACHMENT,
    "get-create-update-model-options": WriteKind.CREATE,  # a create model is served
}
_SEGMENTS: dict[str, DataType] = {
    **{data_type.value: data_type for data_type in DataType},
    **{segment: data_type for data_type, segment in URL_SEGMENTS.items()},
}


def _shape(path: str) -> tuple[str, ...]:
    """A path's segments, every parameter written ``{}`` (its name ignored)."""
    return tuple("{}" if s.startswith("{") else s for s in path.strip("/").split("/"))


def _key(method: str, path: str) -> tuple[str, str]:
    return method, "/" + "/".join(_shape(path))


@dataclass(frozen=True)
class SpecOperation:
    spec: str
    method: str  # upper case
    path: str  # as the spec writes it
    operation_id: str

    @property
    def key(self) -> tuple[str, str]:
        return _key(self.method, self.path)

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.operation_id}, {self.spec})"


def _in_scope(method: str, path: str) -> bool:
    """Under ``/push`` or ``/options``, or a write to a connection's ``/data/`` (the
    company's ``POST .../data/...`` are refreshes, pulls, not writes)."""
    segments = _shape(path)
    if "push" in segments or "options" in segments:
        return True
    return method != "GET" and "connections" in segments and "data" in segments


@cache
def spec_operations() -> tuple[SpecOperation, ...]:
    found = []
    for name in SPEC_FILES:
        spec: dict[str, Any] = json.loads((SPECS / name).read_text())
        for path, item in spec["paths"].items():
            for method in METHODS:
                operation = item.get(method)
                if operation is not None and _in_scope(method.upper(), path):
                    found.append(
                        SpecOperation(name, method.upper(), path, str(operation.get("operationId")))
                    )
    return tuple(found)


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    operation_id: str


def app_routes(app_client: TestClient) -> list[Route]:
    """Every documented operation of the app (its OpenAPI document)."""
    paths: dict[str, Any] = app_client.app.openapi()["paths"]  # type: ignore[attr-defined]
    return [
        Route(method.upper(), path, str(operation.get("operationId")))
        for path, item in paths.items()
        for method, operation in item.items()
        if method in METHODS
    ]


@dataclass(frozen=True)
class Match:
    route: Route
    data_type: str | None  # the spec's segment where the route says {dataType}


def match(operation: SpecOperation, routes: list[Route]) -> Match | None:
    """The app route serving ``operation``: same method, same number of segments, each
    literal equal; an app parameter matches anything (a spec literal where ours says
    ``{dataType}`` is the data type). The most literal route wins."""
    spec_shape = _shape(operation.path)
    best: tuple[int, Match] | None = None
    for route in routes:
        if route.method != operation.method:
            continue
        raw = route.path.strip("/").split("/")
        if len(raw) != len(spec_shape):
            continue
        data_type, literal = None, 0
        for ours, theirs in zip(raw, spec_shape, strict=True):
            if ours.startswith("{"):
                if ours == "{dataType}":
                    data_type = theirs
            elif ours == theirs:
                literal += 1
            else:
                break
        else:
            if best is None or literal > best[0]:
                best = (literal, Match(route, data_type))
    return best[1] if best is not None else None


def why_unserved(operation: SpecOperation, routes: list[Route], services: Services) -> str | None:
    """None if the app serves the operation, else why not."""
    found = match(operation, routes)
    if found is None:
        return "no route"
    kind = GENERIC_KINDS.get(found.route.operation_id)
    if kind is None:
        return None  # a route of its own (push history, POST .../data/bankAccounts)
    if found.data_type is None or found.data_type == "{}":
        return f"{found.route.operation_id} needs a data type in the path"
    data_type = _SEGMENTS.get(found.data_type)
    if data_type is None:
        return f"unknown data type {found.data_type}"
    if not any(c.can_write(data_type, kind) for c in services.connectors):
        return f"no connector can {kind.value} {data_type.value}"
    return None


# -- the tests ----------------------------------------------------------------------------


def test_the_specs_define_the_writes_we_check() -> None:
    """The scope is not empty by accident (a spec moved, a filter gone wrong)."""
    keys = {op.key for op in spec_operations()}
    by_spec = {name: [op for op in spec_operations() if op.spec == name] for name in SPEC_FILES}
    assert len(by_spec["Codat-Sync-Payables-v1.json"]) >= 20
    assert len(by_spec["Codat-Accounting-2.1.0-2023.json"]) >= 40
    assert ("DELETE", f"{CONNECTION}/push/bills/{{}}/attachments/{{}}") in keys
    assert ("POST", f"{CONNECTION}/push/journals") in keys
    assert ("GET", f"{CONNECTION}/options/journals") in keys


def test_every_push_and_options_operation_is_served_or_listed_unsupported(
    app_client: TestClient, services: Services
) -> None:
    routes = app_routes(app_client)
    unserved = {}
    for operation in spec_operations():
        reason = why_unserved(operation, routes, services)
        if reason is not None:
            unserved[operation.key] = f"{operation}: {reason}"
    unlisted = sorted(text for key, text in unserved.items() if key not in UNSUPPORTED)
    assert unlisted == [], "served by no route and not in UNSUPPORTED:\n" + "\n".join(unlisted)
    # ...and the list says no more than is true: what is listed is in a spec, unserved.
    in_specs = {op.key for op in spec_operations()}
    assert sorted(set(UNSUPPORTED) - in_specs) == [], "listed but in no spec"
    served_now = sorted(f"{m} {p}" for m, p in UNSUPPORTED if (m, p) not in unserved)
    assert served_now == [], "served now: take them out of UNSUPPORTED"


def _served(services: Services, app_client: TestClient) -> Iterator[SpecOperation]:
    routes = app_routes(app_client)
    seen = set()
    for operation in spec_operations():
        if operation.key not in seen and why_unserved(operation, routes, services) is None:
            seen.add(operation.key)
            yield operation


def _url(path: str, company: Any) -> str:
    """A spec path with our company and connection in it (other parameters: ``x``)."""
    url = path.replace("{companyId}", str(company.id))
    url = url.replace("{connectionId}", str(company.connections[0].id))
    return "/".join("x" if s.startswith("{") else s for s in url.split("/"))


def test_every_create_model_a_spec_asks_for_is_served_by_the_sandbox(
    client: TestClient, services: Services
) -> None:
    """Each served ``GET .../options/...`` answers 200 with a create model for a sandbox
    connection; each listed one that reaches a generic route is a clear 400, and each
    listed write is refused the same way before anything is queued."""
    company = linked_sandbox(services, sandbox={"customers": 2, "suppliers": 2, "invoices": 4,
                                                "bills": 4, "directCosts": 1,
                                                "historyDays": 60})  # fmt: skip
    options = [op for op in _served(services, client) if op.method == "GET"]
    options = [op for op in options if "options" in _shape(op.path)]
    assert len(options) >= 15
    for operation in options:
        response = client.get(_url(operation.path, company))
        assert response.status_code == 200, (str(operation), response.text)
        model = response.json()
        assert (model["type"], bool(model["displayName"])) == ("Object", True), str(operation)
        assert model["properties"], str(operation)

    routes = app_routes(client)
    generic = [
        (method, path)
        for method, path in UNSUPPORTED
        if (found := _listed_match(method, path, routes)) is not None
        and found.route.operation_id in GENERIC_KINDS
    ]
    assert generic  # items and purchase orders reach the generic routes
    for method, path in generic:
        url = _url(path.replace("{}", "{companyId}", 1).replace("{}", "{connectionId}", 1),
                   company)  # fmt: skip
        kwargs: dict[str, Any] = {"json": {"name": "x"}} if method in ("POST", "PUT") else {}
        body = assert_codat_error(client.request(method, url, **kwargs), 400)
        assert "does not support" in body["error"], (method, path, body)
    history = client.get(f"/companies/{company.id}/push").json()
    assert history["totalResults"] == 0


def _listed_match(method: str, path: str, routes: list[Route]) -> Match | None:
    return match(SpecOperation("UNSUPPORTED", method, path, ""), routes)


@pytest.mark.parametrize(
    ("method", "path", "operation_id"),
    [
        ("DELETE", f"{CONNECTION}/push/bills/{{}}/attachments/{{}}", "delete-attachment"),
        ("POST", f"{CONNECTION}/push/bills/{{}}/attachments", "upload-attachment"),
        ("POST", f"{CONNECTION}/push/invoices/{{}}/attachment", "upload-attachment-singular"),
        ("POST", f"{CONNECTION}/data/bankAccounts", "create-bank-account-direct"),
        ("GET", "/companies/{}/push/{}", "get-push-operation"),
        ("POST", f"{CONNECTION}/push/journals", "create-record"),
        ("POST", f"{CONNECTION}/push/bankAccounts/{{}}/bankTransactions", None),
    ],
)
def test_matching_picks_the_route_codat_means(
    app_client: TestClient, method: str, path: str, operation_id: str | None
) -> None:
    """The matcher itself: literal segments must agree, the most literal route wins."""
    found = _listed_match(method, path, app_routes(app_client))
    assert (found.route.operation_id if found else None) == operation_id
