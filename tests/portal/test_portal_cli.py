"""``ledgerport user create|list`` and the first-start hint."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ledgerport.cli import main
from ledgerport.config import Settings
from ledgerport.portal import passwords
from ledgerport.services import Services
from ledgerport.storage.migrate import upgrade
from ledgerport.storage.repositories import users
from tests.portal.portal_session import cheap_passwords  # noqa: F401 - autouse fixture


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "LEDGERPORT_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "LEDGERPORT_DATA_DIR": str(tmp_path),
    }


def _stored_hash(env: dict[str, str], email: str) -> str | None:
    upgrade(env["LEDGERPORT_DATABASE_URL"])
    settings = Settings(
        database_url=env["LEDGERPORT_DATABASE_URL"], data_dir=Path(env["LEDGERPORT_DATA_DIR"])
    )
    services = Services.build(settings)
    try:
        with services.sessions() as session:
            row = users.by_email(session, email)
            return row.password_hash if row else None
    finally:
        services.close()


def test_user_create_prompts_twice_and_stores_only_a_hash(env: dict[str, str]) -> None:
    password = "a long enough password"
    result = CliRunner().invoke(
        main,
        ["user", "create", "--email", "Ada@Example.com", "--name", "Ada Lovelace"],
        input=f"{password}\n{password}\n",
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert password not in result.output  # not echoed
    assert "Created portal user ada@example.com (Ada Lovelace)" in result.output
    stored = _stored_hash(env, "ada@example.com")
    assert stored is not None
    assert stored.startswith("$argon2id$")
    assert passwords.verify(stored, password)
    assert not passwords.verify(stored, password + "x")

    listed = CliRunner().invoke(main, ["user", "list"], env=env)
    assert "ada@example.com  Ada Lovelace" in listed.output
    assert "never signed in" in listed.output


def test_user_create_refuses_mismatch_short_passwords_and_duplicates(
    env: dict[str, str],
) -> None:
    runner = CliRunner()
    args = ["user", "create", "--email", "ada@example.com", "--name", "Ada"]
    mismatch = runner.invoke(main, args, input="first password!!\nsecond password!\n", env=env)
    assert mismatch.exit_code != 0
    short = runner.invoke(main, [*args, "--password-stdin"], input="short\n", env=env)
    assert short.exit_code != 0
    assert f"at least {passwords.MIN_LENGTH} characters" in short.output
    assert _stored_hash(env, "ada@example.com") is None

    created = runner.invoke(main, [*args, "--password-stdin"], input="long enough pw!\n", env=env)
    assert created.exit_code == 0, created.output
    again = runner.invoke(main, [*args, "--password-stdin"], input="long enough pw!\n", env=env)
    assert again.exit_code != 0
    assert "already exists" in again.output
    bad = runner.invoke(
        main,
        ["user", "create", "--email", "not-an-email", "--name", "X", "--password-stdin"],
        input="long enough pw!\n",
        env=env,
    )
    assert bad.exit_code != 0
    assert "not an email address" in bad.output
