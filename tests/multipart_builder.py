"""Building multipart/mixed statement requests in tests, part by part, so each rule can be broken."""

import hashlib
from typing import Any

import orjson

BOUNDARY = "xapi-test-boundary"
CONTENT_TYPE = f"multipart/mixed; boundary={BOUNDARY}"


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def attachment_for(content: bytes, **overrides: Any) -> dict[str, Any]:
    """Attachment metadata that declares `content`."""
    return {
        "usageType": "http://example.com/attachment-usage/test",
        "display": {"en-US": "A test attachment"},
        "contentType": "text/plain",
        "length": len(content),
        "sha2": sha256(content),
        **overrides,
    }


def part(content: bytes, content_type: str = "text/plain", **headers: str) -> bytes:
    fields = {"Content-Type": content_type, "Content-Transfer-Encoding": "binary",
              "X-Experience-API-Hash": sha256(content), **headers}  # fmt: skip
    head = "".join(f"{name}: {value}\r\n" for name, value in fields.items() if value)
    return head.encode() + b"\r\n" + content


def body(first: Any, *parts: bytes, first_type: str = "application/json") -> bytes:
    chunks = [f"Content-Type: {first_type}\r\n\r\n".encode() + orjson.dumps(first), *parts]
    delimiter = f"--{BOUNDARY}".encode()
    return (
        b"".join(delimiter + b"\r\n" + chunk + b"\r\n" for chunk in chunks) + delimiter + b"--\r\n"
    )
