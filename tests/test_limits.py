"""Configurable limits: statements per batch, page size, document size (LRS_MAX_*)."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from lrs.app import create_app
from lrs.config import Settings
from tests.conftest import StoreAccess
from tests.documents.support import RESOURCE_IDS, RESOURCES, Resource
from tests.factories import statement


@pytest.fixture
async def small(database_url: str) -> AsyncIterator[FastAPI]:
    """An LRS with tiny limits."""
    app = create_app(
        Settings(database_url=database_url, max_batch_statements=3, max_query_limit=2,
                 max_document_bytes=100)
    )  # fmt: skip
    yield app
    await app.state.engine.dispose()


@pytest.fixture
async def client(small: FastAPI, store: StoreAccess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=small), base_url="http://t/xapi", auth=store.auth,
        headers={"X-Experience-API-Version": "1.0.3"},
    ) as http:  # fmt: skip
        yield http


class TestBatchSize:
    async def test_a_batch_over_the_limit_is_413_and_stores_nothing(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post("/statements", json=[statement() for _ in range(4)])
        assert response.status_code == 413
        assert response.json()["field"] == "statements"
        assert (await client.get("/statements")).json()["statements"] == []

    async def test_a_batch_at_the_limit_is_stored(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/statements", json=[statement() for _ in range(3)])
        assert response.status_code == 200
        assert len(response.json()) == 3


class TestQueryLimit:
    async def test_pages_hold_at_most_the_configured_number(
        self, client: httpx.AsyncClient
    ) -> None:
        await client.post("/statements", json=[statement() for _ in range(3)])
        for limit in ("0", "1000"):
            page = (await client.get("/statements", params={"limit": limit})).json()
            assert len(page["statements"]) == 2
            assert page["more"]
        assert (
            len((await client.get("/statements", params={"limit": "1"})).json()["statements"]) == 1
        )


class TestDocumentSize:
    @pytest.mark.parametrize("resource", RESOURCES, ids=RESOURCE_IDS)
    async def test_a_document_over_the_limit_is_413_and_not_stored(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        big = await resource.send(
            client, "PUT", params, (b"x" * 101, "text/plain"), {"If-None-Match": "*"}
        )
        posted = await resource.send(client, "POST", params, {"k": "x" * 100})
        assert big.status_code == 413
        assert posted.status_code == 413
        assert (await client.get(resource.path, params=params)).status_code == 404
        fits = await resource.send(
            client, "PUT", params, (b"x" * 100, "text/plain"), {"If-None-Match": "*"}
        )
        assert fits.status_code == 204
