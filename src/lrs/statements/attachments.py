"""Attachments of statements: reading JSON or multipart/mixed requests, matching each
declared attachment to its part, checking signatures (xAPI-Data §2.4.11 and §2.6)."""

import hashlib
from typing import Any

import orjson

from lrs.exceptions import BadRequest
from lrs.xapi import multipart
from lrs.xapi.primitives import JSONObject
from lrs.xapi.signature import SIGNATURE_USAGE, check_signature

_DIGESTS = {56: hashlib.sha224, 64: hashlib.sha256, 96: hashlib.sha384, 128: hashlib.sha512}


def read_request(content_type: str, body: bytes) -> tuple[Any, dict[str, multipart.Part]]:
    """The statement JSON of a request and its attachment parts by sha2."""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type == "multipart/mixed":
        first, *rest = multipart.parse(body, content_type)
        if first.content_type != "application/json":
            raise BadRequest("the first part must be application/json", field="Content-Type")
        return _json(first.content), {_checked_hash(part): part for part in rest}
    if media_type != "application/json":
        raise BadRequest("must be application/json or multipart/mixed", field="Content-Type")
    return _json(body), {}


def _json(body: bytes) -> Any:
    if not body:
        raise BadRequest("the request body is empty")
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise BadRequest(f"the request body is not valid JSON: {error}") from None


def _checked_hash(part: multipart.Part) -> str:
    sha2 = part.headers.get(multipart.HASH_HEADER, "").lower()
    if part.headers.get("content-transfer-encoding", "").lower() != "binary":
        raise BadRequest("each attachment part needs Content-Transfer-Encoding: binary")
    digest = _DIGESTS.get(len(sha2))
    if digest is None or digest(part.content).hexdigest() != sha2:
        raise BadRequest(f"attachment part hash {sha2!r} does not match its content",
                         field="X-Experience-API-Hash")  # fmt: skip
    return sha2


def match_parts(statements: list[JSONObject], parts: dict[str, multipart.Part]) -> None:
    """Every attachment without a fileUrl arrives as a part, every part is declared, and
    every signature is a valid JWS of its statement."""
    declared: set[str] = set()
    for i, stmt in enumerate(statements):
        for j, attachment in enumerate(_attachments(stmt)):
            path = f"statements[{i}].attachments[{j}]"
            sha2 = attachment["sha2"].lower()
            declared.add(sha2)
            if sha2 not in parts and "fileUrl" not in attachment:
                raise BadRequest("has no fileUrl and no part with its content", field=path)
            if attachment["usageType"] == SIGNATURE_USAGE:
                _check_signature_attachment(stmt, attachment, parts.get(sha2), path)
    excess = set(parts) - declared
    if excess:
        raise BadRequest(f"multipart parts {sorted(excess)} are not attachments of a statement")


def _attachments(stmt: JSONObject) -> list[JSONObject]:
    inner = (
        stmt["object"].get("attachments", [])
        if stmt["object"].get("objectType") == "SubStatement"
        else []
    )
    return [*stmt.get("attachments", []), *inner]


def _check_signature_attachment(
    stmt: JSONObject, attachment: JSONObject, part: multipart.Part | None, path: str
) -> None:
    if attachment["contentType"].split(";")[0].strip() != "application/octet-stream":
        raise BadRequest(
            "a signature must be application/octet-stream", field=f"{path}.contentType"
        )
    if part is None:
        raise BadRequest("a signature must be sent as a part", field=path)
    check_signature(stmt, part.content, path)


def referenced_hashes(statements: list[JSONObject]) -> list[str]:
    """The sha2 of every attachment the statements declare, in order, once each."""
    return list(dict.fromkeys(a["sha2"].lower() for s in statements for a in _attachments(s)))
