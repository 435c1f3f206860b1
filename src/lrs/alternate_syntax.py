"""The Alternate Request Syntax of xAPI 1.0.3 (xAPI-Communication §1.3): a POST whose query
string is only `method=...` and whose form-encoded body carries the parameters, some headers
and the `content`. This middleware turns it back into the request it stands for, so every
resource handles it unchanged. xAPI 2.0.0 removed the syntax: such requests are refused."""

from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lrs.exceptions import BadRequest, LRSError
from lrs.versioning import XAPI_PREFIX, send_error
from lrs.xapi.versions import VERSION_HEADER, XAPIVersion, parse_version_header

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
# Form fields the LRS treats as headers (§1.3, "Alternate Request Syntax").
_HEADER_FIELDS = {"authorization", "x-experience-api-version", "content-type", "content-length",
                  "if-match", "if-none-match"}  # fmt: skip
_METHODS = {"GET", "HEAD", "PUT", "POST", "DELETE"}


class AlternateSyntaxMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or not scope["path"].startswith(XAPI_PREFIX)
            or all(name != "method" for name, _ in query)
        ):
            await self.app(scope, receive, send)
            return
        try:
            rewritten, content = await _rewrite(scope, receive, query)
        except LRSError as error:  # a malformed request, or a body over the limit (413)
            await send_error(send, error, XAPIVersion.V1)
            return
        await self.app(rewritten, _replay(content), send)


async def _rewrite(
    scope: Scope, receive: Receive, query: list[tuple[str, str]]
) -> tuple[Scope, bytes]:
    if len(query) != 1:
        raise BadRequest("only `method` may be in the query string", field="method")
    method = query[0][1].upper()
    if method not in _METHODS:
        raise BadRequest(f"{query[0][1]!r} is not an HTTP method", field="method")
    headers = {name.decode("latin-1").lower(): value.decode("latin-1")
               for name, value in scope["headers"]}  # fmt: skip
    if headers.get("content-type", "").split(";")[0].strip().lower() != FORM_CONTENT_TYPE:
        raise BadRequest(
            f"the alternate request syntax needs {FORM_CONTENT_TYPE}", field="Content-Type"
        )
    form = parse_qsl((await _read(receive)).decode(), keep_blank_values=True)
    fields = {name.lower(): value for name, value in form if name.lower() in _HEADER_FIELDS}
    params = [
        (name, value) for name, value in form if name.lower() not in _HEADER_FIELDS | {"content"}
    ]
    content = next((value for name, value in form if name == "content"), "").encode()
    headers.pop("content-length", None)
    headers.pop("content-type", None)
    headers.update(fields)
    version = headers.get(VERSION_HEADER.lower())
    if version is not None and _is_version_2(version):
        raise BadRequest("xAPI 2.0.0 has no alternate request syntax", field="method")
    headers.setdefault("content-type", "application/json")
    headers["content-length"] = str(len(content))
    return {
        **scope,
        "method": method,
        "query_string": urlencode(params).encode(),
        "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
    }, content


def _is_version_2(value: str) -> bool:
    try:
        return parse_version_header(value) is XAPIVersion.V2
    except BadRequest:
        return False  # the version check further in answers for a bad version


async def _read(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(content: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": content, "more_body": False}

    return receive
