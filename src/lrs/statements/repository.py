"""SQL of the Statement resource. Every query is scoped to one store and runs in bulk.

`stored` comes from the database clock (`statement_timestamp()`), never from the app: that is
what lets `consistent_through` promise that no statement can later appear stored before it.
"""

from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from lrs.xapi.index import DIRECT_ACTIVITY_USAGES, DIRECT_AGENT_USAGES, IndexedStatement
from lrs.xapi.primitives import JSONObject

_INSERT = text("""
WITH clock AS (
    SELECT statement_timestamp() AS stored,
           to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS iso
), input AS (
    SELECT * FROM unnest(
        CAST(:ids AS uuid[]), CAST(:payloads AS text[]), CAST(:timestamps AS timestamptz[]),
        CAST(:verb_ids AS text[]), CAST(:actor_keys AS text[]), CAST(:object_kinds AS text[]),
        CAST(:object_keys AS text[]), CAST(:registrations AS uuid[]), CAST(:voids AS uuid[]),
        CAST(:versions AS text[]), CAST(:scores AS float8[]), CAST(:successes AS boolean[]),
        CAST(:completions AS boolean[]), CAST(:durations AS bigint[])
    ) WITH ORDINALITY AS t(id, payload, ts, verb_id, actor_key, object_kind, object_key,
                          registration, voids, version, score_scaled, success, completion,
                          duration_ms, ord)
)
INSERT INTO statement (store_id, id, stored, timestamp, verb_id, actor_key, object_kind,
                       object_key, registration, authority_key, voided, voids, version, payload,
                       score_scaled, success, completion, duration_ms)
SELECT :store_id, i.id, c.stored, coalesce(i.ts, c.stored), i.verb_id, i.actor_key,
       i.object_kind, i.object_key, i.registration, :authority_key,
       i.voids IS NULL AND EXISTS (
           SELECT 1 FROM statement v WHERE v.store_id = :store_id AND v.voids = i.id),
       i.voids, i.version,
       CAST(i.payload AS jsonb) || CASE WHEN i.ts IS NULL
           THEN jsonb_build_object('stored', c.iso, 'timestamp', c.iso)
           ELSE jsonb_build_object('stored', c.iso) END,
       i.score_scaled, i.success, i.completion, i.duration_ms
FROM input i CROSS JOIN clock c
ORDER BY i.ord
ON CONFLICT (store_id, id) DO NOTHING
RETURNING id, seq
""")


async def insert_statements(
    session: AsyncSession,
    store_id: int,
    authority_key: str,
    statements: list[tuple[IndexedStatement, JSONObject]],
) -> dict[str, int]:
    """Insert the statements whose ids are new; return their ids mapped to their `seq`."""
    columns: dict[str, list[Any]] = {
        name: []
        for name in (
            "ids",
            "payloads",
            "timestamps",
            "verb_ids",
            "actor_keys",
            "object_kinds",
            "object_keys",
            "registrations",
            "voids",
            "versions",
            "scores",
            "successes",
            "completions",
            "durations",
        )
    }
    for row, payload in statements:
        values = (
            row.id,
            orjson.dumps(payload).decode(),
            row.timestamp,
            row.verb_id,
            row.actor_key,
            row.object_kind,
            row.object_key,
            row.registration,
            row.voids,
            payload["version"],
            row.score_scaled,
            row.success,
            row.completion,
            row.duration_ms,
        )
        for column, value in zip(columns.values(), values, strict=True):
            column.append(value)
    params = {"store_id": store_id, "authority_key": authority_key, **columns}
    result = await session.execute(_INSERT, params)
    return {str(row.id): row.seq for row in result}


async def insert_links(
    session: AsyncSession, store_id: int, rows: list[tuple[IndexedStatement, int]]
) -> None:
    """The agent and activity link rows of newly inserted statements."""
    agents = [(seq, key, usage) for row, seq in rows for key, usage in row.agents]
    activities = [(seq, iri, usage) for row, seq in rows for iri, usage in row.activities]
    for table, column, links in (
        ("statement_agent", "agent_key", agents),
        ("statement_activity", "activity_id", activities),
    ):
        if not links:
            continue
        seqs, keys, usages = zip(*links, strict=True)
        await session.execute(
            text(
                f"INSERT INTO {table} (store_id, seq, {column}, usage)"  # noqa: S608 (constants)
                " SELECT :store_id, * FROM unnest(CAST(:seqs AS bigint[]),"
                " CAST(:keys AS text[]), CAST(:usages AS text[]))"
            ),
            {"store_id": store_id, "seqs": list(seqs), "keys": list(keys), "usages": list(usages)},
        )


