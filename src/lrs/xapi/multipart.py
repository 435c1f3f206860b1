"""multipart/mixed bodies of statements with attachments (xAPI-Data §2.4.11,
xAPI-Communication §1.5.2): parsing a request and building a response. Pure, no I/O."""

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from lrs.exceptions import BadRequest

_BOUNDARY = re.compile(r'boundary=(?:"([^"]+)"|([^;\s]+))', re.IGNORECASE)
HASH_HEADER = "x-experience-api-hash"


@dataclass(frozen=True, slots=True)
class Part:
    headers: dict[str, str]  # lower-case names
    content: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def boundary_of(content_type: str) -> bytes:
    match = _BOUNDARY.search(content_type)
    if match is None:
        raise BadRequest("multipart/mixed needs a boundary parameter", field="Content-Type")
    return (match[1] or match[2]).encode()


def parse(body: bytes, content_type: str) -> list[Part]:
    """Split a multipart body into its parts (RFC 2046 §5.1.1)."""
    delimiter = b"--" + boundary_of(content_type)
    chunks = body.split(delimiter)
    if len(chunks) < 3 or not chunks[-1].startswith(b"--"):
        raise BadRequest("the multipart body does not have its parts between boundaries")
    return [_part(chunk) for chunk in chunks[1:-1]]


def _part(chunk: bytes) -> Part:
    chunk = chunk.removeprefix(b"\r\n")
    head, separator, content = chunk.partition(b"\r\n\r\n")
    if not separator:
        raise BadRequest("a multipart part has no blank line after its headers")
    headers = {}
    for line in head.decode("latin-1").split("\r\n"):
        name, colon, value = line.partition(":")
        if not colon:
            raise BadRequest(f"malformed multipart part header {line!r}")
        headers[name.strip().lower()] = value.strip()
    return Part(headers, content.removesuffix(b"\r\n"))


def build(first: bytes, attachments: Iterable[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/mixed body: the JSON first, then (sha2, content type, content) parts.
    Returns the body and its Content-Type."""
    boundary = secrets.token_hex(16)
    pieces = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(), first]
    for sha2, content_type, content in attachments:
        pieces.append(
            f"\r\n--{boundary}\r\nContent-Type: {content_type}\r\n"
            f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n".encode()
        )
        pieces.append(content)
    pieces.append(f"\r\n--{boundary}--\r\n".encode())
    return b"".join(pieces), f'multipart/mixed; boundary="{boundary}"'
