"""CORS for browser-based activities, and the request size limit."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from lrs.app import create_app
from lrs.config import Settings
from tests.conftest import StoreAccess
from tests.factories import statement


class TestCors:
    async def test_preflight_allows_the_xapi_headers(self, app: FastAPI) -> None:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t"
        ) as c:
            response = await c.options(
                "/xapi/statements",
                headers={"Origin": "http://course.example.com", "Access-Control-Request-Method": "POST",
                         "Access-Control-Request-Headers": "authorization,x-experience-api-version,content-type"},
            )  # fmt: skip
        assert response.status_code == 200
        allowed = response.headers["access-control-allow-headers"].lower()
        assert "x-experience-api-version" in allowed
        assert "authorization" in allowed

    async def test_responses_expose_the_xapi_headers(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/statements", headers={"Origin": "http://course.example.com"})
        exposed = response.headers["access-control-expose-headers"]
        assert "X-Experience-API-Consistent-Through" in exposed
        assert response.headers["access-control-allow-origin"] == "*"


class TestBodyLimit:
    async def test_oversize_body_is_413_and_stores_nothing(
        self, database_url: str, store: StoreAccess
    ) -> None:
        small = create_app(Settings(database_url=database_url, max_request_bytes=2000))
        big = statement(result={"response": "x" * 5000})
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=small), base_url="http://t/xapi", auth=store.auth,
            headers={"X-Experience-API-Version": "1.0.3"},
        ) as client:  # fmt: skip
            response = await client.post("/statements", json=big)
            fine = await client.post("/statements", json=statement())
            listed = await client.get("/statements")
        await small.state.engine.dispose()
        assert response.status_code == 413
        assert fine.status_code == 200
        assert len(listed.json()["statements"]) == 1

    @pytest.mark.parametrize("path", ["/statements", "/statements?method=PUT"])
    async def test_oversize_body_without_content_length_is_413(
        self, database_url: str, store: StoreAccess, path: str
    ) -> None:
        """Sent in chunks, the body is counted as it is read: by a resource, or by the
        alternate request syntax reading its form."""
        small = create_app(Settings(database_url=database_url, max_request_bytes=2000))

        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(10):
                yield b"content=" + b"x" * 500

        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=small), base_url="http://t/xapi", auth=store.auth,
            headers={"X-Experience-API-Version": "1.0.3",
                     "Content-Type": "application/x-www-form-urlencoded"},
        ) as client:  # fmt: skip
            response = await client.post(path, content=chunks())
        await small.state.engine.dispose()
        assert response.status_code == 413, response.text
        assert "larger than 2000 bytes" in response.json()["message"]
