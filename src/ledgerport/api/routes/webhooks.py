"""Webhook consumers, as Codat's Platform API has them (``GET/POST /webhooks``,
``DELETE /webhooks/{webhookId}``), plus ledgerport's delivery log and replay under
``/webhooks/{webhookId}/deliveries``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from ledgerport.api.deps import ServicesDep
from ledgerport.api.ids import parse_id
from ledgerport.api.models.common import ERROR_RESPONSES
from ledgerport.api.models.webhooks import (
    CreatedWebhookConsumer,
    WebhookConsumer,
    WebhookConsumerPrototype,
    WebhookConsumers,
    WebhookDeliveries,
    WebhookDelivery,
)
from ledgerport.api.paging import PageDep, envelope
from ledgerport.api.responses import JSONBytes, empty
from ledgerport.domain.dates import to_codat
from ledgerport.domain.webhooks import ConsumerRuleError
from ledgerport.errors import BadRequestError, ConflictError, NotFoundError, Validation
from ledgerport.errors import ValidationItem as Item
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import webhooks as repo
from ledgerport.storage.tables import (
    EventRow,
    WebhookAttemptRow,
    WebhookConsumerRow,
    WebhookDeliveryRow,
)
from ledgerport.storage.types import utcnow
from ledgerport.webhooks import consumers, delivery

router = APIRouter(tags=["Webhooks"], responses=ERROR_RESPONSES)

_STATUSES = (repo.PENDING, repo.DELIVERED, repo.FAILED)


def _consumer(session: Session, webhookId: str) -> WebhookConsumerRow:
    row = repo.consumer(session, parse_id(webhookId, "Webhook consumer"))
    if row is None:
        raise NotFoundError(f"Webhook consumer {webhookId} not found.")
    return row


@router.get(
    "/webhooks",
    response_model=WebhookConsumers,
    response_class=JSONBytes,
    operation_id="list-webhook-consumers",
    summary="List webhook consumers",
)
def list_consumers(services: ServicesDep) -> Response:
    """Lists your webhook consumers (at most 50)."""
    with services.sessions() as session:
        rows = repo.consumers(session)
        return JSONBytes({"results": [consumers.representation(r) for r in rows]})


@router.post(
    "/webhooks",
    status_code=201,
    response_model=CreatedWebhookConsumer,
    response_class=JSONBytes,
    operation_id="create-webhook-consumer",
    summary="Create webhook consumer",
)
def create_consumer(body: WebhookConsumerPrototype, services: ServicesDep) -> Response:
    """Creates a webhook consumer: an https:// endpoint that receives the event types it
    names, optionally only for companies with one of its ``companyTags``. At most 50.
    The response carries the consumer's signing ``secret`` (a ledgerport extension):
    the only time the API shows it."""
    try:
        with transaction(services.sessions) as session:
            created = consumers.create(
                services,
                session,
                url=body.url,
                event_types=body.eventTypes,
                company_tags=body.companyTags,
                disabled=bool(body.disabled),
                now=utcnow(),
            )
            result = {**consumers.representation(created.row), "secret": created.secret}
    except ConsumerRuleError as bad:
        raise BadRequestError(
            bad.message,
            validation=Validation(
                errors=(Item(message=bad.message, item_id=bad.field, validator_name="Webhooks"),)
            ),
        ) from None
    return JSONBytes(result, status_code=201)


@router.get(
    "/webhooks/{webhookId}",
    response_model=WebhookConsumer,
    response_class=JSONBytes,
    operation_id="get-webhook-consumer",
    summary="Get webhook consumer",
)
def get_consumer(webhookId: str, services: ServicesDep) -> Response:
    with services.sessions() as session:
        return JSONBytes(consumers.representation(_consumer(session, webhookId)))


@router.delete(
    "/webhooks/{webhookId}",
    status_code=204,
    response_class=Response,
    operation_id="delete-webhook-consumer",
    summary="Delete webhook consumer",
)
def delete_consumer(webhookId: str, services: ServicesDep) -> Response:
    """Deletes the consumer; nothing more is sent to it, and its delivery log goes."""
    with transaction(services.sessions) as session:
        repo.remove(session, _consumer(session, webhookId))
    return empty(204)


# -- ledgerport extensions: the delivery log and replay -----------------------------------


def _delivery_body(
    row: WebhookDeliveryRow, event: EventRow, attempts: list[WebhookAttemptRow]
) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "eventId": str(event.id),
        "eventType": row.event_type,
        "companyId": str(row.company_id) if row.company_id else None,
        "status": row.status,
        "attempts": row.attempts,
        "createdOn": to_codat(row.created),
        "nextAttemptOn": to_codat(row.next_attempt),
        "completedOn": to_codat(row.completed),
        "lastStatusCode": row.last_status_code,
        "lastError": row.last_error,
        "replayOf": str(row.replay_of) if row.replay_of else None,
        "attemptLog": [
            {
                "attemptedOn": to_codat(a.attempted),
                "statusCode": a.status_code,
                "response": a.response,
                "error": a.error,
                "durationMs": a.duration_ms,
                "trigger": a.trigger,
            }
            for a in attempts
        ],
    }


@router.get(
    "/webhooks/{webhookId}/deliveries",
    response_model=WebhookDeliveries,
    response_class=JSONBytes,
    operation_id="list-webhook-deliveries",
    summary="List a consumer's deliveries (ledgerport extension)",
)
def list_deliveries(
    webhookId: str,
    request: Request,
    services: ServicesDep,
    paging: PageDep,
    status: Annotated[
        str | None, Query(description="Pending, Delivered or Failed.", max_length=16)
    ] = None,
) -> Response:
    """The consumer's delivery log, newest first: each event sent to it, its status and
    every attempt (time, status code, the start of the answer, error, duration)."""
    if paging.query or paging.order_by:
        raise BadRequestError("The delivery log takes no query or orderBy; filter by status.")
    if status is not None and status not in _STATUSES:
        raise BadRequestError(f"status must be one of {', '.join(_STATUSES)}.")
    with services.sessions() as session:
        consumer = _consumer(session, webhookId)
        total = repo.count_deliveries(session, consumer.id, status)
        rows = session.execute(
            repo.deliveries_of(consumer.id, status).offset(paging.offset).limit(paging.page_size)
        ).all()
        attempts = repo.attempts_of(session, [r[0].seq for r in rows])
        results = [_delivery_body(d, e, attempts[d.seq]) for d, e in rows]
    return JSONBytes(envelope(request, paging, results, total))


def _delivery(
    session: Session, consumer: WebhookConsumerRow, deliveryId: str
) -> WebhookDeliveryRow:
    row = repo.delivery(session, consumer.id, parse_id(deliveryId, "Delivery"))
    if row is None:
        raise NotFoundError(f"Delivery {deliveryId} not found.")
    return row


@router.get(
    "/webhooks/{webhookId}/deliveries/{deliveryId}",
    response_model=WebhookDelivery,
    response_class=JSONBytes,
    operation_id="get-webhook-delivery",
    summary="Get a delivery (ledgerport extension)",
)
def get_delivery(webhookId: str, deliveryId: str, services: ServicesDep) -> Response:
    with services.sessions() as session:
        row = _delivery(session, _consumer(session, webhookId), deliveryId)
        event = session.get(EventRow, row.event_id)
        assert event is not None
        return JSONBytes(_delivery_body(row, event, repo.attempts_of(session, [row.seq])[row.seq]))


@router.post(
    "/webhooks/{webhookId}/deliveries/{deliveryId}/replay",
    status_code=202,
    response_model=WebhookDelivery,
    response_class=JSONBytes,
    operation_id="replay-webhook-delivery",
    summary="Replay a delivery (ledgerport extension)",
)
def replay_delivery(webhookId: str, deliveryId: str, services: ServicesDep) -> Response:
    """Sends the delivery's event again, with the same ``webhook-id`` and body: a
    delivery still pending is tried at once; a delivered or failed one gets a new
    delivery (returned), sent after anything the company has pending for this
    consumer. 409 while the consumer is disabled."""
    with transaction(services.sessions) as session:
        row = _delivery(session, _consumer(session, webhookId), deliveryId)
        try:
            again = delivery.replay(session, row, utcnow())
        except delivery.ReplayError as refused:
            raise ConflictError(str(refused)) from None
        event = session.get(EventRow, again.event_id)
        assert event is not None
        body = _delivery_body(again, event, repo.attempts_of(session, [again.seq])[again.seq])
    return JSONBytes(body, status_code=202)
