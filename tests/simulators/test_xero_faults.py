"""The Xero simulator's fault schedule (``simulators/xero/faults.py``): each fault answers
as documented, for the requests it names and no others, and the simulator is itself
again once the faults are spent. How the pull engine copes: tests/reliability/."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from ledgerport.cli import main
from ledgerport.simulators.xero.faults import Fault, parse_faults

API = "/api.xro/2.0"


def get(client: TestClient, headers: dict[str, str], page: int = 1) -> Any:
    return client.get(f"{API}/Invoices", headers=headers, params={"page": page})


def test_errors_and_429s_are_answered_for_the_path_named(
    app: Any, client: TestClient, headers: dict[str, str]
) -> None:
    app.state.xero.faults.add(
        Fault("Invoices", "error", status=503, count=2), Fault("/Contacts", "429", seconds=7)
    )
    assert client.get(f"{API}/Accounts", headers=headers).status_code == 200  # not named
    for _ in range(2):
        failed = get(client, headers)
        assert failed.status_code == 503
        assert failed.json()["Status"] == 503
    assert get(client, headers).status_code == 200  # spent
    limited = client.get(f"{API}/Contacts", headers=headers)
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "7"
    assert limited.headers["X-Rate-Limit-Problem"] == "minute"
    assert client.get(f"{API}/Contacts", headers=headers).status_code == 200
    assert app.state.xero.faults.injected == {
        "error GET /Invoices": 2,
        "429 GET /Contacts": 1,
    }
    assert app.state.xero.faults.pending() == 0


def test_unauthenticated_requests_do_not_spend_a_fault(
    app: Any, client: TestClient, headers: dict[str, str]
) -> None:
    app.state.xero.faults.add(Fault("Invoices", "error"))
    assert client.get(f"{API}/Invoices").status_code == 401
    assert get(client, headers).status_code == 500


def test_skip_and_method_pick_the_request(
    app: Any, client: TestClient, headers: dict[str, str]
) -> None:
    app.state.xero.faults.add(Fault("Invoices", "error", method="PUT"))
    app.state.xero.faults.add(Fault("Invoices", "error", status=502, skip=2))
    assert [get(client, headers, page).status_code for page in (1, 2, 3, 4)] == [
        200,
        200,
        502,
        200,
    ]
    assert app.state.xero.faults.pending() == 1  # the PUT one waits for a PUT


def test_a_truncated_body_is_a_complete_answer_cut_in_half(
    app: Any, client: TestClient, headers: dict[str, str]
) -> None:
    whole = get(client, headers)
    app.state.xero.faults.add(Fault("Invoices", "truncate"))
    cut = get(client, headers)
    assert cut.status_code == 200
    assert int(cut.headers["content-length"]) == len(cut.content)
    assert abs(len(cut.content) - len(whole.content) // 2) < 200  # Id, DateTimeUTC vary
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut.content)


def test_repeat_serves_the_previous_answer_to_the_path(
    app: Any, client: TestClient, headers: dict[str, str]
) -> None:
    app.state.xero.faults.add(Fault("Invoices", "repeat", count=2))
    first = get(client, headers, 1)  # nothing to repeat yet: served
    second, third = get(client, headers, 2), get(client, headers, 3)
    assert first.json()["pagination"]["page"] == 1
    assert second.content == third.content == first.content
    assert get(client, headers, 2).json()["pagination"]["page"] == 2


def test_a_hang_serves_the_request_and_holds_the_answer(
    app: Any, client: TestClient, headers: dict[str, str]
) -> None:
    faults = app.state.xero.faults
    faults.add(Fault("Invoices", "hang", seconds=0.3))
    started = time.monotonic()
    assert get(client, headers).status_code == 200
    assert time.monotonic() - started >= 0.3

    faults.add(Fault("Invoices", "hang", seconds=60))
    threading.Timer(0.3, faults.release).start()  # a test ending early lets it go
    started = time.monotonic()
    assert get(client, headers).status_code == 200
    assert time.monotonic() - started < 10


def test_the_command_line_syntax() -> None:
    assert parse_faults("Invoices=500*3, PUT /Contacts=hang:60, Invoices=429:30@2") == [
        Fault("/Invoices", "error", count=3, status=500),
        Fault("/Contacts", "hang", seconds=60, method="PUT"),
        Fault("/Invoices", "429", status=429, seconds=30, skip=2),
    ]
    assert parse_faults("Invoices=truncate*2,Invoices=repeat@1")[1].skip == 1
    assert parse_faults("") == []
    for wrong in ("Invoices", "Invoices=404", "Invoices=explode", "Invoices=500*0"):
        with pytest.raises(ValueError, match=r"\S"):
            parse_faults(wrong)


def test_the_command_line_refuses_what_it_cannot_inject() -> None:
    wrong = CliRunner().invoke(main, ["simulate", "xero", "--faults", "Invoices=explode"])
    assert wrong.exit_code == 2
    assert "'Invoices=explode' is not" in wrong.output
    qbo = CliRunner().invoke(main, ["simulate", "qbo", "--faults", "Invoices=500"])
    assert qbo.exit_code == 2
    assert "only the Xero simulator injects faults" in qbo.output
