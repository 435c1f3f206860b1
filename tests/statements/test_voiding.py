"""Voiding (xAPI-Data §2.3.2): the target is hidden from statementId and shown by voidedStatementId."""

import httpx

from tests.factories import statement, voiding, with_id


async def post(client: httpx.AsyncClient, body: object) -> httpx.Response:
    return await client.post("/statements", json=body)


class TestVoiding:
    async def test_voided_statement_is_only_found_by_voided_statement_id(
        self, client: httpx.AsyncClient
    ) -> None:
        target = with_id(statement())
        await post(client, target)
        assert (await post(client, voiding(target["id"]))).status_code == 200
        by_id = await client.get("/statements", params={"statementId": target["id"]})
        assert by_id.status_code == 404
        by_voided = await client.get("/statements", params={"voidedStatementId": target["id"]})
        assert by_voided.status_code == 200
        assert by_voided.json()["id"] == target["id"]

    async def test_statement_that_is_not_voided_is_not_found_as_voided(
        self, client: httpx.AsyncClient
    ) -> None:
        target = with_id(statement())
        await post(client, target)
        response = await client.get("/statements", params={"voidedStatementId": target["id"]})
        assert response.status_code == 404

    async def test_the_voiding_statement_itself_stays_visible(
        self, client: httpx.AsyncClient
    ) -> None:
        target = with_id(statement())
        await post(client, target)
        (voiding_id,) = (await post(client, voiding(target["id"]))).json()
        response = await client.get("/statements", params={"statementId": voiding_id})
        assert response.status_code == 200

    async def test_voiding_in_the_same_batch_as_the_target(self, client: httpx.AsyncClient) -> None:
        target = with_id(statement())
        await post(client, [target, voiding(target["id"])])
        response = await client.get("/statements", params={"voidedStatementId": target["id"]})
        assert response.status_code == 200

    async def test_target_arriving_after_its_voiding_statement_is_voided(
        self, client: httpx.AsyncClient
    ) -> None:
        target = with_id(statement())
        await post(client, voiding(target["id"]))
        await post(client, target)
        response = await client.get("/statements", params={"statementId": target["id"]})
        assert response.status_code == 404

    async def test_a_voiding_statement_cannot_be_voided(self, client: httpx.AsyncClient) -> None:
        target = with_id(statement())
        await post(client, target)
        (voiding_id,) = (await post(client, voiding(target["id"]))).json()
        response = await post(client, voiding(voiding_id))
        assert response.status_code == 400
        still_there = await client.get("/statements", params={"statementId": voiding_id})
        assert still_there.status_code == 200

    async def test_voiding_a_statement_of_another_store_has_no_effect(
        self, client: httpx.AsyncClient, other_client: httpx.AsyncClient
    ) -> None:
        target = with_id(statement())
        await post(other_client, target)
        await post(client, voiding(target["id"]))
        response = await other_client.get("/statements", params={"statementId": target["id"]})
        assert response.status_code == 200
