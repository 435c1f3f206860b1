"""The operators' commands run as a person runs them (CliRunner, LRS_DATABASE_URL set), each
test on a store of its own, created through the CLI."""

import json
import secrets
import uuid
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from lrs.cli import app
from tests.factories import statement

runner = CliRunner()


def lrs(*args: str) -> Result:
    return runner.invoke(app, list(args))


@pytest.fixture
def cli_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LRS_DATABASE_URL", database_url)


@pytest.fixture
def store_name(cli_env: None) -> str:
    name = f"ops-{secrets.token_hex(6)}"
    assert lrs("stores", "create", name).exit_code == 0
    return name


def statements(n: int, **parts: Any) -> list[dict[str, Any]]:
    return [{**statement(**parts), "id": str(uuid.uuid4())} for _ in range(n)]


def write_ndjson(path: Path, items: list[Any]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in items))
    return path


def export(store: str, *args: str) -> list[dict[str, Any]]:
    result = lrs("export", "--store", store, *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
