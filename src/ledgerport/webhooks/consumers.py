"""Webhook consumers: one set of rules for the API (``/webhooks``) and the portal page.

A consumer's signing secret (``whsec_...``) is made here, kept encrypted with the vault,
and handed out in the response that creates the consumer; afterwards only a signed-in
portal user can reveal it again (Codat shows it in its portal, as Svix does).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ledgerport.domain import webhooks as rules
from ledgerport.services import Services
from ledgerport.storage.repositories import webhooks as repo
from ledgerport.storage.tables import WebhookConsumerRow
from ledgerport.webhooks import signing

MANUAL = "manual"
FAILING = "failing"


class ConsumerLimitError(rules.ConsumerRuleError):
    """Codat's limit of 50 consumers is reached."""


@dataclass(frozen=True)
class Created:
    row: WebhookConsumerRow
    secret: str  # the only time it is handed out by the API


def create(
    services: Services,
    session: Session,
    *,
    url: str | None,
    event_types: Sequence[str] | None,
    company_tags: Sequence[str] | None,
    disabled: bool,
    now: datetime,
) -> Created:
    """A new consumer, its rules checked (``ConsumerRuleError`` says what is wrong)."""
    checked_url = rules.check_url(
        url, allow_http_private=services.settings.webhook_allow_http_private
    )
    types = rules.check_event_types(event_types)
    tags = rules.check_company_tags(company_tags)
    if repo.count(session) >= rules.MAX_CONSUMERS:
        raise ConsumerLimitError(
            "url",
            f"You already have {rules.MAX_CONSUMERS} webhook consumers, the maximum. "
            "Delete an unused consumer first.",
        )
    secret = signing.new_secret()
    row = repo.add(
        session,
        WebhookConsumerRow(
            id=uuid.uuid4(),
            url=checked_url,
            disabled=disabled,
            event_types=types,
            company_tags=tags,
            secret=services.vault.encrypt(secret),
            created=now,
            disabled_reason=MANUAL if disabled else None,
            disabled_at=now if disabled else None,
        ),
    )
    return Created(row, secret)


def set_disabled(
    session: Session, row: WebhookConsumerRow, disabled: bool, now: datetime, reason: str = MANUAL
) -> None:
    """Disable (its waiting deliveries end Failed: replay them once it is enabled, as
    with Svix, whose disabled endpoints get nothing) or enable again (with a clean
    slate for the automatic disabling)."""
    if row.disabled == disabled:
        return
    row.disabled = disabled
    if disabled:
        row.disabled_reason, row.disabled_at = reason, now
        session.flush()
        message = (
            "The consumer was disabled automatically: every attempt failed for 5 days."
            if reason == FAILING
            else "The consumer was disabled."
        )
        repo.end_pending(session, row.id, message, now)
    else:
        row.disabled_reason, row.disabled_at, row.failing_since = None, None, None
    session.flush()


def secret(services: Services, row: WebhookConsumerRow) -> str:
    return services.vault.decrypt(row.secret)


def representation(row: WebhookConsumerRow) -> dict[str, Any]:
    """Codat's ``WebhookConsumer``."""
    return {
        "id": str(row.id),
        "url": row.url,
        "disabled": row.disabled,
        "eventTypes": list(row.event_types),
        "companyTags": list(row.company_tags) if row.company_tags is not None else None,
    }
