"""HTTP endpoint of the Activities resource (xAPI-Communication §2.5)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from lrs.activities import service
from lrs.api import check_params, json_response, query_parameters
from lrs.auth.credentials import Principal
from lrs.auth.dependencies import require
from lrs.auth.scopes import Action
from lrs.db import SessionDep
from lrs.exceptions import BadRequest
from lrs.xapi.primitives import check_iri

router = APIRouter(prefix="/xapi", tags=["activities"])
Reader = Annotated[Principal, Depends(require(Action.RESOURCES_READ))]


_PARAMETERS = query_parameters("activityId")


@router.get("/activities", operation_id="get_activities", openapi_extra=_PARAMETERS)
@router.head("/activities", operation_id="head_activities", openapi_extra=_PARAMETERS)
async def get(request: Request, session: SessionDep, principal: Reader) -> Response:
    """The Activity `activityId` with its canonical definition, as merged from the statements
    that define it; an Activity the LRS does not know is returned with its id alone (§2.5)."""
    params = check_params(request, ("activityId",))
    if "activityId" not in params:
        raise BadRequest("is required", field="activityId")
    activity_id = check_iri(params["activityId"], "activityId")
    return json_response(await service.activity(session, principal.store_id, activity_id))
