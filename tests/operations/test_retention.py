"""Retention (`lrs purge`) and erasure (`lrs agents erase`): what goes, what stays, and the
audit line each leaves."""

import hashlib
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from lrs.operations import retention
from tests.conftest import StoreAccess
from tests.factories import activity, agent, statement, with_id
from tests.multipart_builder import CONTENT_TYPE, attachment_for, body, part
from tests.operations.conftest import export, lrs, statements, write_ndjson

ALICE, BOB = agent("alice"), agent("bob")
ALICE_KEY = "mbox:mailto:alice@example.com"


async def post(client: httpx.AsyncClient, *sent: dict[str, Any]) -> list[str]:
    response = await client.post("/statements", json=list(sent))
    assert response.status_code == 200, response.text
    ids: list[str] = response.json()
    return ids


async def post_with_attachment(client: httpx.AsyncClient, content: bytes) -> dict[str, Any]:
    sent = with_id(statement(attachments=[attachment_for(content)]))
    response = await client.post(
        "/statements", content=body(sent, part(content)), headers={"Content-Type": CONTENT_TYPE}
    )
    assert response.status_code == 200, response.text
    return sent


async def count(app: FastAPI, sql: str, store_id: int) -> int:
    async with app.state.sessionmaker() as session:
        return int((await session.execute(text(sql), {"s": store_id})).scalar_one())


async def ids(client: httpx.AsyncClient, **params: str) -> set[str]:
    page = (await client.get("/statements", params=params)).json()
    return {s["id"] for s in page["statements"]}


class TestPurge:
    async def test_statements_before_the_date_go_with_links_and_lone_attachments(
        self, app: FastAPI, client: httpx.AsyncClient, store: StoreAccess
    ) -> None:
        await post_with_attachment(client, b"only in an old statement")
        await post_with_attachment(client, b"declared old and new")
        (old,) = await post(client, statement())
        stored = (await client.get("/statements", params={"statementId": old})).json()["stored"]
        cutoff = datetime.fromisoformat(stored) + timedelta(microseconds=1)
        keep = attachment_for(b"declared old and new", fileUrl="http://example.com/f")
        new = await post(client, statement(attachments=[keep]), statement())
        deleted = await retention.purge(app.state.sessionmaker, store.store_id, cutoff, chunk=2)
        assert (deleted.statements, deleted.attachments) == (3, 1)
        assert await ids(client) == set(new)
        orphans = ("SELECT count(*) FROM statement_agent a WHERE a.store_id = :s AND NOT EXISTS"
                   " (SELECT 1 FROM statement t WHERE t.store_id = a.store_id AND t.seq = a.seq)")  # fmt: skip
        assert await count(app, orphans, store.store_id) == 0
        hashes = "SELECT count(*) FROM attachment WHERE store_id = :s"
        assert await count(app, hashes, store.store_id) == 1


class TestErase:
    async def test_the_person_goes_wherever_named_and_nobody_else(
        self, app: FastAPI, client: httpx.AsyncClient, store: StoreAccess
    ) -> None:
        sha1 = hashlib.sha1(b"mailto:alice@example.com", usedforsecurity=False).hexdigest()
        named = await post(
            client,
            statement(actor=ALICE),
            statement(actor=BOB, object=ALICE),
            statement(actor=BOB, context={"team": {"objectType": "Group", "member": [ALICE]}}),
            statement(actor=BOB, object={"objectType": "SubStatement", "actor": ALICE,
                      "verb": {"id": "http://example.com/v"}, "object": activity()}),
            statement(actor={"mbox_sha1sum": sha1}),
        )  # fmt: skip
        (bobs,) = await post(client, statement(actor=BOB))
        (pointer,) = await post(
            client, statement(actor=BOB, object={"objectType": "StatementRef", "id": named[0]})
        )
        agent_param = {"agent": json.dumps(ALICE)}
        await client.put("/activities/state", params={**agent_param, "activityId": activity()["id"],
                         "stateId": "s"}, json={"a": 1})  # fmt: skip
        await client.put("/agents/profile", params={**agent_param, "profileId": "p"}, json={"a": 1},
                         headers={"If-None-Match": "*"})  # fmt: skip
        deleted = await retention.erase(
            app.state.sessionmaker, store.store_id, retention.agent_keys("mailto:alice@example.com")
        )
        assert deleted.statements == 5
        assert deleted.other == {"documents": 2, "agents": 2, "references": 1}
        assert await ids(client) == {bobs, pointer}
        assert await ids(client, agent=json.dumps(ALICE)) == set()
        assert (
            await client.get("/agents/profile", params={**agent_param, "profileId": "p"})
        ).status_code == 404
        unnamed = {"agent": json.dumps({"mbox": ALICE["mbox"]})}
        assert "name" not in (await client.get("/agents", params=unnamed)).json()

    async def test_an_attachment_of_erased_statements_only_goes_too(
        self, app: FastAPI, client: httpx.AsyncClient, store: StoreAccess
    ) -> None:
        sent = await post_with_attachment(client, b"alice's certificate")
        assert sent["actor"]["mbox"] == ALICE["mbox"]
        deleted = await retention.erase(app.state.sessionmaker, store.store_id, [ALICE_KEY])
        assert deleted.attachments == 1


class TestCommands:
    def test_purge_dry_run_counts_and_purge_deletes_with_an_audit_line(
        self, store_name: str, tmp_path: Path
    ) -> None:
        lrs(
            "import", str(write_ndjson(tmp_path / "s.ndjson", statements(3))), "--store", store_name
        )
        tomorrow = (datetime.now().astimezone() + timedelta(days=1)).isoformat()
        dry = lrs("purge", "--store", store_name, "--until", tomorrow, "--dry-run")
        assert "would delete 3 statements" in dry.output, dry.output
        assert len(export(store_name)) == 3
        done = lrs("purge", "--store", store_name, "--until", tomorrow)
        assert "deleted 3 statements" in done.output
        assert export(store_name) == []
        audit = [
            json.loads(line) for line in done.output.splitlines() if '"statements_purged"' in line
        ]
        assert audit[0]["statements"] == 3
        assert audit[0]["operator"]

    def test_erase_needs_a_store_and_logs_no_address(self, store_name: str, tmp_path: Path) -> None:
        mine = statements(2, actor=ALICE) + statements(1, actor=BOB)
        lrs("import", str(write_ndjson(tmp_path / "s.ndjson", mine)), "--store", store_name)
        assert lrs("agents", "erase", "mailto:alice@example.com", "--yes").exit_code != 0
        dry = lrs("agents", "erase", "mailto:alice@example.com", "--store", store_name, "--dry-run")
        assert "would erase 2 statements" in dry.output, dry.output
        done = lrs("agents", "erase", json.dumps(ALICE), "--store", store_name, "--yes")
        assert f"{store_name}: erased 2 statements" in done.output, done.output
        assert [s["actor"]["mbox"] for s in export(store_name)] == [BOB["mbox"]]
        audit = next(
            json.loads(line) for line in done.output.splitlines() if '"agent_erased"' in line
        )
        assert audit["subject_sha256"] == hashlib.sha256(ALICE_KEY.encode()).hexdigest()[:16]
        assert "alice@example.com" not in "\n".join(
            line for line in done.output.splitlines() if line.startswith("{")
        )
