"""The rules of storing and fetching statements (xAPI-Communication §2.1, xAPI-Data §2.2-2.3)."""

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from lrs.auth.credentials import Principal
from lrs.exceptions import BadRequest, Conflict, NotFound
from lrs.statements import attachments, query, repository, search
from lrs.xapi import formats, multipart
from lrs.xapi.activities import merge_definitions
from lrs.xapi.comparison import LRS_PROPERTIES, same_statement
from lrs.xapi.index import IndexedStatement, index_statement
from lrs.xapi.primitives import JSONObject
from lrs.xapi.statements import check_statement
from lrs.xapi.versions import XAPIVersion

# The most statements one page holds, also what `limit=0` means (LRS_MAX_QUERY_LIMIT).
MAX_LIMIT = 1000
# How far up a chain of StatementRefs filter keys are carried.
_MAX_REF_DEPTH = 10


@dataclass(slots=True)
class Batch:
    """The statements of one write request, validated and completed, with their attachments."""

    statements: list[tuple[IndexedStatement, JSONObject]]
    parts: dict[str, multipart.Part]


def prepare(
    body: Any, principal: Principal, version: XAPIVersion, parts: dict[str, multipart.Part]
) -> Batch:
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
    attachments.match_parts([stmt for _, stmt in prepared], parts)
    return Batch(prepared, parts)


async def store(session: AsyncSession, principal: Principal, batch: Batch) -> list[str]:
    """Store a validated batch atomically; return the statement ids in request order."""
    store_id, prepared = principal.store_id, batch.statements
    await _reject_voiding_of_voiding(session, store_id, prepared)
    stored, _ = await repository.clock(session)
    _set_stored(prepared, stored)
    inserted = await repository.insert_statements(
        session, store_id, principal.authority_key, prepared, stored
    )
    await _check_duplicates(session, store_id, [p for p in prepared if p[0].id not in inserted])
    new_rows = [row for row, _ in prepared if row.id in inserted]
    people = {key: agent for row in new_rows for key, agent in row.people.items()}
    referring = await repository.complete_batch(
        session, store_id, [(row, inserted[row.id]) for row in new_rows], people
    )
    await _inherit_target_keys(session, store_id, new_rows, inserted, referring)
    # Only a credential with the `define` scope makes definitions canonical (xAPI §4.2).
    if new_rows and not principal.scopes.isdisjoint({"define", "all"}):
        await _merge_definitions(session, store_id, new_rows)
    if batch.parts:
        contents = [(sha2, part.content_type, part.content) for sha2, part in batch.parts.items()]
        await repository.insert_attachments(session, store_id, contents)
    return [row.id for row, _ in prepared]


def _set_stored(prepared: list[tuple[IndexedStatement, JSONObject]], stored: datetime) -> None:
    """`stored` on every statement, and `timestamp` where the client gave none (§2.4.7-8)."""
    iso = stored.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    for row, stmt in prepared:
        stmt["stored"] = iso
        if row.timestamp is None:
            stmt["timestamp"] = iso


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
    session: AsyncSession, store_id: int, existing: list[tuple[IndexedStatement, JSONObject]]
) -> None:
    """Statements whose id is already stored must be the same statement (else 409)."""
    if not existing:
        return
    stored = await repository.payloads_by_id(session, store_id, [row.id for row, _ in existing])
    for row, stmt in existing:
        # A timestamp the LRS filled in says nothing about either statement.
        ignored = LRS_PROPERTIES if row.timestamp else LRS_PROPERTIES | {"timestamp"}
        if not same_statement(stmt, stored[row.id], ignored):
            raise Conflict(f"a different statement with id {stmt['id']} is already stored")


async def _inherit_target_keys(
    session: AsyncSession,
    store_id: int,
    rows: list[IndexedStatement],
    seqs: dict[str, int],
    referring: list[int],
) -> None:
    """StatementRef statements match the filters their targets match, recursively
    (§2.1.3 "Filter Conditions for StatementRefs"). New ones inherit now; older ones whose
    target just arrived inherit too, and so on up each chain."""
    pending = [seqs[row.id] for row in rows if row.object_kind == "StatementRef"] + referring
    for _ in range(_MAX_REF_DEPTH):
        if not pending:
            return
        changed = await repository.inherit_target_keys(session, store_id, sorted(set(pending)))
        pending = await repository.referrers(session, store_id, changed) if changed else []


