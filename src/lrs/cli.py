"""The `lrs` command: serve the LRS and administer its database, stores and credentials."""

import asyncio
import json
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import typer
import uvicorn
from sqlalchemy.ext.asyncio import AsyncSession

from lrs import db
from lrs.app import openapi_spec
from lrs.auth import credentials
from lrs.auth.scopes import SCOPES
from lrs.config import Settings
from lrs.operations import commands as operations

app = typer.Typer(help=__doc__, no_args_is_help=True)
db_app = typer.Typer(help="Apply or roll back database migrations.", no_args_is_help=True)
stores_app = typer.Typer(help="Stores: tenants, each an LRS of its own.", no_args_is_help=True)
credentials_app = typer.Typer(help="HTTP Basic credentials and their scopes.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(stores_app, name="stores")
app.add_typer(credentials_app, name="credentials")
operations.register(app)  # import, export, purge, agents erase

DEFAULT_STORE = "default"
T = TypeVar("T")


def _run(url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one committed transaction."""

    async def main() -> T:
        engine = db.create_engine(url, pool_size=1)
        try:
            async with db.sessionmaker(engine)() as session, session.begin():
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(main())


async def _bootstrap(session: AsyncSession, home_page: str) -> tuple[str, str] | None:
    """On first start: the default store and a demo credential with every scope."""
    if await credentials.find_store(session, DEFAULT_STORE) is not None:
        return None
    store_id = await credentials.create_store(session, DEFAULT_STORE)
    return await credentials.create_credential(session, store_id, ["all"], "demo", home_page)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="TCP port.")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Start the LRS: migrate the database, then serve HTTP."""
    settings = Settings()
    url = db.server_url(settings)
    db.upgrade(url)
    created = _run(url, lambda session: _bootstrap(session, settings.authority_home_page))
    if created:
        typer.echo(f"Created store '{DEFAULT_STORE}' with a demo credential (scope: all):")
        typer.echo(f"  key:    {created[0]}\n  secret: {created[1]}")
    os.environ["LRS_DATABASE_URL"] = url  # the workers connect to the same server
    # uvicorn re-raises SIGTERM after its graceful shutdown; exiting through SystemExit
    # instead lets the embedded server's exit hook stop PostgreSQL too.
    signal.signal(signal.SIGTERM, lambda signum, _: sys.exit(128 + signum))
    bind_host, bind_port = host or settings.host, port or settings.port
    typer.echo(f"xAPI endpoint: http://{bind_host}:{bind_port}/xapi")
    uvicorn.run(
        "lrs.app:create_app",
        factory=True,
        host=bind_host,
        port=bind_port,
        workers=workers,
        log_level="warning",
        log_config=None,  # uvicorn's own lines go through the app's structured logging
    )


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations up to REVISION."""
    db.upgrade(db.server_url(Settings()), revision)


@db_app.command("downgrade")
def db_downgrade(revision: str) -> None:
    """Roll migrations back to REVISION (`base` removes every table)."""
    db.downgrade(db.server_url(Settings()), revision)


@db_app.command("check")
def db_check() -> None:
    """Fail when the models hold changes that no migration makes (run after upgrade)."""
    db.check(db.server_url(Settings()))


@app.command()
def openapi() -> None:
    """Print the OpenAPI document of the HTTP API."""
    typer.echo(json.dumps(openapi_spec(), indent=2, sort_keys=True))


@stores_app.command("create")
def stores_create(name: str) -> None:
    """Create a store."""
    store_id = _run(db.command_url(Settings()), lambda s: credentials.create_store(s, name))
    typer.echo(f"store {name} created (id {store_id})")


@stores_app.command("list")
def stores_list() -> None:
    """List stores with their number of active credentials."""
    _echo_rows(_run(db.command_url(Settings()), credentials.list_stores))


@credentials_app.command("create")
def credentials_create(
    store: Annotated[str, typer.Option(help="Store name.")] = DEFAULT_STORE,
    scope: Annotated[
        list[str] | None, typer.Option(help=f"Repeatable: {', '.join(SCOPES)}.")
    ] = None,
    label: Annotated[str, typer.Option(help="Who or what uses it.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print {key, secret} as JSON.")] = False,
) -> None:
    """Create a credential; its secret is shown once."""
    settings = Settings()

    async def create(session: AsyncSession) -> tuple[str, str]:
        store_id = await credentials.find_store(session, store)
        if store_id is None:
            raise typer.BadParameter(f"no store named {store!r}", param_hint="--store")
        return await credentials.create_credential(
            session, store_id, scope or ["all"], label, settings.authority_home_page
        )

    try:
        key, secret = _run(db.command_url(settings), create)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--scope") from None
    if as_json:
        typer.echo(json.dumps({"key": key, "secret": secret}))
    else:
        typer.echo(f"key:    {key}\nsecret: {secret}")


@credentials_app.command("list")
def credentials_list(store: Annotated[str | None, typer.Option(help="Store name.")] = None) -> None:
    """List credentials (never their secrets)."""

    async def rows(session: AsyncSession) -> list[dict[str, Any]]:
        store_id = await credentials.find_store(session, store) if store else None
        if store and store_id is None:
            raise typer.BadParameter(f"no store named {store!r}", param_hint="--store")
        return await credentials.list_credentials(session, store_id)

    _echo_rows(_run(db.command_url(Settings()), rows))


@credentials_app.command("revoke")
def credentials_revoke(key: str) -> None:
    """Revoke a credential; it stops working at once."""
    if not _run(db.command_url(Settings()), lambda s: credentials.revoke_credential(s, key)):
        raise typer.BadParameter(f"no active credential with key {key!r}", param_hint="KEY")
    typer.echo(f"credential {key} revoked")


def _echo_rows(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        typer.echo("  ".join(f"{name}={value}" for name, value in row.items()))
