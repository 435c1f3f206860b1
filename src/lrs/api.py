"""Request and response helpers shared by the xAPI endpoints."""

from collections.abc import Iterable
from typing import Any

import orjson
from fastapi import Request, Response

from lrs.exceptions import BadRequest

JSON_MEDIA_TYPE = "application/json"


def check_params(request: Request, allowed: Iterable[str]) -> dict[str, str]:
    """Query parameters, rejecting unknown or repeated ones: the xAPI names are case-sensitive."""
    allowed = set(allowed)
    params: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if name not in allowed:
            raise BadRequest("is not a parameter of this resource", field=name)
        if name in params:
            raise BadRequest("is given more than once", field=name)
        params[name] = value
    return params


def query_parameters(
    *required: str, optional: Iterable[str] = (), body: bool = False
) -> dict[str, Any]:
    """The OpenAPI description of query parameters read by `check_params` (so FastAPI does
    not see them), and of a body of any type."""
    extra: dict[str, Any] = {
        "parameters": [
            {
                "name": name,
                "in": "query",
                "required": name in required,
                "schema": {"type": "string"},
            }
            for name in (*required, *optional)
        ]
    }
    if body:
        extra["requestBody"] = {
            "required": True,
            "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
        }
    return extra


def json_response(
    content: Any, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(orjson.dumps(content), status_code, headers, media_type=JSON_MEDIA_TYPE)
