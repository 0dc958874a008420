"""An event as Codat's webhook sends it: the envelope ``{id, eventType, generatedDate,
payload}`` with each event type's payload (Codat-Platform.json ``webhooks``, and the
Sync for Expenses and Spend Insights specs), built from the snapshot the event was
recorded with. URLs (``redirect``, ``linkUrl``, the portal and validation links) and the
platform's ids are filled in here, where the server's settings are known.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from ledgerport.domain import webhooks as kinds
from ledgerport.domain.dates import to_codat
from ledgerport.domain.enums import SourceType
from ledgerport.domain.links import company_link_url, connection_link_url
from ledgerport.services import Services
from ledgerport.storage.tables import EventRow


def envelope(services: Services, event: EventRow) -> str:
    """The JSON body of the event's webhook."""
    body = {
        "id": str(event.id),
        "eventType": event.type,
        "generatedDate": to_codat(event.created),
        "payload": payload(services, event.type, event.payload or {}),
    }
    return orjson.dumps(body).decode()


def payload(services: Services, event_type: str, snapshot: Mapping[str, Any]) -> dict[str, Any]:
    company = snapshot.get("company")
    if event_type in (kinds.COMPANY_CREATED, kinds.COMPANY_DELETED):
        return company_details(services, company or {})
    reference = company_reference(services, company) if company else None
    if event_type.startswith("connection."):
        return {
            "referenceCompany": reference,
            "connection": connection(services, snapshot.get("connection") or {}),
        }
    if event_type in (kinds.READ_COMPLETED, kinds.READ_COMPLETED_INITIAL):
        company_id = (company or {}).get("id", "")
        return {
            "referenceCompany": reference,
            "modifiedFromDate": snapshot.get("modifiedFromDate"),
            "dataTypes": [
                _read_summary(services, company_id, item) for item in snapshot.get("dataTypes", [])
            ],
        }
    if ".write." in event_type:
        keys = ("id", "type", "connectionId", "requestedOnDate", "completedOnDate", "status")
        written = {k: snapshot.get(k) for k in keys}
        return {
            **written,
            "referenceCompany": reference,
            "record": snapshot.get("record"),
            "attachmentId": snapshot.get("attachmentId"),
        }
    if event_type.startswith("expenses.sync."):
        return {
            "referenceCompany": reference,
            "syncId": snapshot.get("syncId"),
            "transactions": list(snapshot.get("transactions", [])),
        }
    if event_type.startswith("reports."):
        return {"id": snapshot.get("id"), "referenceCompany": reference}
    return {k: v for k, v in snapshot.items() if k not in ("company", "connection")}


def company_details(services: Services, snap: Mapping[str, Any]) -> dict[str, Any]:
    """Codat's ``companyDetails`` (the company, without its connections)."""
    return {
        "id": snap.get("id"),
        "name": snap.get("name"),
        "description": snap.get("description"),
        "redirect": company_link_url(
            services.base_url, services.secret, str(snap.get("id")), str(snap.get("linkNonce"))
        ),
        "lastSync": snap.get("lastSync"),
        "created": snap.get("created"),
        "createdByUserName": snap.get("createdByUserName"),
        "products": list(snap.get("products") or []),
        "tags": dict(snap.get("tags") or {}),
        "referenceSubsidiaryCompanies": [],
    }


def company_reference(services: Services, snap: Mapping[str, Any]) -> dict[str, Any]:
    """Codat's ``companyReference``."""
    return {
        "id": snap.get("id"),
        "name": snap.get("name"),
        "description": snap.get("description"),
        "links": {"portal": f"{services.base_url}/portal/companies/{snap.get('id')}"},
        "tags": dict(snap.get("tags") or {}),
    }


def connection(services: Services, snap: Mapping[str, Any]) -> dict[str, Any]:
    """Codat's ``Connection``, as ``GET .../connections/{id}`` shows it."""
    key = str(snap.get("platformKey"))
    platform = services.platform_fields.get(key) or {
        "integrationId": str(snap.get("id")),
        "sourceId": str(snap.get("id")),
        "sourceType": SourceType.UNKNOWN.value,
        "platformName": key,
    }
    return {
        "id": snap.get("id"),
        "integrationId": platform["integrationId"],
        "integrationKey": key,
        "sourceId": platform["sourceId"],
        "sourceType": platform["sourceType"],
        "platformName": platform["platformName"],
        "linkUrl": connection_link_url(
            services.base_url,
            services.secret,
            str(snap.get("companyId")),
            str(snap.get("id")),
            str(snap.get("linkNonce")),
        ),
        "status": snap.get("status"),
        "lastSync": snap.get("lastSync"),
        "created": snap.get("created"),
        "dataConnectionErrors": list(snap.get("errors") or []),
        "connectionInfo": snap.get("connectionInfo"),
    }


def _read_summary(services: Services, company_id: str, item: Mapping[str, Any]) -> dict[str, Any]:
    dataset = item.get("datasetId")
    base = f"{services.base_url}/companies/{company_id}"
    issues = [
        {
            **issue,
            "links": {
                "logs": f"{base}/sync/{dataset}/validation"
                if issue.get("type") == "warning.validation"
                else f"{base}/data/history/{dataset}",
                "portal": f"{services.base_url}/portal/companies/{company_id}",
            },
        }
        for issue in item.get("issues", [])
    ]
    return {
        "connectionId": item.get("connectionId"),
        "dataType": item.get("dataType"),
        "recordsModified": bool(item.get("recordsModified")),
        "status": item.get("status"),
        "issues": issues,
    }
