"""A database that goes away: requests fail fast with a 503 JSON error, and the service
recovers by itself when the database is back."""

import time

import httpx

from lrs.app import create_app
from lrs.config import Settings
from tests.conftest import StoreAccess
from tests.db_proxy import proxied
from tests.factories import statement

V1 = {"X-Experience-API-Version": "1.0.3"}


async def test_database_outage_is_503_then_recovers(database_url: str, store: StoreAccess) -> None:
    async with proxied(database_url) as proxy:
        app = create_app(Settings(database_url=proxy.url, db_connect_timeout=2))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t", auth=store.auth,
            headers=V1,
        ) as client:  # fmt: skip
            assert (await client.post("/xapi/statements", json=statement())).status_code == 200
            await proxy.cut()
            started = time.monotonic()
            down = [
                await client.post("/xapi/statements", json=statement()),
                await client.get("/xapi/statements"),
                await client.get("/xapi/activities/state", params={"activityId": "http://a.b/c",
                                 "agent": '{"mbox": "mailto:a@b.c"}', "stateId": "s"}),
                await client.get("/readyz"),
            ]  # fmt: skip
            elapsed = time.monotonic() - started
            await proxy.start()  # the same port: the database is back
            back = await client.post("/xapi/statements", json=statement())
            listed = await client.get("/xapi/statements")
            metrics = (await client.get("/metrics")).text
        await app.state.engine.dispose()
    assert [r.status_code for r in down] == [503, 503, 503, 503]
    assert down[0].json() == {
        "error": True, "status": 503, "message": "the database is unavailable; retry later",
    }  # fmt: skip
    assert down[0].headers["Retry-After"] == "5"
    assert elapsed < 10
    assert back.status_code == 200, back.text
    assert len(listed.json()["statements"]) == 2
    # The outage shows on /metrics as 5xx answers by route (the app's own registry).
    assert 'lrs_http_errors_total{route="/xapi/statements",status="503"} 2.0' in metrics
