"""HTTP endpoint of the Agents resource (xAPI-Communication §2.4)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from lrs.agents import service
from lrs.api import check_params, json_response, query_parameters
from lrs.auth.credentials import Principal
from lrs.auth.dependencies import require
from lrs.auth.scopes import Action
from lrs.db import SessionDep
from lrs.exceptions import BadRequest

router = APIRouter(prefix="/xapi", tags=["agents"])
Reader = Annotated[Principal, Depends(require(Action.RESOURCES_READ))]


_PARAMETERS = query_parameters("agent")


@router.get("/agents", operation_id="get_agents", openapi_extra=_PARAMETERS)
@router.head("/agents", operation_id="head_agents", openapi_extra=_PARAMETERS)
async def get(request: Request, session: SessionDep, principal: Reader) -> Response:
    """The Person object of the Agent given as `agent`: the names and identifiers the LRS
    knows for it; an unknown Agent gets a Person built from the request (§2.4)."""
    params = check_params(request, ("agent",))
    if "agent" not in params:
        raise BadRequest("is required", field="agent")
    agent = service.parse_agent_param(params["agent"])
    return json_response(await service.person(session, principal.store_id, agent))
