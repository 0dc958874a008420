"""Webhook rules with no I/O: which event types exist, which consumer an event goes to,
what a consumer URL may be, and when a failed delivery is tried again.

The event types are Codat's (docs.codat.io "Webhook event types"); a consumer may
subscribe only to those this server emits, so a typo is a 400 at creation rather than a
consumer that silently never hears anything.
"""

from __future__ import annotations

import ipaddress
import random
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from ledgerport.domain.enums import DataType

COMPANY_CREATED = "company.created"
COMPANY_DELETED = "company.deleted"
CONNECTION_CREATED = "connection.created"
CONNECTION_CONNECTED = "connection.connected"
CONNECTION_FAILED = "connection.failed"
CONNECTION_DISCONNECTED = "connection.disconnected"
CONNECTION_RECONNECTED = "connection.reconnected"
CONNECTION_DELETED = "connection.deleted"
READ_COMPLETED = "read.completed"
READ_COMPLETED_INITIAL = "read.completed.initial"
EXPENSES_SYNC_SUCCESSFUL = "expenses.sync.successful"
EXPENSES_SYNC_UNSUCCESSFUL = "expenses.sync.unsuccessful"
SPEND_ANALYSIS_SUCCESSFUL = "reports.spendAnalysis.generate.successful"
SPEND_ANALYSIS_UNSUCCESSFUL = "reports.spendAnalysis.generate.unsuccessful"

PLATFORM_EVENT_TYPES = (
    COMPANY_CREATED,
    COMPANY_DELETED,
    CONNECTION_CREATED,
    CONNECTION_CONNECTED,
    CONNECTION_FAILED,
    CONNECTION_DISCONNECTED,
    CONNECTION_RECONNECTED,
    CONNECTION_DELETED,
    READ_COMPLETED,
    READ_COMPLETED_INITIAL,
)
PRODUCT_EVENT_TYPES = (
    EXPENSES_SYNC_SUCCESSFUL,
    EXPENSES_SYNC_UNSUCCESSFUL,
    SPEND_ANALYSIS_SUCCESSFUL,
    SPEND_ANALYSIS_UNSUCCESSFUL,
)
# Codat's table of data types that have write webhooks ({dataType}.write.successful).
WRITE_DATA_TYPES = (
    DataType.BANK_ACCOUNTS,
    DataType.BANK_TRANSACTIONS,
    DataType.BILL_CREDIT_NOTES,
    DataType.BILL_PAYMENTS,
    DataType.BILLS,
    DataType.CHART_OF_ACCOUNTS,
    DataType.CREDIT_NOTES,
    DataType.CUSTOMERS,
    DataType.DIRECT_COSTS,
    DataType.DIRECT_INCOMES,
    DataType.INVOICES,
    DataType.ITEMS,
    DataType.JOURNAL_ENTRIES,
    DataType.JOURNALS,
    DataType.PAYMENTS,
    DataType.PURCHASE_ORDERS,
    DataType.SUPPLIERS,
    DataType.TRANSFERS,
)


def write_event_type(data_type: str, successful: bool) -> str:
    return f"{data_type}.write.{'successful' if successful else 'unsuccessful'}"


WRITE_EVENT_TYPES = tuple(
    write_event_type(t.value, ok) for t in WRITE_DATA_TYPES for ok in (True, False)
)
EVENT_TYPES: tuple[str, ...] = PLATFORM_EVENT_TYPES + WRITE_EVENT_TYPES + PRODUCT_EVENT_TYPES
_KNOWN = frozenset(EVENT_TYPES)

MAX_CONSUMERS = 50  # Codat's limit per client
MAX_COMPANY_TAGS = 10  # WebhookConsumer.companyTags maxItems
MAX_COMPANY_TAG_LENGTH = 128
MAX_URL_LENGTH = 2048
TAG_KEY_LENGTH = 27  # a company tag's key (Company.tags propertyNames)
TAG_VALUE_LENGTH = 100


