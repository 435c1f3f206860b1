"""The embedded server's settings: applied once, when its data directory is created."""

import os

import asyncpg
import pytest
from sqlalchemy import make_url

from lrs import db

pytestmark = pytest.mark.skipif(
    "LRS_TEST_DATABASE_URL" in os.environ, reason="an external server is its operator's to tune"
)


async def _settings(database_url: str, *names: str) -> dict[str, str]:
    url = make_url(database_url)
    connection = await asyncpg.connect(host=url.query["host"], user=url.username,
                                       database=url.database)  # fmt: skip
    try:
        rows = await connection.fetch(
            "SELECT name, setting FROM pg_settings WHERE name = ANY($1)", list(names)
        )
    finally:
        await connection.close()
    return {row["name"]: row["setting"] for row in rows}


async def test_the_embedded_server_runs_with_its_settings(database_url: str) -> None:
    found = await _settings(database_url, "shared_buffers", "autovacuum_vacuum_insert_scale_factor")
    # pg_settings counts shared buffers in 8 kB pages; only a restart applies them.
    assert int(found["shared_buffers"]) * 8 // 1024 == db.shared_buffers_mb()
    assert float(found["autovacuum_vacuum_insert_scale_factor"]) == 0.02


def test_shared_buffers_are_a_quarter_of_memory_within_bounds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for memory_mb, expected in ((256, 128), (8192, 2048), (65536, 4096)):
        monkeypatch.setattr(db, "_memory_bytes", lambda m=memory_mb: m * 2**20)
        assert db.shared_buffers_mb() == expected
