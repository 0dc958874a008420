from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ledgerport.domain import companies, links, tokens
from ledgerport.domain.connections import check_client_transition
from ledgerport.domain.dates import to_codat
from ledgerport.domain.enums import ConnectionStatus
from ledgerport.errors import BadRequestError


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Company (Codat[1])", "Company Codat1"),
        ("  Hairosmith  ", "Hairosmith"),
        ("Smith & Sons, Ltd.", "Smith & Sons, Ltd."),
        ("A\tB\n C", "A B C"),
        ("O'Neil-Ward @ Home?!", "O'Neil-Ward @ Home?!"),
    ],
)
def test_company_names_are_cleaned_like_codat(raw: str, clean: str) -> None:
    assert companies.clean_name(raw) == clean


@pytest.mark.parametrize("raw", ["", "   ", "(((", "é", "x" * 256])
def test_unusable_names_are_refused(raw: str) -> None:
    with pytest.raises(BadRequestError):
        companies.clean_name(raw)


def test_only_unlinking_is_a_client_transition() -> None:
    for current in ConnectionStatus:
        check_client_transition(current, ConnectionStatus.UNLINKED)
        for target in (
            ConnectionStatus.LINKED,
            ConnectionStatus.PENDING_AUTH,
            ConnectionStatus.DEAUTHORIZED,
        ):
            if target is not current:
                with pytest.raises(BadRequestError):
                    check_client_transition(current, target)


def test_connection_token_states() -> None:
    secret, nonce, now = b"s", tokens.new_nonce(), datetime.now(UTC)
    url = links.connection_link_url("http://x", secret, "c1", "x1", nonce)
    token = url.split("otp=")[1]

    def state(candidate: str, **kw: object) -> str:
        args = {"issued_at": now, "used_at": None, "ttl": timedelta(days=1), "now": now} | kw
        return links.connection_token_state(secret, "x1", nonce, candidate, **args)  # type: ignore[arg-type]

    assert state(token) == "valid"
    assert state(token + "a") == "invalid"
    assert state(token, used_at=now) == "used"
    assert state(token, now=now + timedelta(days=2)) == "expired"
    assert (
        links.connection_token_state(
            secret, "x2", nonce, token, issued_at=now, used_at=None, ttl=timedelta(days=1), now=now
        )
        == "invalid"
    )


def test_signed_claims_expire_and_resist_tampering() -> None:
    now = datetime.now(UTC)
    token = tokens.sign_claims(b"k", {"sub": "c", "exp": int(now.timestamp()) + 60})
    assert tokens.verify_claims(b"k", token, now) == {"sub": "c", "exp": int(now.timestamp()) + 60}
    assert tokens.verify_claims(b"other", token, now) is None
    assert tokens.verify_claims(b"k", token, now + timedelta(minutes=2)) is None
    assert tokens.verify_claims(b"k", "garbage", now) is None


def test_codat_timestamps() -> None:
    assert (
        to_codat(datetime(2022, 9, 1, 10, 21, 57, 80744, tzinfo=UTC))
        == "2022-09-01T10:21:57.080744Z"
    )
    assert to_codat(None) is None
