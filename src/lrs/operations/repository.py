"""SQL of the operators' tools: credential lookup, retention and erasure. Every query is
scoped to one store. Link rows are deleted explicitly (not left to foreign keys), so that the
link tables may drop their keys for ingest speed without leaving orphans here."""

from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# Rows written with a statement and deleted with it.
_DEPENDENT_TABLES = ("statement_agent", "statement_activity", "analytics_event")
# The sha2 of every attachment a statement payload declares.
_HASHES = "(SELECT array_agg(a->>'sha2') FROM jsonb_array_elements(payload->'attachments') a)"


async def credential(session: AsyncSession, key: str) -> dict[str, Any] | None:
    """An active credential by key (its store, scopes and authority), without its secret."""
    row = await session.execute(
        text(
            "SELECT c.id, c.store_id, s.name AS store, c.scopes, c.authority FROM credential c"
            " JOIN store s ON s.id = c.store_id WHERE c.key = :key AND c.revoked_at IS NULL"
        ),
        {"key": key},
    )
    found = row.one_or_none()
    return None if found is None else dict(found._mapping)


async def count_stored_before(session: AsyncSession, store_id: int, until: datetime) -> int:
    found = await session.execute(
        text("SELECT count(*) FROM statement WHERE store_id = :store_id AND stored < :until"),
        {"store_id": store_id, "until": until},
    )
    return int(found.scalar_one())


async def seqs_stored_before(
    session: AsyncSession, store_id: int, until: datetime, limit: int
) -> list[int]:
    rows = await session.execute(
        text(
            "SELECT seq FROM statement WHERE store_id = :store_id AND stored < :until"
            " ORDER BY stored, seq LIMIT :limit"
        ),
        {"store_id": store_id, "until": until, "limit": limit},
    )
    return list(rows.scalars())


async def seqs_naming_agents(session: AsyncSession, store_id: int, keys: list[str]) -> list[int]:
    """Statements in which any of `keys` appears, in any role (actor, object, instructor,
    team, context agent or group, Group member, authority), SubStatements included."""
    rows = await session.execute(
        text(
            "SELECT DISTINCT seq FROM statement_agent WHERE store_id = :store_id"
            " AND agent_key = ANY(CAST(:keys AS text[]))"
            # The authority is not a link row; this scans the store, once per erasure.
            " UNION SELECT seq FROM statement WHERE store_id = :store_id"
            " AND authority_key = ANY(CAST(:keys AS text[]))"
        ),
        {"store_id": store_id, "keys": keys},
    )
    return sorted(rows.scalars())


async def delete_statements(session: AsyncSession, store_id: int, seqs: list[int]) -> list[str]:
    """Delete statements, their link rows and analytics events; answer the attachment hashes
    they declared."""
    params = {"store_id": store_id, "seqs": seqs}
    for table in _DEPENDENT_TABLES:
        await session.execute(
            text(
                f"DELETE FROM {table} WHERE store_id = :store_id"  # noqa: S608 (constants)
                " AND seq = ANY(CAST(:seqs AS bigint[]))"
            ),
            params,
        )
    rows = await session.execute(
        text(
            f"DELETE FROM statement WHERE store_id = :store_id"  # noqa: S608 (a constant)
            f" AND seq = ANY(CAST(:seqs AS bigint[])) RETURNING {_HASHES} AS hashes"
        ),
        params,
    )
    return sorted({sha2 for hashes in rows.scalars() if hashes for sha2 in hashes})


async def delete_orphan_attachments(session: AsyncSession, store_id: int, hashes: list[str]) -> int:
    """Delete those of `hashes` that no remaining statement of the store declares."""
    if not hashes:
        return 0
    deleted = await session.execute(
        text(
            "DELETE FROM attachment a WHERE a.store_id = :store_id"
            " AND a.sha2 = ANY(CAST(:hashes AS text[])) AND NOT EXISTS ("
            " SELECT 1 FROM statement s WHERE s.store_id = :store_id"
            " AND s.payload->'attachments'"
            " @> jsonb_build_array(jsonb_build_object('sha2', a.sha2)))"
            " RETURNING a.sha2"
        ),
        {"store_id": store_id, "hashes": hashes},
    )
    return len(deleted.all())


async def forget_agents(session: AsyncSession, store_id: int, keys: list[str]) -> dict[str, int]:
    """Delete what names the agents outside statements: their State and Agent Profile
    documents, their Agents-resource row, and the filter keys StatementRef statements
    inherited from erased statements."""
    params = {"store_id": store_id, "keys": keys}
    documents = await session.execute(
        text(
            "DELETE FROM document WHERE store_id = :store_id"
            " AND agent_key = ANY(CAST(:keys AS text[])) RETURNING id"
        ),
        params,
    )
    agents = await session.execute(
        text(
            "DELETE FROM agent WHERE store_id = :store_id"
            " AND agent_key = ANY(CAST(:keys AS text[])) RETURNING agent_key"
        ),
        params,
    )
    inherited = [f"agent|{scope}|{key}" for key in keys for scope in ("direct", "related")]
    refs = await session.execute(
        text(
            "UPDATE statement SET ref_keys = ARRAY(SELECT k FROM unnest(ref_keys) AS k"
            " WHERE k <> ALL(CAST(:inherited AS text[]))) WHERE store_id = :store_id"
            " AND object_kind = 'StatementRef' AND ref_keys && CAST(:inherited AS text[])"
            " RETURNING seq"
        ),
        {**params, "inherited": inherited},
    )
    return {"documents": len(documents.all()), "agents": len(agents.all()),
            "references": len(refs.all())}  # fmt: skip
