"""The Agents resource: a Person per Agent (xAPI-Communication §2.4; xAPI 2.0 §4.1.6.3)."""

import json

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import StoreAccess, new_credential
from tests.factories import agent, statement

ACCOUNT = {"homePage": "http://example.com", "name": "alice-42"}


async def person(client: httpx.AsyncClient, actor: dict[str, object]) -> httpx.Response:
    return await client.get("/agents", params={"agent": json.dumps(actor)})


class TestGet:
    async def test_a_known_agent_is_a_person_with_array_properties(
        self, client: httpx.AsyncClient
    ) -> None:
        await client.post("/statements", json=statement(actor=agent("alice")))
        response = await person(client, {"mbox": "mailto:alice@example.com"})
        assert response.status_code == 200
        assert response.json() == {
            "objectType": "Person",
            "name": ["alice"],
            "mbox": ["mailto:alice@example.com"],
        }

    async def test_the_latest_name_the_store_saw_is_returned(
        self, client: httpx.AsyncClient
    ) -> None:
        for name in ("Alice", "Alice B."):
            actor = {"name": name, "mbox": "mailto:alice@example.com"}
            await client.post("/statements", json=statement(actor=actor))
        response = await person(client, {"name": "ignored", "mbox": "mailto:alice@example.com"})
        assert response.json()["name"] == ["Alice B."]

    async def test_an_account_is_an_array_of_account_objects(
        self, client: httpx.AsyncClient
    ) -> None:
        await client.post("/statements", json=statement(actor={"account": ACCOUNT}))
        response = await person(client, {"objectType": "Agent", "account": ACCOUNT})
        assert response.json() == {"objectType": "Person", "account": [ACCOUNT]}

    async def test_an_unknown_agent_is_a_person_built_from_the_request(
        self, client: httpx.AsyncClient
    ) -> None:
        sha1 = "a" * 40
        response = await person(client, {"name": "Zoe", "mbox_sha1sum": sha1})
        assert response.status_code == 200
        assert response.json() == {"objectType": "Person", "name": ["Zoe"], "mbox_sha1sum": [sha1]}

    async def test_head_answers_without_a_body(self, client: httpx.AsyncClient) -> None:
        response = await client.head("/agents", params={"agent": json.dumps(agent())})
        assert (response.status_code, response.content) == (200, b"")


class TestParameters:
    async def test_agent_is_required(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/agents")
        assert response.status_code == 400
        assert response.json()["field"] == "agent"

    @pytest.mark.parametrize(
        "value",
        [
            "not json",
            "[]",
            '{"objectType": "Agent", "name": "no identifier"}',
            '{"objectType": "Group", "mbox": "mailto:team@example.com"}',
            '{"account": {"homePage": "http://example.com"}}',
        ],
    )
    async def test_an_agent_that_is_not_a_valid_agent_is_400(
        self, client: httpx.AsyncClient, value: str
    ) -> None:
        response = await client.get("/agents", params={"agent": value})
        assert response.status_code == 400
        assert response.json()["field"].startswith("agent")

    async def test_an_unknown_parameter_is_400(self, client: httpx.AsyncClient) -> None:
        params = {"agent": json.dumps(agent()), "Agent": json.dumps(agent())}
        response = await client.get("/agents", params=params)
        assert response.status_code == 400
        assert response.json()["field"] == "Agent"


class TestAccess:
    async def test_another_store_does_not_see_the_name(
        self, client: httpx.AsyncClient, other_client: httpx.AsyncClient
    ) -> None:
        await client.post("/statements", json=statement(actor=agent("alice")))
        response = await person(other_client, {"mbox": "mailto:alice@example.com"})
        assert response.json() == {"objectType": "Person", "mbox": ["mailto:alice@example.com"]}

    async def test_a_credential_without_a_read_scope_is_403(
        self, app: FastAPI, store: StoreAccess
    ) -> None:
        access = await new_credential(app, store.store_id, ["statements/write"])
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver/xapi",
            auth=access.auth, headers={"X-Experience-API-Version": "1.0.3"},
        ) as writer:  # fmt: skip
            response = await writer.get("/agents", params={"agent": json.dumps(agent())})
        assert response.status_code == 403
