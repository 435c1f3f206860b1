"""The Activities resource (xAPI-Communication §2.5; xAPI 2.0 §4.1.6.4)."""

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import StoreAccess, new_credential
from tests.factories import statement

ID = "http://example.com/activities/meeting"


def defined(**definition: object) -> dict[str, object]:
    return {"objectType": "Activity", "id": ID, "definition": definition}


async def save(client: httpx.AsyncClient, *objects: dict[str, object]) -> None:
    response = await client.post("/statements", json=[statement(object=o) for o in objects])
    assert response.status_code == 200, response.text


class TestGet:
    async def test_a_defined_activity_is_returned_with_its_definition(
        self, client: httpx.AsyncClient
    ) -> None:
        activity = defined(name={"en-US": "meeting"}, type="http://example.com/types/meeting")
        await save(client, activity)
        response = await client.get("/activities", params={"activityId": ID})
        assert response.status_code == 200
        assert response.json() == activity

    async def test_definitions_from_several_statements_are_merged(
        self, client: httpx.AsyncClient
    ) -> None:
        await save(client, defined(name={"en-US": "meeting"}), defined(name={"fr-FR": "réunion"}))
        response = await client.get("/activities", params={"activityId": ID})
        assert response.json()["definition"]["name"] == {"en-US": "meeting", "fr-FR": "réunion"}

    async def test_an_unknown_activity_is_still_returned_with_its_id(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/activities", params={"activityId": ID + "/never-seen"})
        assert response.status_code == 200
        assert response.json() == {"objectType": "Activity", "id": ID + "/never-seen"}

    async def test_an_activity_used_without_a_definition_has_none(
        self, client: httpx.AsyncClient
    ) -> None:
        await save(client, {"objectType": "Activity", "id": ID})
        response = await client.get("/activities", params={"activityId": ID})
        assert response.json() == {"objectType": "Activity", "id": ID}

    async def test_head_answers_without_a_body(self, client: httpx.AsyncClient) -> None:
        response = await client.head("/activities", params={"activityId": ID})
        assert (response.status_code, response.content) == (200, b"")
        assert response.headers["Content-Type"] == "application/json"


class TestParameters:
    async def test_activity_id_is_required(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/activities")
        assert response.status_code == 400
        assert response.json()["field"] == "activityId"

    @pytest.mark.parametrize("value", ["", "not an iri", "true"])
    async def test_an_activity_id_that_is_not_an_iri_is_400(
        self, client: httpx.AsyncClient, value: str
    ) -> None:
        response = await client.get("/activities", params={"activityId": value})
        assert response.status_code == 400
        assert response.json()["field"] == "activityId"

    async def test_an_unknown_parameter_is_400(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/activities", params={"activityId": ID, "since": "x"})
        assert response.status_code == 400
        assert response.json()["field"] == "since"


class TestAccess:
    async def test_another_store_does_not_see_the_definition(
        self, client: httpx.AsyncClient, other_client: httpx.AsyncClient
    ) -> None:
        await save(client, defined(name={"en-US": "meeting"}))
        response = await other_client.get("/activities", params={"activityId": ID})
        assert response.json() == {"objectType": "Activity", "id": ID}

    async def test_a_credential_that_only_writes_statements_is_403(
        self, app: FastAPI, store: StoreAccess
    ) -> None:
        access = await new_credential(app, store.store_id, ["statements/write"])
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver/xapi",
            auth=access.auth, headers={"X-Experience-API-Version": "1.0.3"},
        ) as writer:  # fmt: skip
            response = await writer.get("/activities", params={"activityId": ID})
        assert response.status_code == 403
