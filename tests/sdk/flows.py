"""What the SDK tests do the way a customer would: follow a Link URL, refresh data
types and wait for the pulls, wait for anything else to settle."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
from codat_platform import CodatPlatform
from codat_platform.models import shared


def link(base_url: str, link_url: str) -> None:
    """One click on the hosted Link page, as the company would."""
    parts = urlsplit(link_url)
    with httpx.Client(base_url=base_url) as browser:
        page = browser.get(f"{parts.path}?{parts.query}")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token, page.text
        done = browser.post(
            parts.path, data={"otp": parts.query.removeprefix("otp="), "csrf_token": token[1]}
        )
        assert done.status_code == 200, done.text


def until(done: Callable[[], Any], what: str, seconds: float = 120) -> Any:
    """``done()``'s first truthy answer, polled every 0.1 s; fails after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        result = done()
        if result:
            return result
        assert time.monotonic() < deadline, f"{what} did not finish"
        time.sleep(0.1)


def refresh(codat: CodatPlatform, company_id: str, *data_types: str) -> None:
    """Queue a pull of each data type (at once, so they run side by side) and wait for
    every one to end ``Complete``. Needs job workers running."""
    pulls = [
        codat.refresh_data.by_data_type(request={"company_id": company_id, "data_type": dt})
        for dt in data_types
    ]
    for pull in pulls:

        def finished(pull_id: str = pull.id) -> Any:
            found = codat.refresh_data.get_pull_operation(
                request={"company_id": company_id, "dataset_id": pull_id}
            )
            return found if found.is_completed or found.is_errored else None

        done = until(finished, f"the pull of {pull.data_type}")
        assert done.status == shared.DatasetStatus.COMPLETE, done
