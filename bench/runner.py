"""`python -m bench`: start the LRS, load it, measure writes and reads, print one JSON object.

Figures go to stdout as one JSON object; progress goes to stderr.
"""

import argparse
import asyncio
import json
import logging
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import analytics, reads, server, writes
from bench.ceiling import copy_ceiling, database_facts
from bench.generator import StatementGenerator
from bench.measure import Tally

log = logging.getLogger("bench")

INGEST_CLIENTS, INGEST_BATCH = 4, 100
SINGLE_CLIENTS = 8
SAMPLE_SIZE = 5_000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    add = parser.add_argument
    add("--scale", type=int, default=20_000, help="statements to load (default 20000)")
    add("--seed", type=int, default=1, help="generator seed (default 1)")
    add("--port", type=int, default=8765, help="port of `lrs serve` on 127.0.0.1")
    add("--workers", type=int, default=1, help="passed to `lrs serve --workers`")
    add("--keep-data", type=Path, metavar="DIR", help="LRS_DATA_DIR to keep and reuse")
    add("--skip-load", action="store_true", help="measure a store loaded by an earlier run")
    add("--load-timeout", type=float, default=3600.0, help="seconds the load may take")
    add("--single-requests", type=int, default=5_000, help="single-statement POSTs (max)")
    add("--single-seconds", type=float, default=20.0, help="single-statement POST time limit")
    add("--query-repeats", type=int, default=50, help="requests per query shape")
    add("--pages", type=int, default=100, help="`more` pages to follow (1000 statements each)")
    add("--analytics-repeats", type=int, default=5, help="requests per analytics endpoint")
    add("--copy-timeout", type=float, default=1800.0, help="seconds the COPY ceiling may take")
    return parser.parse_args(argv)


async def measure(service: server.Service, args: argparse.Namespace) -> dict[str, Any]:
    """Every phase against a running service; the order keeps the reads on the loaded data."""
    figures: dict[str, Any] = {}
    if args.skip_load:
        log.info("--skip-load: measuring the store as it is")
    else:
        if not service.created:
            log.warning("the store already existed: statements it holds are re-posted as no-ops")
        figures["ingest"] = await writes.batch_ingest(
            service, args.seed, args.scale, INGEST_CLIENTS, INGEST_BATCH, args.load_timeout
        )
    figures["queries"] = await _queries(service, args)
    figures["paging"] = await reads.paging(service, 1000, args.pages, 120.0)
    figures["analytics"] = await analytics.endpoints(service, args.analytics_repeats)
    figures["single_post"] = await writes.single_post(
        service, args.seed, args.single_requests, SINGLE_CLIENTS, args.single_seconds
    )
    dsn = server.database_dsn(service.data_dir)
    figures["store"] = await database_facts(dsn)
    figures["copy_ceiling"] = await copy_ceiling(dsn, args.seed, args.scale, args.copy_timeout)
    return figures


async def _queries(service: server.Service, args: argparse.Namespace) -> dict[str, Any]:
    tally = Tally()
    bounds = await reads.stored_range(service, tally)
    if bounds is None:
        return {"skipped": "the store is empty", "http": tally.report()}
    generator = StatementGenerator(args.seed)
    # The first statements of the stream: every load of any scale stored them.
    statements = [generator.statement() for _ in range(min(SAMPLE_SIZE, args.scale))]
    sample = reads.Sample(statements, StatementGenerator(args.seed), *bounds)
    return await reads.query_shapes(service, sample, args.seed, args.query_repeats)


def _summary(args: argparse.Namespace, figures: dict[str, Any]) -> dict[str, Any]:
    ingest, ceiling = figures.get("ingest"), figures["copy_ceiling"]
    if ingest and ceiling["rows_per_s"]:
        ceiling["lrs_ingest_share"] = round(ingest["statements_per_s"] / ceiling["rows_per_s"], 3)
    return {
        "scale": args.scale,
        "seed": args.seed,
        "workers": args.workers,
        "cores": os.cpu_count(),
        "postgresql": figures["store"]["postgresql"],
        "python": platform.python_version(),
        "unexpected_http_statuses": _unexpected(figures),
        **figures,
    }


def _unexpected(figures: dict[str, Any]) -> int:
    """Answers other than 200/204 across all phases: each one is a finding."""
    total = 0
    for phase in figures.values():
        statuses = phase.get("http", {}).get("statuses", {}) if isinstance(phase, dict) else {}
        total += sum(n for status, n in statuses.items() if status not in ("200", "204"))
    return total


def _data_dir(args: argparse.Namespace) -> tuple[Path, Path]:
    """The LRS_DATA_DIR and the temporary directory to remove at the end."""
    scratch = Path(tempfile.mkdtemp(prefix="lrs-bench-"))
    if args.keep_data is None:
        return scratch / "data", scratch
    args.keep_data.mkdir(parents=True, exist_ok=True)
    return args.keep_data.resolve(), scratch


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request is noise
    data_dir, scratch = _data_dir(args)
    try:
        service = server.start(data_dir, args.port, args.workers, scratch / "serve.log")
        try:
            figures = asyncio.run(measure(service, args))
        finally:
            server.stop(service)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    sys.stdout.write(json.dumps(_summary(args, figures), indent=2) + "\n")
