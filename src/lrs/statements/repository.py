"""SQL of the Statement resource. Every query is scoped to one store and runs in bulk.

`stored` comes from the database clock (the transaction's start), never from the app: that is
what lets `clock` promise that no statement can later appear stored before its bound.
"""

from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from lrs.analytics.queries.common import rescaled
from lrs.xapi.index import DIRECT_ACTIVITY_USAGES, DIRECT_AGENT_USAGES, IndexedStatement
from lrs.xapi.primitives import JSONObject

# The batch travels as one JSON document: encoding one string costs the driver far less than
# fourteen typed arrays, and PostgreSQL parses each payload to jsonb once either way. Each new
# statement's analytics projection (models/analytics.py `AnalyticsEvent`) is written with it.
_INSERT = text(f"""
WITH inserted AS (
    INSERT INTO statement (store_id, id, stored, timestamp, verb_id, actor_key, object_kind,
                           object_key, registration, authority_key, voids, version, payload,
                           score_scaled, success, completion, duration_ms)
    SELECT :store_id, CAST(r->>0 AS uuid), :stored, coalesce(CAST(r->>1 AS timestamptz), :stored),
           r->>2, r->>3, r->>4, r->>5, CAST(r->>6 AS uuid), :authority_key, CAST(r->>7 AS uuid),
           r->>8, r->13, CAST(r->>9 AS float8), CAST(r->>10 AS boolean), CAST(r->>11 AS boolean),
           CAST(r->>12 AS bigint)
    FROM jsonb_array_elements(CAST(:rows AS jsonb)) WITH ORDINALITY AS t(r, ord)
    ORDER BY t.ord
    ON CONFLICT (store_id, id) DO NOTHING
    RETURNING id, seq, timestamp, verb_id, actor_key, object_kind, object_key, registration,
              duration_ms, score_scaled, success, completion, payload
), events AS (
    INSERT INTO analytics_event (store_id, seq, timestamp, verb_h, actor_h, object_kind, object_h,
                                 parent_h, grouping_h, registration, duration_ms, score_scaled,
                                 score_rescaled, success, completion, extensions)
    SELECT :store_id, seq, timestamp, hashtextextended(verb_id, 0), hashtextextended(actor_key, 0),
           object_kind, hashtextextended(object_key, 0),
           hashtextextended(payload #>> '{{context,contextActivities,parent,0,id}}', 0),
           hashtextextended(payload #>> '{{context,contextActivities,grouping,0,id}}', 0),
           registration, duration_ms, score_scaled, {rescaled("(payload -> 'result' -> 'score')")},
           success, completion, payload -> 'context' -> 'extensions'
    FROM inserted
)
SELECT id, seq FROM inserted
""")  # noqa: S608 (a constant fragment)


async def insert_statements(
    session: AsyncSession,
    store_id: int,
    authority_key: str,
    statements: list[tuple[IndexedStatement, JSONObject]],
    stored: datetime,
) -> dict[str, int]:
    """Insert the statements whose ids are new; return their ids mapped to their `seq`."""
    rows = [
        (row.id, row.timestamp.isoformat() if row.timestamp else None, row.verb_id,
         row.actor_key, row.object_kind, row.object_key, row.registration, row.voids,
         payload["version"], row.score_scaled, row.success, row.completion, row.duration_ms,
         payload)
        for row, payload in statements
    ]  # fmt: skip
    params = {"store_id": store_id, "authority_key": authority_key, "stored": stored,
              "rows": orjson.dumps(rows).decode()}  # fmt: skip
    result = await session.execute(_INSERT, params)
    return {str(row.id): row.seq for row in result}


