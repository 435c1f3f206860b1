"""HTTP endpoints of the Statement resource (xAPI-Communication §2.1)."""

from datetime import datetime
from email.utils import format_datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from lrs.api import check_params, json_response, query_parameters
from lrs.auth.credentials import Principal
from lrs.auth.dependencies import require
from lrs.auth.scopes import Action
from lrs.db import SessionDep
from lrs.exceptions import BadRequest
from lrs.limits import check_batch_size
from lrs.statements import attachments, query, service
from lrs.statements.group_commit import GroupCommit, Stored
from lrs.versioning import VersionDep
from lrs.xapi import multipart
from lrs.xapi.formats import parse_accept_language
from lrs.xapi.primitives import check_uuid

router = APIRouter(prefix="/xapi", tags=["statements"])
Writer = Annotated[Principal, Depends(require(Action.STATEMENTS_WRITE))]
Reader = Annotated[Principal, Depends(require(Action.STATEMENTS_READ))]


async def consistent_through_header(session: AsyncSession) -> dict[str, str]:
    """Every Statement resource response carries X-Experience-API-Consistent-Through (§2.1.3);
    app.py adds it to error responses too."""
    return _through_header(await service.consistent_through(session))


def _through_header(through: datetime) -> dict[str, str]:
    return {"X-Experience-API-Consistent-Through": through.isoformat()}


async def _store(request: Request, principal: Principal, batch: service.Batch) -> Stored:
    """Writes go through the worker's group commit (statements/group_commit.py)."""
    group_commit: GroupCommit = request.app.state.group_commit
    return await group_commit.store(principal, batch)


_STATEMENT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [{"type": "object"}, {"type": "array", "items": {"type": "object"}}]
                }
            }
        },
    }
}


@router.post("/statements", operation_id="post_statements", openapi_extra=_STATEMENT_BODY)
async def post(request: Request, principal: Writer, version: VersionDep) -> Response:
    """Store one statement or a batch, all or nothing; answers the ids in order (§2.1.2)."""
    check_params(request, ())
    body, parts = await _read(request)
    check_batch_size(body, request.app.state.settings.max_batch_statements)
    stored = await _store(request, principal, service.prepare(body, principal, version, parts))
    return json_response(stored.ids, headers=_through_header(stored.consistent_through))


@router.put(
    "/statements", status_code=204, operation_id="put_statement",
    openapi_extra={**_STATEMENT_BODY, **query_parameters("statementId")},
)  # fmt: skip
async def put(request: Request, principal: Writer, version: VersionDep) -> Response:
    """Store one statement under the id given as `statementId` (§2.1.1)."""
    params = check_params(request, ("statementId",))
    if "statementId" not in params:
        raise BadRequest("is required", field="statementId")
    statement_id = check_uuid(params["statementId"], "statementId")
    body, parts = await _read(request)
    if not isinstance(body, dict):
        raise BadRequest("must be a single statement object", field="statement")
    if str(body.setdefault("id", statement_id)).lower() != statement_id:
        raise BadRequest("differs from the statementId parameter", field="statement.id")
    stored = await _store(request, principal, service.prepare(body, principal, version, parts))
    return Response(status_code=204, headers=_through_header(stored.consistent_through))


_QUERY = query_parameters(optional=query.PARAMETERS)


@router.get("/statements", operation_id="get_statements", openapi_extra=_QUERY)
@router.head("/statements", operation_id="head_statements", openapi_extra=_QUERY)
async def get(request: Request, session: SessionDep, principal: Reader) -> Response:
    """One statement by `statementId` / `voidedStatementId`, or a page of statements matching
    the filters, newest first, with a `more` link to the next page (§2.1.3)."""
    parsed = query.parse(check_params(request, query.PARAMETERS))
    languages = parse_accept_language(request.headers.get("accept-language"))
    max_limit = request.app.state.settings.max_query_limit
    result = await service.get(session, principal, parsed, languages, max_limit)
    headers = await consistent_through_header(session)
    if result.last_modified is not None:
        headers["Last-Modified"] = format_datetime(result.last_modified, usegmt=True)
    return Response(result.body, media_type=result.media_type, headers=headers)


async def _read(request: Request) -> tuple[Any, dict[str, multipart.Part]]:
    """The statement JSON of a POST or PUT and its attachment parts."""
    content_type = request.headers.get("content-type", "")
    return attachments.read_request(content_type, await request.body())
