"""`analytics_event` holds exactly the statements that are not voided, with hashes of their
keys, whatever path wrote, voided or deleted them."""

import uuid

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from lrs.operations import retention
from tests.analytics.support import ACT, ADL, key, post, stmt, voiding
from tests.conftest import StoreAccess

_MISMATCHES = text("""
WITH expected AS (
    SELECT seq, timestamp, hashtextextended(verb_id, 0) AS verb_h,
           hashtextextended(actor_key, 0) AS actor_h, object_kind,
           hashtextextended(object_key, 0) AS object_h,
           hashtextextended(payload #>> '{context,contextActivities,parent,0,id}', 0) AS parent_h,
           hashtextextended(payload #>> '{context,contextActivities,grouping,0,id}', 0)
               AS grouping_h,
           registration, duration_ms, score_scaled,
           CASE WHEN jsonb_typeof(payload #> '{result,score,raw}') = 'number'
                 AND jsonb_typeof(payload #> '{result,score,min}') = 'number'
                 AND jsonb_typeof(payload #> '{result,score,max}') = 'number'
                 AND (payload #>> '{result,score,max}')::float8
                     > (payload #>> '{result,score,min}')::float8
                THEN ((payload #>> '{result,score,raw}')::float8
                      - (payload #>> '{result,score,min}')::float8)
                     / ((payload #>> '{result,score,max}')::float8
                        - (payload #>> '{result,score,min}')::float8)
           END AS score_rescaled, success, completion,
           payload #> '{context,extensions}' AS extensions
    FROM statement WHERE store_id = :store_id AND NOT voided
), found AS (
    SELECT seq, timestamp, verb_h, actor_h, object_kind, object_h, parent_h, grouping_h,
           registration, duration_ms, score_scaled, score_rescaled, success, completion,
           extensions
    FROM analytics_event WHERE store_id = :store_id
)
SELECT count(*) FROM ((TABLE expected EXCEPT ALL TABLE found)
                      UNION ALL (TABLE found EXCEPT ALL TABLE expected)) AS d
""")


async def _state(app: FastAPI, store: StoreAccess) -> tuple[int, int]:
    """(events, rows that differ from the statements' projection)."""
    async with app.state.sessionmaker() as session:
        binds = {"store_id": store.store_id}
        events = await session.scalar(
            text("SELECT count(*) FROM analytics_event WHERE store_id = :store_id"), binds
        )
        return int(events or 0), int(await session.scalar(_MISMATCHES, binds) or 0)


def _rich(who: str, slug: str) -> dict[str, object]:
    return stmt(who, ADL + "completed", slug, "2025-03-01T10:00:00Z",
                result={"completion": True, "success": True, "duration": "PT90S",
                        "score": {"scaled": 0.5, "raw": 30, "min": 10, "max": 50}},
                context={"registration": str(uuid.uuid5(uuid.NAMESPACE_URL, who + slug)),
                         "extensions": {"https://example.com/extensions/team": who},
                         "contextActivities": {"parent": [{"id": ACT + "course"}],
                                               "grouping": [{"id": ACT + "program"}]}})  # fmt: skip


async def test_events_follow_writes_voiding_and_deletion(
    app: FastAPI, client: httpx.AsyncClient, store: StoreAccess
) -> None:
    first, second, _ = await post(client, _rich("ann", "m1"), _rich("bob", "m2"),
                                  stmt("cy", ADL + "launched", "m3", "2025-03-02T10:00:00Z"))  # fmt: skip
    assert await _state(app, store) == (3, 0)
    async with app.state.sessionmaker() as session:
        rescaled = await session.scalars(text(
            "SELECT score_rescaled FROM analytics_event WHERE store_id = :store_id ORDER BY seq"
        ), {"store_id": store.store_id})  # fmt: skip
        assert list(rescaled) == [0.5, 0.5, None]
    # A repeated statement is no new event; PUT writes one like POST.
    await post(client, {**_rich("ann", "m1"), "id": first})
    put = await client.put("/statements", params={"statementId": str(uuid.uuid4())},
                           json=stmt("dee", ADL + "passed", "m4", "2025-03-03T10:00:00Z"))  # fmt: skip
    assert put.status_code == 204
    assert await _state(app, store) == (4, 0)
    # Voiding: of a stored statement, and of one that arrives after its voiding statement;
    # the voiding statements themselves stay.
    late = str(uuid.uuid4())
    await post(client, voiding(second), voiding(late))
    await post(client, {**stmt("eve", ADL + "launched", "m5", "2025-03-04T10:00:00Z"), "id": late})
    assert await _state(app, store) == (5, 0)
    # A batch refused as a whole writes no event.
    refused = await client.post("/statements", json=[_rich("fay", "m6"), {"verb": {}}])
    assert refused.status_code == 400
    assert await _state(app, store) == (5, 0)
    # Erasure deletes events with their statements.
    erased = await retention.erase(app.state.sessionmaker, store.store_id, [key("ann")])
    assert erased.statements == 1
    assert await _state(app, store) == (4, 0)
