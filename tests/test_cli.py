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


def _services(env: dict[str, str], **extra: object) -> Services:
    settings = Settings(
        database_url=env["LEDGERPORT_DATABASE_URL"],
        data_dir=Path(env["LEDGERPORT_DATA_DIR"]),
        **extra,  # type: ignore[arg-type]
    )
    return Services.build(settings)


def test_integration_set_stores_the_secret_encrypted(env: dict[str, str]) -> None:
    from sqlalchemy import select

    from ledgerport.storage.tables import IntegrationSettingsRow
    from ledgerport.sync.integrations import oauth_app

    runner = CliRunner()
    listed = runner.invoke(main, ["integration", "list"], env=env)
    assert "gbol  Xero: not configured" in listed.output
    done = runner.invoke(
        main,
        ["integration", "set", "gbol", "--client-id", "app-1", "--client-secret", "s3cret-value"],
        env=env,
    )
    assert done.exit_code == 0, done.output
    assert "s3cret-value" not in runner.invoke(main, ["integration", "list"], env=env).output
    refused = runner.invoke(main, ["integration", "set", "mqjo", "--client-id", "x"], env=env)
    assert refused.exit_code != 0

    services = _services(env)
    try:
        with services.sessions() as session:
            stored = session.scalars(select(IntegrationSettingsRow)).one()
            assert stored.client_secret
            assert "s3cret-value" not in stored.client_secret
            app = oauth_app(services, session, services.connectors.get("gbol"))  # type: ignore[arg-type]
        assert app is not None
        assert app.client.client_secret == "s3cret-value"
        assert app.client.redirect_uri.endswith("/link/oauth/callback")
    finally:
        services.close()


def test_rotate_keys_reencrypts_under_the_new_key(env: dict[str, str]) -> None:
    from ledgerport.storage.repositories import integrations
    from ledgerport.storage.vault import Vault

    runner = CliRunner()
    runner.invoke(
        main, ["integration", "set", "gbol", "--client-id", "a", "--client-secret", "old"], env=env
    )
    new_key = runner.invoke(main, ["new-encryption-key"], env=env).output.strip()
    rotated_env = {**env, "LEDGERPORT_ENCRYPTION_KEYS": f'["{new_key}"]'}
    done = runner.invoke(main, ["rotate-keys"], env=rotated_env)
    assert done.exit_code == 0, done.output
    assert "1 client secret(s)" in done.output

    services = _services(env)
    try:
        only_new = Vault([new_key.encode()])  # the old (derived) key is no longer needed
        with services.sessions() as session:
            stored = integrations.get(session, only_new, "gbol")
        assert stored is not None
        assert stored.client_secret == "old"
    finally:
        services.close()
