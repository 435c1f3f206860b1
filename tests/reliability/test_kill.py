"""A server killed (SIGKILL) in the middle of batches leaves each batch whole or absent, and
once restarted serves every statement it acknowledged."""

import asyncio
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import text

from lrs import db
from tests.conftest import StoreAccess
from tests.factories import statement
from tests.serving import serving, wait_for

WRITERS = 3
BATCH = 300
V1 = {"X-Experience-API-Version": "1.0.3"}


@dataclass
class Sent:
    ids: list[str]
    acknowledged: bool = False


@dataclass
class Writers:
    batches: list[Sent] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self, base: str, auth: tuple[str, str]) -> None:
        with httpx.Client(base_url=base, auth=auth, headers=V1, timeout=30) as client:
            for _ in range(200):  # bounded: the kill stops it long before
                if self.stop.is_set():
                    return
                batch = [{**statement(), "id": str(uuid.uuid4())} for _ in range(BATCH)]
                sent = Sent([s["id"] for s in batch])
                self.batches.append(sent)
                try:
                    sent.acknowledged = client.post("/statements", json=batch).status_code == 200
                except httpx.TransportError:
                    return

    @property
    def acknowledged(self) -> int:
        return sum(sent.acknowledged for sent in self.batches)


def _stored_ids(database_url: str, store_id: int) -> set[str]:
    async def query() -> set[str]:
        engine = db.create_engine(database_url, pool_size=1)
        try:
            async with engine.connect() as connection:
                rows = await connection.execute(
                    text("SELECT CAST(id AS text) FROM statement WHERE store_id = :s"),
                    {"s": store_id},
                )
                return set(rows.scalars())
        finally:
            await engine.dispose()

    return asyncio.run(query())


def test_sigkill_mid_batch_keeps_batches_whole(
    database_url: str, store: StoreAccess, tmp_path: Path
) -> None:
    log = tmp_path / "serve.log"
    writers = Writers()
    with serving(database_url, log) as base:
        threads = [
            threading.Thread(target=writers.run, args=(f"{base}/xapi", store.auth))
            for _ in range(WRITERS)
        ]
        for thread in threads:
            thread.start()
        assert wait_for(lambda: writers.acknowledged >= 3, 60), log.read_text()
        time.sleep(0.15)  # well inside the next batches
    writers.stop.set()
    for thread in threads:
        thread.join(timeout=30)
    in_flight = [sent for sent in writers.batches if not sent.acknowledged]
    assert in_flight, "the kill should have caught batches on their way"
    stored = _stored_ids(database_url, store.store_id)
    for sent in writers.batches:
        present = len(stored & set(sent.ids))
        assert present in (0, BATCH), f"a batch was cut: {present} of {BATCH} stored"
        if sent.acknowledged:
            assert present == BATCH
    with serving(database_url, log) as base:
        acknowledged = [sent for sent in writers.batches if sent.acknowledged]
        with httpx.Client(base_url=f"{base}/xapi", auth=store.auth, headers=V1) as client:
            for sent in acknowledged:
                for statement_id in (sent.ids[0], sent.ids[-1]):
                    found = client.get("/statements", params={"statementId": statement_id})
                    assert found.status_code == 200
