"""Analytics read the caller's store only: another store's statements never count."""

import secrets

import httpx
import pytest
from fastapi import FastAPI

from lrs.auth import credentials
from tests.analytics.support import ADL, post, rows, stmt
from tests.conftest import new_credential

WINDOW = {"since": "2025-03-01T00:00:00Z", "until": "2025-04-01T00:00:00Z", "min_n": 1}
ENDPOINTS = ["/kpis/learning-hours", "/kpis/completion-rate", "/friction", "/social/learners"]


async def _other_store(app: FastAPI) -> httpx.AsyncClient:
    async with app.state.sessionmaker() as session, session.begin():
        store_id = await credentials.create_store(session, f"other-{secrets.token_hex(8)}")
    access = await new_credential(app, store_id, ["all"])
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver/analytics",
        auth=access.auth,
    )  # fmt: skip


@pytest.mark.parametrize("path", ENDPOINTS)
async def test_another_stores_statements_never_count(
    app: FastAPI, client: httpx.AsyncClient, analytics: httpx.AsyncClient, path: str
) -> None:
    duration = {"result": {"duration": "PT1H", "completion": True}}
    await post(
        client,
        stmt("alice", ADL + "launched", "a", "2025-03-02T10:00:00Z"),
        stmt("alice", ADL + "completed", "a", "2025-03-03T10:00:00Z", **duration),
        stmt("alice", "http://adlnet.gov/expapi/verbs/shared", "a", "2025-03-04T10:00:00Z"),
    )
    assert await rows(analytics, path, **WINDOW)  # the store that holds them sees them
    async with await _other_store(app) as other:
        assert await rows(other, path, **WINDOW) == []
