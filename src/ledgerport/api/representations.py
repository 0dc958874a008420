"""Rows to Codat-shaped dicts. One function per resource, shared by every route that
returns it (a company embeds its connections)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from ledgerport.connectors.spec import Connector
from ledgerport.connectors.writes import WriteKind
from ledgerport.domain.accounting.attachments import ATTACHMENT_PARENTS
from ledgerport.domain.dates import to_codat
from ledgerport.domain.enums import DataType, FeatureType, SourceType
from ledgerport.domain.links import company_link_url, connection_link_url
from ledgerport.services import Services
from ledgerport.storage.repositories.views import CompanyView, ConnectionView
from ledgerport.storage.tables import ApiKeyRow


def _json(text: str | None) -> orjson.Fragment | None:
    # Stored JSON goes out as it is, without a decode/encode round trip.
    return None if text is None else orjson.Fragment(text)


def _platform(services: Services, key: str, fallback_id: str) -> Mapping[str, str]:
    platform = services.platform_fields.get(key)
    if platform is not None:
        return platform
    # A connection to a platform whose connector is no longer installed.
    return {
        "integrationId": fallback_id,
        "sourceId": fallback_id,
        "sourceType": SourceType.UNKNOWN.value,
        "platformName": key,
    }


def connection(services: Services, row: ConnectionView) -> dict[str, Any]:
    platform = _platform(services, row.platform_key, row.id)
    return {
        "id": row.id,
        "integrationId": platform["integrationId"],
        "integrationKey": row.platform_key,
        "sourceId": platform["sourceId"],
        "sourceType": platform["sourceType"],
        "platformName": platform["platformName"],
        "linkUrl": connection_link_url(
            services.base_url, services.secret, row.company_id, row.id, row.link_nonce
        ),
        "status": row.status,
        "lastSync": row.last_sync,
        "created": row.created,
        "dataConnectionErrors": _json(row.errors),
        "connectionInfo": _json(row.connection_info),
    }


def company(
    services: Services, row: CompanyView, connections: Iterable[ConnectionView]
) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "description": row.description,
        "redirect": company_link_url(services.base_url, services.secret, row.id, row.link_nonce),
        "lastSync": row.last_sync,
        "created": row.created,
        "createdByUserName": row.created_by_user_name,
        "products": _json(row.products),
        "tags": _json(row.tags),
        "referenceSubsidiaryCompanies": [],
        "dataConnections": [connection(services, c) for c in connections],
    }


def logo_url(services: Services, key: str) -> str:
    return f"{services.base_url}/logos/{key}.svg"


def integration(services: Services, connector: Connector) -> dict[str, Any]:
    features = []
    for data_type in DataType:
        kinds = [FeatureType.GET, FeatureType.POST, FeatureType.PUT, FeatureType.DELETE]
        if data_type in ATTACHMENT_PARENTS:  # the routes exist: say whether they work
            kinds += [
                FeatureType.GET_ATTACHMENTS,
                FeatureType.GET_ATTACHMENT,
                FeatureType.DOWNLOAD_ATTACHMENT,
            ]
        if data_type is DataType.INVOICES:
            kinds.append(FeatureType.GET_AS_PDF)
        if connector.can_write(data_type, WriteKind.UPLOAD_ATTACHMENT):
            kinds.append(FeatureType.UPLOAD_ATTACHMENT)
        supported = [
            {"featureType": ft.value, "featureState": connector.feature_state(data_type, ft).value}
            for ft in kinds
        ]
        features.append({"dataType": data_type.value, "supportedFeatures": supported})
    return {
        "key": connector.key,
        "name": connector.name,
        "logoUrl": logo_url(services, connector.key),
        "enabled": True,
        "sourceId": str(connector.source_id),
        "sourceType": connector.source_type.value,
        "integrationId": str(connector.integration_id),
        "isOfflineConnector": connector.is_offline_connector,
        "isBeta": connector.is_beta,
        "dataProvidedBy": connector.data_provided_by,
        "datatypeFeatures": features,
    }


def branding(services: Services, connector: Connector) -> dict[str, Any]:
    logo = logo_url(services, connector.key)

    def image(variant: str) -> dict[str, Any]:
        return {"image": {"src": f"{logo}?variant={variant}", "alt": f"{connector.name} {variant}"}}

    return {
        "logo": {"full": image("full"), "square": image("square")},
        "button": {"default": image("button"), "hover": image("button-hover")},
        "sourceId": str(connector.source_id),
    }


def api_key(row: ApiKeyRow, plain_key: str | None = None) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "name": row.name,
        # Stored hashed: after creation only the last four characters can be shown.
        "apiKey": plain_key if plain_key is not None else f"****{row.key_hint}",
        "createdDate": to_codat(row.created),
    }