class ConsumerRuleError(ValueError):
    """A consumer's URL, event types or company tags break a rule; the message says which
    and is safe to show to the client."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def unknown_event_types(event_types: Iterable[str]) -> list[str]:
    return [t for t in event_types if t not in _KNOWN]


def check_event_types(event_types: Sequence[str] | None) -> list[str]:
    """The event types, de-duplicated in the order given: at least one, each one this
    server emits."""
    if not event_types:
        raise ConsumerRuleError("eventTypes", "eventTypes must name at least one event type.")
    unknown = unknown_event_types(event_types)
    if unknown:
        raise ConsumerRuleError(
            "eventTypes",
            f"Unknown event type(s): {', '.join(repr(t) for t in unknown[:5])}. "
            f"Supported: {', '.join(PLATFORM_EVENT_TYPES + PRODUCT_EVENT_TYPES)} and "
            "{dataType}.write.successful|unsuccessful.",
        )
    return list(dict.fromkeys(event_types))


def parse_company_tag(tag: str) -> tuple[str, str]:
    """``"region:uk"`` -> ("region", "uk"): split at the first colon, as a tag's key
    cannot hold one but its value can (``"url:https://x"``)."""
    key, sep, value = tag.partition(":")
    if not sep or not key or not value:
        raise ConsumerRuleError("companyTags", f"Company tag {tag!r} must be 'tagKey:tagValue'.")
    if len(tag) > MAX_COMPANY_TAG_LENGTH:
        raise ConsumerRuleError(
            "companyTags", f"A company tag is at most {MAX_COMPANY_TAG_LENGTH} characters."
        )
    if len(key) > TAG_KEY_LENGTH or len(value) > TAG_VALUE_LENGTH:
        raise ConsumerRuleError(
            "companyTags",
            f"Company tag {tag!r}: a company's tag keys are 1-{TAG_KEY_LENGTH} characters "
            f"and values at most {TAG_VALUE_LENGTH}, so it could never match.",
        )
    return key, value


def check_company_tags(tags: Sequence[str] | None) -> list[str] | None:
    if tags is None:
        return None
    if len(tags) > MAX_COMPANY_TAGS:
        raise ConsumerRuleError(
            "companyTags", f"A consumer takes at most {MAX_COMPANY_TAGS} company tags."
        )
    for tag in tags:
        parse_company_tag(tag)
    return list(dict.fromkeys(tags))


def matches(
    event_type: str,
    company_tags: Mapping[str, str] | None,
    consumer_event_types: Sequence[str],
    consumer_tags: Sequence[str] | None,
) -> bool:
    """Whether a consumer hears an event: it subscribed to the type and, if it filters
    on company tags, the company has at least one of them (Codat's filters are Svix
    channels, and a message reaches an endpoint on any shared channel). Tags are
    case-sensitive. An event without a company reaches only unfiltered consumers."""
    if event_type not in consumer_event_types:
        return False
    if not consumer_tags:
        return True
    if not company_tags:
        return False
    held = {f"{k}:{v}" for k, v in company_tags.items()}
    return any(tag in held for tag in consumer_tags)


# -- consumer URLs ----------------------------------------------------------------------


def _host_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def is_internal_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """An address no public receiver has: loopback, private, link-local (cloud metadata),
    multicast, unspecified or reserved. Delivering there would let whoever holds an API
    key make this server call services on its own network."""
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_unspecified
        or ip.is_reserved
    )


def _is_localhost(host: str) -> bool:
    name = host.lower().rstrip(".")
    return name == "localhost" or name.endswith(".localhost")


def is_private_host(host: str) -> bool:
    """localhost, a loopback or private-network address, or a single-label name (a
    machine on the local network): where a development receiver lives."""
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost") or ("." not in name and ":" not in name):
        return True
    ip = _host_ip(name)
    return ip is not None and (ip.is_loopback or ip.is_private)


def check_url(url: str | None, *, allow_http_private: bool) -> str:
    """A consumer URL: ``https://`` to a public host; ``localhost`` and loopback or
    private addresses (over ``http://`` too) only when the server allows them
    (``LEDGERPORT_WEBHOOK_ALLOW_HTTP_PRIVATE``: development, or receivers on the
    operator's own network). Link-local, multicast and unspecified addresses are refused
    either way: they are where cloud metadata services and other surprises live, never
    a webhook receiver. A name is checked again where it resolves, at each delivery."""
    if not url or not url.strip():
        raise ConsumerRuleError("url", "url is required.")
    text = url.strip()
    if len(text) > MAX_URL_LENGTH:
        raise ConsumerRuleError("url", f"url is at most {MAX_URL_LENGTH} characters.")
    try:
        parts = urllib.parse.urlsplit(text)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError:
        raise ConsumerRuleError("url", "url is not a valid URL.") from None
    if parts.scheme not in ("http", "https") or not host:
        raise ConsumerRuleError("url", "url must be an absolute https:// URL.")
    if parts.fragment:
        raise ConsumerRuleError("url", "url must not have a #fragment.")
    ip = _host_ip(host)
    if ip is not None and (ip.is_link_local or ip.is_multicast or ip.is_unspecified):
        raise ConsumerRuleError("url", "url must not point at a link-local or special address.")
    named_private = (ip is not None and is_internal_address(ip)) or _is_localhost(host)
    if named_private and not allow_http_private:
        raise ConsumerRuleError(
            "url",
            "url must not point at localhost or a private network (set "
            "LEDGERPORT_WEBHOOK_ALLOW_HTTP_PRIVATE=true to deliver to receivers on your own "
            "network).",
        )
    if parts.scheme == "http" and not (allow_http_private and is_private_host(host)):
        hint = (
            " (http:// is accepted only for localhost and private networks)"
            if allow_http_private
            else " (set LEDGERPORT_WEBHOOK_ALLOW_HTTP_PRIVATE=true to use http:// to "
            "localhost or a private network while developing)"
        )
        raise ConsumerRuleError("url", "url must use https://" + hint + ".")
    return text


# -- delivery timing --------------------------------------------------------------------

# Codat's (Svix's) schedule: after the first attempt fails, tries again after each of
# these in turn (about 28 hours in all), then the message has failed.
RETRY_SCHEDULE = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(RETRY_SCHEDULE) + 1
JITTER = 0.1  # each wait is stretched or shrunk by up to 10%, so retries do not stampede
# Svix disables an endpoint whose every attempt has failed for 5 days.
DISABLE_AFTER = timedelta(days=5)


def retry_delay(attempts_made: int, rng: random.Random) -> timedelta | None:
    """How long after the ``attempts_made``-th failed attempt to try again, jittered;
    None once the schedule is spent."""
    if attempts_made < 1 or attempts_made > len(RETRY_SCHEDULE):
        return None
    base = RETRY_SCHEDULE[attempts_made - 1]
    return base * rng.uniform(1 - JITTER, 1 + JITTER)


def should_disable(failing_since: datetime | None, now: datetime) -> bool:
    """Svix's rule: every attempt has failed for ``DISABLE_AFTER``. Checked on a failed
    attempt, so it takes at least two failures that far apart with no success between
    (an endpoint that failed once and then heard nothing for a week stays enabled)."""
    return failing_since is not None and now - failing_since >= DISABLE_AFTER
