"""Fixtures: a real PostgreSQL (embedded, or LRS_TEST_DATABASE_URL), migrated once per run,
and an HTTP client on the real app. Each test gets a store of its own, so tests commit for
real and still never see each other's data."""

import os
import secrets
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import make_url

from lrs import db
from lrs.app import create_app
from lrs.auth import credentials
from lrs.config import Settings


def _server_url(tmp_root: Path) -> str:
    if url := os.environ.get("LRS_TEST_DATABASE_URL"):
        return url
    return db.start_embedded(tmp_root)


async def recreate_database(url: str, name: str) -> None:
    parsed = make_url(url)
    connection = await asyncpg.connect(
        user=parsed.username, password=parsed.password, host=parsed.query.get("host", parsed.host),
        port=parsed.port, database="postgres",
    )  # fmt: skip
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A fresh database for this test run (one per xdist worker), migrated to head."""
    import asyncio

    with tempfile.TemporaryDirectory(prefix="lrs-test-") as tmp:
        server = _server_url(Path(tmp))
        name = f"lrs_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
        asyncio.run(recreate_database(server, name))
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        db.upgrade(url)
        yield url
        if "LRS_TEST_DATABASE_URL" not in os.environ:
            db.stop_embedded(Path(tmp))  # before its data directory is removed


@pytest.fixture(scope="session")
async def app(database_url: str) -> AsyncIterator[FastAPI]:
    """The app as `lrs serve` builds it; ASGITransport does not run the lifespan, so the
    engine is disposed here."""
    application = create_app(Settings(database_url=database_url))
    yield application
    await application.state.engine.dispose()


@dataclass
class StoreAccess:
    store_id: int
    key: str
    secret: str

    @property
    def auth(self) -> tuple[str, str]:
        return (self.key, self.secret)


async def new_credential(app: FastAPI, store_id: int, scopes: list[str]) -> StoreAccess:
    async with app.state.sessionmaker() as session, session.begin():
        key, secret = await credentials.create_credential(
            session, store_id, scopes, "test", "http://lrs.example.com"
        )
    return StoreAccess(store_id, key, secret)


@pytest.fixture
async def store(app: FastAPI) -> StoreAccess:
    """A store of this test's own, with an all-scopes credential."""
    async with app.state.sessionmaker() as session, session.begin():
        store_id = await credentials.create_store(session, f"test-{secrets.token_hex(8)}")
    return await new_credential(app, store_id, ["all"])


@pytest.fixture
async def client(app: FastAPI, store: StoreAccess) -> AsyncIterator[httpx.AsyncClient]:
    """An xAPI 1.0.3 client authenticated on this test's store."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver/xapi",
        auth=store.auth, headers={"X-Experience-API-Version": "1.0.3"},
    ) as http:  # fmt: skip
        yield http


@pytest.fixture
async def other_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a second store, to show that stores never see each other."""
    async with app.state.sessionmaker() as session, session.begin():
        store_id = await credentials.create_store(session, f"other-{secrets.token_hex(8)}")
    access = await new_credential(app, store_id, ["all"])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver/xapi",
        auth=access.auth, headers={"X-Experience-API-Version": "1.0.3"},
    ) as http:  # fmt: skip
        yield http
