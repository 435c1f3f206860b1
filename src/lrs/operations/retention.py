"""Retention and erasure: deleting statements for good, unlike voiding.

`purge` deletes a store's statements stored before a date, with their link rows and the
attachments no remaining statement declares, in chunks (one transaction each, so a purge
of millions neither holds locks for long nor restarts from zero if interrupted).

`erase` serves a person's erasure request. A statement is erased when the person appears in
it anywhere: actor, object, instructor, team, context agent or group, member of a Group
there, authority, or any of these inside a SubStatement; a statement naming the person in
any role is personal data about them. Also erased: their State and Agent Profile documents,
their row in the Agents resource, the attachments only erased statements declared, and the
filter keys other statements inherited from erased ones through a StatementRef. Kept:
statements that only point at an erased statement by id (StatementRef, voiding), since they
hold nothing about the person. An mbox is erased together with its mbox_sha1sum form; other
identifiers of the same person (an account, another address) must be named too.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import orjson
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lrs.exceptions import BadRequest
from lrs.operations import repository
from lrs.xapi.agents import agent_key, check_actor

_KEY_PREFIXES = ("mbox:", "mbox_sha1sum:", "openid:", "account:")


@dataclass
class Deleted:
    statements: int = 0
    attachments: int = 0
    other: dict[str, int] = field(default_factory=dict)


def agent_keys(spec: str) -> list[str]:
    """The keys to erase for an AGENT given as JSON (`{"mbox": "mailto:..."}`), as a bare
    `mailto:` address, or as a key (`account:<homePage>|<name>`, `openid:<uri>`, ...)."""
    spec = spec.strip()
    if spec.startswith("{"):
        try:
            key = agent_key(check_actor(orjson.loads(spec), "agent"))
        except orjson.JSONDecodeError:
            raise BadRequest("is not valid JSON", field="agent") from None
    elif spec.startswith("mailto:"):
        key = agent_key(check_actor({"mbox": spec}, "agent"))
    elif spec.startswith(_KEY_PREFIXES):
        key = spec
    else:
        raise BadRequest("must be an Agent as JSON, a mailto: address or an agent key")
    if key.startswith("mbox:"):
        digest = hashlib.sha1(key.removeprefix("mbox:").encode(), usedforsecurity=False)
        return [key, f"mbox_sha1sum:{digest.hexdigest()}"]
    return [key]


async def purge(
    sessionmaker: async_sessionmaker[AsyncSession],
    store_id: int,
    until: datetime,
    chunk: int = 5000,
    advance: Callable[[int], None] = lambda _: None,
) -> Deleted:
    deleted = Deleted()
    while True:
        async with sessionmaker() as session, session.begin():
            seqs = await repository.seqs_stored_before(session, store_id, until, chunk)
            if not seqs:
                return deleted
            hashes = await repository.delete_statements(session, store_id, seqs)
            deleted.attachments += await repository.delete_orphan_attachments(
                session, store_id, hashes
            )
        deleted.statements += len(seqs)
        advance(len(seqs))


async def count_purgeable(
    sessionmaker: async_sessionmaker[AsyncSession], store_id: int, until: datetime
) -> int:
    async with sessionmaker() as session:
        return await repository.count_stored_before(session, store_id, until)


async def erase(
    sessionmaker: async_sessionmaker[AsyncSession],
    store_id: int,
    keys: list[str],
    dry_run: bool = False,
) -> Deleted:
    """Erase the agent from one store in one transaction: all of it, or nothing."""
    if dry_run:
        async with sessionmaker() as session:
            return Deleted(len(await repository.seqs_naming_agents(session, store_id, keys)))
    async with sessionmaker() as session, session.begin():
        seqs = await repository.seqs_naming_agents(session, store_id, keys)
        hashes = await repository.delete_statements(session, store_id, seqs) if seqs else []
        attachments = await repository.delete_orphan_attachments(session, store_id, hashes)
        other = await repository.forget_agents(session, store_id, keys)
    return Deleted(len(seqs), attachments, other)
