"""Integration logos: a badge drawn from each connector's declared branding, so every
integration has a ``logoUrl`` without shipping vendor artwork."""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from starlette.responses import Response

from ledgerport.errors import NotFoundError
from ledgerport.services import Services

router = APIRouter(include_in_schema=False)


@router.get("/logos/{key}.svg")
def logo(key: str, request: Request) -> Response:
    services: Services = request.app.state.services
    connector = services.connectors.get(key)
    if connector is None:
        raise NotFoundError(f"No logo for integration '{key}'.")
    colour = escape(connector.branding.colour)
    initials = escape(connector.branding.initials)
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">'
        f"<title>{escape(connector.name)}</title>"
        f'<rect width="96" height="96" rx="20" fill="{colour}"/>'
        '<text x="48" y="60" font-family="Helvetica,Arial,sans-serif" font-size="36" '
        f'font-weight="700" fill="#fff" text-anchor="middle">{initials}</text></svg>'
    )
    return Response(
        svg, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"}
    )
