"""Export the statements of a store as NDJSON or Parquet, with the filters of GET
/statements (`agent`, `verb`, `activity`, `registration`, `since`, `until`, ...).

What is exported is what GET /statements answers: voided statements are left out (their
voiding statements are in). The snapshot is fixed when the export starts, as for the pages
of a `more` link, so statements stored meanwhile neither appear nor shift the pages.
"""

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC
from pathlib import Path
from typing import BinaryIO

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lrs.statements import query, search, service
from lrs.statements.search import StatementRow

PAGE = 5000
PARQUET_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("stored", pa.timestamp("us", tz="UTC")),
        ("timestamp", pa.string()),
        ("verb_id", pa.string()),
        ("statement", pa.string()),  # the statement exactly as GET answers it, as JSON
    ]
)


def parse_filters(params: dict[str, str]) -> query.StatementQuery:
    """GET /statements filter parameters, checked as the API checks them (BadRequest)."""
    return query.parse(params).query


async def pages(
    sessionmaker: async_sessionmaker[AsyncSession], store_id: int, filters: query.StatementQuery
) -> AsyncIterator[list[StatementRow]]:
    """The matching statements page by page; `filters.limit` (0: all) caps the total."""
    async with sessionmaker() as session:
        q = dataclasses.replace(filters, through=await service.consistent_through(session))
    remaining = filters.limit or None
    while remaining is None or remaining > 0:
        size = PAGE if remaining is None else min(PAGE, remaining)
        async with sessionmaker() as session:
            rows, more = await search.select_statements(session, store_id, q, size, None)
        if rows:
            yield rows
        if not more or not rows:
            return
        remaining = None if remaining is None else remaining - len(rows)
        q = dataclasses.replace(q, after=rows[-1].seq, after_stored=rows[-1].stored)


def write_ndjson(out: BinaryIO, rows: list[StatementRow]) -> None:
    out.write(b"".join(row.payload.encode() + b"\n" for row in rows))


class ParquetOut:
    """A Parquet file written one row group per page."""

    def __init__(self, path: Path) -> None:
        self.writer = pq.ParquetWriter(str(path), PARQUET_SCHEMA, compression="zstd")

    def write(self, rows: list[StatementRow]) -> None:
        statements = [orjson.loads(row.payload) for row in rows]
        columns = {
            "id": [s["id"] for s in statements],
            "stored": [row.stored.astimezone(UTC) for row in rows],
            "timestamp": [s.get("timestamp") for s in statements],
            "verb_id": [s["verb"]["id"] for s in statements],
            "statement": [row.payload for row in rows],
        }
        self.writer.write_table(pa.table(columns, schema=PARQUET_SCHEMA))

    def close(self) -> None:
        self.writer.close()
