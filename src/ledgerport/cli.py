"""``ledgerport serve | worker | migrate | simulate xero|qbo | apikey create|list|revoke |
user create|list | integration set|list | new-encryption-key | rotate-keys``."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
from sqlalchemy.orm import Session, sessionmaker

from ledgerport.config import Settings
from ledgerport.storage.db import make_engine, make_sessionmaker, transaction
from ledgerport.storage.migrate import upgrade
from ledgerport.storage.repositories import api_keys


def _settings() -> Settings:
    return Settings()


@contextmanager
def _database(settings: Settings) -> Iterator[sessionmaker[Session]]:
    """A migrated database for one command, closed afterwards."""
    upgrade(settings.resolved_database_url)
    engine = make_engine(settings.resolved_database_url)
    try:
        yield make_sessionmaker(engine)
    finally:
        engine.dispose()


@click.group()
def main() -> None:
    """ledgerport: a self-hosted, Codat-compatible accounting data API."""


@main.command()
def migrate() -> None:
    """Apply database migrations up to the latest."""
    settings = _settings()
    upgrade(settings.resolved_database_url)
    click.echo("Database is up to date.")


@main.command()
@click.option("--host", default=None, help="Interface to bind (LEDGERPORT_HOST).")
@click.option("--port", default=None, type=int, help="Port (LEDGERPORT_PORT).")
@click.option("--workers", default=1, show_default=True, type=int)
def serve(host: str | None, port: int | None, workers: int) -> None:
    """Migrate, then serve the API and Link pages. On the first start an API key is
    created and printed, and a sandbox company is created, linked and pulled."""
    import uvicorn

    settings = _settings()
    if host:
        settings.host = host
    if port:
        settings.port = port
    settings.secret()  # created once, before workers fork, so they all share it
    first_key, sandbox = _first_start(settings)
    if first_key:
        click.echo("")
        click.echo("First start: created an API key. It is shown only now; keep it safe.")
        click.echo("Use it as the header  Authorization: Basic <base64 of the key>, e.g.")
        click.echo(
            f'  curl -H "Authorization: Basic $(printf %s {first_key} | base64)" '
            f"{settings.public_base_url}/companies"
        )
        click.echo(f"API key: {first_key}")
    if sandbox:
        click.echo(
            f"Created and linked a sandbox company ({sandbox}); its first pull is "
            "queued and runs as soon as the server is up."
        )
        click.echo("")
    if not _portal_has_users(settings):
        # The command as it was run (`.venv/bin/ledgerport` under `make run`), so the
        # hint can be pasted as it is.
        command = sys.argv[0] if sys.argv[0].endswith("ledgerport") else "ledgerport"
        click.echo(
            "Portal: no users yet. Create yours with\n"
            f"  {command} user create --email you@example.com --name 'Your Name'\n"
            f"then sign in at {settings.public_base_url}/sign-in"
        )
    click.echo(f"ledgerport serving on {settings.public_base_url} (docs at /docs)")
    uvicorn.run(
        "ledgerport.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        log_level="info",
    )


@main.command()
@click.option("--workers", default=None, type=int, help="Worker threads (LEDGERPORT_JOB_WORKERS).")
@click.option(
    "--log-level",
    default="info",
    type=click.Choice(["debug", "info", "warning", "error"]),
    help="What the worker logs (pull progress is info).",
)
def worker(workers: int | None, log_level: str) -> None:
    """Run background jobs from the queue (LEDGERPORT_QUEUE_URL) until stopped."""
    import logging

    from ledgerport.services import Services

    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    from ledgerport.sync.jobs import make_queue, register_tasks, run_worker
    from ledgerport.webhooks.tasks import register as register_webhook_tasks

    settings = _settings()
    upgrade(settings.resolved_database_url)
    services = Services.build(settings)
    try:
        queue = make_queue(settings.queue_url, settings.data_dir, settings.queue_name)
        register_tasks(queue, services)
        register_webhook_tasks(queue, services)
        click.echo(f"ledgerport worker on {settings.queue_url or 'the embedded SQLite queue'}")
        run_worker(queue, workers or settings.job_workers)
    finally:
        services.close()


@main.command()
@click.argument("platform", type=click.Choice(["xero", "qbo"]))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8900, show_default=True, type=int)
@click.option("--seed", default=None, help="Which generated business (default: <platform>-demo).")
@click.option(
    "--size",
    default=None,
    help="The business's size as key=value pairs, e.g. invoices=5000,customers=200.",
)
@click.option(
    "--faults",
    default=None,
    help="Xero only: failures to inject, e.g. 'Invoices=500*3,Invoices=429:30,"
    "PUT Contacts=hang:60,Invoices=truncate,Invoices=repeat@1' (simulators/xero/faults.py).",
)
def simulate(
    platform: str, host: str, port: int, seed: str | None, size: str | None, faults: str | None
) -> None:
    """Serve a local stand-in of a vendor's API (Xero or QuickBooks Online): OAuth,
    reads, writes and rate limits at the vendor's own paths, so a client swaps only the
    host. Point ledgerport at it with `ledgerport integration set <key> --base-url`."""
    import uvicorn

    seed = seed or f"{platform}-demo"
    if faults and platform != "xero":
        raise click.BadParameter("only the Xero simulator injects faults", param_hint="--faults")
    try:
        if platform == "qbo":
            from ledgerport.simulators.qbo import from_cli

            app = from_cli(seed, size)
        else:
            from ledgerport.simulators.xero.app import create_app
            from ledgerport.simulators.xero.faults import parse_faults

            try:
                scheduled = parse_faults(faults or "")
            except ValueError as error:
                raise click.BadParameter(str(error), param_hint="--faults") from error
            app = create_app(seed=seed, size=_size(size), faults=scheduled)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--size") from error
    click.echo(f"{platform} simulator on http://{host}:{port} (company {seed!r})")
    uvicorn.run(app, host=host, port=port, log_level="info")


def _size(text: str | None) -> Any:
    """``invoices=5000,customers=200`` as the sandbox's Size (ValueError if malformed)."""
    from ledgerport.connectors.sandbox.size import Size

    overrides: dict[str, int] = {}
    for pair in (text or "").split(","):
        if not pair.strip():
            continue
        key, _, value = pair.partition("=")
        if not value.strip().isdigit():
            raise ValueError(f"size wants key=number pairs, got {pair!r}")
        overrides[key.strip()] = int(value)
    return Size.from_connection_info({"sandbox": overrides})


