"""The rules of the three document resources: State, Activity Profile and Agent Profile
(xAPI-Communication §2.2-2.3, §2.6-2.7; xAPI 2.0 §4.1.6.2, §4.1.6.5-6), with the
concurrency rules of §3.1 (xAPI 2.0 §4.1.4) written once for all three.

Concurrency, per version of the specification:

- Every document answered by GET carries an ETag: the SHA-1 hex digest of its bytes, quoted
  (1.0.3 requires exactly this; 2.0 any quoted tag).
- `If-Match` (an ETag list or `*`) and `If-None-Match` (`*` or an ETag list) are honoured on
  PUT, POST and DELETE of one document; when they do not hold: 412, nothing changes.
- A PUT with neither header for a document that already exists: 409, nothing changes, with a
  message saying to fetch the document and send `If-Match`. Under 1.0.3 this holds for the
  two profile resources (the State resource "will permit PUT, POST and DELETE requests without
  concurrency headers", §3.1); under 2.0 for all three (§4.1.4 lists State with them).
- 1.0.3 also says a client MUST send one of the two headers on a profile PUT (§3.1); such a
  PUT for a new document is answered 400, as the 1.0.3 conformance suite expects. 2.0 moved
  that duty to the client's side of the standard only, so a 2.0 PUT may create without one.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from lrs.documents import Document, Kind, Owner, Ref, repository
from lrs.exceptions import BadRequest, Conflict, NotFound, PreconditionFailed
from lrs.xapi.versions import XAPIVersion

JSON_TYPE = "application/json"
DEFAULT_TYPE = "application/octet-stream"
# How often a write re-reads a document another transaction created under its feet.
_WRITE_ATTEMPTS = 2


@dataclass(frozen=True, slots=True)
class Incoming:
    """A document body as the client sent it; it is stored byte for byte."""

    content: bytes
    content_type: str

    @property
    def is_json(self) -> bool:
        return is_json_type(self.content_type)


@dataclass(frozen=True, slots=True)
class Conditions:
    """The `If-Match` and `If-None-Match` request headers (absent or empty: None)."""

    if_match: str | None = None
    if_none_match: str | None = None

    @property
    def given(self) -> bool:
        return self.if_match is not None or self.if_none_match is not None


@dataclass(frozen=True, slots=True)
class DocumentIds:
    """The ids a GET without a document id answers, and when the newest of them changed."""

    ids: list[str]
    last_modified: datetime | None


def is_json_type(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() == JSON_TYPE


def etag_of(content: bytes) -> str:
    return '"' + hashlib.sha1(content, usedforsecurity=False).hexdigest() + '"'


async def get(session: AsyncSession, ref: Ref) -> Document:
    """One document, or 404."""
    found = await repository.find(session, ref)
    if found is None:
        raise NotFound(f"no {ref.owner.kind.label} document with this id")
    return found


async def list_ids(session: AsyncSession, owner: Owner, since: datetime | None) -> DocumentIds:
    """The ids of the owner's documents, those changed after `since` (exclusive) if given."""
    rows = await repository.list_ids(session, owner, since)
    return DocumentIds([doc_id for doc_id, _ in rows], max((at for _, at in rows), default=None))


async def put(
    session: AsyncSession,
    ref: Ref,
    incoming: Incoming,
    conditions: Conditions,
    version: XAPIVersion,
) -> None:
    """Store a document, replacing the one stored under the same key (§2.2)."""
    _check_json(incoming)

    def compose(current: Document | None) -> Incoming:
        _check_unconditional_put(ref, current, conditions, version)
        return incoming

    await _write(session, ref, conditions, compose)


async def post(session: AsyncSession, ref: Ref, incoming: Incoming, conditions: Conditions) -> None:
    """Merge a JSON object into the stored one, or store it as a PUT would when there is none
    (§2.2 "JSON Procedure"). Both documents must be JSON objects, else 400 and no change."""
    posted = _check_json(incoming)
    if incoming.is_json and not isinstance(posted, dict):
        raise BadRequest("a POSTed JSON document must be a JSON object", field="content")

    def compose(current: Document | None) -> Incoming:
        if current is None:
            return incoming
        if not incoming.is_json:
            raise BadRequest(
                "only application/json can be merged into the stored document",
                field="Content-Type",
            )
        merged = {**_stored_object(current), **posted}
        return Incoming(orjson.dumps(merged), JSON_TYPE)

    await _write(session, ref, conditions, compose)


