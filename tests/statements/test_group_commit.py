"""Group commit: concurrent writes of one credential share a transaction, and each request
still gets its own all-or-nothing answer."""

import asyncio
import uuid

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from lrs.statements import service
from lrs.statements.group_commit import GROUP_STATEMENTS, _Lane, _take_group, _Write
from lrs.xapi.index import IndexedStatement, index_statement
from tests.factories import activity, statement, with_id
from tests.statements.test_store import get_statement

CONCURRENT = 24


async def _stored(client: httpx.AsyncClient, statement_id: str) -> str:
    return str((await get_statement(client, statement_id))["stored"])


class TestGroupCommit:
    async def test_concurrent_posts_share_transactions_and_keep_their_ids(
        self, client: httpx.AsyncClient
    ) -> None:
        sent = [with_id(statement(object=activity(f"group-{n}"))) for n in range(CONCURRENT)]
        responses = await asyncio.gather(*(client.post("/statements", json=s) for s in sent))
        assert [r.status_code for r in responses] == [200] * CONCURRENT
        assert [r.json() for r in responses] == [[s["id"]] for s in sent]
        stored = await asyncio.gather(*(_stored(client, s["id"]) for s in sent))
        # One transaction, one `stored`: fewer distinct values than writes means they grouped.
        assert len(set(stored)) < CONCURRENT

    async def test_a_conflict_fails_only_its_own_request(self, client: httpx.AsyncClient) -> None:
        taken = with_id(statement())
        assert (await client.post("/statements", json=taken)).status_code == 200
        clash = {**statement(object=activity("other")), "id": taken["id"]}
        batches = [[with_id(statement()), with_id(statement())] for _ in range(CONCURRENT)]
        batches.insert(CONCURRENT // 2, [with_id(statement()), clash])
        responses = await asyncio.gather(*(client.post("/statements", json=b) for b in batches))
        statuses = [r.status_code for r in responses]
        assert statuses.count(409) == 1
        assert statuses[CONCURRENT // 2] == 409
        for batch, response in zip(batches, responses, strict=True):
            found = await client.get("/statements", params={"statementId": batch[0]["id"]})
            assert found.status_code == (404 if response.status_code == 409 else 200)

    async def test_the_same_new_id_twice_at_once_stores_one_statement(
        self, client: httpx.AsyncClient
    ) -> None:
        statement_id = str(uuid.uuid4())
        first = {**statement(object=activity("first")), "id": statement_id}
        second = {**statement(object=activity("second")), "id": statement_id}
        fillers = [with_id(statement()) for _ in range(CONCURRENT)]
        bodies = [*fillers[:3], first, *fillers[3:], second]
        responses = await asyncio.gather(*(client.post("/statements", json=b) for b in bodies))
        statuses = [r.status_code for r in responses]
        assert sorted([statuses[3], statuses[-1]]) == [200, 409]
        assert statuses.count(200) == len(bodies) - 1
        kept = await get_statement(client, statement_id)
        winner = first if statuses[3] == 200 else second
        assert kept["object"]["id"] == winner["object"]["id"]

    async def test_identical_concurrent_statements_all_succeed_stored_once(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        alone, same = with_id(statement()), with_id(statement())
        assert (await client.post("/statements", json=alone)).status_code == 200
        # The first write goes alone; the copies arrive while it commits, so they wait together.
        bodies = [with_id(statement()), *[same] * 6]
        responses = await asyncio.gather(*(client.post("/statements", json=b) for b in bodies))
        assert [r.status_code for r in responses] == [200] * 7
        # Stored once, with the link rows of one statement (not once per request).
        assert await _link_rows(app, same["id"]) == await _link_rows(app, alone["id"])


class TestTakeGroup:
    """Which waiting writes one transaction takes (a pure function of the queue)."""

    def _writes(self, *sizes: int) -> list[_Write]:
        return [_Write(service.Batch([_row() for _ in range(n)], {})) for n in sizes]

    async def test_small_writes_group_up_to_the_bound(self) -> None:
        lane = _Lane(waiting=self._writes(400, 500, 200, 1))
        group = _take_group(lane)
        assert [len(w.batch.statements) for w in group] == [400, 500, 1]
        assert [len(w.batch.statements) for w in lane.waiting] == [200]

    async def test_a_write_over_the_bound_goes_alone(self) -> None:
        lane = _Lane(waiting=self._writes(GROUP_STATEMENTS + 1, 1))
        assert [len(w.batch.statements) for w in _take_group(lane)] == [GROUP_STATEMENTS + 1]
        assert len(lane.waiting) == 1


def _row() -> tuple[IndexedStatement, dict[str, object]]:
    return index_statement(with_id(statement())), {}


async def _link_rows(app: FastAPI, statement_id: str) -> int:
    async with app.state.sessionmaker() as session:
        found = await session.execute(
            text(
                "SELECT (SELECT count(*) FROM statement_agent a WHERE a.seq = s.seq)"
                " + (SELECT count(*) FROM statement_activity a WHERE a.seq = s.seq)"
                " FROM statement s WHERE s.id = CAST(:id AS uuid)"
            ),
            {"id": statement_id},
        )
        return int(found.scalar_one())
