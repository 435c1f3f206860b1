"""The operators' commands of `lrs`: import, export, purge and agents erase.

Long work shows a progress bar on stderr; what deletes data is written to the audit log
(structured, on stderr, event names `statements_purged` and `agent_erased`) with the
operator's login, the store and the counts, and never the person's identifier in clear.
"""

import asyncio
import enum
import functools
import getpass
import hashlib
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import orjson
import structlog
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeRemainingColumn,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lrs import db
from lrs.auth import credentials
from lrs.auth.credentials import Principal
from lrs.config import Settings
from lrs.exceptions import LRSError
from lrs.monitoring import logs
from lrs.operations import exporter, importer, repository, retention
from lrs.xapi.versions import XAPIVersion

agents_app = typer.Typer(help="A person's data, for privacy requests.", no_args_is_help=True)
audit = structlog.get_logger("lrs.audit")
console = Console(stderr=True)
T = TypeVar("T")
DEFAULT_STORE = "default"


class ExportFormat(enum.StrEnum):
    NDJSON = "ndjson"
    PARQUET = "parquet"


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.command("export")(export_command)
    app.command("purge")(purge_command)
    app.add_typer(agents_app, name="agents")


def _with_database(work: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]) -> T:
    """Run `work` against the configured (or embedded) database; LRS errors become usage
    errors."""
    settings = Settings()
    logs.configure(settings.log_level, settings.log_format)
    url = db.command_url(settings)

    async def main() -> T:
        engine = db.create_engine(url, pool_size=2)
        try:
            return await work(db.sessionmaker(engine))
        finally:
            await engine.dispose()

    try:
        return asyncio.run(main())
    except LRSError as error:
        raise typer.BadParameter(str(error.to_dict()["message"])) from None


async def _store_id(sessions: async_sessionmaker[AsyncSession], name: str) -> int:
    async with sessions() as session:
        store_id = await credentials.find_store(session, name)
    if store_id is None:
        raise typer.BadParameter(f"no store named {name!r}", param_hint="--store")
    return store_id


@asynccontextmanager
async def _bar(*columns: Any) -> AsyncIterator[Progress]:
    progress = Progress(
        TextColumn("{task.description}"), *columns, console=console, transient=False
    )
    with progress:
        yield progress


# -- import ---------------------------------------------------------------------------------


def import_command(
    path: Annotated[
        Path, typer.Argument(exists=True, help="NDJSON or JSON-array file, or a directory of them.")
    ],
    store: Annotated[str | None, typer.Option(help="Store name (default: 'default').")] = None,
    credential: Annotated[
        str | None,
        typer.Option(help="Store as this credential key: its store, authority and scopes."),
    ] = None,
    xapi_version: Annotated[
        str, typer.Option(help="Rules for statements that declare no version: 1.0.3 or 2.0.0.")
    ] = "2.0.0",
    chunk: Annotated[
        int, typer.Option(min=1, max=10_000, help="Statements per transaction.")
    ] = 1000,
    restart: Annotated[bool, typer.Option(help="Ignore the progress file and start over.")] = False,
) -> None:
    """Import statements (NDJSON or JSON arrays) with the rules of POST /statements.

    Resumable: a progress file is kept next to PATH. Identical duplicates are skipped;
    refused statements are listed in a report file next to PATH.
    """
    try:
        version = XAPIVersion(xapi_version)
    except ValueError:
        raise typer.BadParameter("must be 1.0.3 or 2.0.0", param_hint="--xapi-version") from None
    base = path.parent / path.name
    progress = importer.Progress(base.with_name(path.name + ".lrs-import-progress.json"))
    if restart:
        progress.done = {}
    home_page = Settings().authority_home_page

    refusals = _Refusals(base.with_name(path.name + ".lrs-import-rejected.ndjson"))

    async def work(sessions: async_sessionmaker[AsyncSession]) -> importer.Report:
        principal = await _principal(sessions, store, credential, home_page)
        run = importer.Importer(sessions, principal, version, chunk)
        async with _bar(BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()) as bar:
            for source in importer.sources(path):
                skip = progress.done.get(source.name, 0)
                task = bar.add_task(source.name, total=importer.count(source), completed=skip)
                done = functools.partial(_checkpoint, progress, refusals, run, bar, source, task)
                await run.run(source, skip, done)
        return run.report

    report = _with_database(work)
    refusals.write(report)  # any refused after the last chunk
    audit.info("statements_imported", path=str(path), acknowledged=report.acknowledged,
               rejected=len(report.rejected), operator=getpass.getuser())  # fmt: skip
    typer.echo(f"stored or already present: {report.acknowledged}")
    if report.rejected:
        typer.echo(f"refused: {len(report.rejected)} (listed in {refusals.path})")