async def delete(session: AsyncSession, ref: Ref, conditions: Conditions) -> None:
    """Delete one document; deleting one that does not exist is not an error."""
    current = await repository.find(session, ref, for_update=True)
    check_preconditions(current, conditions)
    if current is not None:
        await repository.delete(session, ref.owner.store_id, current.id)


async def delete_all(session: AsyncSession, owner: Owner) -> None:
    """Delete every document of the owner (the State resource without `stateId`, §2.3)."""
    await repository.delete_all(session, owner)


def check_preconditions(current: Document | None, conditions: Conditions) -> None:
    """RFC 7232 §3.1-3.2 (the RFC 2616 rules xAPI cites): strong comparison for If-Match,
    weak for If-None-Match."""
    if conditions.if_match is not None and (
        current is None or not _matches(conditions.if_match, current.etag, weak=False)
    ):
        raise PreconditionFailed("the document does not match If-Match", field="If-Match")
    if (
        conditions.if_none_match is not None
        and current is not None
        and _matches(conditions.if_none_match, current.etag, weak=True)
    ):
        raise PreconditionFailed("the document exists (If-None-Match)", field="If-None-Match")


def _matches(header: str, etag: str, *, weak: bool) -> bool:
    for tag in (part.strip() for part in header.split(",")):
        if tag == "*":
            return True
        if tag.startswith("W/"):
            if not weak:
                continue
            tag = tag[2:]
        # Tolerate a client that drops the quotes; the tag itself must still be equal.
        if tag.strip('"') == etag.strip('"'):
            return True
    return False


def _check_unconditional_put(
    ref: Ref, current: Document | None, conditions: Conditions, version: XAPIVersion
) -> None:
    if conditions.given or not _put_needs_precondition(ref, version):
        return
    if current is not None:
        raise Conflict(
            "the document already exists: fetch it, then PUT with If-Match set to its ETag"
            " (or If-None-Match: * to create a document only if there is none)"
        )
    if version is XAPIVersion.V1:
        raise BadRequest(
            "a PUT to this resource must carry an If-Match or If-None-Match header",
            field="If-Match",
        )


def _put_needs_precondition(ref: Ref, version: XAPIVersion) -> bool:
    return version is XAPIVersion.V2 or ref.owner.kind is not Kind.STATE


def _check_json(incoming: Incoming) -> Any:
    """The parsed body of a JSON document (None for other types); invalid JSON is a 400."""
    if not incoming.is_json:
        return None
    try:
        return orjson.loads(incoming.content)
    except orjson.JSONDecodeError as error:
        raise BadRequest(f"the document is not valid JSON: {error}", field="content") from None


def _stored_object(current: Document) -> dict[str, Any]:
    stored: Any = None
    if is_json_type(current.content_type):
        try:
            stored = orjson.loads(current.content)
        except orjson.JSONDecodeError:
            stored = None
    if not isinstance(stored, dict):
        raise BadRequest("the stored document is not a JSON object, so it cannot be merged")
    return stored


async def _write(
    session: AsyncSession,
    ref: Ref,
    conditions: Conditions,
    compose: Callable[[Document | None], Incoming],
) -> None:
    """Lock the current document, check the preconditions, write what `compose` makes of it.

    A document that appears between the read and the insert (another request created it)
    is read again, locked, and the rules applied to it.
    """
    for _ in range(_WRITE_ATTEMPTS):
        current = await repository.find(session, ref, for_update=True)
        check_preconditions(current, conditions)
        new = compose(current)
        etag = etag_of(new.content)
        if current is not None:
            await repository.update(
                session, ref.owner.store_id, current.id, new.content, new.content_type, etag
            )
            return
        if await repository.insert(session, ref, new.content, new.content_type, etag):
            return
    raise Conflict("the document changed while it was being written; try again")
