"""Strict parameters (xAPI-Communication §3.2: unknown or malformed parameters are 400) and
the scopes that guard the document resources (§4.2)."""

import json

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import StoreAccess, new_credential
from tests.documents.support import ACTIVITY_PROFILE, AGENT_PROFILE, STATE, Resource

# (resource, method, parameter that must be present)
REQUIRED = [
    (STATE, method, name)
    for method in ("GET", "PUT", "POST", "DELETE")
    for name in ("activityId", "agent")
] + [
    (STATE, "PUT", "stateId"),
    (STATE, "POST", "stateId"),
    *[(ACTIVITY_PROFILE, m, "activityId") for m in ("GET", "PUT", "POST", "DELETE")],
    *[(ACTIVITY_PROFILE, m, "profileId") for m in ("PUT", "POST", "DELETE")],
    *[(AGENT_PROFILE, m, "agent") for m in ("GET", "PUT", "POST", "DELETE")],
    *[(AGENT_PROFILE, m, "profileId") for m in ("PUT", "POST", "DELETE")],
]


def _id(case: tuple[Resource, str, str]) -> str:
    return f"{case[0].path}-{case[1]}-{case[2]}"


async def send(
    client: httpx.AsyncClient, resource: Resource, method: str, params: dict[str, str]
) -> httpx.Response:
    body = {"a": 1} if method in ("PUT", "POST") else None
    return await resource.send(client, method, params, body, {"If-None-Match": "*"})


def assert_rejected(response: httpx.Response, field: str) -> None:
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field


class TestRequiredParameters:
    @pytest.mark.parametrize("case", REQUIRED, ids=[_id(c) for c in REQUIRED])
    async def test_a_missing_required_parameter_is_400_naming_it(
        self, client: httpx.AsyncClient, case: tuple[Resource, str, str]
    ) -> None:
        resource, method, name = case
        params = {k: v for k, v in resource.one().items() if k != name}
        assert_rejected(await send(client, resource, method, params), name)


class TestMalformedParameters:
    @pytest.mark.parametrize(
        "agent",
        [
            "not json",
            '{"objectType": "Agent", "mbox": "mailto:x@example.com"',
            "true",
            '{"objectType": "Agent", "name": "no identifier"}',
            '{"mbox": "alice@example.com"}',
            '{"mbox": "mailto:a@example.com", "openid": "http://example.com/a"}',
            '{"mbox": "mailto:a@example.com", "extra": 1}',
        ],
    )
    @pytest.mark.parametrize("resource", [STATE, AGENT_PROFILE], ids=["state", "agent-profile"])
    async def test_an_agent_that_is_not_a_valid_agent_is_400(
        self, client: httpx.AsyncClient, resource: Resource, agent: str
    ) -> None:
        response = await client.get(resource.path, params={**resource.one(), "agent": agent})
        assert response.status_code == 400
        assert response.json()["field"].startswith("agent")

    @pytest.mark.parametrize("method", ["GET", "PUT", "POST", "DELETE"])
    async def test_a_registration_that_is_not_a_uuid_is_400(
        self, client: httpx.AsyncClient, method: str
    ) -> None:
        params = STATE.one(registration="not-a-uuid")
        assert_rejected(await send(client, STATE, method, params), "registration")

    @pytest.mark.parametrize(
        "resource", [STATE, ACTIVITY_PROFILE], ids=["state", "activity-profile"]
    )
    async def test_an_activity_id_that_is_not_an_iri_is_400(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = {**resource.one(), "activityId": "not an iri"}
        assert_rejected(await send(client, resource, "PUT", params), "activityId")

    @pytest.mark.parametrize("since", ["not a timestamp", "2026-13-01T00:00:00Z", "yesterday"])
    async def test_a_since_that_is_not_a_timestamp_is_400(
        self, client: httpx.AsyncClient, resource: Resource, since: str
    ) -> None:
        response = await client.get(resource.path, params={**resource.owner, "since": since})
        assert_rejected(response, "since")

    async def test_an_unknown_parameter_is_400_naming_it(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = {**resource.one(), "color": "blue"}
        assert_rejected(await send(client, resource, "GET", params), "color")

    async def test_a_parameter_in_the_wrong_case_is_400(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = {**resource.one(), resource.id_name.lower(): "x"}
        params.pop(resource.id_name)
        assert (await send(client, resource, "PUT", params)).status_code == 400

    async def test_since_is_not_a_parameter_of_delete(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = {**resource.one(), "since": "2026-01-01T00:00:00Z"}
        assert_rejected(await send(client, resource, "DELETE", params), "since")

    async def test_a_repeated_parameter_is_400(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = httpx.QueryParams(resource.one()).add(resource.id_name, "twice")
        response = await client.get(resource.path, params=params)
        assert_rejected(response, resource.id_name)


async def client_with(app: FastAPI, store: StoreAccess, scopes: list[str]) -> httpx.AsyncClient:
    access = await new_credential(app, store.store_id, scopes)
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver/xapi",
        auth=access.auth, headers={"X-Experience-API-Version": "1.0.3"},
    )  # fmt: skip


class TestScopes:
    @pytest.mark.parametrize(
        ("scopes", "resource", "method", "status"),
        [
            (["state"], STATE, "PUT", 204),
            (["state"], STATE, "GET", 200),
            (["state"], ACTIVITY_PROFILE, "GET", 403),
            (["profile"], AGENT_PROFILE, "PUT", 204),
            (["profile"], ACTIVITY_PROFILE, "GET", 200),
            (["profile"], STATE, "GET", 403),
            (["all/read"], STATE, "GET", 200),
            (["all/read"], STATE, "PUT", 403),
            (["all/read"], AGENT_PROFILE, "DELETE", 403),
            (["statements/read"], STATE, "GET", 403),
            (["statements/write"], ACTIVITY_PROFILE, "POST", 403),
        ],
    )
    async def test_each_scope_grants_only_its_resources(
        self,
        app: FastAPI,
        store: StoreAccess,
        scopes: list[str],
        resource: Resource,
        method: str,
        status: int,
    ) -> None:
        params = resource.one() if method != "GET" else resource.owner
        async with await client_with(app, store, scopes) as client:
            assert (await send(client, resource, method, params)).status_code == status

    async def test_requests_without_credentials_are_401(self, app: FastAPI) -> None:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver/xapi",
            headers={"X-Experience-API-Version": "1.0.3"},
        ) as anonymous:  # fmt: skip
            response = await anonymous.get(STATE.path, params=STATE.owner)
        assert response.status_code == 401
        assert json.loads(response.content)["status"] == 401
