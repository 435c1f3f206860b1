"""The rules of storing and fetching statements (xAPI-Communication §2.1, xAPI-Data §2.2-2.3)."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lrs.auth.credentials import Principal
from lrs.exceptions import BadRequest, Conflict, NotFound
from lrs.statements import repository
from lrs.xapi.activities import merge_definitions
from lrs.xapi.index import IndexedStatement, index_statement
from lrs.xapi.primitives import JSONObject
from lrs.xapi.statements import check_statement
from lrs.xapi.versions import XAPIVersion

# Properties the LRS sets itself; two statements that differ only in these are the same.
_LRS_PROPERTIES = ("stored", "authority", "version")


def prepare(
    body: Any, principal: Principal, version: XAPIVersion
) -> list[tuple[IndexedStatement, JSONObject]]:
    """Validate every statement of a request and complete it, before anything is written."""
    batch = body if isinstance(body, list) else [body]
    if not batch:
        raise BadRequest("the request holds no statement")
    prepared, seen = [], set()
    for i, statement in enumerate(batch):
        path = f"statements[{i}]" if isinstance(body, list) else "statement"
        stmt = check_statement(statement, path, version)
        stmt.setdefault("id", str(uuid.uuid4()))
        stmt["authority"] = principal.authority
        stmt.setdefault("version", version.statement_version)
        indexed = index_statement(stmt)
        if indexed.id in seen:
            raise BadRequest(f"id {stmt['id']} appears twice in the batch", field=f"{path}.id")
        seen.add(indexed.id)
        prepared.append((indexed, stmt))
    return prepared


async def store(
    session: AsyncSession, principal: Principal, prepared: list[tuple[IndexedStatement, JSONObject]]
) -> list[str]:
    """Store a validated batch atomically; return the statement ids in request order."""
    store_id = principal.store_id
    await _reject_voiding_of_voiding(session, store_id, prepared)
    inserted = await repository.insert_statements(
        session, store_id, principal.authority_key, prepared
    )
    await _check_duplicates(
        session, store_id, [stmt for row, stmt in prepared if row.id not in inserted]
    )
    new_rows = [row for row, _ in prepared if row.id in inserted]
    await repository.insert_links(session, store_id, [(row, inserted[row.id]) for row in new_rows])
    targets = [row.voids for row in new_rows if row.voids]
    if targets:
        await repository.mark_voided(session, store_id, targets)
    await _record_definitions(session, principal, new_rows)
    return [row.id for row, _ in prepared]


async def _reject_voiding_of_voiding(
    session: AsyncSession, store_id: int, prepared: list[tuple[IndexedStatement, JSONObject]]
) -> None:
    targets = {row.voids for row, _ in prepared if row.voids}
    if not targets:
        return
    voiding_in_batch = {row.id for row, _ in prepared if row.voids}
    stored_voiding = await repository.voiding_statement_ids(session, store_id, sorted(targets))
    if targets & (voiding_in_batch | set(stored_voiding)):
        raise BadRequest("a voiding statement cannot be voided", field="object.id")


async def _check_duplicates(
    session: AsyncSession, store_id: int, existing: list[JSONObject]
) -> None:
    """Statements whose id is already stored must be the same statement (else 409)."""
    if not existing:
        return
    stored = await repository.payloads_by_id(session, store_id, [s["id"].lower() for s in existing])
    for stmt in existing:
        if not _same_statement(stmt, stored[stmt["id"].lower()]):
            raise Conflict(f"a different statement with id {stmt['id']} is already stored")


def _same_statement(new: JSONObject, old: JSONObject) -> bool:
    # A timestamp the LRS filled in for the stored one says nothing about the new one.
    ignored = {*_LRS_PROPERTIES, *(() if "timestamp" in new else ("timestamp",))}
    return _without(new, ignored) == _without(old, ignored)


def _without(stmt: JSONObject, ignored: set[str]) -> JSONObject:
    return {key: value for key, value in stmt.items() if key not in ignored}


async def _record_definitions(
    session: AsyncSession, principal: Principal, rows: list[IndexedStatement]
) -> None:
    """Merge Activity definitions into the canonical ones and remember Agents' names.

    Only a credential with the `define` scope makes definitions canonical (xAPI §4.2).
    """
    store_id = principal.store_id
    people = {key: agent for row in rows for key, agent in row.people.items()}
    if people:
        await repository.upsert_agents(session, store_id, people)
    if not rows or principal.scopes.isdisjoint({"define", "all"}):
        return
    incoming: dict[str, JSONObject] = {}
    for row in rows:
        for activity_id, definition in row.definitions.items():
            incoming[activity_id] = merge_definitions(incoming.get(activity_id, {}), definition)
    if not incoming:
        return
    current = await repository.definitions_for_update(session, store_id, sorted(incoming))
    changed = {}
    for activity_id, definition in incoming.items():
        merged = merge_definitions(current.get(activity_id, {}), definition)
        if merged != current.get(activity_id):
            changed[activity_id] = merged
    if changed:
        await repository.upsert_definitions(session, store_id, changed)


@dataclass(frozen=True, slots=True)
class FoundStatement:
    payload: str
    stored: datetime


async def get_one(
    session: AsyncSession, principal: Principal, statement_id: str, *, voided: bool
) -> FoundStatement:
    """A statement by `statementId` (must not be voided) or `voidedStatementId` (must be)."""
    mine_only = principal.scopes.isdisjoint({"statements/read", "all/read", "all"})
    found = await repository.find_statement(
        session, principal.store_id, statement_id, principal.authority_key if mine_only else None
    )
    if found is None or found[1] != voided:
        raise NotFound(f"no {'voided ' if voided else ''}statement with id {statement_id}")
    return FoundStatement(found[0], found[2])
