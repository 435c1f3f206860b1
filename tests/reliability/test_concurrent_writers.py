"""Concurrent batches that share activities and agents never deadlock or lose a statement."""

import asyncio
import random

import httpx
from fastapi import FastAPI

from lrs.auth import credentials
from lrs.statements import service
from lrs.xapi.versions import XAPIVersion
from tests.conftest import StoreAccess, new_credential
from tests.factories import statement

WRITERS = 6
BATCHES = 4
SHARED = 100  # activities and agents every batch touches
CROSSED = 3000


def _batch(writer: int, round_: int, rng: random.Random) -> list[dict[str, object]]:
    """Statements naming every shared activity and agent, in an order of their own, each
    changing a definition and a name so that every batch has rows to write and lock."""
    statements = []
    for n in rng.sample(range(SHARED), SHARED):
        tag = f"w{writer}r{round_}"
        statements.append(statement(
            actor={"objectType": "Agent", "name": f"learner {n} {tag}",
                   "mbox": f"mailto:shared{n}@example.com"},
            object={"objectType": "Activity", "id": f"http://example.com/shared/{n}",
                    "definition": {"name": {f"x-{tag}": f"activity {n}"}}},
            context={"contextActivities": {"grouping": [
                {"id": f"http://example.com/shared/{(n + 1) % SHARED}",
                 "definition": {"description": {f"x-{tag}": "grouped"}}}]}},
        ))  # fmt: skip
    return statements


async def _write(app: FastAPI, store: StoreAccess, writer: int) -> list[int]:
    rng = random.Random(writer)  # noqa: S311 (an order, not a secret)
    # A credential each: one credential's writes share a group commit, one at a time
    # (statements/group_commit.py); several write concurrently, as several LMSs would.
    own = await new_credential(app, store.store_id, ["all"])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t/xapi", auth=own.auth,
        headers={"X-Experience-API-Version": "1.0.3"}, timeout=60,
    ) as client:  # fmt: skip
        statuses = []
        for round_ in range(BATCHES):
            response = await client.post("/statements", json=_batch(writer, round_, rng))
            statuses.append(response.status_code)
        return statuses


async def test_overlapping_batches_all_commit(
    app: FastAPI, store: StoreAccess, client: httpx.AsyncClient
) -> None:
    async with asyncio.timeout(120):
        results = await asyncio.gather(*(_write(app, store, w) for w in range(WRITERS)))
    assert all(status == 200 for statuses in results for status in statuses), results
    assert len(await _all_ids(client)) == WRITERS * BATCHES * SHARED
    names = await client.get("/activities", params={"activityId": "http://example.com/shared/0"})
    assert len(names.json()["definition"]["name"]) == WRITERS * BATCHES


async def _all_ids(client: httpx.AsyncClient) -> set[str]:
    ids: set[str] = set()
    page = (await client.get("/statements")).json()
    while True:
        ids |= {s["id"] for s in page["statements"]}
        if not page["more"]:
            return ids
        page = (await client.get(page["more"].removeprefix("/xapi"))).json()


async def test_two_transactions_locking_the_same_rows_in_opposite_orders_both_commit(
    app: FastAPI, store: StoreAccess
) -> None:
    """The service level, where the timing is tight: two sessions store, at the same moment,
    batches naming the same agents and activities in opposite orders. Rows locked in request
    order would deadlock; the service locks them in key order."""
    async with app.state.sessionmaker() as session:
        principal = await credentials.authenticate(session, store.key, store.secret)
    assert principal is not None
    people = [
        statement(
            actor={"name": f"p{n} {side}", "mbox": f"mailto:crossed{n}@example.com"},
            object={
                "id": f"http://example.com/crossed/{n}",
                "definition": {"name": {f"x-{side}": str(n)}},
            },
        )
        for side in ("a", "b")
        for n in range(CROSSED)
    ]
    forward, backward = (
        service.prepare(batch, principal, XAPIVersion.V1, {})
        for batch in (people[:CROSSED], people[CROSSED:][::-1])
    )

    async def store_batch(batch: service.Batch) -> list[str]:
        async with app.state.sessionmaker() as session, session.begin():
            return await service.store(session, principal, batch)

    async with asyncio.timeout(60):
        stored = await asyncio.gather(store_batch(forward), store_batch(backward))
    assert [len(ids) for ids in stored] == [CROSSED, CROSSED]