def _first_start(settings: Settings) -> tuple[str | None, str | None]:
    """On an empty installation: an API key, and a linked sandbox company whose first
    pulls are queued (the in-process worker, or `ledgerport worker`, runs them)."""
    from ledgerport.services import Services
    from ledgerport.storage.types import utcnow
    from ledgerport.sync import bootstrap, scheduler
    from ledgerport.sync.jobs import make_queue, register_tasks

    upgrade(settings.resolved_database_url)
    services = Services.build(settings)
    try:
        with transaction(services.sessions) as session:
            if api_keys.count(session) > 0:
                return None, None
            key = api_keys.create(session, "default").key
            company = bootstrap.create_sandbox_company(session)
            queued = scheduler.run(session, services, utcnow()).queued
        queue = make_queue(settings.queue_url, settings.data_dir, settings.queue_name)
        tasks = register_tasks(queue, services)
        for pull_id in queued:
            tasks.run_pull(str(pull_id))
        return key, str(company.id)
    finally:
        services.close()


def _portal_has_users(settings: Settings) -> bool:
    from ledgerport.storage.repositories import users

    with _database(settings) as sessions, sessions() as session:
        return users.count(session) > 0


@main.group()
def apikey() -> None:
    """Create, list and revoke API keys."""


@apikey.command("create")
@click.option("--name", default=None, help="A label for the key (max 50 characters).")
def apikey_create(name: str | None) -> None:
    """Create a key; the key alone is printed on the last line."""
    settings = _settings()
    if name is not None and len(name) > 50:
        raise click.BadParameter("at most 50 characters", param_hint="--name")
    with _database(settings) as sessions, transaction(sessions) as session:
        if api_keys.count(session) >= settings.max_api_keys:
            raise click.ClickException(
                f"There are already {settings.max_api_keys} API keys; revoke one first."
            )
        issued = api_keys.create(session, name)
    click.echo(f"Created API key {issued.row.id}. It is shown only now:")
    click.echo(issued.key)


@apikey.command("list")
def apikey_list() -> None:
    """List keys (id, name, created, last four characters)."""
    with _database(_settings()) as sessions, sessions() as session:
        rows = api_keys.list_all(session)
    if not rows:
        click.echo("No API keys.")
    for row in rows:
        click.echo(f"{row.id}  {row.created:%Y-%m-%d %H:%M}  ****{row.key_hint}  {row.name or ''}")


@apikey.command("revoke")
@click.argument("key_id")
def apikey_revoke(key_id: str) -> None:
    """Revoke a key by its id; requests with it fail immediately."""
    try:
        parsed = uuid.UUID(key_id)
    except ValueError:
        raise click.BadParameter("not a key id (see `ledgerport apikey list`)") from None
    with _database(_settings()) as sessions, transaction(sessions) as session:
        if not api_keys.delete_by_id(session, parsed):
            raise click.ClickException(f"No API key with id {key_id}.")
    click.echo(f"Revoked API key {key_id}.")


@main.group()
def user() -> None:
    """Create and list portal users (the people who sign in at /sign-in)."""


