"""The Settings area's tabs."""

from __future__ import annotations

TABS = (
    ("data-types", "Data type settings", "/settings/data-types"),
    ("api-keys", "API keys", "/settings/api-keys"),
    ("integrations", "Integrations", "/settings/integrations"),
)


def tabs(current: str) -> list[dict[str, str]]:
    return [
        {"key": key, "label": label, "href": href, "current": "page" if key == current else ""}
        for key, label, href in TABS
    ]
