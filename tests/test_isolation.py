"""Stores are tenants: a credential of one store never reads, voids, merges into or
overwrites another store's data, whatever the resource or the route to it. (Reading by id,
same statement id in two stores, voiding, document GET/PUT/DELETE, Activities and Agents
are tested next to their resources.)"""

import json

import httpx
import pytest
from fastapi import FastAPI

from lrs.xapi import multipart
from tests.conftest import StoreAccess, new_credential
from tests.documents.support import RESOURCE_IDS, RESOURCES, Resource, etag
from tests.factories import activity, agent, statement, voiding, with_id
from tests.multipart_builder import CONTENT_TYPE, attachment_for, body, part

ALICE = agent("alice")
COURSE = activity("isolated-course")


async def stored(client: httpx.AsyncClient, *statements: dict[str, object]) -> list[str]:
    response = await client.post("/statements", json=list(statements))
    assert response.status_code == 200, response.text
    ids: list[str] = response.json()
    return ids


async def listed_ids(client: httpx.AsyncClient, **params: str) -> set[str]:
    response = await client.get("/statements", params=params)
    assert response.status_code == 200, response.text
    return {s["id"] for s in response.json()["statements"]}


class TestStatementQueries:
    @pytest.mark.parametrize(
        "params",
        [{}, {"agent": json.dumps(ALICE)}, {"activity": COURSE["id"]},
         {"verb": "http://adlnet.gov/expapi/verbs/completed"},
         {"agent": json.dumps(ALICE), "related_agents": "true", "since": "2000-01-01T00:00:00Z"}],
        ids=["all", "agent", "activity", "verb", "related-since"],
    )  # fmt: skip
    async def test_another_stores_statements_never_match(
        self, client: httpx.AsyncClient, other_client: httpx.AsyncClient, params: dict[str, str]
    ) -> None:
        mine = await stored(client, statement(actor=ALICE, object=COURSE))
        theirs = await stored(other_client, statement(actor=ALICE, object=COURSE))
        assert await listed_ids(client, **params) == set(mine)
        assert await listed_ids(other_client, **params) == set(theirs)

    async def test_a_more_link_only_pages_the_callers_store(
        self, client: httpx.AsyncClient, other_client: httpx.AsyncClient
    ) -> None:
        await stored(client, *[statement() for _ in range(3)])
        theirs = await stored(other_client, statement())
        more = (await client.get("/statements", params={"limit": "1"})).json()["more"]
        page = await other_client.get(more.removeprefix("/xapi"))
        assert page.status_code == 200
        assert {s["id"] for s in page.json()["statements"]} <= set(theirs)

    async def test_a_voided_statement_is_not_found_from_another_store(
        self, client: httpx.AsyncClient, other_client: httpx.AsyncClient
    ) -> None:
        target = with_id(statement())
        await stored(client, target)
        await stored(client, voiding(target["id"]))
        response = await other_client.get("/statements", params={"voidedStatementId": target["id"]})
        assert response.status_code == 404

    async def test_another_store_cannot_unvoid_or_replace_by_resending(
        self, client: httpx.AsyncClient, other_client: httpx.AsyncClient
    ) -> None:
        target = with_id(statement())
        await stored(client, target)
        (voider,) = await stored(client, voiding(target["id"]))
        await stored(other_client, {**target, "verb": {"id": "http://example.com/verbs/other"}})
        assert (
            await client.get("/statements", params={"statementId": target["id"]})
        ).status_code == 404
        assert await listed_ids(client) == {voider}


class TestAttachments:
    async def test_an_attachment_is_never_served_to_another_store(
        self, client: httpx.AsyncClient, other_client: httpx.AsyncClient
    ) -> None:
        secret = b"a certificate of store one"
        sent = statement(attachments=[attachment_for(secret)])
        response = await client.post(
            "/statements", content=body(sent, part(secret)), headers={"Content-Type": CONTENT_TYPE}
        )
        assert response.status_code == 200
        claim = statement(attachments=[attachment_for(secret, fileUrl="http://e.com/x")])
        (claim_id,) = await stored(other_client, claim)
        answer = await other_client.get(
            "/statements", params={"statementId": claim_id, "attachments": "true"}
        )
        parts = multipart.parse(answer.content, answer.headers["content-type"])
        assert [p.content_type for p in parts] == ["application/json"]
        assert secret not in answer.content


@pytest.mark.parametrize("resource", RESOURCES, ids=RESOURCE_IDS)
class TestDocuments:
    async def test_a_post_from_another_store_does_not_merge_into_the_document(
        self, client: httpx.AsyncClient, other_client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        await resource.create(client, params, {"mine": 1})
        assert (await resource.send(other_client, "POST", params, {"theirs": 2})).status_code == 204
        assert await resource.content(client, params) == {"mine": 1}
        assert await resource.content(other_client, params) == {"theirs": 2}

    async def test_the_etag_of_another_stores_document_does_not_allow_an_overwrite(
        self, client: httpx.AsyncClient, other_client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        await resource.create(client, params, {"mine": 1})
        tag = etag(b'{"mine":1}')
        response = await resource.send(other_client, "PUT", params, {"x": 1}, {"If-Match": tag})
        assert response.status_code == 412
        assert await resource.content(client, params) == {"mine": 1}


class TestReadMine:
    async def test_queries_and_their_pages_hold_only_what_the_credential_stored(
        self, app: FastAPI, client: httpx.AsyncClient, store: StoreAccess
    ) -> None:
        await stored(client, *[statement(actor=ALICE) for _ in range(2)])
        own = await new_credential(
            app, store.store_id, ["statements/write", "statements/read/mine"]
        )
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t/xapi", auth=own.auth,
            headers={"X-Experience-API-Version": "1.0.3"},
        ) as mine_client:  # fmt: skip
            mine = await stored(mine_client, statement(actor=ALICE), statement(actor=ALICE))
            first = (await mine_client.get("/statements", params={"limit": "1"})).json()
            second = (await mine_client.get(first["more"].removeprefix("/xapi"))).json()
            filtered = await listed_ids(mine_client, agent=json.dumps(ALICE))
        paged = {s["id"] for s in first["statements"] + second["statements"]}
        assert paged == set(mine)
        assert filtered == set(mine)
        assert len(await listed_ids(client)) == 4
