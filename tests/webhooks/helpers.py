"""Building blocks for the webhook tests: consumers, companies recorded at a chosen
time, and reading deliveries back."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from ledgerport.domain.tokens import new_nonce
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import companies
from ledgerport.storage.tables import (
    CompanyRow,
    WebhookAttemptRow,
    WebhookConsumerRow,
    WebhookDeliveryRow,
)
from ledgerport.storage.types import utcnow
from ledgerport.webhooks import consumers


def consumer(
    services: Services,
    url: str,
    event_types: Sequence[str] = ("company.created",),
    company_tags: Sequence[str] | None = None,
) -> tuple[uuid.UUID, str]:
    """A consumer; its id and signing secret."""
    with transaction(services.sessions) as session:
        made = consumers.create(
            services,
            session,
            url=url,
            event_types=list(event_types),
            company_tags=list(company_tags) if company_tags is not None else None,
            disabled=False,
            now=utcnow(),
        )
        return made.row.id, made.secret


def company(
    services: Services, name: str, at: datetime | None = None, tags: dict[str, str] | None = None
) -> uuid.UUID:
    """A company, created (and so ``company.created`` recorded) at ``at``."""
    with transaction(services.sessions) as session:
        row = companies.add(
            session,
            CompanyRow(
                id=uuid.uuid4(),
                name=name,
                description=None,
                tags=tags or {},
                products=[],
                created=at or utcnow(),
                created_by_user_name=None,
                link_nonce=new_nonce(),
            ),
        )
        return row.id


def deliveries(services: Services, consumer_id: uuid.UUID) -> list[WebhookDeliveryRow]:
    with services.sessions() as session:
        return list(
            session.scalars(
                select(WebhookDeliveryRow)
                .where(WebhookDeliveryRow.consumer_id == consumer_id)
                .order_by(WebhookDeliveryRow.seq)
            )
        )


def attempts(services: Services, delivery_seq: int) -> list[WebhookAttemptRow]:
    with services.sessions() as session:
        return list(
            session.scalars(
                select(WebhookAttemptRow)
                .where(WebhookAttemptRow.delivery_seq == delivery_seq)
                .order_by(WebhookAttemptRow.id)
            )
        )


def consumer_row(services: Services, consumer_id: uuid.UUID) -> WebhookConsumerRow:
    with services.sessions() as session:
        row = session.get(WebhookConsumerRow, consumer_id)
        assert row is not None
        return row
