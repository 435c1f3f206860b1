"""The Alternate Request Syntax (xAPI-Communication §1.3): 1.0.3 only."""

import uuid
from urllib.parse import urlencode

import httpx
import orjson
import pytest
from fastapi import FastAPI

from tests.conftest import StoreAccess
from tests.factories import statement

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def form(**fields: str) -> bytes:
    return urlencode(fields).encode()


class TestAlternateSyntax:
    async def test_put_issued_as_a_post_stores_the_statement(
        self, client: httpx.AsyncClient
    ) -> None:
        statement_id = str(uuid.uuid4())
        content = form(statementId=statement_id, content=orjson.dumps(statement()).decode())
        response = await client.post(
            "/statements", params={"method": "PUT"}, content=content, headers=FORM
        )
        assert response.status_code == 204, response.text
        stored = await client.get("/statements", params={"statementId": statement_id})
        assert stored.status_code == 200

    async def test_get_issued_as_a_post_answers_a_statement_result(
        self, client: httpx.AsyncClient
    ) -> None:
        await client.post("/statements", json=statement())
        response = await client.post(
            "/statements", params={"method": "GET"}, content=form(limit="1"), headers=FORM
        )
        assert response.status_code == 200
        assert len(response.json()["statements"]) == 1

    async def test_headers_may_travel_in_the_form(self, app: FastAPI, store: StoreAccess) -> None:
        import base64

        token = base64.b64encode(f"{store.key}:{store.secret}".encode()).decode()
        content = form(statementId=str(uuid.uuid4()), content=orjson.dumps(statement()).decode(),
                       Authorization=f"Basic {token}", **{"X-Experience-API-Version": "1.0.3"})  # fmt: skip
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t"
        ) as bare:
            response = await bare.post(
                "/xapi/statements", params={"method": "PUT"}, content=content, headers=FORM
            )
        assert response.status_code == 204

    @pytest.mark.parametrize(
        ("params", "content", "headers"),
        [
            ({"method": "PUT", "statementId": str(uuid.uuid4())}, form(content="{}"), FORM),
            ({"method": "PUT"}, b"", FORM),
            ({"method": "PUT"}, orjson.dumps({"statementId": "x", "content": "{}"}), FORM),
            ({"method": "PUT"}, form(content="{}"), {"Content-Type": "application/json"}),
            ({"method": "TRACE"}, form(content="{}"), FORM),
            ({"method": "PUT"}, form(content="{}", **{"X-Experience-API-Version": "0.8"}), FORM),
        ],
        ids=["extra query parameter", "no content", "body not form-encoded", "not a form", "bad method",
             "bad version in the form"],
    )  # fmt: skip
    async def test_malformed_alternate_requests_are_400(
        self,
        client: httpx.AsyncClient,
        params: dict[str, str],
        content: bytes,
        headers: dict[str, str],
    ) -> None:
        response = await client.post("/statements", params=params, content=content, headers=headers)
        assert response.status_code == 400

    async def test_method_parameter_on_a_put_is_400(self, client: httpx.AsyncClient) -> None:
        response = await client.put("/statements", params={"method": "POST"}, json=statement())
        assert response.status_code == 400

    async def test_xapi_2_refuses_the_syntax(self, client: httpx.AsyncClient) -> None:
        content = form(statementId=str(uuid.uuid4()), content=orjson.dumps(statement()).decode())
        response = await client.post(
            "/statements", params={"method": "PUT"}, content=content,
            headers={**FORM, "X-Experience-API-Version": "2.0.0"},
        )  # fmt: skip
        assert response.status_code == 400
