from __future__ import annotations

from pydantic import BaseModel, Field

from ledgerport.api.models.common import PagingInfo


class WebhookConsumerPrototype(BaseModel):
    url: str | None = Field(default=None, description="https:// URL that receives the events.")
    disabled: bool | None = False
    eventTypes: list[str] | None = Field(default=None, description="At least one event type.")
    companyTags: list[str] | None = Field(
        default=None,
        description="Only events of companies with one of these tags ('tagKey:tagValue').",
    )


class WebhookConsumer(BaseModel):
    id: str
    url: str
    disabled: bool | None = False
    eventTypes: list[str]
    companyTags: list[str] | None = None


class CreatedWebhookConsumer(WebhookConsumer):
    secret: str = Field(
        description="ledgerport extension: the consumer's signing secret (whsec_...), shown "
        "only in this response (and to signed-in users in the portal). Verify each "
        "webhook's webhook-signature header with it."
    )


class WebhookConsumers(BaseModel):
    results: list[WebhookConsumer]


class WebhookAttempt(BaseModel):
    attemptedOn: str
    statusCode: int | None = None
    response: str | None = Field(default=None, description="The start of the answer.")
    error: str | None = None
    durationMs: int
    trigger: str = Field(description="scheduled, or replay.")


class WebhookDelivery(BaseModel):
    id: str
    eventId: str
    eventType: str
    companyId: str | None = None
    status: str = Field(description="Pending, Delivered or Failed.")
    attempts: int
    createdOn: str
    nextAttemptOn: str | None = None
    completedOn: str | None = None
    lastStatusCode: int | None = None
    lastError: str | None = None
    replayOf: str | None = None
    attemptLog: list[WebhookAttempt] = Field(default_factory=list)


class WebhookDeliveries(PagingInfo):
    results: list[WebhookDelivery]
