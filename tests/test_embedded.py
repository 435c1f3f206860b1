"""The embedded server's settings: applied once, when its data directory is created."""

import os
import subprocess
import sys
from pathlib import Path

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


def test_a_new_data_directory_is_stopped_by_the_handle_of_its_running_server(
    tmp_path: Path,
) -> None:
    """A new data directory's server is restarted for its settings. The handle the wheel stops
    it with at exit must be the running server's: it once kept the first server's process,
    and stopped nothing once that exited process was reaped (test runs and `lrs serve` then
    left servers running)."""
    script = f"""
from pathlib import Path
from lrs import db
data = Path({str(tmp_path)!r})
db.start_embedded(data)
tracked = db._embedded_server(data).get_postmaster_info().process.pid
running = int((data / "pgdata" / "postmaster.pid").read_text().split()[0])
assert tracked == running, (tracked, running)
db.stop_embedded(data)
"""
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)  # noqa: S603
    assert not (tmp_path / "pgdata" / "postmaster.pid").exists()