@dataclass
class _Refusals:
    """The report of refused statements, appended chunk by chunk."""

    path: Path
    written: int = 0

    def write(self, report: importer.Report) -> None:
        new = report.rejected[self.written :]
        if new:
            with self.path.open("ab") as out:
                out.write(b"".join(orjson.dumps(r) + b"\n" for r in new))
            self.written = len(report.rejected)


def _checkpoint(
    progress: importer.Progress,
    refusals: _Refusals,
    run: importer.Importer,
    bar: Progress,
    source: Path,
    task: Any,
    total: int,
    size: int,
) -> None:
    """After each committed chunk: its refusals first, then the progress that skips the chunk
    on a resumed run (the other order would lose them if the run stopped in between)."""
    refusals.write(run.report)
    progress.save(source, total)
    bar.advance(task, size)


async def _principal(
    sessions: async_sessionmaker[AsyncSession],
    store: str | None,
    key: str | None,
    home_page: str,
) -> Principal:
    """Who the imported statements are stored by: a credential, or the operator's import
    authority (an account `lrs-import` on the LRS's home page) with every scope."""
    if key is not None:
        async with sessions() as session:
            found = await repository.credential(session, key)
        if found is None:
            raise typer.BadParameter(f"no active credential {key!r}", param_hint="--credential")
        if store is not None and store != found["store"]:
            raise typer.BadParameter(
                f"belongs to store {found['store']!r}", param_hint="--credential"
            )
        return Principal(
            found["id"], found["store_id"], key, frozenset(found["scopes"]), found["authority"]
        )
    store_id = await _store_id(sessions, store or DEFAULT_STORE)
    authority = {"objectType": "Agent", "name": "lrs import",
                 "account": {"homePage": home_page, "name": "lrs-import"}}  # fmt: skip
    return Principal(0, store_id, "lrs-import", frozenset({"all"}), authority)


# -- export ---------------------------------------------------------------------------------


def export_command(
    store: Annotated[str, typer.Option(help="Store name.")] = DEFAULT_STORE,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (NDJSON: default stdout).")
    ] = None,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", help="ndjson or parquet.")
    ] = ExportFormat.NDJSON,
    agent: Annotated[
        str | None, typer.Option(help="Agent or Group as JSON, as in GET /statements.")
    ] = None,
    verb: Annotated[str | None, typer.Option(help="Verb IRI.")] = None,
    activity: Annotated[str | None, typer.Option(help="Activity IRI.")] = None,
    registration: Annotated[str | None, typer.Option(help="Registration UUID.")] = None,
    related_activities: Annotated[bool, typer.Option(help="Match the activity anywhere.")] = False,
    related_agents: Annotated[bool, typer.Option(help="Match the agent anywhere.")] = False,
    since: Annotated[str | None, typer.Option(help="Stored after (ISO 8601).")] = None,
    until: Annotated[str | None, typer.Option(help="Stored at or before (ISO 8601).")] = None,
    ascending: Annotated[
        bool,
        typer.Option(
            "--ascending/--descending", help="Oldest first (default), as re-importing needs."
        ),
    ] = True,
    limit: Annotated[int, typer.Option(min=0, help="At most this many statements (0: all).")] = 0,
) -> None:
    """Export statements as NDJSON or Parquet, with the filters of GET /statements."""
    if fmt is ExportFormat.PARQUET and output is None:
        raise typer.BadParameter("Parquet needs a file", param_hint="--output")
    given = {"agent": agent, "verb": verb, "activity": activity, "registration": registration,
             "since": since, "until": until}  # fmt: skip
    params = {name: value for name, value in given.items() if value is not None}
    params |= {"related_activities": str(related_activities).lower(),
               "related_agents": str(related_agents).lower(),
               "ascending": str(ascending).lower(), "limit": str(limit)}  # fmt: skip

    async def work(sessions: async_sessionmaker[AsyncSession]) -> int:
        filters = exporter.parse_filters(params)
        store_id = await _store_id(sessions, store)
        return await _export(sessions, store_id, filters, fmt, output)

    exported = _with_database(work)
    console.print(f"exported {exported} statements")


