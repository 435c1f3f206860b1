"""Group commit: concurrent writes of one credential share one transaction.

A transaction costs its round trips (begin, clock, insert, links, commit) and a WAL flush
whatever it holds, and for a one-statement POST that cost is most of the request. So, per
credential and worker, one transaction runs at a time; the writes that arrive meanwhile
(already validated) wait, and the next transaction stores all of them. Idle, a write goes
alone at once: grouping adds no delay, it only uses the time a write would wait anyway.

Each request keeps its all-or-nothing answer: when a shared transaction fails (a 409, a
voiding rule, a database error), it is rolled back and each of its writes is stored again in a
transaction of its own, so one request's error is never another's.
"""

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lrs.auth.credentials import Principal
from lrs.statements import repository, service

# A group grows to this many statements at most: sharing a commit is for small writes (a
# batch of thousands already amortises its own), and one transaction stays a bounded size.
GROUP_STATEMENTS = 1000


@dataclass(frozen=True, slots=True)
class Stored:
    """What a write's request answers: its ids in order and the consistent-through bound."""

    ids: list[str]
    consistent_through: datetime


@dataclass(eq=False)
class _Write:
    batch: service.Batch
    outcome: asyncio.Future[Stored] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


@dataclass
class _Lane:
    """The writes of one credential: the transaction that runs, and the writes that wait."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiting: list[_Write] = field(default_factory=list)


class GroupCommit:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        self._lanes: dict[str, _Lane] = {}

    async def store(self, principal: Principal, batch: service.Batch) -> Stored:
        """Store a validated batch atomically, in a transaction shared with the writes of the
        same credential that wait at the same time."""
        lane = self._lanes.setdefault(principal.key, _Lane())
        write = _Write(batch)
        lane.waiting.append(write)
        async with lane.lock:
            # Each round stores the first write that waits, so this one's turn comes. Shielded:
            # a cancelled request must not leave the writes of its group without an answer.
            while write in lane.waiting:
                await asyncio.shield(self._commit(principal, _take_group(lane)))
        if not lane.waiting and not lane.lock.locked():
            self._lanes.pop(principal.key, None)
        return await write.outcome

    async def _commit(self, principal: Principal, group: list[_Write]) -> None:
        try:
            results = await self._transaction(principal, [w.batch for w in group])
        except Exception as error:
            if len(group) == 1:
                group[0].outcome.set_exception(error)
                return
            for write in group:  # alone, each gets its own answer
                await self._commit(principal, [write])
            return
        for write, result in zip(group, results, strict=True):
            write.outcome.set_result(result)

    async def _transaction(
        self, principal: Principal, batches: list[service.Batch]
    ) -> list[Stored]:
        merged = service.Batch(
            [row for batch in batches for row in batch.statements],
            {sha2: part for batch in batches for sha2, part in batch.parts.items()},
        )
        async with self._sessionmaker() as session, session.begin():
            ids = await service.store(session, principal, merged)
            _, through = await repository.clock(session)
        results, start = [], 0
        for batch in batches:
            end = start + len(batch.statements)
            results.append(Stored(ids[start:end], through))
            start = end
        return results


def _take_group(lane: _Lane) -> list[_Write]:
    """The waiting writes that can share a transaction: in arrival order, the first always,
    then others while the group stays within GROUP_STATEMENTS and names no id twice (a
    statement stored twice in one transaction would get its link rows twice); the rest wait
    for the next transaction."""
    group: list[_Write] = []
    ids: set[str] = set()
    for write in lane.waiting:
        mine = {row.id for row, _ in write.batch.statements}
        if not group or (ids.isdisjoint(mine) and len(ids) + len(mine) <= GROUP_STATEMENTS):
            group.append(write)
            ids |= mine
    lane.waiting = [w for w in lane.waiting if w not in group]
    return group