async def _merge_definitions(
    session: AsyncSession, store_id: int, rows: list[IndexedStatement]
) -> None:
    """Merge the Activity definitions of new statements into the canonical ones."""
    incoming: dict[str, JSONObject] = {}
    for row in rows:
        for activity_id, definition in row.definitions.items():
            incoming[activity_id] = merge_definitions(incoming.get(activity_id, {}), definition)
    if not incoming:
        return
    # Most statements repeat definitions the LRS already holds: read without locks, and lock
    # (then merge again, from what the lock guarantees is current) only those that change.
    current = await repository.definitions(session, store_id, sorted(incoming))
    stale = sorted(k for k, d in incoming.items() if _changes(current.get(k), d))
    if not stale:
        return
    current = await repository.definitions(session, store_id, stale, for_update=True)
    changed = {
        activity_id: merge_definitions(current.get(activity_id, {}), incoming[activity_id])
        for activity_id in stale
        if _changes(current.get(activity_id), incoming[activity_id])
    }
    if changed:
        await repository.upsert_definitions(session, store_id, changed)


def _changes(held: JSONObject | None, definition: JSONObject) -> bool:
    return merge_definitions(held or {}, definition) != held


@dataclass(frozen=True, slots=True)
class StatementResult:
    """What a GET answers: one statement or a StatementResult, as JSON or, with
    `attachments=true`, as multipart/mixed with the attachment contents."""

    body: bytes
    media_type: str
    last_modified: datetime | None


async def consistent_through(session: AsyncSession) -> datetime:
    _, through = await repository.clock(session)
    return through


async def get(
    session: AsyncSession,
    principal: Principal,
    request: query.Request,
    languages: list[str],
    max_limit: int = MAX_LIMIT,
) -> StatementResult:
    """Answer GET /statements (§2.1.3): one statement by id, or a page of a query."""
    mine = _mine_only(principal)
    store_id = principal.store_id
    if request.statement_id is not None:
        found = await repository.find_statement(session, store_id, request.statement_id, mine)
        if found is None or found[1] != request.voided:
            kind = "voided statement" if request.voided else "statement"
            raise NotFound(f"no {kind} with id {request.statement_id}")
        (body,) = await _render(session, store_id, [found[0]], request.format, languages)
        return await _result(session, store_id, request, body, [found[0]], found[2])
    # The first page fixes the snapshot every later page is cut from.
    q = request.query
    if q.through is None:
        q = dataclasses.replace(q, through=await consistent_through(session))
    assert q.through is not None
    limit = min(q.limit or max_limit, max_limit)
    rows, has_more = await search.select_statements(session, store_id, q, limit, mine)
    more = ""
    if has_more and rows:
        last = rows[-1]
        cursor = query.encode_cursor(
            dataclasses.replace(request, query=q), q.through, last.seq, last.stored
        )
        more = f"/xapi/statements?more={cursor}"
    rendered = await _render(
        session, store_id, [r.payload for r in rows], request.format, languages
    )
    body = '{"statements":[' + ",".join(rendered) + '],"more":' + orjson.dumps(more).decode() + "}"
    payloads = [r.payload for r in rows]
    newest = max((r.stored for r in rows), default=None)
    return await _result(session, store_id, request, body, payloads, newest)


async def _result(
    session: AsyncSession,
    store_id: int,
    request: query.Request,
    body: str,
    payloads: list[str],
    last_modified: datetime | None,
) -> StatementResult:
    if not request.attachments:
        return StatementResult(body.encode(), "application/json", last_modified)
    hashes = attachments.referenced_hashes([orjson.loads(payload) for payload in payloads])
    contents = await repository.attachments_by_hash(session, store_id, hashes) if hashes else []
    content, media_type = multipart.build(body.encode(), contents)
    return StatementResult(content, media_type, last_modified)


def _mine_only(principal: Principal) -> str | None:
    """The authority to restrict reads to, for a credential with only `statements/read/mine`."""
    if principal.scopes.isdisjoint({"statements/read", "all/read", "all"}):
        return principal.authority_key
    return None


async def _render(
    session: AsyncSession, store_id: int, payloads: list[str], fmt: str, languages: list[str]
) -> list[str]:
    """Stored JSON texts in the requested format; `exact` passes them through untouched."""
    if fmt == "exact":
        return payloads
    statements = [orjson.loads(payload) for payload in payloads]
    if fmt == "ids":
        return [orjson.dumps(formats.ids_format(stmt)).decode() for stmt in statements]
    wanted = sorted(set().union(*(formats.activity_ids(stmt) for stmt in statements)))
    canonical = await repository.definitions(session, store_id, wanted) if wanted else {}
    return [
        orjson.dumps(formats.canonical_format(stmt, canonical, languages)).decode()
        for stmt in statements
    ]
