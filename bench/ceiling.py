"""The raw COPY ceiling, and facts about the database, straight from the LRS's PostgreSQL.

The ceiling is what the same server does with no LRS in between: the same generated
statements, as jsonb payloads with a few projected columns, COPYed into a scratch table with
indexes like the statement table's (a unique id, btree indexes on the common filters). It
has no link rows, no validation and no HTTP, so it bounds what ingest can reach.
Only the COPY calls are timed; building the rows is not.
"""

import logging
import time
import uuid
from datetime import datetime
from typing import Any

import asyncpg
import orjson

from bench.generator import Statement, StatementGenerator, agent_key
from bench.measure import rate

log = logging.getLogger("bench")

TABLE = "bench_copy_ceiling"
COLUMNS = ("id", "timestamp", "verb_id", "actor_key", "object_key", "registration", "payload")
_CREATE = (
    f"""CREATE TABLE {TABLE} (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        stored timestamptz NOT NULL DEFAULT statement_timestamp(),
        timestamp timestamptz NOT NULL,
        verb_id text NOT NULL,
        actor_key text NOT NULL,
        object_key text,
        registration uuid,
        payload jsonb NOT NULL)""",
    f"CREATE INDEX {TABLE}_verb ON {TABLE} (verb_id, seq)",
    f"CREATE INDEX {TABLE}_registration ON {TABLE} (registration, seq)",
    f"CREATE INDEX {TABLE}_actor ON {TABLE} (actor_key, seq)",
    f"CREATE INDEX {TABLE}_stored ON {TABLE} (stored)",
)
CHUNK = 10_000


def _row(statement: Statement) -> tuple[Any, ...]:
    context = statement["context"]
    return (
        uuid.UUID(statement["id"]),
        datetime.fromisoformat(statement["timestamp"]),
        statement["verb"]["id"],
        agent_key(statement["actor"]),
        statement["object"]["id"],
        uuid.UUID(context["registration"]),
        orjson.dumps(statement).decode(),
    )


async def copy_ceiling(dsn: str, seed: int, count: int, limit_s: float) -> dict[str, Any]:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f"DROP TABLE IF EXISTS {TABLE}")
        for statement in _CREATE:
            await connection.execute(statement)
        copied, seconds = await _copy(connection, seed, count, limit_s)
    finally:
        await connection.execute(f"DROP TABLE IF EXISTS {TABLE}")
        await connection.close()
    log.info("COPY ceiling: %d rows in %.1f s", copied, seconds)
    return {
        "rows": copied,
        "seconds": round(seconds, 2),
        "rows_per_s": rate(copied, seconds),
        "chunk_rows": CHUNK,
        "indexes": "unique id, (verb_id, seq), (registration, seq), (actor_key, seq), (stored)",
    }


async def _copy(
    connection: asyncpg.Connection, seed: int, count: int, limit_s: float
) -> tuple[int, float]:
    """COPY `count` rows in chunks, one transaction each (as the LRS commits per request)."""
    copied, timed = 0, 0.0
    deadline = time.monotonic() + limit_s
    for batch in StatementGenerator(seed).batches(count, CHUNK):
        if time.monotonic() > deadline:
            break
        records = [_row(statement) for statement in batch]
        started = time.perf_counter()
        await connection.copy_records_to_table(TABLE, records=records, columns=COLUMNS)
        timed += time.perf_counter() - started
        copied += len(records)
    return copied, timed


async def database_facts(dsn: str) -> dict[str, Any]:
    """PostgreSQL's version and what the store holds, for reading the figures."""
    connection = await asyncpg.connect(dsn)
    try:
        version = await connection.fetchval("SHOW server_version")
        counts = {
            table: await connection.fetchval(f"SELECT count(*) FROM {table}")  # noqa: S608 (constants)
            for table in ("statement", "statement_agent", "statement_activity", "activity", "agent")
        }
        size = await connection.fetchval("SELECT pg_database_size(current_database())")
    finally:
        await connection.close()
    return {"postgresql": version, "rows": counts, "database_mb": round(size / 2**20, 1)}
