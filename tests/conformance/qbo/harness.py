"""A QBO simulator on an injected clock, a small company, and a client holding a
token for it: what every QBO simulator test starts from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.testclient import TestClient

from ledgerport.connectors.sandbox.size import Size
from ledgerport.simulators.qbo import QboSimulator, create_app

SIZE = Size(customers=30, suppliers=20, invoices=230, bills=120, direct_costs=10, history_days=120)
START = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Qbo:
    """The app, its state, a test client and a token's headers."""

    app: Starlette
    sim: QboSimulator
    client: TestClient
    clock: Clock
    headers: dict[str, str]

    @property
    def base(self) -> str:
        return f"/v3/company/{self.sim.realm_id}"

    def query(self, statement: str, **params: Any) -> Any:
        response = self.client.get(
            f"{self.base}/query", params={"query": statement, **params}, headers=self.headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    def rows(self, statement: str) -> list[dict[str, Any]]:
        found: dict[str, Any] = self.query(statement)["QueryResponse"]
        return next(v for k, v in found.items() if isinstance(v, list)) if found else []

    def post(self, entity: str, body: dict[str, Any], **params: Any) -> Any:
        return self.client.post(
            f"{self.base}/{entity.lower()}", json=body, params=params, headers=self.headers
        )

    def read(self, entity: str, object_id: str) -> dict[str, Any]:
        response = self.client.get(
            f"{self.base}/{entity.lower()}/{object_id}", headers=self.headers
        )
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()[entity]
        return found


def make_qbo(clock: Clock | None = None, size: Size = SIZE, **options: Any) -> Qbo:
    clock = clock or Clock()
    app = create_app("qbo-test", clock=clock, size=size, **options)
    sim: QboSimulator = app.state.qbo
    tokens = sim.issue_tokens()
    headers = {"Authorization": f"Bearer {tokens.access_token}", "Accept": "application/json"}
    return Qbo(app, sim, TestClient(app), clock, headers)


def fault_code(response: Any) -> str:
    code: str = response.json()["Fault"]["Error"][0]["code"]
    return code
