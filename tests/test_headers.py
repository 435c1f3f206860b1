"""X-Experience-API-Version on requests and responses (xAPI-Communication §3.3), and About."""

import httpx
import pytest
from fastapi import FastAPI

from lrs.app import create_app
from lrs.config import Settings
from tests.conftest import StoreAccess
from tests.factories import statement


class TestVersionHeader:
    async def test_missing_version_is_400_and_the_answer_carries_a_version(
        self, app: FastAPI, store: StoreAccess
    ) -> None:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t/xapi", auth=store.auth
        ) as client:
            response = await client.post("/statements", json=statement())
        assert response.status_code == 400
        assert response.json()["field"] == "X-Experience-API-Version"
        assert response.headers["X-Experience-API-Version"] == "2.0.0"

    @pytest.mark.parametrize("version", ["0.95", "1.1.0", "3.0.0", "banana", "1.0.3.1"])
    async def test_unsupported_version_is_400(
        self, client: httpx.AsyncClient, version: str
    ) -> None:
        response = await client.post(
            "/statements", json=statement(), headers={"X-Experience-API-Version": version}
        )
        assert response.status_code == 400

    @pytest.mark.parametrize(
        ("sent", "answered"),
        [("1.0", "1.0.3"), ("1.0.1", "1.0.3"), ("1.0.3", "1.0.3"), ("2.0.0", "2.0.0")],
    )
    async def test_response_names_the_latest_patch_of_the_requested_line(
        self, client: httpx.AsyncClient, sent: str, answered: str
    ) -> None:
        response = await client.post(
            "/statements", json=statement(), headers={"X-Experience-API-Version": sent}
        )
        assert response.status_code == 200
        assert response.headers["X-Experience-API-Version"] == answered

    async def test_errors_carry_the_version_too(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/statements", json={"bad": 1})
        assert response.status_code == 400
        assert response.headers["X-Experience-API-Version"] == "1.0.3"


class TestAbout:
    async def test_about_needs_neither_credentials_nor_version(self, app: FastAPI) -> None:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t"
        ) as c:
            response = await c.get("/xapi/about")
        assert response.status_code == 200
        assert {"1.0.3", "2.0.0"} <= set(response.json()["version"])
        assert "X-Experience-API-Version" in response.headers


class TestEnabledVersions:
    async def test_a_deployment_of_one_line_answers_in_that_line(
        self, database_url: str, store: StoreAccess
    ) -> None:
        app = create_app(Settings(database_url=database_url, xapi_versions="1.0.3"))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t/xapi", auth=store.auth
        ) as client:
            missing = await client.get("/statements")
            refused = await client.get("/statements", headers={"X-Experience-API-Version": "2.0.0"})
            about = await client.get("/about")
        await app.state.engine.dispose()
        assert missing.status_code == 400
        assert missing.headers["X-Experience-API-Version"] == "1.0.3"
        assert refused.status_code == 400
        assert about.json()["version"] == ["1.0.0", "1.0.1", "1.0.2", "1.0.3"]
