"""A Xero organisation for the reliability tests: the Xero simulator on a real port
(requests counted as they arrive), the server's settings pointing the Xero connector at
it, and a company linked to it with a grant the simulator issued."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
from sqlalchemy import select

from ledgerport.config import Settings
from ledgerport.connectors.registry import ConnectorRegistry
from ledgerport.connectors.sandbox.size import Size
from ledgerport.connectors.xero.reader import XeroReader
from ledgerport.connectors.xero.writer import XeroWriter
from ledgerport.domain.enums import DataType
from ledgerport.services import Services
from ledgerport.simulators.xero import create_app
from ledgerport.simulators.xero.app import API_PREFIX, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from ledgerport.simulators.xero.simulator import XeroSimulator
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import pulls, records
from ledgerport.storage.tables import PullOperationRow
from ledgerport.storage.types import utcnow
from ledgerport.sync.engine import FULL_SWEEP, Engine
from tests.factories import oauth

# 354 sales invoices over the history: four pages of Xero's 100. No files (two calls each).
SIZE = Size(customers=10, suppliers=6, invoices=230, bills=40, direct_costs=4, history_days=60)


class ClientTimeout(httpx.HTTPTransport):
    """A transport that gives every request ``seconds`` to connect, send and answer,
    instead of the connector's 30 s: a hung platform is found out in test time. The
    requests and the timeouts are real; only the limit is shorter."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.extensions["timeout"] = httpx.Timeout(self.seconds).as_dict()
        return super().handle_request(request)


@dataclass
class XeroWorld:
    url: str
    counted: oauth.Counting
    services: Services
    company: Any

    @property
    def sim(self) -> XeroSimulator:
        simulator: XeroSimulator = self.counted.state.xero
        return simulator

    @property
    def connection_id(self) -> uuid.UUID:
        connection_id: uuid.UUID = self.company.connections[0].id
        return connection_id

    def client(self) -> httpx.Client:
        """A client of the simulator's Accounting API with a fresh token: what another
        app at the same organisation would do (edit invoices, look a contact up)."""
        issued = self.sim.tokens.issue((self.sim.tenant.tenant_id,))
        headers = {
            "Authorization": f"Bearer {issued.access_token}",
            "xero-tenant-id": self.sim.tenant.tenant_id,
            "Accept": "application/json",
        }
        return httpx.Client(base_url=self.url + API_PREFIX, headers=headers, timeout=30)

    def calls(self, path: str, method: str = "GET") -> int:
        """Requests the simulator received for ``path`` (under ``/api.xro/2.0``)."""
        return self.counted.calls[f"{method} {API_PREFIX}{path}"]

    def pull(self, engine: Engine, data_type: DataType = DataType.INVOICES) -> PullOperationRow:
        """Queue a pull and run it to its end in this thread; the operation as stored."""
        with transaction(self.services.sessions) as session:
            row, _ = pulls.queue(
                session, self.company.id, self.connection_id, data_type.value, utcnow()
            )
        engine.run(row.id)
        with self.services.sessions() as session:
            done = session.get(PullOperationRow, row.id)
            assert done is not None
            return done

    def due_full_sweep(self) -> None:
        """Move the pulls so far a week back: the next pull reads everything (the
        weekly full sweep), as a first pull does, and flags what it does not see."""
        with transaction(self.services.sessions) as session:
            for row in session.scalars(
                select(PullOperationRow).where(PullOperationRow.connection_id == self.connection_id)
            ):
                row.requested -= FULL_SWEEP

    def stored(self, data_type: str = "invoices") -> dict[str, dict[str, Any]]:
        """Every record held for the company, by id."""
        with self.services.sessions() as session:
            texts, _ = records.page_text(
                session, records.scope(self.company.id, data_type), offset=0, limit=100_000
            )
        return {doc["id"]: doc for doc in map(orjson.loads, texts)}


def link(services: Services, sim: XeroSimulator) -> Any:
    """A company whose one connection is linked to the simulator's tenant."""
    issued = sim.tokens.issue((sim.tenant.tenant_id,))
    return oauth.linked(
        services,
        "gbol",
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        info={"tenantId": sim.tenant.tenant_id},
    )


def xero_settings(settings: Settings, url: str) -> Settings:
    """``settings`` with the Xero connector pointed at the simulator at ``url``."""
    return oauth.with_platform(settings, "gbol", url, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)


@contextmanager
def xero_world(
    settings: Settings, *, client_timeout: float | None = None, **app_options: Any
) -> Iterator[XeroWorld]:
    """A running simulator and a company linked to it; ``client_timeout`` shortens the
    Xero reader's and writer's request timeout (see :class:`ClientTimeout`)."""
    app = create_app("reliability", size=SIZE, files_share=0, **app_options)
    with oauth.running(app) as (url, counted):
        built = Services.build(xero_settings(settings, url))
        services = built
        if client_timeout is not None:
            seconds = client_timeout
            services = dataclasses.replace(
                built,
                connectors=ConnectorRegistry(
                    dataclasses.replace(
                        c,
                        reader=lambda ctx: XeroReader(ctx, transport=ClientTimeout(seconds)),
                        writer=lambda ctx: XeroWriter(ctx, transport=ClientTimeout(seconds)),
                    )
                    if c.key == "gbol"
                    else c
                    for c in built.connectors
                ),
            )
        try:
            yield XeroWorld(url, counted, services, link(services, counted.state.xero))
        finally:
            counted.state.xero.faults.clear()  # release held answers before the server stops
            services.close()
