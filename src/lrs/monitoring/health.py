"""Liveness and readiness probes, outside /xapi (no xAPI version header, no credentials)."""

import asyncio
import functools

from alembic.script import ScriptDirectory
from fastapi import APIRouter, Request, Response
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from lrs import db
from lrs.api import json_response

router = APIRouter(tags=["operations"])
# A probe answers quickly or not at all; the orchestrator asks again.
_READY_TIMEOUT = 3.0


@router.get("/healthz", operation_id="get_health")
async def health() -> Response:
    """The process is up and serving HTTP (liveness). It does not look at the database."""
    return json_response({"status": "ok"})


@router.get("/readyz", operation_id="get_readiness")
async def ready(request: Request) -> Response:
    """The database answers and its schema is at the migration this code expects
    (readiness); 503 with the reason otherwise."""
    engine: AsyncEngine = request.app.state.engine
    expected = _expected_revisions()
    try:
        async with asyncio.timeout(_READY_TIMEOUT):
            current = await _current_revisions(engine)
    except Exception as error:
        if not (db.is_unavailable(error) or isinstance(error, TimeoutError)):
            raise
        return json_response({"status": "unavailable", "reason": "database unreachable"}, 503)
    if current != expected:
        reason = f"migrations at {sorted(current)}, expected {sorted(expected)}"
        return json_response({"status": "unavailable", "reason": reason}, 503)
    return json_response({"status": "ready", "migrations": sorted(current)})


@functools.cache
def _expected_revisions() -> set[str]:
    return set(ScriptDirectory.from_config(db.alembic_config("")).get_heads())


async def _current_revisions(engine: AsyncEngine) -> set[str]:
    """The migrations applied; none on a database never migrated (no alembic_version)."""
    async with engine.connect() as connection:
        table = await connection.scalar(text("SELECT to_regclass('alembic_version')"))
        if table is None:
            return set()
        found = await connection.execute(text("SELECT version_num FROM alembic_version"))
        return set(found.scalars())