@user.command("create")
@click.option("--email", required=True, help="What the user signs in with.")
@click.option("--name", required=True, help="Shown in the portal, e.g. as a company's creator.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of prompting.",
)
def user_create(email: str, name: str, password_stdin: bool) -> None:
    """Create a portal user. The password is prompted for twice, unechoed (never take it
    as an argument: it would land in shell history and the process list)."""
    import sys

    from ledgerport.portal import passwords
    from ledgerport.storage.repositories import users
    from ledgerport.storage.types import utcnow

    email = users.normalize_email(email)
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 320 or any(c.isspace() for c in email):
        raise click.BadParameter("not an email address", param_hint="--email")
    name = name.strip()
    if not name or len(name) > 255:
        raise click.BadParameter("1 to 255 characters", param_hint="--name")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = passwords.problem(password)
    if problem:
        raise click.ClickException(problem)
    hashed = passwords.hash_password(password)
    with _database(_settings()) as sessions, transaction(sessions) as session:
        if users.by_email(session, email) is not None:
            raise click.ClickException(f"A user with email {email} already exists.")
        row = users.create(session, email, name, hashed, utcnow())
    click.echo(f"Created portal user {row.email} ({row.name}). Sign in at /sign-in.")


@user.command("list")
def user_list() -> None:
    """List portal users (email, name, created, last sign-in)."""
    from ledgerport.storage.repositories import users

    with _database(_settings()) as sessions, sessions() as session:
        rows = users.list_all(session)
    if not rows:
        click.echo("No portal users.")
    for row in rows:
        last = f"{row.last_sign_in:%Y-%m-%d %H:%M}" if row.last_sign_in else "never signed in"
        click.echo(f"{row.email}  {row.name}  created {row.created:%Y-%m-%d %H:%M}  {last}")


if __name__ == "__main__":
    main()


@main.group()
def integration() -> None:
    """Set up platforms' OAuth apps (client id and secret, stored encrypted)."""


@integration.command("set")
@click.argument("platform_key")
@click.option("--client-id", default=None, help="The app's client id at the platform.")
@click.option(
    "--client-secret",
    default=None,
    help="The app's client secret (prompted for, unechoed, when given as '-').",
)
@click.option("--redirect-uri", default=None, help="Default: this server's OAuth callback.")
@click.option(
    "--base-url",
    default=None,
    help="Scheme and host replacing the vendor's (a simulator: http://127.0.0.1:8900).",
)
@click.option("--enable/--disable", default=None, help="Whether Link offers the platform.")
def integration_set(
    platform_key: str,
    client_id: str | None,
    client_secret: str | None,
    redirect_uri: str | None,
    base_url: str | None,
    enable: bool | None,
) -> None:
    """Store a platform's OAuth app; fields not given are kept ('' clears one)."""
    from ledgerport.services import Services
    from ledgerport.storage.repositories import integrations
    from ledgerport.storage.types import utcnow

    settings = _settings()
    if client_secret == "-":  # noqa: S105 - the prompt marker, not a secret
        client_secret = click.prompt("Client secret", hide_input=True)
    upgrade(settings.resolved_database_url)
    services = Services.build(settings)
    try:
        connector = services.connectors.get(platform_key)
        if connector is None or connector.auth.kind != "oauth2":
            raise click.BadParameter(
                "not an OAuth platform on this server", param_hint="PLATFORM_KEY"
            )
        with transaction(services.sessions) as session:
            integrations.put(
                session,
                services.vault,
                platform_key,
                utcnow(),
                enabled=enable,
                client_id=client_id,
                client_secret=client_secret,
                redirect_uri=redirect_uri,
                base_url=base_url,
            )
        click.echo(f"{connector.name} ({platform_key}) updated.")
    finally:
        services.close()


@integration.command("list")
def integration_list() -> None:
    """OAuth platforms and whether Link can use them (secrets are never printed)."""
    from ledgerport.services import Services
    from ledgerport.sync.integrations import oauth_app

    settings = _settings()
    upgrade(settings.resolved_database_url)
    services = Services.build(settings)
    try:
        with services.sessions() as session:
            for connector in services.connectors:
                if connector.auth.kind != "oauth2":
                    continue
                app = oauth_app(services, session, connector)
                state = (
                    f"ready (client {app.client.client_id}, {app.urls.authorize_url})"
                    if app
                    else "not configured"
                )
                click.echo(f"{connector.key}  {connector.name}: {state}")
    finally:
        services.close()


@main.command("new-encryption-key")
def new_encryption_key() -> None:
    """Print a new key for LEDGERPORT_ENCRYPTION_KEYS (put it first to rotate)."""
    from ledgerport.storage.vault import new_key

    click.echo(new_key())


@main.command("rotate-keys")
def rotate_keys() -> None:
    """Re-encrypt every stored token and client secret with the first configured key."""
    from ledgerport.services import Services
    from ledgerport.storage.repositories import grants, integrations, webhooks

    settings = _settings()
    upgrade(settings.resolved_database_url)
    services = Services.build(settings)
    try:
        with transaction(services.sessions) as session:
            tokens = grants.rotate_all(session, services.vault)
            secrets = integrations.rotate_all(session, services.vault)
            signing = webhooks.rotate_all(session, services.vault)
        click.echo(
            f"Re-encrypted {tokens} grant(s), {secrets} client secret(s) and {signing} "
            "webhook signing secret(s)."
        )
    finally:
        services.close()
