"""Statements with attachments: multipart/mixed requests and responses (xAPI-Data §2.4.11,
xAPI-Communication §1.5.2)."""

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from lrs.xapi import multipart
from tests.conftest import StoreAccess
from tests.factories import statement, with_id
from tests.multipart_builder import CONTENT_TYPE, attachment_for, body, part

TEXT = b"here is a simple attachment"


async def post_multipart(client: httpx.AsyncClient, content: bytes) -> httpx.Response:
    return await client.post("/statements", content=content, headers={"Content-Type": CONTENT_TYPE})


class TestMultipartRequests:
    async def test_statement_with_its_attachment_is_stored(self, client: httpx.AsyncClient) -> None:
        sent = with_id(statement(attachments=[attachment_for(TEXT)]))
        response = await post_multipart(client, body(sent, part(TEXT)))
        assert response.status_code == 200, response.text
        assert response.json() == [sent["id"]]

    async def test_put_accepts_multipart_too(self, client: httpx.AsyncClient) -> None:
        sent = with_id(statement(attachments=[attachment_for(TEXT)]))
        response = await client.put(
            "/statements", params={"statementId": sent["id"]}, content=body(sent, part(TEXT)),
            headers={"Content-Type": CONTENT_TYPE},
        )  # fmt: skip
        assert response.status_code == 204

    async def test_file_url_attachment_needs_no_part(self, client: httpx.AsyncClient) -> None:
        declared = attachment_for(TEXT, fileUrl="http://example.com/file.txt")
        response = await client.post("/statements", json=statement(attachments=[declared]))
        assert response.status_code == 200

    async def test_json_request_with_an_attachment_without_file_url_is_rejected(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            "/statements", json=statement(attachments=[attachment_for(TEXT)])
        )
        assert response.status_code == 400
        assert response.json()["field"] == "statements[0].attachments[0]"

    @pytest.mark.parametrize(
        ("content", "content_type"),
        [
            (body(statement(attachments=[attachment_for(TEXT)]), part(TEXT)),
             "multipart/form-data; boundary=xapi-test-boundary"),
            (body(statement(attachments=[attachment_for(TEXT)]), part(TEXT)), "multipart/mixed"),
            (b'{"actor": {}}', "text/plain"),
        ],
        ids=["form-data", "no boundary", "text/plain"],
    )  # fmt: skip
    async def test_other_content_types_are_rejected(
        self, client: httpx.AsyncClient, content: bytes, content_type: str
    ) -> None:
        response = await client.post(
            "/statements", content=content, headers={"Content-Type": content_type}
        )
        assert response.status_code == 400
        assert response.json()["field"] == "Content-Type"

    @pytest.mark.parametrize(
        ("make", "reason"),
        [
            (lambda s: body(s), "missing part"),
            (lambda s: body(s, part(TEXT), part(b"extra")), "excess part"),
            (lambda s: body(s, part(TEXT, **{"X-Experience-API-Hash": ""})), "no hash header"),
            (
                lambda s: body(s, part(TEXT, **{"X-Experience-API-Hash": "ab" * 32})),
                "hash mismatch",
            ),
            (
                lambda s: body(s, part(TEXT, **{"Content-Transfer-Encoding": "base64"})),
                "not binary",
            ),
            (lambda s: body(s, part(TEXT), first_type="text/plain"), "first part not JSON"),
            (lambda s: body(s, part(TEXT)).replace(b"--xapi-test-boundary--", b""), "no closing"),
        ],
    )
    async def test_malformed_multipart_is_rejected_and_stores_nothing(
        self, client: httpx.AsyncClient, make: object, reason: str
    ) -> None:
        sent = with_id(statement(attachments=[attachment_for(TEXT)]))
        assert callable(make)
        response = await post_multipart(client, make(sent))
        assert response.status_code == 400, reason
        missing = await client.get("/statements", params={"statementId": sent["id"]})
        assert missing.status_code == 404


class TestMultipartResponses:
    async def test_attachments_true_answers_multipart_with_the_contents(
        self, client: httpx.AsyncClient
    ) -> None:
        sent = with_id(statement(attachments=[attachment_for(TEXT)]))
        await post_multipart(client, body(sent, part(TEXT)))
        response = await client.get(
            "/statements", params={"statementId": sent["id"], "attachments": "true"}
        )
        assert response.headers["content-type"].startswith("multipart/mixed")
        first, attachment = multipart.parse(response.content, response.headers["content-type"])
        assert first.content_type == "application/json"
        assert attachment.content == TEXT
        assert attachment.headers["x-experience-api-hash"] == sent["attachments"][0]["sha2"]

    async def test_query_with_attachments_true_includes_every_attachment_once(
        self, client: httpx.AsyncClient
    ) -> None:
        for _ in range(2):
            posted = await post_multipart(
                client, body(statement(attachments=[attachment_for(TEXT)]), part(TEXT))
            )
            assert posted.status_code == 200, posted.text
        response = await client.get("/statements", params={"attachments": "true"})
        parts = multipart.parse(response.content, response.headers["content-type"])
        assert len(parts) == 2
        assert parts[1].content == TEXT

    async def test_a_content_sent_twice_is_stored_once(
        self, app: FastAPI, client: httpx.AsyncClient, store: StoreAccess
    ) -> None:
        for _ in range(2):
            posted = await post_multipart(
                client, body(statement(attachments=[attachment_for(TEXT)]), part(TEXT))
            )
            assert posted.status_code == 200, posted.text
        async with app.state.sessionmaker() as session:
            stored = await session.scalar(
                text("SELECT count(*) FROM attachment WHERE store_id = :s"), {"s": store.store_id}
            )
        assert stored == 1

    async def test_attachments_false_answers_json(self, client: httpx.AsyncClient) -> None:
        await post_multipart(
            client, body(statement(attachments=[attachment_for(TEXT)]), part(TEXT))
        )
        response = await client.get("/statements", params={"attachments": "false"})
        assert response.headers["content-type"] == "application/json"
