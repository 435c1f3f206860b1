"""Size limits: the request body (413 before the body is read when Content-Length says so,
and while it is read when it does not) and the number of statements in one batch."""

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lrs.exceptions import PayloadTooLarge
from lrs.versioning import send_error
from lrs.xapi.versions import XAPIVersion


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await send_error(send, self._error(), XAPIVersion.V2)
            return
        await self.app(scope, self._counting(receive), send)

    def _error(self) -> PayloadTooLarge:
        return PayloadTooLarge(f"the request body is larger than {self.max_bytes} bytes")

    def _counting(self, receive: Receive) -> Receive:
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise self._error()
            return message

        return counted


def check_batch_size(body: Any, max_statements: int) -> None:
    """A POST of more statements than the LRS takes in one batch is refused whole (413)."""
    if isinstance(body, list) and len(body) > max_statements:
        raise PayloadTooLarge(
            f"the batch holds {len(body)} statements, more than {max_statements}",
            field="statements",
        )
