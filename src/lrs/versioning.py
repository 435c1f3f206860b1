"""The X-Experience-API-Version header on every xAPI request and response (Communication §3.3).

A pure ASGI middleware: it rejects requests without a supported version (About and CORS
preflights excepted) and stamps the version on every response under /xapi.
"""

from typing import Annotated

import orjson
from fastapi import Depends, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lrs.exceptions import BadRequest, LRSError
from lrs.xapi.versions import VERSION_HEADER, XAPIVersion, parse_version_header

XAPI_PREFIX = "/xapi"
_EXEMPT = ("/xapi/about",)
_HEADER = VERSION_HEADER.lower().encode()


class XAPIVersionMiddleware:
    """`enabled`: the version lines this deployment speaks; a request without a usable
    version header is answered in the newest of them."""

    def __init__(self, app: ASGIApp, enabled: tuple[XAPIVersion, ...]) -> None:
        self.app = app
        self.enabled = enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(XAPI_PREFIX):
            await self.app(scope, receive, send)
            return
        raw = dict(scope["headers"]).get(_HEADER)
        newest = max(self.enabled, key=lambda v: v.value)
        version = newest
        if path not in _EXEMPT and scope["method"] != "OPTIONS":
            try:
                version = parse_version_header(raw.decode("latin-1") if raw else None)
                if version not in self.enabled:
                    raise BadRequest(f"{version.value} is not enabled here", field=VERSION_HEADER)
            except BadRequest as error:
                await send_error(send, error, newest)
                return
        scope.setdefault("state", {})["xapi_version"] = version

        async def send_with_version(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() != _HEADER]
                message["headers"] = [*headers, (_HEADER, version.value.encode())]
            await send(message)

        await self.app(scope, receive, send_with_version)


async def send_error(send: Send, error: LRSError, version: XAPIVersion) -> None:
    """An error answered by a middleware, before the app and its handlers are reached."""
    body = orjson.dumps(error.to_dict())
    await send(
        {
            "type": "http.response.start",
            "status": error.status_code,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (_HEADER, version.value.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _request_version(request: Request) -> XAPIVersion:
    # async: FastAPI runs a plain `def` dependency in a worker thread, a hop per request.
    version: XAPIVersion = request.state.xapi_version
    return version


VersionDep = Annotated[XAPIVersion, Depends(_request_version)]
