"""HTTP endpoints of the Statement resource (xAPI-Communication §2.1)."""

from email.utils import format_datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from lrs.api import check_params, json_body, json_response
from lrs.auth.credentials import Principal
from lrs.auth.dependencies import require
from lrs.auth.scopes import Action
from lrs.db import SessionDep
from lrs.exceptions import BadRequest
from lrs.statements import repository, service
from lrs.versioning import VersionDep
from lrs.xapi.primitives import check_uuid

router = APIRouter(prefix="/xapi", tags=["statements"])
Writer = Annotated[Principal, Depends(require(Action.STATEMENTS_WRITE))]
Reader = Annotated[Principal, Depends(require(Action.STATEMENTS_READ))]

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
async def post(
    request: Request, session: SessionDep, principal: Writer, version: VersionDep
) -> Response:
    """Store one statement or a batch, all or nothing; answers the ids in order (§2.1.2)."""
    check_params(request, ())
    prepared = service.prepare(await json_body(request), principal, version)
    return json_response(await service.store(session, principal, prepared))


@router.put(
    "/statements", status_code=204, operation_id="put_statement", openapi_extra=_STATEMENT_BODY
)
async def put(
    request: Request, session: SessionDep, principal: Writer, version: VersionDep
) -> Response:
    """Store one statement under the id given as `statementId` (§2.1.1)."""
    params = check_params(request, ("statementId",))
    if "statementId" not in params:
        raise BadRequest("is required", field="statementId")
    statement_id = check_uuid(params["statementId"], "statementId")
    body = await json_body(request)
    if not isinstance(body, dict):
        raise BadRequest("must be a single statement object", field="statement")
    if str(body.setdefault("id", statement_id)).lower() != statement_id:
        raise BadRequest("differs from the statementId parameter", field="statement.id")
    await service.store(session, principal, service.prepare(body, principal, version))
    return Response(status_code=204)


@router.get("/statements", operation_id="get_statements")
async def get(request: Request, session: SessionDep, principal: Reader) -> Response:
    """Fetch one statement by `statementId` or `voidedStatementId` (§2.1.3)."""
    params = check_params(request, ("statementId", "voidedStatementId"))
    voided = "voidedStatementId" in params
    if voided == ("statementId" in params):
        raise BadRequest("give exactly one of statementId and voidedStatementId")
    name = "voidedStatementId" if voided else "statementId"
    statement_id = check_uuid(params[name], name)
    found = await service.get_one(session, principal, statement_id, voided=voided)
    through = await repository.consistent_through(session)
    return Response(
        found.payload,
        media_type="application/json",
        headers={
            "X-Experience-API-Consistent-Through": through.isoformat(),
            "Last-Modified": format_datetime(found.stored, usegmt=True),
        },
    )