async def payloads_by_id(session: AsyncSession, store_id: int, ids: list[str]) -> dict[str, Any]:
    rows = await session.execute(
        text(
            "SELECT id, payload FROM statement WHERE store_id = :store_id"
            " AND id = ANY(CAST(:ids AS uuid[]))"
        ),
        {"store_id": store_id, "ids": ids},
    )
    return {str(row.id): row.payload for row in rows}


async def voiding_statement_ids(session: AsyncSession, store_id: int, ids: list[str]) -> list[str]:
    """Those of `ids` that name stored voiding statements."""
    rows = await session.execute(
        text(
            "SELECT id FROM statement WHERE store_id = :store_id"
            " AND id = ANY(CAST(:ids AS uuid[])) AND voids IS NOT NULL"
        ),
        {"store_id": store_id, "ids": ids},
    )
    return [str(found) for found in rows.scalars()]


async def mark_voided(session: AsyncSession, store_id: int, targets: list[str]) -> None:
    """Void the targets of voiding statements; a voiding statement itself is never voided."""
    await session.execute(
        text(
            "UPDATE statement SET voided = true WHERE store_id = :store_id"
            " AND id = ANY(CAST(:ids AS uuid[])) AND voids IS NULL AND NOT voided"
        ),
        {"store_id": store_id, "ids": targets},
    )


async def upsert_definitions(
    session: AsyncSession, store_id: int, definitions: dict[str, JSONObject]
) -> None:
    """Write canonical definitions, in key order so concurrent batches cannot deadlock."""
    ordered = sorted(definitions.items())
    await session.execute(
        text(
            "INSERT INTO activity (store_id, activity_id, definition)"
            " SELECT :store_id, i, CAST(d AS jsonb)"
            " FROM unnest(CAST(:ids AS text[]), CAST(:defs AS text[])) AS t(i, d)"
            " ON CONFLICT (store_id, activity_id) DO UPDATE"
            " SET definition = excluded.definition, updated_at = now()"
        ),
        {
            "store_id": store_id,
            "ids": [key for key, _ in ordered],
            "defs": [orjson.dumps(value).decode() for _, value in ordered],
        },
    )


async def upsert_agents(
    session: AsyncSession, store_id: int, people: dict[str, JSONObject]
) -> None:
    """Remember each Agent's identifier and latest name, in key order (no deadlocks)."""
    ordered = sorted(people.items())
    await session.execute(
        text(
            "INSERT INTO agent (store_id, agent_key, ifi, name)"
            " SELECT :store_id, k, CAST(i AS jsonb), n FROM unnest(CAST(:keys AS text[]),"
            " CAST(:ifis AS text[]), CAST(:names AS text[])) AS t(k, i, n)"
            " ON CONFLICT (store_id, agent_key)"
            " DO UPDATE SET name = excluded.name, updated_at = now()"
            " WHERE excluded.name IS NOT NULL AND agent.name IS DISTINCT FROM excluded.name"
        ),
        {
            "store_id": store_id,
            "keys": [key for key, _ in ordered],
            "ifis": [orjson.dumps(_ifi(agent)).decode() for _, agent in ordered],
            "names": [agent.get("name") for _, agent in ordered],
        },
    )


def _ifi(agent: JSONObject) -> JSONObject:
    return {key: value for key, value in agent.items() if key not in ("objectType", "name")}


async def find_statement(
    session: AsyncSession, store_id: int, statement_id: str, authority_key: str | None
) -> tuple[str, bool, datetime] | None:
    """The exact JSON, voided flag and `stored` of one statement, if this caller may see it."""
    row = (
        await session.execute(
            text(
                "SELECT CAST(payload AS text) AS payload, voided, stored FROM statement"
                " WHERE store_id = :store_id AND id = CAST(:id AS uuid)"
                " AND (CAST(:authority AS text) IS NULL OR authority_key = :authority)"
            ),
            {"store_id": store_id, "id": statement_id, "authority": authority_key},
        )
    ).one_or_none()
    return None if row is None else (row.payload, row.voided, row.stored)


async def consistent_through(session: AsyncSession) -> datetime:
    """A time before which every statement that will ever be stored is already visible.

    Each statement's `stored` is at or after the start of the transaction that writes it, so
    no statement can appear later with a `stored` before the oldest open transaction began.
    """
    through: datetime = (
        await session.execute(
            text(
                "SELECT min(xact_start) - interval '1 microsecond' FROM pg_stat_activity"
                " WHERE datname = current_database() AND backend_type = 'client backend'"
                " AND xact_start IS NOT NULL"
            )
        )
    ).scalar_one()
    return through


