"""Per-store verb sets (METRICS.md §1.7): a store replaces a default set, every signal of that
store then counts with it, a request's own `<set>_verbs` still wins, and DELETE restores the
default. Only the store owner (scope `all`) may change them; other stores are not affected."""

import secrets

import httpx
import pytest
from fastapi import FastAPI

from lrs.auth import credentials
from tests.analytics.support import ADL, post, rows, stmt
from tests.conftest import StoreAccess, new_credential

FINISHED = "https://example.com/verbs/finished"
WINDOW: dict[str, str | int] = {
    "since": "2025-03-01T00:00:00Z",
    "until": "2025-04-01T00:00:00Z",
    "min_n": 1,
}


async def _fixture(client: httpx.AsyncClient) -> None:
    """Three learners registered on `a`; ana completed it, ben and cat sent the store's own
    `finished` verb: 1 completer by default, 2 with `complete` = {finished}, 3 with
    {completed, finished}."""
    await post(
        client,
        *(
            stmt(who, ADL + "registered", "a", "2025-03-01T09:00:00Z")
            for who in ("ana", "ben", "cat")
        ),
        stmt("ana", ADL + "completed", "a", "2025-03-02T09:00:00Z"),
        stmt("ben", FINISHED, "a", "2025-03-03T09:00:00Z"),
        stmt("cat", FINISHED, "a", "2025-03-04T09:00:00Z"),
    )


async def _completers(analytics: httpx.AsyncClient, **extra: str) -> int:
    (row,) = await rows(analytics, "/kpis/completion-rate", **WINDOW, **extra)
    completers: int = row["completers"]
    return completers


async def test_a_store_set_replaces_the_default_until_deleted(
    client: httpx.AsyncClient, analytics: httpx.AsyncClient
) -> None:
    await _fixture(client)
    assert await _completers(analytics) == 1

    put = await analytics.put("/verb-sets/complete", json={"verbs": [FINISHED, FINISHED]})
    assert put.status_code == 200, put.text
    assert put.json() == {"name": "complete", "source": "store", "verbs": [FINISHED]}
    assert await _completers(analytics) == 2
    # The request's own set wins over the store's.
    assert await _completers(analytics, complete_verbs=ADL + "completed") == 1
    put = await analytics.put("/verb-sets/complete", json={"verbs": [FINISHED, ADL + "completed"]})
    assert put.status_code == 200
    assert await _completers(analytics) == 3

    listed = {s["name"]: s for s in (await analytics.get("/verb-sets")).json()}
    assert listed["complete"]["source"] == "store"
    assert listed["complete"]["verbs"] == sorted([FINISHED, ADL + "completed"])
    assert listed["waive"] == {"name": "waive", "source": "default",
                               "verbs": ["https://w3id.org/xapi/adl/verbs/waived"]}  # fmt: skip

    assert (await analytics.delete("/verb-sets/complete")).status_code == 204
    assert await _completers(analytics) == 1
    listed = {s["name"]: s for s in (await analytics.get("/verb-sets")).json()}
    assert listed["complete"]["source"] == "default"


async def test_the_echo_and_hash_show_the_store_sets(
    client: httpx.AsyncClient, analytics: httpx.AsyncClient
) -> None:
    await _fixture(client)
    before = (await analytics.get("/kpis/completion-rate", params=WINDOW)).json()
    assert "store_verb_sets" not in before["params"]
    await analytics.put("/verb-sets/complete", json={"verbs": [FINISHED]})
    after = (await analytics.get("/kpis/completion-rate", params=WINDOW)).json()
    assert after["params"]["store_verb_sets"] == {"complete": [FINISHED]}
    assert after["params_hash"] != before["params_hash"]


async def test_other_stores_keep_their_own_sets(
    app: FastAPI, client: httpx.AsyncClient, analytics: httpx.AsyncClient
) -> None:
    await _fixture(client)
    async with app.state.sessionmaker() as session, session.begin():
        other_id = await credentials.create_store(session, f"other-{secrets.token_hex(8)}")
    other = await new_credential(app, other_id, ["all"])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver/analytics",
        auth=other.auth,
    ) as other_analytics:  # fmt: skip
        assert (
            await other_analytics.put("/verb-sets/complete", json={"verbs": [FINISHED]})
        ).status_code == 200
        listed = {s["name"]: s for s in (await analytics.get("/verb-sets")).json()}
    assert listed["complete"]["source"] == "default"
    assert await _completers(analytics) == 1


async def test_only_the_store_owner_changes_sets(app: FastAPI, store: StoreAccess) -> None:
    reader = await new_credential(app, store.store_id, ["analytics/read"])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver/analytics",
        auth=reader.auth,
    ) as http:  # fmt: skip
        assert (await http.get("/verb-sets")).status_code == 200
        assert (
            await http.put("/verb-sets/complete", json={"verbs": [FINISHED]})
        ).status_code == 403
        assert (await http.delete("/verb-sets/complete")).status_code == 403
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver/analytics"
    ) as anonymous:
        assert (await anonymous.get("/verb-sets")).status_code == 401


@pytest.mark.parametrize(
    ("name", "body", "status", "field"),
    [
        ("complete", {"verbs": ["not an iri"]}, 400, "verbs[0]"),
        ("complete", {"verbs": []}, 400, "verbs"),
        ("complete", {"verbs": [FINISHED], "extra": 1}, 400, "extra"),
        ("complete", {}, 400, "verbs"),
        ("finishing", {"verbs": [FINISHED]}, 404, "name"),
    ],
)
async def test_bad_sets_are_refused_by_field(
    analytics: httpx.AsyncClient, name: str, body: dict[str, object], status: int, field: str
) -> None:
    response = await analytics.put(f"/verb-sets/{name}", json=body)
    assert response.status_code == status, response.text
    assert response.json()["field"] == field
    listed = {s["name"]: s for s in (await analytics.get("/verb-sets")).json()}
    assert listed["complete"]["source"] == "default"
