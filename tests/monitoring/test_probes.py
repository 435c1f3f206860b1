"""/healthz, /readyz and /metrics: outside /xapi, no credentials, no version header."""

import asyncio

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import make_url

from lrs import db
from lrs.app import create_app
from lrs.config import Settings
from tests.conftest import recreate_database
from tests.factories import statement


@pytest.fixture
async def plain(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


class TestHealth:
    async def test_healthz_answers_ok_without_credentials(self, plain: httpx.AsyncClient) -> None:
        response = await plain.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
        assert "X-Experience-API-Version" not in response.headers

    async def test_readyz_says_ready_when_migrations_are_current(
        self, plain: httpx.AsyncClient
    ) -> None:
        response = await plain.get("/readyz")
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "ready"

    @pytest.mark.parametrize("revision", [None, "0004"])
    async def test_readyz_is_503_until_migrations_are_current(
        self, database_url: str, revision: str | None
    ) -> None:
        url = make_url(database_url)
        name = f"{url.database}_readyz"
        await recreate_database(database_url, name)
        behind = url.set(database=name).render_as_string(hide_password=False)
        if revision is not None:
            await asyncio.to_thread(db.upgrade, behind, revision)
        app = create_app(Settings(database_url=behind))
        try:
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://t"
            ) as plain:
                response = await plain.get("/readyz")
        finally:
            await app.state.engine.dispose()
        assert response.status_code == 503
        assert response.json()["reason"].startswith(
            f"migrations at {[revision] if revision else []}"
        )


class TestMetrics:
    async def test_counts_requests_by_route_and_statements_stored(
        self, plain: httpx.AsyncClient, client: httpx.AsyncClient
    ) -> None:
        before = await plain.get("/metrics")
        await client.post("/statements", json=[statement(), statement(), statement()])
        await client.get("/statements")
        after = (await plain.get("/metrics")).text
        assert before.headers["content-type"].startswith("text/plain")
        assert _value(after, "lrs_statements_stored_total") - _value(
            before.text, "lrs_statements_stored_total"
        ) == pytest.approx(3)
        assert 'route="/xapi/statements"' in after
        assert "lrs_http_request_duration_seconds_bucket" in after

    async def test_unknown_paths_share_one_label(self, plain: httpx.AsyncClient) -> None:
        await plain.get("/no/such/path/12345")
        text = (await plain.get("/metrics")).text
        assert "/no/such/path" not in text
        assert 'route="unmatched"' in text


def _value(exposition: str, name: str) -> float:
    for line in exposition.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return 0.0
