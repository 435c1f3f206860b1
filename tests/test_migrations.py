"""Migrations upgrade and downgrade cleanly, and match the models."""

import asyncio

import pytest
from alembic.util.exc import CommandError
from sqlalchemy import make_url, text

from lrs import db
from tests.conftest import recreate_database


async def _tables(url: str) -> set[str]:
    engine = db.create_engine(url, pool_size=1)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            )
            return {row[0] for row in rows}
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def scratch_url(database_url: str) -> str:
    """A database of its own, so going down to base does not disturb the other tests."""
    name = f"{make_url(database_url).database}_migrations"
    asyncio.run(recreate_database(database_url, name))
    return make_url(database_url).set(database=name).render_as_string(hide_password=False)


def test_upgrade_downgrade_upgrade_round_trip(scratch_url: str) -> None:
    db.upgrade(scratch_url)
    assert {"statement", "statement_agent", "activity", "credential"} <= asyncio.run(
        _tables(scratch_url)
    )
    db.downgrade(scratch_url, "base")
    assert asyncio.run(_tables(scratch_url)) == {"alembic_version"}
    db.upgrade(scratch_url)
    db.check(scratch_url)


def test_check_fails_on_a_database_behind_the_migrations(scratch_url: str) -> None:
    db.downgrade(scratch_url, "base")
    with pytest.raises(CommandError, match="not up to date"):
        db.check(scratch_url)
    db.upgrade(scratch_url)
