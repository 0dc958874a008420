"""The hosted Link page in a real browser: the sandbox links with one click, by
keyboard alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ledgerport.app import create_app
from ledgerport.domain.enums import ConnectionStatus
from ledgerport.services import Services
from ledgerport.storage.tables import ConnectionRow
from tests.factories import platform
from tests.live_server import serve


def test_the_sandbox_links_from_the_keyboard(services: Services, page: Any, shots: Path) -> None:
    company = platform.company(services, connections=(("mqjo", ConnectionStatus.PENDING_AUTH),))
    connection = company.connections[0]
    with serve(create_app(services=services)) as url:
        from ledgerport.domain import links

        link_url = links.connection_link_url(
            url, services.secret, str(company.id), str(connection.id), connection.link_nonce
        )
        page.goto(link_url)
        page.screenshot(path=str(shots / "link.png"))
        button = page.get_by_role("button", name="Connect Sandbox")
        button.focus()
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Sandbox connected").wait_for()
        page.screenshot(path=str(shots / "linked.png"))
    with services.sessions() as session:
        row = session.get(ConnectionRow, connection.id)
        assert row is not None
        assert row.status == ConnectionStatus.LINKED.value
