"""HTTP Basic authentication and xAPI scopes (xAPI-Communication §4)."""

import base64
import hmac

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from lrs.auth import credentials
from tests.conftest import StoreAccess, new_credential
from tests.factories import statement, with_id

V = {"X-Experience-API-Version": "1.0.3"}


def http(app: FastAPI, auth: tuple[str, str] | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver/xapi",
        auth=auth,
        headers=V,
    )


class TestAuthentication:
    async def test_missing_credentials_are_401_with_a_challenge(self, app: FastAPI) -> None:
        async with http(app) as client:
            response = await client.get("/statements", params={"statementId": "x"})
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Basic")

    @pytest.mark.parametrize(
        "header",
        ["Basic", "Basic !!!", "Bearer abc", "Basic " + base64.b64encode(b"nocolon").decode()],
    )
    async def test_malformed_authorization_is_401(self, app: FastAPI, header: str) -> None:
        async with http(app) as client:
            response = await client.post(
                "/statements", json=statement(), headers={"Authorization": header}
            )
        assert response.status_code == 401

    async def test_wrong_secret_is_401(self, app: FastAPI, store: StoreAccess) -> None:
        async with http(app, (store.key, store.secret + "x")) as client:
            assert (await client.post("/statements", json=statement())).status_code == 401

    async def test_revoked_key_stops_working_at_once(
        self, app: FastAPI, store: StoreAccess
    ) -> None:
        async with http(app, store.auth) as client:
            assert (await client.post("/statements", json=statement())).status_code == 200
            async with app.state.sessionmaker() as session, session.begin():
                assert await credentials.revoke_credential(session, store.key)
            assert (await client.post("/statements", json=statement())).status_code == 401

    async def test_secrets_are_stored_hashed(self, app: FastAPI, store: StoreAccess) -> None:
        async with app.state.sessionmaker() as session:
            rows = await credentials.list_credentials(session, store.store_id)
            query = text("SELECT secret_hash FROM credential WHERE key = :k")
            stored = (await session.execute(query, {"k": store.key})).scalar_one()
        assert store.secret not in str(rows)
        assert stored == credentials.hash_secret(store.secret) != store.secret

    async def test_secrets_are_compared_in_constant_time(
        self, app: FastAPI, store: StoreAccess, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        compared: list[tuple[str, str]] = []
        original = hmac.compare_digest

        def spy(a: str, b: str) -> bool:
            compared.append((a, b))
            return original(a, b)

        monkeypatch.setattr(hmac, "compare_digest", spy)
        async with http(app, (store.key, store.secret + "x")) as client:
            assert (await client.post("/statements", json=statement())).status_code == 401
        assert compared == [(credentials.hash_secret(store.secret),
                             credentials.hash_secret(store.secret + "x"))]  # fmt: skip


class TestScopes:
    @pytest.mark.parametrize(
        ("scopes", "write", "read"),
        [
            (["statements/write"], 200, 403),
            (["statements/read"], 403, 200),
            (["all/read"], 403, 200),
            (["all"], 200, 200),
            (["state", "profile", "define"], 403, 403),
        ],
    )
    async def test_statement_access_follows_scopes(
        self, app: FastAPI, store: StoreAccess, scopes: list[str], write: int, read: int
    ) -> None:
        stored = with_id(statement())
        async with http(app, store.auth) as admin:
            await admin.post("/statements", json=stored)
        limited = await new_credential(app, store.store_id, scopes)
        async with http(app, limited.auth) as client:
            assert (await client.post("/statements", json=statement())).status_code == write
            response = await client.get("/statements", params={"statementId": stored["id"]})
            assert response.status_code == read

    async def test_read_mine_sees_only_what_the_same_credential_stored(
        self, app: FastAPI, store: StoreAccess
    ) -> None:
        theirs, mine = with_id(statement()), with_id(statement())
        async with http(app, store.auth) as admin:
            await admin.post("/statements", json=theirs)
        own = await new_credential(
            app, store.store_id, ["statements/write", "statements/read/mine"]
        )
        async with http(app, own.auth) as client:
            await client.post("/statements", json=mine)
            found = await client.get("/statements", params={"statementId": mine["id"]})
            hidden = await client.get("/statements", params={"statementId": theirs["id"]})
        assert found.status_code == 200
        assert hidden.status_code == 404


class TestStoreIsolation:
    async def test_a_store_cannot_read_another_stores_statement(
        self, client: httpx.AsyncClient, other_client: httpx.AsyncClient
    ) -> None:
        stored = with_id(statement())
        await client.post("/statements", json=stored)
        response = await other_client.get("/statements", params={"statementId": stored["id"]})
        assert response.status_code == 404

    async def test_the_same_id_may_exist_in_two_stores(
        self, client: httpx.AsyncClient, other_client: httpx.AsyncClient
    ) -> None:
        stored = with_id(statement())
        await client.post("/statements", json=stored)
        different = {**stored, "verb": {"id": "http://example.com/verbs/other"}}
        assert (await other_client.post("/statements", json=different)).status_code == 200
        mine = await client.get("/statements", params={"statementId": stored["id"]})
        assert mine.json()["verb"] == stored["verb"]