async def _export(
    sessions: async_sessionmaker[AsyncSession],
    store_id: int,
    filters: Any,
    fmt: ExportFormat,
    output: Path | None,
) -> int:
    exported = 0
    parquet = exporter.ParquetOut(output) if fmt is ExportFormat.PARQUET and output else None
    out = None if parquet else (output.open("wb") if output else sys.stdout.buffer)
    try:
        async with _bar(SpinnerColumn(), MofNCompleteColumn()) as bar:
            task = bar.add_task("statements", total=None)
            async for rows in exporter.pages(sessions, store_id, filters):
                if parquet:
                    parquet.write(rows)
                elif out:
                    exporter.write_ndjson(out, rows)
                exported += len(rows)
                bar.advance(task, len(rows))
    finally:
        if parquet:
            parquet.close()
        elif out and output:
            out.close()
        elif out:
            out.flush()
    return exported


# -- purge and erase ------------------------------------------------------------------------


def purge_command(
    until: Annotated[
        str,
        typer.Option(
            help="Delete statements stored before this date or time (ISO 8601; UTC if no offset)."
        ),
    ],
    store: Annotated[str, typer.Option(help="Store name.")] = DEFAULT_STORE,
    dry_run: Annotated[bool, typer.Option(help="Count, delete nothing.")] = False,
    chunk: Annotated[int, typer.Option(min=1, help="Statements per transaction.")] = 5000,
) -> None:
    """Delete for good the statements stored before a date (retention).

    Their link rows go too, and the attachments no remaining statement declares.
    """
    cutoff = _instant(until)

    async def work(sessions: async_sessionmaker[AsyncSession]) -> retention.Deleted:
        store_id = await _store_id(sessions, store)
        total = await retention.count_purgeable(sessions, store_id, cutoff)
        if dry_run:
            return retention.Deleted(statements=total)
        async with _bar(BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()) as bar:
            task = bar.add_task("purge", total=total)
            advance = functools.partial(bar.advance, task)
            return await retention.purge(sessions, store_id, cutoff, chunk, advance)

    deleted = _with_database(work)
    audit.info("statements_purged", store=store, until=cutoff.isoformat(), dry_run=dry_run,
               statements=deleted.statements, attachments=deleted.attachments,
               operator=getpass.getuser())  # fmt: skip
    verb = "would delete" if dry_run else "deleted"
    typer.echo(f"{verb} {deleted.statements} statements stored before {cutoff.isoformat()}")


def _instant(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter("must be an ISO 8601 date or time", param_hint="--until") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@agents_app.command("erase")
def erase_command(
    agent: Annotated[
        str,
        typer.Argument(
            help='The person: an IFI as JSON ({"mbox": "mailto:..."}), a mailto: address,'
            " or an agent key."
        ),
    ],
    store: Annotated[str | None, typer.Option(help="Store name.")] = None,
    all_stores: Annotated[bool, typer.Option(help="Every store of this LRS.")] = False,
    dry_run: Annotated[bool, typer.Option(help="Count, delete nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase a person's statements, documents and Agents row (privacy requests).

    A statement goes when the person appears in it anywhere; docs/operations.md says exactly
    what is erased and what is kept.
    """
    if (store is None) == (not all_stores):
        raise typer.BadParameter("name one --store, or say --all-stores")
    try:
        keys = retention.agent_keys(agent)
    except LRSError as error:
        raise typer.BadParameter(str(error.to_dict()["message"]), param_hint="AGENT") from None
    if not (dry_run or yes):
        typer.confirm(f"Erase {keys[0]} from {store or 'every store'}, for good?", abort=True)
    subject = hashlib.sha256(keys[0].encode()).hexdigest()[:16]

    async def work(sessions: async_sessionmaker[AsyncSession]) -> dict[str, retention.Deleted]:
        if store is not None:
            names = {store: await _store_id(sessions, store)}
        else:
            async with sessions() as session:
                names = {s["name"]: s["id"] for s in await credentials.list_stores(session)}
        return {name: await retention.erase(sessions, store_id, keys, dry_run)
                for name, store_id in names.items()}  # fmt: skip

    for name, deleted in _with_database(work).items():
        audit.info("agent_erased", store=name, subject_sha256=subject, dry_run=dry_run,
                   statements=deleted.statements, attachments=deleted.attachments,
                   **deleted.other, operator=getpass.getuser())  # fmt: skip
        verb = "would erase" if dry_run else "erased"
        details = ", ".join(f"{n} {k}" for k, n in deleted.other.items())
        typer.echo(
            f"{name}: {verb} {deleted.statements} statements" + (f", {details}" if details else "")
        )
