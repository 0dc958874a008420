"""A real browser for the portal's tests: Playwright driving Debian's chromium (which
`make test` installs; Playwright downloads no browser). Without chromium these tests are
skipped and the run says so; `.ci/run` turns that skip into a failure."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import servers


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not servers.chromium_available():
        servers.skip_unreachable(servers.CHROMIUM_NAME)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=servers.CHROMIUM_PATH,
            # Root in a container has no user namespace for chromium's sandbox.
            args=["--no-sandbox", "--disable-dev-shm-usage"],
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def shots(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where a test saves its screenshots: its own folder under the run's output."""
    name = request.node.name.replace("[", "-").replace("]", "")
    return tmp_path_factory.mktemp(f"screens-{name}", numbered=False)
