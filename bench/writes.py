"""The write measurements: batch ingest and single-statement POST, over real HTTP.

Statements are generated while the clients run (about 100k/s, a few percent of one core at the
rates the LRS reaches), so a million never sits in memory.
"""

import asyncio
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from bench.generator import Statement, StatementGenerator
from bench.measure import Tally, percentiles_ms, rate
from bench.server import Service

log = logging.getLogger("bench")

STATEMENTS = "/xapi/statements"
XAPI_VERSION = "1.0.3"
PROGRESS_EVERY_S = 15.0


def http_client(service: Service, connections: int) -> httpx.AsyncClient:
    """A keep-alive client for the service; trust_env=False keeps proxies off loopback."""
    return httpx.AsyncClient(
        base_url=service.base_url,
        auth=(service.key, service.secret),
        headers={"X-Experience-API-Version": XAPI_VERSION, "Content-Type": "application/json"},
        timeout=httpx.Timeout(300.0),
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        trust_env=False,
    )


@dataclass
class _Run:
    """Shared by the concurrent clients of one phase (one event loop, so no locks)."""

    work: Iterator[bytes]
    deadline: float
    label: str
    target: int
    per_request: int
    done: int = 0
    requests: int = 0
    latencies: list[float] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)
    last_report: float = field(default_factory=time.monotonic)
    started: float = field(default_factory=time.perf_counter)

    def progress(self) -> None:
        now = time.monotonic()
        if now - self.last_report >= PROGRESS_EVERY_S:
            self.last_report = now
            elapsed = time.perf_counter() - self.started
            log.info("%s: %d/%d (%.0f/s)", self.label, self.done, self.target, self.done / elapsed)


async def _client_loop(http: httpx.AsyncClient, run: _Run) -> None:
    while time.monotonic() < run.deadline:
        body = next(run.work, None)
        if body is None:
            return
        started = time.perf_counter()
        try:
            response = await http.post(STATEMENTS, content=body)
            ok = run.tally.response(response, body)
        except httpx.HTTPError as error:
            run.tally.failure(error, f"POST {STATEMENTS}")
            ok = False
        run.latencies.append(time.perf_counter() - started)
        run.requests += 1
        run.done += run.per_request if ok else 0
        run.progress()


async def _drive(service: Service, run: _Run, clients: int) -> float:
    """Run `clients` concurrent loops over `run.work`; return the wall time."""
    async with http_client(service, clients) as http:
        run.started = time.perf_counter()
        await asyncio.gather(*(_client_loop(http, run) for _ in range(clients)))
        return time.perf_counter() - run.started


async def batch_ingest(
    service: Service, seed: int, total: int, clients: int, batch: int, limit_s: float
) -> dict[str, Any]:
    """POST `total` statements in batches of `batch` from `clients` concurrent clients."""
    generator = StatementGenerator(seed)
    work = (orjson.dumps(b) for b in generator.batches(total, batch))
    run = _Run(work, time.monotonic() + limit_s, "ingest", total, batch)
    seconds = await _drive(service, run, clients)
    log.info("ingest: %d statements in %.1f s", run.done, seconds)
    return {
        "statements": run.done,
        "complete": run.done == total,
        "seconds": round(seconds, 2),
        "statements_per_s": rate(run.done, seconds),
        "clients": clients,
        "batch_size": batch,
        "request": percentiles_ms(run.latencies),
        "http": run.tally.report(),
    }


def _without_id(statements: Iterator[Statement]) -> Iterator[bytes]:
    # The LRS assigns the id: reruns on a kept data directory then add new statements rather
    # than hitting the duplicate-comparison path.
    for statement in statements:
        yield orjson.dumps({k: v for k, v in statement.items() if k != "id"})


async def single_post(
    service: Service, seed: int, requests: int, clients: int, limit_s: float
) -> dict[str, Any]:
    """One statement per POST, `clients` at a time, at most `requests` or `limit_s`."""
    generator = StatementGenerator(seed + 1)
    statements = (generator.statement() for _ in range(requests))
    run = _Run(_without_id(statements), time.monotonic() + limit_s, "single POST", requests, 1)
    seconds = await _drive(service, run, clients)
    log.info("single POST: %d requests in %.1f s", run.requests, seconds)
    return {
        "requests": run.requests,
        "seconds": round(seconds, 2),
        "requests_per_s": rate(run.requests, seconds),
        "clients": clients,
        **percentiles_ms(run.latencies),
        "http": run.tally.report(),
    }
