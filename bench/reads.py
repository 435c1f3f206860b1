"""The read measurements: the documented GET /statements shapes, and `more` paging.

Parameter values are drawn from the first statements of the seeded stream, which the load
stored, so every filter names something that exists. `since`/`until` filter on `stored` (the
LRS clock at ingest), so their windows are cut from the stored range, not from timestamps.
"""

import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import orjson

from bench.generator import Statement, StatementGenerator, agent_ifi
from bench.measure import Tally, percentiles_ms, rate
from bench.server import Service
from bench.writes import STATEMENTS, http_client

log = logging.getLogger("bench")

QUERY_LIMIT = "100"
# Enough to make p95 mean something, bounded so a slow shape cannot stall the run.
SHAPE_TIME_LIMIT_S = 60.0


@dataclass(frozen=True, slots=True)
class Sample:
    """What the query parameters are drawn from."""

    statements: list[Statement]
    generator: StatementGenerator
    stored_from: datetime
    stored_to: datetime


def _agent(statement: Statement) -> str:
    return json.dumps(agent_ifi(statement["actor"]))


def _window(rng: random.Random, sample: Sample) -> dict[str, str]:
    """A window of a twentieth of the stored range, somewhere inside it."""
    width = (sample.stored_to - sample.stored_from) / 20
    since = sample.stored_from + rng.random() * (sample.stored_to - sample.stored_from - width)
    return {"since": since.isoformat(), "until": (since + width).isoformat()}


def _instructor(rng: random.Random, sample: Sample) -> str:
    # Instructors appear only in context, so only the related_agents form can find them.
    return json.dumps(agent_ifi(rng.choice(sample.generator.courses).instructor))


def _agent_verb(statement: Statement) -> dict[str, str]:
    return {"agent": _agent(statement), "verb": statement["verb"]["id"]}


Shape = Callable[[random.Random, Sample], dict[str, str]]
_FROM_STATEMENT: dict[str, Callable[[Statement], dict[str, str]]] = {
    "agent": lambda s: {"agent": _agent(s)},
    "verb": lambda s: {"verb": s["verb"]["id"]},
    "activity": lambda s: {"activity": s["object"]["id"]},
    "registration": lambda s: {"registration": s["context"]["registration"]},
    "related_activities": lambda s: {
        "activity": s["context"]["contextActivities"]["parent"][0]["id"],
        "related_activities": "true",
    },
    "agent_verb": _agent_verb,
}
SHAPES: dict[str, Shape] = {
    "no_filter": lambda rng, sample: {},
    **{
        name: (lambda f: lambda rng, sample: f(rng.choice(sample.statements)))(build)
        for name, build in _FROM_STATEMENT.items()
    },
    "related_agents": lambda rng, sample: {"agent": _instructor(rng, sample),
                                           "related_agents": "true"},
    "since_until": _window,
    "ascending": lambda rng, sample: {"ascending": "true"},
    "format_ids": lambda rng, sample: {"format": "ids"},
    "format_canonical": lambda rng, sample: {"format": "canonical"},
    "statement_id": lambda rng, sample: {"statementId": rng.choice(sample.statements)["id"]},
}  # fmt: skip


async def _get(
    http: httpx.AsyncClient, params: dict[str, str] | None, tally: Tally, url: str = STATEMENTS
) -> tuple[float, dict[str, Any] | None]:
    """One GET: its duration (body read included) and the parsed body when it is a 200."""
    started = time.perf_counter()
    try:
        response = await http.get(url, params=params)
    except httpx.HTTPError as error:
        tally.failure(error, f"GET {url} {params}")
        return time.perf_counter() - started, None
    seconds = time.perf_counter() - started
    return seconds, orjson.loads(response.content) if tally.response(response) else None


def _returned(body: dict[str, Any] | None) -> int:
    if body is None:
        return 0
    return len(body["statements"]) if "statements" in body else 1


async def _run_shape(
    http: httpx.AsyncClient, name: str, sample: Sample, seed: int, repeats: int, tally: Tally
) -> dict[str, Any]:
    rng = random.Random(f"{seed}:{name}")  # noqa: S311 (reproducible parameters, not secrets)
    latencies: list[float] = []
    returned = 0
    deadline = time.monotonic() + SHAPE_TIME_LIMIT_S
    # One unmeasured request first: the figure is for a warm service, not the first call.
    await _get(http, shape_params(name, rng, sample), tally)
    for _ in range(repeats):
        if time.monotonic() > deadline:
            break
        seconds, body = await _get(http, shape_params(name, rng, sample), tally)
        latencies.append(seconds)
        returned += _returned(body)
    count = len(latencies)
    average = round(returned / count, 1) if count else 0
    return {"n": count, **percentiles_ms(latencies, (50, 95)), "avg_returned": average}


def shape_params(name: str, rng: random.Random, sample: Sample) -> dict[str, str]:
    params = SHAPES[name](rng, sample)
    return params if name == "statement_id" else {**params, "limit": QUERY_LIMIT}


async def stored_range(service: Service, tally: Tally) -> tuple[datetime, datetime] | None:
    """The `stored` of the oldest and the newest statement, or None for an empty store."""
    async with http_client(service, 1) as http:
        _, oldest = await _get(http, {"limit": "1", "ascending": "true"}, tally)
        _, newest = await _get(http, {"limit": "1"}, tally)
    if not oldest or not newest or not oldest["statements"]:
        return None
    first, last = oldest["statements"][0]["stored"], newest["statements"][0]["stored"]
    return datetime.fromisoformat(first), datetime.fromisoformat(last) + timedelta(seconds=1)


async def query_shapes(service: Service, sample: Sample, seed: int, repeats: int) -> dict[str, Any]:
    """Each shape `repeats` times, one request at a time: latency without contention."""
    tally, results = Tally(), {}
    async with http_client(service, 1) as http:
        for name in SHAPES:
            results[name] = await _run_shape(http, name, sample, seed, repeats, tally)
            log.info("query %s: %s", name, results[name])
    return {"shapes": results, "limit": int(QUERY_LIMIT), "http": tally.report()}


async def paging(service: Service, page_size: int, pages: int, limit_s: float) -> dict[str, Any]:
    """Follow `more` from an unfiltered query, up to `pages` pages or `limit_s`."""
    tally, latencies, fetched = Tally(), list[float](), 0
    deadline = time.monotonic() + limit_s
    url: str = STATEMENTS
    params: dict[str, str] | None = {"limit": str(page_size)}
    async with http_client(service, 1) as http:
        started = time.perf_counter()
        while url and len(latencies) < pages and time.monotonic() < deadline:
            seconds, body = await _get(http, params, tally, url)
            latencies.append(seconds)
            if body is None:
                break
            fetched += len(body["statements"])
            url, params = body["more"], None
        elapsed = time.perf_counter() - started
    log.info("paging: %d statements in %d pages, %.1f s", fetched, len(latencies), elapsed)
    return {
        "pages": len(latencies),
        "page_size": page_size,
        "statements": fetched,
        "seconds": round(elapsed, 2),
        "statements_per_s": rate(fetched, elapsed),
        "page": percentiles_ms(latencies, (50, 95)),
        "http": tally.report(),
    }
