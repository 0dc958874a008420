"""GET /metrics and GET /health: served without a key, aggregate numbers only, right
across processes (pull and push outcomes come from the database), and a clean 503 or a
"source down" gauge, never a 500, when the database is unreachable."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from sqlalchemy import update

from ledgerport.app import create_app
from ledgerport.config import Settings
from ledgerport.domain.enums import ConnectionStatus
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.tables import PullOperationRow, PushOperationRow, WebhookDeliveryRow
from ledgerport.storage.types import utcnow
from tests.api.test_auth import assert_codat_error
from tests.factories import platform

LATENCY = "ledgerport_http_request_duration_seconds"
# What does not depend on the database engine runs on SQLite only.
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def scrape(client: TestClient) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    """Every sample of a scrape, by name, then by its sorted labels."""
    response = client.get("/metrics", headers={"Authorization": ""})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            key = tuple(sorted(sample.labels.items()))
            samples.setdefault(sample.name, {})[key] = sample.value
    return samples


def _operations(services: Services) -> tuple[str, str]:
    """A Sandbox and a Xero connection with pulls and pushes in several states."""
    sandbox = platform.company(services, connections=(("mqjo", ConnectionStatus.LINKED),))
    xero = platform.company(services, connections=(("gbol", ConnectionStatus.LINKED),))
    now = utcnow()
    pulls = [
        (sandbox, "invoices", "Complete"),
        (sandbox, "invoices", "Complete"),
        (sandbox, "invoices", "FetchError"),
        (sandbox, "bills", "Queued"),
        (xero, "invoices", "Complete"),
    ]
    pushes = [
        (sandbox, "bills", "Success", 200),
        (sandbox, "bills", "Failed", 400),
        (xero, "bills", "Success", 200),
        (xero, "bills", "Success", 200),
    ]
    with transaction(services.sessions) as session:
        for i, (company, data_type, status) in enumerate(pulls):
            session.add(
                PullOperationRow(
                    id=uuid.uuid4(),
                    company_id=company.id,
                    connection_id=company.connections[0].id,
                    data_type=data_type,
                    status=status,
                    requested=now + timedelta(seconds=i),
                    progress=0,
                    audit={},
                )
            )
        for company, data_type, status, code in pushes:
            session.add(
                PushOperationRow(
                    id=uuid.uuid4(),
                    company_id=company.id,
                    connection_id=company.connections[0].id,
                    data_type=data_type,
                    kind="Create",
                    status=status,
                    status_code=code,
                    requested=now,
                    timeout_minutes=30,
                    data={"name": "a record"},
                )
            )
    return sandbox.name, xero.name


def test_pull_and_push_outcomes_come_from_the_database(
    services: Services, app_client: TestClient
) -> None:
    names = _operations(services)
    labels = (("data_type", "invoices"), ("platform", "mqjo"), ("status", "Complete"))
    pulls = scrape(app_client)["ledgerport_pull_operations"]
    assert pulls == {
        labels: 2,
        (("data_type", "invoices"), ("platform", "mqjo"), ("status", "FetchError")): 1,
        (("data_type", "bills"), ("platform", "mqjo"), ("status", "Queued")): 1,
        (("data_type", "invoices"), ("platform", "gbol"), ("status", "Complete")): 1,
    }
    pushes = scrape(app_client)["ledgerport_push_operations"]
    assert pushes == {
        (("data_type", "bills"), ("platform", "mqjo"), ("status", "Success")): 1,
        (("data_type", "bills"), ("platform", "mqjo"), ("status", "Failed")): 1,
        (("data_type", "bills"), ("platform", "gbol"), ("status", "Success")): 2,
    }
    # A second server process on the same database reports the same figures.
    with TestClient(create_app(services=services)) as other:
        assert scrape(other)["ledgerport_pull_operations"] == pulls
        text = other.get("/metrics").text
    for name in names:
        assert name not in text


@SQLITE_ONLY
def test_latency_is_labelled_by_route_template_and_status_class(
    services: Services, client: TestClient, api_key: str
) -> None:
    company = client.post("/companies", json={"name": "Private Hair Ltd"}).json()
    assert client.get(f"/companies/{company['id']}").status_code == 200
    assert client.get(f"/companies/{uuid.uuid4()}").status_code == 404
    assert client.get("/no/such/path/4242").status_code == 404
    assert client.get("/static/portal.css").status_code == 200
    client.request("BREW", "/companies")

    samples = scrape(client)
    counts = samples[f"{LATENCY}_count"]

    def count(method: str, route: str, status: str) -> float:
        return counts.get((("method", method), ("route", route), ("status", status)), 0)

    assert count("POST", "/companies", "2xx") == 1
    assert count("GET", "/companies/{companyId}", "2xx") == 1
    assert count("GET", "/companies/{companyId}", "4xx") == 1
    assert count("GET", "unmatched", "4xx") == 1
    assert count("GET", "/static", "2xx") == 1
    assert count("OTHER", "/companies", "4xx") == 1
    # No label carries an id, a name, a key or a raw path.
    text = client.get("/metrics").text
    for secret in (company["id"], "Private Hair", api_key, "4242", "BREW"):
        assert secret not in text


@SQLITE_ONLY
def test_queue_depth_counts_jobs_waiting(app_client: TestClient) -> None:
    before = scrape(app_client)["ledgerport_job_queue_pending"][()]
    tasks = app_client.app.state.tasks  # type: ignore[attr-defined]
    tasks.purge_idempotency_keys()
    tasks.purge_idempotency_keys()
    assert scrape(app_client)["ledgerport_job_queue_pending"][()] == before + 2
    assert scrape(app_client)["ledgerport_job_queue_scheduled"][()] == 0


@SQLITE_ONLY
def test_webhook_delivery_lag_hook_and_extra_collectors(app_client: TestClient) -> None:
    from prometheus_client.core import GaugeMetricFamily

    hooks = app_client.app.state.metrics_hooks  # type: ignore[attr-defined]
    seen = []

    def lag(session: Any) -> float:
        seen.append(session.bind is not None)
        return 12.5

    class Deliveries:
        def collect(self):
            yield GaugeMetricFamily("ledgerport_webhook_consumers", "Consumers.", value=3)

    hooks.webhook_delivery_lag = lag
    hooks.collectors.append(Deliveries())
    samples = scrape(app_client)
    assert samples["ledgerport_webhook_delivery_lag_seconds"][()] == 12.5
    assert samples["ledgerport_webhook_consumers"][()] == 3
    assert samples["ledgerport_metrics_source_up"][(("source", "webhooks"),)] == 1
    assert seen == [True]

    def broken(session: Any) -> float:
        raise RuntimeError("outbox unreadable")

    hooks.webhook_delivery_lag = broken
    samples = scrape(app_client)
    assert samples["ledgerport_metrics_source_up"][(("source", "webhooks"),)] == 0
    assert samples["ledgerport_metrics_source_up"][(("source", "database"),)] == 1


def test_webhook_delivery_lag_is_the_oldest_due_delivery(
    client: TestClient, services: Services
) -> None:
    assert scrape(client)["ledgerport_webhook_delivery_lag_seconds"][()] == 0
    made = client.post(
        "/webhooks", json={"url": "https://hooks.example.com/in", "eventTypes": ["company.created"]}
    )
    assert made.status_code == 201, made.text
    assert client.post("/companies", json={"name": "Lagging"}).status_code == 200
    with transaction(services.sessions) as session:
        session.execute(update(WebhookDeliveryRow).values(created=utcnow() - timedelta(seconds=90)))
    lag = scrape(client)["ledgerport_webhook_delivery_lag_seconds"][()]
    assert 90 <= lag < 120


@SQLITE_ONLY
def test_metrics_and_health_need_no_key(app_client: TestClient) -> None:
    assert app_client.get("/metrics").status_code == 200
    assert app_client.get("/health").json()["status"] == "ok"


def test_an_unreachable_database_is_a_503_on_health_and_down_in_metrics(tmp_path: Path) -> None:
    settings = Settings(
        database_url="postgresql+psycopg://postgres@127.0.0.1:1/nowhere",
        data_dir=tmp_path,
        secret_key=SecretStr("x"),
        jobs_in_process=False,
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        body = assert_codat_error(client.get("/health"), 503)
        assert body["canBeRetried"] == "True"
        samples = scrape(client)
    assert samples["ledgerport_metrics_source_up"][(("source", "database"),)] == 0
    assert samples["ledgerport_metrics_source_up"][(("source", "queue"),)] == 1


@SQLITE_ONLY
def test_a_pool_with_no_free_connection_is_a_503(settings: Settings) -> None:
    """Every pooled connection busy past the pool's timeout: the server is overloaded,
    which the client may retry, not broken."""
    from ledgerport.connectors.registry import discover
    from ledgerport.storage.db import make_engine, make_sessionmaker

    engine = make_engine(
        settings.resolved_database_url, pool_size=1, max_overflow=0, pool_timeout=0.2
    )
    services = Services(
        settings=settings,
        engine=engine,
        sessions=make_sessionmaker(engine),
        connectors=discover(),
        secret=settings.secret(),
    )
    try:
        with TestClient(create_app(services=services), raise_server_exceptions=False) as client:
            with engine.connect():  # the pool's only connection, held
                body = assert_codat_error(client.get("/health"), 503)
            assert body["canBeRetried"] == "True"
            assert client.get("/health").status_code == 200
    finally:
        engine.dispose()
