"""Request ids and structured logs: one JSON line per request, without secrets or contents."""

import json

import httpx
import pytest
from fastapi import FastAPI

from lrs.monitoring import logs
from tests.conftest import StoreAccess
from tests.factories import statement


def _lines(captured: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in captured.splitlines() if line.startswith("{")]


class TestRequestId:
    async def test_an_incoming_request_id_is_echoed(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/statements", headers={"X-Request-ID": "abc-123"})
        assert response.headers["X-Request-ID"] == "abc-123"

    async def test_a_request_id_is_made_when_none_is_given(self, client: httpx.AsyncClient) -> None:
        first = await client.get("/statements")
        second = await client.get("/statements")
        assert len(first.headers["X-Request-ID"]) == 32
        assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]

    async def test_an_unsafe_request_id_is_replaced(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/statements", headers={"X-Request-ID": 'a b"<script>'})
        assert response.headers["X-Request-ID"] != 'a b"<script>'

    async def test_errors_before_the_app_carry_it_too(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/statements", headers={"X-Experience-API-Version": "9"})
        assert response.status_code == 400
        assert response.headers["X-Request-ID"]


class TestLogLines:
    async def test_each_request_logs_one_json_line_with_its_id_and_no_contents(
        self, client: httpx.AsyncClient, store: StoreAccess, capsys: pytest.CaptureFixture[str]
    ) -> None:
        logs.configure("INFO", "json")
        secret_name = "very-private-learner"
        await client.post(
            "/statements", json=statement(actor={"mbox": f"mailto:{secret_name}@example.com"}),
            headers={"X-Request-ID": "req-42"},
        )  # fmt: skip
        await client.get("/statements", params={"agent": json.dumps({"mbox": "mailto:x@y.z"})})
        captured = capsys.readouterr().err
        finished = [line for line in _lines(captured) if line["event"] == "request_finished"]
        assert finished[0]["request_id"] == "req-42"
        assert finished[0]["status"] == 200
        assert finished[0]["path"] == "/xapi/statements"
        for forbidden in (secret_name, store.secret, "x@y.z", "Authorization"):
            assert forbidden not in captured

    async def test_an_unhandled_error_is_a_json_500_with_the_request_id(
        self, app: FastAPI, capsys: pytest.CaptureFixture[str]
    ) -> None:
        async def broken(scope: object, receive: object, send: object) -> None:
            raise RuntimeError("boom")

        logs.configure("INFO", "json")
        wrapped = logs.RequestLogMiddleware(broken)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=wrapped), base_url="http://t"
        ) as plain:
            response = await plain.get("/x", headers={"X-Request-ID": "r-500"})
        assert response.status_code == 500
        assert response.json()["requestId"] == "r-500"
        failed = [
            line for line in _lines(capsys.readouterr().err) if line["event"] == "request_failed"
        ]
        assert failed[0]["request_id"] == "r-500"
        assert "RuntimeError" in str(failed[0]["exception"])
