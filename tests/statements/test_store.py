"""Storing statements: POST and PUT, ids, conflicts, atomic batches, LRS-set properties."""

import uuid
from typing import Any

import httpx

from tests.factories import activity, statement, with_id


async def get_statement(client: httpx.AsyncClient, statement_id: str) -> dict[str, Any]:
    response = await client.get("/statements", params={"statementId": statement_id})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


class TestPost:
    async def test_single_statement_answers_its_generated_id(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post("/statements", json=statement())
        assert response.status_code == 200
        (statement_id,) = response.json()
        assert uuid.UUID(statement_id).version == 4

    async def test_batch_answers_ids_in_request_order(self, client: httpx.AsyncClient) -> None:
        given = with_id(statement())
        response = await client.post("/statements", json=[statement(), given, statement()])
        ids = response.json()
        assert len(ids) == 3
        assert ids[1] == given["id"]
        assert len(set(ids)) == 3

    async def test_lrs_sets_stored_timestamp_authority_and_version(
        self, client: httpx.AsyncClient, store: Any
    ) -> None:
        sent = statement(authority={"mbox": "mailto:forged@example.com"})
        (statement_id,) = (await client.post("/statements", json=sent)).json()
        stored = await get_statement(client, statement_id)
        assert stored["id"] == statement_id
        assert stored["timestamp"] == stored["stored"]
        assert stored["stored"].endswith("Z")
        assert stored["authority"]["account"]["name"] == store.key
        assert stored["version"] == "1.0.0"

    async def test_given_timestamp_and_version_are_kept(self, client: httpx.AsyncClient) -> None:
        sent = statement(timestamp="2026-01-02T03:04:05.678+02:00", version="1.0.3")
        (statement_id,) = (await client.post("/statements", json=sent)).json()
        stored = await get_statement(client, statement_id)
        assert stored["timestamp"] == "2026-01-02T03:04:05.678+02:00"
        assert stored["version"] == "1.0.3"

    async def test_version_2_request_stores_version_2(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/statements", json=statement(), headers={"X-Experience-API-Version": "2.0.0"}
        )
        assert (await get_statement(client, response.json()[0]))["version"] == "2.0.0"

    async def test_single_context_activity_is_stored_as_an_array(
        self, client: httpx.AsyncClient
    ) -> None:
        sent = statement(context={"contextActivities": {"parent": activity("module")}})
        (statement_id,) = (await client.post("/statements", json=sent)).json()
        parent = (await get_statement(client, statement_id))["context"]["contextActivities"][
            "parent"
        ]
        assert parent == [activity("module")]

    async def test_same_id_twice_in_a_batch_is_rejected(self, client: httpx.AsyncClient) -> None:
        twin = with_id(statement())
        response = await client.post("/statements", json=[twin, twin])
        assert response.status_code == 400
        assert response.json()["field"] == "statements[1].id"

    async def test_empty_batch_is_rejected(self, client: httpx.AsyncClient) -> None:
        assert (await client.post("/statements", json=[])).status_code == 400

    async def test_body_that_is_not_json_is_rejected(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/statements", content=b"{not json", headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 400
        assert "not valid JSON" in response.json()["message"]

    async def test_unknown_parameter_is_rejected(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/statements", params={"statementID": "x"}, json=statement())
        assert response.status_code == 400
        assert response.json()["field"] == "statementID"


class TestConflicts:
    async def test_same_id_and_content_again_is_a_no_op(self, client: httpx.AsyncClient) -> None:
        sent = with_id(statement())
        first = await client.post("/statements", json=sent)
        again = await client.post("/statements", json=sent)
        assert again.status_code == 200
        assert again.json() == first.json()

    async def test_same_id_other_content_is_409_and_keeps_the_original(
        self, client: httpx.AsyncClient
    ) -> None:
        sent = with_id(statement())
        await client.post("/statements", json=sent)
        other = {**sent, "verb": {"id": "http://example.com/verbs/other"}}
        response = await client.post("/statements", json=other)
        assert response.status_code == 409
        assert (await get_statement(client, sent["id"]))["verb"] == sent["verb"]

    async def test_a_batch_with_one_conflict_stores_nothing(
        self, client: httpx.AsyncClient
    ) -> None:
        sent = with_id(statement())
        await client.post("/statements", json=sent)
        fresh = with_id(statement())
        clash = {**sent, "result": {"success": True}}
        assert (await client.post("/statements", json=[fresh, clash])).status_code == 409
        missing = await client.get("/statements", params={"statementId": fresh["id"]})
        assert missing.status_code == 404

    async def test_durations_differing_below_a_hundredth_are_the_same(
        self, client: httpx.AsyncClient
    ) -> None:
        sent = with_id(statement(result={"duration": "PT1.234S"}))
        await client.post("/statements", json=sent)
        finer = {**sent, "result": {"duration": "PT1.2349S"}}
        coarser = {**sent, "result": {"duration": "PT1.3S"}}
        assert (await client.post("/statements", json=finer)).status_code == 200
        assert (await client.post("/statements", json=coarser)).status_code == 409

    async def test_ids_differing_in_case_are_the_same_statement(
        self, client: httpx.AsyncClient
    ) -> None:
        sent = with_id(statement())
        await client.post("/statements", json=sent)
        upper = {**sent, "id": sent["id"].upper(), "verb": {"id": "http://example.com/verbs/x"}}
        assert (await client.post("/statements", json=upper)).status_code == 409


class TestPut:
    async def test_put_stores_under_the_given_id(self, client: httpx.AsyncClient) -> None:
        statement_id = str(uuid.uuid4())
        response = await client.put(
            "/statements", params={"statementId": statement_id}, json=statement()
        )
        assert response.status_code == 204
        assert (await get_statement(client, statement_id))["id"] == statement_id

    async def test_put_again_with_same_content_is_204(self, client: httpx.AsyncClient) -> None:
        statement_id = str(uuid.uuid4())
        for _ in range(2):
            response = await client.put(
                "/statements", params={"statementId": statement_id}, json=statement()
            )
            assert response.status_code == 204

    async def test_put_with_different_content_returns_409(self, client: httpx.AsyncClient) -> None:
        statement_id = str(uuid.uuid4())
        await client.put("/statements", params={"statementId": statement_id}, json=statement())
        other = statement(verb={"id": "http://example.com/verbs/other"})
        response = await client.put("/statements", params={"statementId": statement_id}, json=other)
        assert response.status_code == 409

    async def test_put_without_statement_id_is_rejected(self, client: httpx.AsyncClient) -> None:
        response = await client.put("/statements", json=statement())
        assert response.status_code == 400
        assert response.json()["field"] == "statementId"

    async def test_put_with_malformed_statement_id_is_rejected(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.put("/statements", params={"statementId": "abc"}, json=statement())
        assert response.json()["field"] == "statementId"

    async def test_put_whose_body_id_differs_is_rejected(self, client: httpx.AsyncClient) -> None:
        body = with_id(statement())
        response = await client.put(
            "/statements", params={"statementId": str(uuid.uuid4())}, json=body
        )
        assert response.status_code == 400
        assert response.json()["field"] == "statement.id"

    async def test_put_of_an_array_is_rejected(self, client: httpx.AsyncClient) -> None:
        response = await client.put(
            "/statements", params={"statementId": str(uuid.uuid4())}, json=[statement()]
        )
        assert response.status_code == 400