# The keys a StatementRef statement inherits from its target (and the target's own target,
# recursively): the same strings `_filter` looks for in `ref_keys`.
_TARGET_KEYS = """
ARRAY(SELECT DISTINCT k FROM (
    SELECT 'verb|' || t.verb_id
    UNION ALL SELECT 'registration|' || t.registration WHERE t.registration IS NOT NULL
    UNION ALL SELECT 'agent|related|' || a.agent_key
        FROM statement_agent a WHERE a.store_id = t.store_id AND a.seq = t.seq
    UNION ALL SELECT 'agent|direct|' || a.agent_key
        FROM statement_agent a WHERE a.store_id = t.store_id AND a.seq = t.seq
        AND a.usage = ANY(CAST(:agent_usages AS text[]))
    UNION ALL SELECT 'activity|related|' || a.activity_id
        FROM statement_activity a WHERE a.store_id = t.store_id AND a.seq = t.seq
    UNION ALL SELECT 'activity|direct|' || a.activity_id
        FROM statement_activity a WHERE a.store_id = t.store_id AND a.seq = t.seq
        AND a.usage = ANY(CAST(:activity_usages AS text[]))
    UNION ALL SELECT unnest(t.ref_keys)
) AS keys(k) ORDER BY k)
"""


async def inherit_target_keys(session: AsyncSession, store_id: int, seqs: list[int]) -> list[str]:
    """Give StatementRef statements the filter keys of their targets; return the ids whose
    keys changed (statements that target *them* must inherit in turn)."""
    rows = await session.execute(
        text(f"""
            UPDATE statement r SET ref_keys = k.keys
            FROM (SELECT s.seq, {_TARGET_KEYS} AS keys FROM statement s
                  JOIN statement t ON t.store_id = s.store_id AND t.id = CAST(s.object_key AS uuid)
                  WHERE s.store_id = :store_id AND s.seq = ANY(CAST(:seqs AS bigint[]))) k
            WHERE r.store_id = :store_id AND r.seq = k.seq AND r.ref_keys IS DISTINCT FROM k.keys
            RETURNING r.id
        """),  # noqa: S608 (a constant)
        {"store_id": store_id, "seqs": seqs, "agent_usages": list(DIRECT_AGENT_USAGES),
         "activity_usages": list(DIRECT_ACTIVITY_USAGES)},
    )  # fmt: skip
    return [str(found) for found in rows.scalars()]


async def referrers(session: AsyncSession, store_id: int, ids: list[str]) -> list[int]:
    """The seqs of statements whose object is a StatementRef to one of `ids`."""
    rows = await session.execute(
        text(
            "SELECT seq FROM statement WHERE store_id = :store_id"
            " AND object_kind = 'StatementRef' AND object_key = ANY(CAST(:ids AS text[]))"
        ),
        {"store_id": store_id, "ids": ids},
    )
    return list(rows.scalars())


async def definitions(
    session: AsyncSession, store_id: int, activity_ids: list[str], *, for_update: bool = False
) -> dict[str, JSONObject]:
    """Canonical definitions; `for_update` locks them in id order (no deadlocks) to merge."""
    sql = (
        "SELECT activity_id, definition FROM activity WHERE store_id = :store_id"
        " AND activity_id = ANY(CAST(:ids AS text[]))"
    )
    if for_update:
        sql += " ORDER BY activity_id FOR UPDATE"
    rows = await session.execute(text(sql), {"store_id": store_id, "ids": activity_ids})
    return {row.activity_id: row.definition for row in rows}


async def insert_attachments(
    session: AsyncSession, store_id: int, parts: list[tuple[str, str, bytes]]
) -> None:
    """Store (sha2, content type, content) once per hash."""
    ordered = sorted(parts)
    await session.execute(
        text(
            "INSERT INTO attachment (store_id, sha2, content_type, content)"
            " SELECT :store_id, * FROM unnest(CAST(:hashes AS text[]), CAST(:types AS text[]),"
            " CAST(:contents AS bytea[])) ON CONFLICT DO NOTHING"
        ),
        {"store_id": store_id, "hashes": [p[0] for p in ordered],
         "types": [p[1] for p in ordered], "contents": [p[2] for p in ordered]},
    )  # fmt: skip


async def attachments_by_hash(
    session: AsyncSession, store_id: int, hashes: list[str]
) -> list[tuple[str, str, bytes]]:
    rows = await session.execute(
        text(
            "SELECT sha2, content_type, content FROM attachment WHERE store_id = :store_id"
            " AND sha2 = ANY(CAST(:hashes AS text[]))"
        ),
        {"store_id": store_id, "hashes": hashes},
    )
    found = {row.sha2: (row.sha2, row.content_type, row.content) for row in rows}
    return [found[sha2] for sha2 in hashes if sha2 in found]