_COMPLETE = text("""
WITH agents AS (
    INSERT INTO statement_agent (store_id, seq, agent_key, usage)
    SELECT :store_id, CAST(r->>0 AS bigint), r->>1, r->>2
    FROM jsonb_array_elements(CAST(:agent_links AS jsonb)) AS r
), activities AS (
    INSERT INTO statement_activity (store_id, seq, activity_id, usage)
    SELECT :store_id, CAST(r->>0 AS bigint), r->>1, r->>2
    FROM jsonb_array_elements(CAST(:activity_links AS jsonb)) AS r
), people AS (
    -- Agents already known by that name are skipped before the upsert: ON CONFLICT would
    -- lock (and so write) their rows even when nothing changes. Rows are locked in key order,
    -- the same in every transaction, so concurrent batches cannot deadlock.
    INSERT INTO agent (store_id, agent_key, ifi, name)
    SELECT :store_id, k, CAST(i AS jsonb), n
    FROM unnest(CAST(:people_keys AS text[]), CAST(:people_ifis AS text[]),
                CAST(:people_names AS text[])) AS t(k, i, n)
    WHERE NOT EXISTS (SELECT 1 FROM agent a WHERE a.store_id = :store_id
                      AND a.agent_key = t.k AND (t.n IS NULL OR a.name = t.n))
    ORDER BY k
    ON CONFLICT (store_id, agent_key) DO UPDATE SET name = excluded.name, updated_at = now()
    WHERE excluded.name IS NOT NULL AND agent.name IS DISTINCT FROM excluded.name
), voided AS (
    UPDATE statement SET voided = true WHERE store_id = :store_id
        AND voids IS NULL AND NOT voided AND id IN (
            SELECT v.voids FROM statement v
            WHERE v.store_id = :store_id AND v.voids = ANY(CAST(:void_ids AS uuid[])))
    RETURNING seq
), unprojected AS (
    DELETE FROM analytics_event
    WHERE store_id = :store_id AND seq = ANY(ARRAY(SELECT seq FROM voided))
)
SELECT seq FROM statement WHERE store_id = :store_id
    AND object_kind = 'StatementRef' AND object_key = ANY(CAST(:ref_ids AS text[]))
""")


async def complete_batch(
    session: AsyncSession,
    store_id: int,
    rows: list[tuple[IndexedStatement, int]],
    people: dict[str, JSONObject],
) -> list[int]:
    """In one round trip, for newly inserted statements: write their agent and activity link
    rows; remember each Agent's identifier and latest name; void every statement a voiding
    statement targets when either is new (a target may arrive before or after the statement
    that voids it; a voiding statement itself is never voided); return the seqs of statements
    whose StatementRef object names a new statement."""
    # Link rows travel as JSON documents, like the statements: the driver checks every
    # element of an array parameter against collections.abc, a cost per link row.
    agent_links = [(seq, key, usage) for row, seq in rows for key, usage in row.agents]
    activity_links = [(seq, iri, usage) for row, seq in rows for iri, usage in row.activities]
    ids = [row.id for row, _ in rows]
    params = {
        "store_id": store_id,
        "agent_links": orjson.dumps(agent_links).decode(),
        "activity_links": orjson.dumps(activity_links).decode(),
        "void_ids": ids + [row.voids for row, _ in rows if row.voids],
        "ref_ids": ids,
        "people_keys": list(people),
        "people_ifis": [orjson.dumps(_ifi(agent)).decode() for agent in people.values()],
        "people_names": [agent.get("name") for agent in people.values()],
    }
    result = await session.execute(_COMPLETE, params)
    return list(result.scalars())


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


async def upsert_definitions(
    session: AsyncSession, store_id: int, definitions: dict[str, JSONObject]
) -> None:
    """Write canonical definitions, in key order so concurrent batches cannot deadlock."""
    ordered = sorted(definitions.items())
    await session.execute(
        text(
            "INSERT INTO activity (store_id, activity_id, definition)"
            " SELECT :store_id, i, CAST(d AS jsonb)"
            " FROM unnest(CAST(:ids AS text[]), CAST(:defs AS text[])) AS t(i, d) ORDER BY i"
            " ON CONFLICT (store_id, activity_id) DO UPDATE"
            " SET definition = excluded.definition, updated_at = now()"
        ),
        {
            "store_id": store_id,
            "ids": [key for key, _ in ordered],
            "defs": [orjson.dumps(value).decode() for _, value in ordered],
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


async def clock(session: AsyncSession) -> tuple[datetime, datetime]:
    """The transaction's start (the `stored` of what it writes) and a time before which every
    statement that will ever be stored is already visible.

    Each statement's `stored` is the start of the transaction that writes it, so no statement
    can appear later with a `stored` before the oldest open transaction began. Both hold for
    the whole transaction, so a request (one session, one transaction) asks once.
    """
    if "clock" in session.info:
        cached: tuple[datetime, datetime] = session.info["clock"]
        return cached
    row = (
        await session.execute(
            text(
                "SELECT now() AS now, (SELECT min(xact_start) - interval '1 microsecond'"
                " FROM pg_stat_activity WHERE datname = current_database()"
                " AND backend_type = 'client backend' AND xact_start IS NOT NULL) AS through"
            )
        )
    ).one()
    session.info["clock"] = (row.now, row.through)
    return row.now, row.through


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
