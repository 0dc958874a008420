"""Rows to Codat-shaped dicts. One function per resource, shared by every route that
returns it (a company embeds its connections)."""

from __future__ import annotations

from typing import Any

from ledgerport.connectors.spec import Connector
from ledgerport.domain.dates import to_codat
from ledgerport.domain.enums import DataType, FeatureType, SourceType
from ledgerport.domain.links import company_link_url, connection_link_url
from ledgerport.services import Services
from ledgerport.storage.tables import ApiKeyRow, CompanyRow, ConnectionRow


def connection(services: Services, row: ConnectionRow) -> dict[str, Any]:
    connector = services.connectors.get(row.platform_key)
    company_id, connection_id = str(row.company_id), str(row.id)
    return {
        "id": connection_id,
        "integrationId": str(connector.integration_id) if connector else connection_id,
        "integrationKey": row.platform_key,
        "sourceId": str(connector.source_id) if connector else connection_id,
        "sourceType": connector.source_type if connector else SourceType.UNKNOWN,
        "platformName": connector.name if connector else row.platform_key,
        "linkUrl": connection_link_url(
            services.settings.public_base_url,
            services.secret,
            company_id,
            connection_id,
            row.link_nonce,
        ),
        "status": row.status,
        "lastSync": to_codat(row.last_sync),
        "created": to_codat(row.created),
        "dataConnectionErrors": row.errors or [],
        "connectionInfo": row.connection_info,
    }


def company(services: Services, row: CompanyRow) -> dict[str, Any]:
    company_id = str(row.id)
    return {
        "id": company_id,
        "name": row.name,
        "description": row.description,
        "redirect": company_link_url(
            services.settings.public_base_url, services.secret, company_id, row.link_nonce
        ),
        "lastSync": to_codat(row.last_sync),
        "created": to_codat(row.created),
        "createdByUserName": row.created_by_user_name,
        "products": list(row.products or []),
        "tags": dict(row.tags or {}),
        "referenceSubsidiaryCompanies": [],
        "dataConnections": [connection(services, c) for c in row.connections],
    }


def logo_url(services: Services, key: str) -> str:
    return f"{services.settings.public_base_url}/logos/{key}.svg"


def integration(services: Services, connector: Connector) -> dict[str, Any]:
    features = []
    for data_type in DataType:
        supported = [
            {"featureType": ft.value, "featureState": connector.feature_state(data_type, ft).value}
            for ft in (FeatureType.GET, FeatureType.POST, FeatureType.PUT, FeatureType.DELETE)
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
