"""The `lrs` command against the test database (LRS_DATABASE_URL)."""

import asyncio
import json
import secrets
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine
from typer.testing import CliRunner

from lrs import db
from lrs.cli import app
from tests.conftest import recreate_database

runner = CliRunner()


@pytest.fixture
def env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LRS_DATABASE_URL", database_url)


@pytest.mark.usefixtures("env")
class TestCli:
    def test_store_and_credential_life_cycle(self) -> None:
        name = f"cli-{secrets.token_hex(4)}"
        assert runner.invoke(app, ["stores", "create", name]).exit_code == 0
        assert name in runner.invoke(app, ["stores", "list"]).output
        created = runner.invoke(
            app, ["credentials", "create", "--store", name, "--scope", "statements/read", "--json"]
        )
        assert created.exit_code == 0, created.output
        key = json.loads(created.output)["key"]
        listed = runner.invoke(app, ["credentials", "list", "--store", name]).output
        assert key in listed
        assert "statements/read" in listed
        assert json.loads(created.output)["secret"] not in listed
        assert runner.invoke(app, ["credentials", "revoke", key]).exit_code == 0
        assert runner.invoke(app, ["credentials", "revoke", key]).exit_code != 0

    def test_unknown_scope_is_refused(self) -> None:
        name = f"cli-{secrets.token_hex(4)}"
        runner.invoke(app, ["stores", "create", name])
        result = runner.invoke(app, ["credentials", "create", "--store", name, "--scope", "root"])
        assert result.exit_code != 0
        assert "unknown scopes root" in result.output

    @pytest.mark.parametrize("command", ["create", "list"])
    def test_unknown_store_is_refused(self, command: str) -> None:
        result = runner.invoke(
            app, ["credentials", command, "--store", "nope-" + secrets.token_hex(4)]
        )
        assert result.exit_code != 0
        assert "no store named" in result.output
        assert "statements/" not in result.output  # no other store's credentials

    def test_db_upgrade_is_idempotent_and_check_passes(self) -> None:
        assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
        assert runner.invoke(app, ["db", "check"]).exit_code == 0


def test_db_downgrade_and_upgrade_round_trip(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = make_url(database_url)
    name = f"{url.database}_cli_migrations"
    asyncio.run(recreate_database(database_url, name))
    scratch = url.set(database=name).render_as_string(hide_password=False)
    monkeypatch.setenv("LRS_DATABASE_URL", scratch)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    heads = set(ScriptDirectory.from_config(db.alembic_config("")).get_heads())
    assert asyncio.run(_revision(scratch)) == heads
    assert runner.invoke(app, ["db", "downgrade", "0003"]).exit_code == 0
    assert asyncio.run(_revision(scratch)) == {"0003"}
    assert runner.invoke(app, ["db", "downgrade", "base"]).exit_code == 0
    assert asyncio.run(_revision(scratch)) == set()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["db", "check"]).exit_code == 0


async def _revision(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
            return set(rows.scalars())
    finally:
        await engine.dispose()


def test_commands_work_on_a_fresh_embedded_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without LRS_DATABASE_URL the CLI starts the embedded server and migrates it first."""
    monkeypatch.delenv("LRS_DATABASE_URL", raising=False)
    monkeypatch.setenv("LRS_DATA_DIR", str(tmp_path))
    try:
        created = runner.invoke(app, ["stores", "create", "fresh"])
        assert created.exit_code == 0, created.output
        assert "fresh" in runner.invoke(app, ["stores", "list"]).output
    finally:
        db.stop_embedded(tmp_path)


def test_operations_work_on_a_fresh_embedded_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The operators' commands migrate a fresh embedded database too, before their work."""
    monkeypatch.delenv("LRS_DATABASE_URL", raising=False)
    monkeypatch.setenv("LRS_DATA_DIR", str(tmp_path / "data"))
    out = tmp_path / "out.ndjson"
    try:
        exported = runner.invoke(app, ["export", "--store", "default", "--output", str(out)])
        assert "no store named" in exported.output, exported.output
        assert runner.invoke(app, ["stores", "create", "default"]).exit_code == 0
        purged = runner.invoke(app, ["purge", "--until", "2020-01-01", "--dry-run"])
        assert purged.exit_code == 0, purged.output
    finally:
        db.stop_embedded(tmp_path)
