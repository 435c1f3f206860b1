"""The OpenAPI document: what FastAPI derives from the routes, plus what middleware and the
error handlers do to every request, which the routes cannot say themselves.

- Every /xapi operation but About takes `X-Experience-API-Version` (versioning.py).
- Every /xapi and /analytics operation may answer the error statuses below with the one error
  body of exceptions.py; none answers FastAPI's 422 (parameter errors are 400, app.py).
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from lrs.xapi.versions import VERSION_HEADER, XAPIVersion

_ERRORS = {
    "400": "Invalid request: the message names the parameter or statement path",
    "401": "Missing or unknown credentials",
    "403": "The credential's scopes do not permit this",
    "404": "Not found",
    "409": "Conflict with what is stored",
    "412": "Precondition failed (ETag)",
    "413": "Request body or document too large",
    "503": "Database unavailable; retry later",
}
_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "status", "message"],
    "properties": {
        "error": {"type": "boolean", "const": True},
        "status": {"type": "integer"},
        "message": {"type": "string"},
        "field": {"type": "string"},
        "requestId": {"type": "string"},
    },
}
_ERROR_REF = {"$ref": "#/components/schemas/Error"}
_VERSION_PARAMETER = {
    "name": VERSION_HEADER,
    "in": "header",
    "required": True,
    "schema": {"type": "string", "enum": [v.value for v in XAPIVersion]},
}


def document(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document, built once."""
    if app.openapi_schema is None:
        spec = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        for path, operations in spec["paths"].items():
            for operation in operations.values():
                _complete(path, operation)
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        schemas["Error"] = _ERROR_SCHEMA
        app.openapi_schema = spec
    return app.openapi_schema


def _complete(path: str, operation: dict[str, Any]) -> None:
    responses = operation["responses"]
    responses.pop("422", None)
    if not path.startswith(("/xapi", "/analytics")):
        return
    for status, description in _ERRORS.items():
        content = {"application/json": {"schema": _ERROR_REF}}
        responses.setdefault(status, {"description": description, "content": content})
    if path.startswith("/xapi") and path != "/xapi/about":
        operation.setdefault("parameters", []).append(_VERSION_PARAMETER)
