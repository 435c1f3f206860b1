"""Bulk import of statements from NDJSON or JSON-array files, through the rules of POST
/statements (`statements.service.prepare` and `store`), one transaction per chunk.

- Resumable: after each committed chunk the number of statements done per file is written
  to a progress file next to the input; a new run skips them. Re-sending a statement that
  carries its `id` is harmless anyway (identical statements are no-ops), so a crash between
  a commit and the progress write costs nothing for them.
- A chunk the LRS refuses (an invalid statement, or an `id` stored with other content) is
  split in halves until the culprits are alone; those are reported, the rest stored.
- The next chunk is parsed and validated in a thread while the database stores the
  current one.
"""

import asyncio
import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lrs.auth.credentials import Principal
from lrs.exceptions import LRSError
from lrs.statements import service
from lrs.xapi.versions import XAPIVersion

SUFFIXES = (".ndjson", ".jsonl", ".json")


@dataclass(frozen=True, slots=True)
class Item:
    """One statement of the input: where it is (line, or position in an array) and its JSON."""

    line: int
    raw: bytes


@dataclass(slots=True)
class Group:
    """Statements of one chunk validated together: one xAPI version, one batch."""

    items: list[Item]
    version: XAPIVersion
    batch: service.Batch | None = None
    error: LRSError | None = None


@dataclass
class Report:
    acknowledged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)


def sources(path: Path) -> list[Path]:
    """The input files: `path` itself, or the NDJSON/JSON files of a directory in name order."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and p.suffix in SUFFIXES)
    return [path]


def count(path: Path) -> int:
    """How many statements a file holds (for the progress bar): lines, or array elements."""
    if _is_array(path):
        return len(orjson.loads(path.read_bytes()))
    with path.open("rb") as f:
        return sum(1 for line in f if line.strip())


def read(path: Path) -> Iterator[Item]:
    if _is_array(path):
        elements = orjson.loads(path.read_bytes())
        yield from (Item(n, orjson.dumps(e)) for n, e in enumerate(elements, 1))
        return
    with path.open("rb") as f:
        yield from (Item(n, line) for n, line in enumerate(f, 1) if line.strip())


def _is_array(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(1024).lstrip().startswith(b"[")


class Progress:
    """Statements done per input file, saved atomically next to the input."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.done: dict[str, int] = orjson.loads(path.read_bytes()) if path.exists() else {}

    def save(self, source: Path, done: int) -> None:
        self.done[source.name] = done
        partial = self.path.with_suffix(".partial")
        partial.write_bytes(orjson.dumps(self.done))
        os.replace(partial, self.path)


class Importer:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        principal: Principal,
        default_version: XAPIVersion,
        chunk_size: int = 1000,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.principal = principal
        self.default_version = default_version
        self.chunk_size = chunk_size
        self.report = Report()
        self._source = ""

    async def run(self, source: Path, skip: int, done: Callable[[int, int], None]) -> None:
        """Import one file past its first `skip` statements; `done(total, chunk)` after each
        committed chunk."""
        self._source = source.name
        chunks = _chunked(itertools.islice(read(source), skip, None), self.chunk_size)
        total = skip
        pending = asyncio.create_task(asyncio.to_thread(self._next, chunks))
        while (groups := await pending) is not None:
            pending = asyncio.create_task(asyncio.to_thread(self._next, chunks))
            for group in groups:
                await self._store(group)
            size = sum(len(group.items) for group in groups)
            total += size
            done(total, size)

    def _next(self, chunks: Iterator[list[Item]]) -> list[Group] | None:
        """Parse and validate the next chunk (in a worker thread)."""
        chunk = next(chunks, None)
        if chunk is None:
            return None
        groups: dict[XAPIVersion, Group] = {}
        parsed: dict[XAPIVersion, list[Any]] = {}
        for item in chunk:
            try:
                statement = orjson.loads(item.raw)
            except orjson.JSONDecodeError:
                self._reject(item, "the line is not valid JSON", 400)
                continue
            version = self._version(statement)
            groups.setdefault(version, Group([], version)).items.append(item)
            parsed.setdefault(version, []).append(statement)
        for version, group in groups.items():
            try:
                group.batch = service.prepare(parsed[version], self.principal, version, {})
            except LRSError as error:
                group.error = error
        return list(groups.values())

    def _version(self, statement: Any) -> XAPIVersion:
        """The rules a statement is checked by: those of the `version` it declares."""
        declared = str(statement.get("version", "")) if isinstance(statement, dict) else ""
        if declared.startswith("1.0"):
            return XAPIVersion.V1
        if declared.startswith("2.0"):
            return XAPIVersion.V2
        return self.default_version

    async def _store(self, group: Group) -> None:
        if group.batch is not None:
            try:
                async with self.sessionmaker() as session, session.begin():
                    await service.store(session, self.principal, group.batch)
            except LRSError as error:
                group.error = error
            else:
                self.report.acknowledged += len(group.items)
                return
        assert group.error is not None
        if len(group.items) == 1:
            message = str(group.error.to_dict()["message"])
            self._reject(group.items[0], message, group.error.status_code)
            return
        middle = len(group.items) // 2
        for half in (group.items[:middle], group.items[middle:]):
            await self._store(self._regroup(half, group.version))

    def _regroup(self, items: list[Item], version: XAPIVersion) -> Group:
        """A fresh batch from the raw JSON: `prepare` completes the statements it is given."""
        group = Group(items, version)
        try:
            statements = [orjson.loads(item.raw) for item in items]
            group.batch = service.prepare(statements, self.principal, version, {})
        except LRSError as error:
            group.error = error
        return group

    def _reject(self, item: Item, message: str, status: int) -> None:
        statement_id = None
        try:
            parsed = orjson.loads(item.raw)
            statement_id = parsed.get("id") if isinstance(parsed, dict) else None
        except orjson.JSONDecodeError:
            pass
        rejected = {"file": self._source, "line": item.line, "id": statement_id}
        self.report.rejected.append({**rejected, "status": status, "error": message})


def _chunked(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
