"""``GET /metrics``: Prometheus' text format, served without an API key like /health.

What it serves is aggregate numbers only: no label ever carries a company, a
connection, a key, a token or a URL, so the endpoint gives a stranger nothing but
counts (block it at the proxy if even those are private).

- ``ledgerport_http_request_duration_seconds``: request latency by method, route
  template and status class (request_metrics.py). Per process.
- ``ledgerport_job_queue_pending`` / ``ledgerport_job_queue_scheduled``: jobs waiting
  on the huey queue, and jobs scheduled for later (push retries).
- ``ledgerport_pull_operations`` / ``ledgerport_push_operations``: operations by
  platform key, data type and status, counted in the database at scrape time, so they
  are right whichever process ran them.
- ``ledgerport_webhook_delivery_lag_seconds``: once the webhooks package sets
  ``app.state.metrics_hooks.webhook_delivery_lag`` (see :class:`MetricsHooks`).
- ``ledgerport_metrics_source_up``: 1 when a source above answered this scrape, 0 when
  it failed (the database or queue was down); a failed source never fails the scrape.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from fastapi import FastAPI
from huey.api import Huey
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session
from starlette.responses import Response

from ledgerport.api.request_metrics import RequestMetricsMiddleware
from ledgerport.services import Services
from ledgerport.storage.repositories import outcomes

log = logging.getLogger("ledgerport.api.metrics")

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

WebhookLagReader = Callable[[Session], float | None]
"""Seconds the oldest webhook event still to be delivered has waited since it was
generated (``None`` or 0: nothing is waiting). Called once per scrape with a read-only
session on the API's database."""


@dataclass
class MetricsHooks:
    """What other packages plug into /metrics after the app is built
    (``app.state.metrics_hooks``); read at every scrape.

    ``webhook_delivery_lag``: the webhooks package's reader of its delivery lag,
    served as ``ledgerport_webhook_delivery_lag_seconds``.
    ``collectors``: any further ``prometheus_client`` collectors; their ``collect()``
    runs at scrape time. Their labels must not name companies, keys or tokens either.
    """

    webhook_delivery_lag: WebhookLagReader | None = None
    collectors: list[Collector] = field(default_factory=list)


def install(app: FastAPI, services: Services, queue: Huey) -> MetricsHooks:
    """Add the latency middleware (call after every other ``add_middleware``, so it
    times them too) and ``GET /metrics``, with a registry of this app's own."""
    registry = CollectorRegistry()
    latency = Histogram(
        "ledgerport_http_request_duration_seconds",
        "Time to answer an HTTP request, by method, route template and status class.",
        ["method", "route", "status"],
        buckets=LATENCY_BUCKETS,
        registry=registry,
    )
    hooks = MetricsHooks()
    registry.register(_ScrapeCollector(services, queue, hooks))
    app.state.metrics_hooks = hooks
    app.add_middleware(RequestMetricsMiddleware, histogram=latency)

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return hooks


class _ScrapeCollector:
    """The figures read at scrape time: from the database and the queue, and from the
    hooks. Each source is read on its own; one that fails is reported as down."""

    def __init__(self, services: Services, queue: Huey, hooks: MetricsHooks) -> None:
        self.services = services
        self.queue = queue
        self.hooks = hooks

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily(
            "ledgerport_metrics_source_up",
            "1 if this source answered the scrape, 0 if reading it failed.",
            labels=["source"],
        )
        sources: list[tuple[str, Callable[[], list[Metric]]]] = [
            ("database", self._database),
            ("queue", self._queue),
        ]
        reader = self.hooks.webhook_delivery_lag
        if reader is not None:
            sources.append(("webhooks", lambda: self._webhook_lag(reader)))
        for name, read in sources:
            try:
                metrics = read()
            except Exception as error:  # a scrape must say "down", never fail
                log.warning("metrics source %s failed: %s", name, type(error).__name__)
                up.add_metric([name], 0)
                continue
            up.add_metric([name], 1)
            yield from metrics
        yield up
        for collector in self.hooks.collectors:
            yield from collector.collect()

    def _database(self) -> list[Metric]:
        with self.services.sessions() as session:
            pulls = outcomes.pull_outcomes(session)
            pushes = outcomes.push_outcomes(session)
        return [
            _outcome_family(
                "ledgerport_pull_operations",
                "Pull operations (datasets) stored, by platform, data type and status.",
                pulls,
            ),
            _outcome_family(
                "ledgerport_push_operations",
                "Push operations (writes) stored, by platform, data type and status.",
                pushes,
            ),
        ]

    def _queue(self) -> list[Metric]:
        return [
            GaugeMetricFamily(
                "ledgerport_job_queue_pending",
                "Jobs waiting on the queue for a worker.",
                value=self.queue.pending_count(),
            ),
            GaugeMetricFamily(
                "ledgerport_job_queue_scheduled",
                "Jobs scheduled to run later (retries, delayed pushes).",
                value=self.queue.scheduled_count(),
            ),
        ]

    def _webhook_lag(self, reader: WebhookLagReader) -> list[Metric]:
        with self.services.sessions() as session:
            lag = reader(session)
        return [
            GaugeMetricFamily(
                "ledgerport_webhook_delivery_lag_seconds",
                "How long the oldest webhook event still to be delivered has waited.",
                value=lag or 0.0,
            )
        ]


def _outcome_family(name: str, documentation: str, rows: list[outcomes.Outcome]) -> Metric:
    family = GaugeMetricFamily(name, documentation, labels=["platform", "data_type", "status"])
    for row in rows:
        family.add_metric([row.platform_key, row.data_type, row.status], row.count)
    return family
