"""`python -m bench.plans --data DIR`: the query plans of the GET /statements shapes.

Writes docs/query-plans.md as Markdown to stdout: for each shape the benchmark measures, the
SQL that `statements/search.py` builds for its first parameters, under `EXPLAIN (ANALYZE,
BUFFERS, COSTS OFF)`, on a store loaded by `python -m bench --keep-data DIR`. The embedded
PostgreSQL of DIR is started for the run (the LRS need not be running).
"""

import argparse
import asyncio
import random
import sys
from pathlib import Path
from typing import Any, cast

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from bench.generator import StatementGenerator
from bench.reads import SHAPES, Sample, shape_params
from bench.runner import SAMPLE_SIZE
from lrs import db
from lrs.statements import query, search

STORE_ID = 1  # the store `lrs serve` creates first, which the benchmark loads
_HEADER = """# Query plans

`python -m bench.plans --data DIR > docs/query-plans.md` (bench/plans.py), on the store that
`python -m bench --keep-data DIR` loaded: for each GET /statements shape of the benchmark
(`limit=100`, its first parameters), the SQL that `statements/search.py` builds, under
`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)`, run twice (the second, warm, plan is shown).
Regenerate after a change to search.py.
"""


class _Recorder:
    """Stands in for the session: keeps the SQL and parameters instead of running them."""

    def __init__(self) -> None:
        self.sql, self.params = "", dict[str, Any]()

    async def execute(self, statement: Any, params: dict[str, Any]) -> list[Any]:
        self.sql, self.params = str(statement), params
        return []


async def _plans(url: str, seed: int) -> list[tuple[str, str, list[str]]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            bounds = (await connection.execute(text(
                "SELECT min(stored), max(stored) FROM statement WHERE store_id = :s"
            ), {"s": STORE_ID})).one()  # fmt: skip
            generator = StatementGenerator(seed)
            sample = Sample([generator.statement() for _ in range(SAMPLE_SIZE)],
                            StatementGenerator(seed), *bounds)  # fmt: skip
            found = []
            for name in SHAPES:
                if name == "statement_id":
                    continue  # a primary-key lookup
                rng = random.Random(f"{seed}:{name}")  # noqa: S311 (as bench/reads.py draws)
                params = shape_params(name, rng, sample)
                recorder = _Recorder()
                parsed = query.parse(params).query
                session = cast(AsyncSession, recorder)
                await search.select_statements(session, STORE_ID, parsed, 100, None)
                explain = text("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + recorder.sql)
                for _ in range(2):  # the second run's plan: warm, as the benchmark measures
                    explained = await connection.execute(explain, recorder.params)
                found.append((name, ", ".join(f"{k}={v}" for k, v in params.items()),
                              [row[0] for row in explained]))  # fmt: skip
            return found
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.plans", description=__doc__)
    parser.add_argument("--data", type=Path, required=True, help="LRS_DATA_DIR of a loaded store")
    parser.add_argument("--seed", type=int, default=1, help="the load's seed (default 1)")
    args = parser.parse_args()
    try:
        plans = asyncio.run(_plans(db.start_embedded(args.data), args.seed))
    finally:
        db.stop_embedded(args.data)
    out = sys.stdout
    out.write(_HEADER)
    for name, params, lines in plans:
        timing = next((line for line in lines if line.startswith("Execution Time")), "")
        out.write(f"\n## {name} — {timing}\n\nParameters: `{params or 'none'}`\n\n```\n")
        out.write("\n".join(lines) + "\n```\n")


if __name__ == "__main__":
    main()
