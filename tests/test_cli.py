from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ledgerport.cli import main
from ledgerport.config import Settings
from ledgerport.services import Services
from ledgerport.storage.repositories import api_keys


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "LEDGERPORT_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "LEDGERPORT_DATA_DIR": str(tmp_path),
    }


def test_apikey_create_list_revoke(env: dict[str, str]) -> None:
    runner = CliRunner()
    created = runner.invoke(main, ["apikey", "create", "--name", "ci"], env=env)
    assert created.exit_code == 0, created.output
    key = created.output.strip().splitlines()[-1]
    assert len(key) == 40

    settings = Settings(
        database_url=env["LEDGERPORT_DATABASE_URL"], data_dir=Path(env["LEDGERPORT_DATA_DIR"])
    )
    services = Services.build(settings)
    try:
        with services.sessions() as session:
            row = api_keys.find_by_key(session, key)
            assert row is not None
            assert row.name == "ci"
    finally:
        services.close()

    listed = runner.invoke(main, ["apikey", "list"], env=env)
    assert f"****{key[-4:]}" in listed.output
    assert key not in listed.output

    revoked = runner.invoke(main, ["apikey", "revoke", str(row.id)], env=env)
    assert revoked.exit_code == 0, revoked.output
    assert "No API keys." in runner.invoke(main, ["apikey", "list"], env=env).output
    again = runner.invoke(main, ["apikey", "revoke", str(row.id)], env=env)
    assert again.exit_code != 0
    assert "No API key with id" in again.output
    assert runner.invoke(main, ["apikey", "revoke", "nope"], env=env).exit_code != 0


def test_migrate(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["migrate"], env=env)
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    first = settings.secret()
    assert (tmp_path / "secret.key").stat().st_mode & 0o077 == 0
    assert Settings(data_dir=tmp_path).secret() == first


def test_simulate_lists_the_platforms_it_can_stand_in_for() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["simulate", "--help"])
    assert result.exit_code == 0, result.output
    assert "xero" in result.output
    refused = runner.invoke(main, ["simulate", "netsuite"])
    assert refused.exit_code != 0
    assert "netsuite" in refused.output
