"""HTTP endpoints of the document resources: State (xAPI-Communication §2.3), Activity Profile
(§2.7) and Agent Profile (§2.6). The rules, concurrency included (§3.1), are in `service`."""

from datetime import datetime
from email.utils import format_datetime
from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Request, Response

from lrs.agents.service import parse_agent_param
from lrs.api import JSON_MEDIA_TYPE, check_params, query_parameters
from lrs.auth.credentials import Principal
from lrs.auth.dependencies import require
from lrs.auth.scopes import Action
from lrs.db import SessionDep
from lrs.documents import Document, Kind, Owner, Ref, service
from lrs.exceptions import BadRequest, PayloadTooLarge
from lrs.versioning import VersionDep
from lrs.xapi.agents import agent_key
from lrs.xapi.primitives import check_iri, check_uuid, parse_timestamp

router = APIRouter(prefix="/xapi", tags=["documents"])
StateReader = Annotated[Principal, Depends(require(Action.STATE_READ))]
StateWriter = Annotated[Principal, Depends(require(Action.STATE_WRITE))]
ProfileReader = Annotated[Principal, Depends(require(Action.PROFILE_READ))]
ProfileWriter = Annotated[Principal, Depends(require(Action.PROFILE_WRITE))]

STATE = "/activities/state"
ACTIVITY_PROFILE = "/activities/profile"
AGENT_PROFILE = "/agents/profile"


# -- request parsing ------------------------------------------------------------------------


def _required(params: dict[str, str], *names: str) -> None:
    for name in names:
        if name not in params:
            raise BadRequest("is required", field=name)


def _agent_key(params: dict[str, str]) -> str:
    return agent_key(parse_agent_param(params["agent"], groups=True))


def _state_owner(params: dict[str, str], principal: Principal) -> Owner:
    _required(params, "activityId", "agent")
    registration = params.get("registration")
    return Owner(
        principal.store_id,
        Kind.STATE,
        activity_id=check_iri(params["activityId"], "activityId"),
        agent_key=_agent_key(params),
        registration=None if registration is None else check_uuid(registration, "registration"),
    )


def _activity_owner(params: dict[str, str], principal: Principal) -> Owner:
    _required(params, "activityId")
    activity_id = check_iri(params["activityId"], "activityId")
    return Owner(principal.store_id, Kind.ACTIVITY_PROFILE, activity_id=activity_id)


def _agent_owner(params: dict[str, str], principal: Principal) -> Owner:
    _required(params, "agent")
    return Owner(principal.store_id, Kind.AGENT_PROFILE, agent_key=_agent_key(params))


def _ref(owner: Owner, params: dict[str, str], name: str) -> Ref:
    _required(params, name)
    return Ref(owner, params[name])


def _since(params: dict[str, str]) -> datetime | None:
    return parse_timestamp(params["since"], "since") if "since" in params else None


async def _incoming(request: Request) -> service.Incoming:
    content_type = request.headers.get("content-type") or service.DEFAULT_TYPE
    content = await request.body()
    limit = request.app.state.settings.max_document_bytes
    if len(content) > limit:
        raise PayloadTooLarge(f"the document is larger than {limit} bytes", field="content")
    return service.Incoming(content, content_type)


def _conditions(request: Request) -> service.Conditions:
    return service.Conditions(
        request.headers.get("if-match") or None, request.headers.get("if-none-match") or None
    )


# -- responses ------------------------------------------------------------------------------


def _http_date(moment: datetime) -> str:
    return format_datetime(moment, usegmt=True)


def _document(document: Document) -> Response:
    """The document byte for byte, under the Content-Type it was stored with (set directly, as
    Starlette would add a charset to text/* types)."""
    headers = {
        "Content-Type": document.content_type,
        "ETag": document.etag,
        "Last-Modified": _http_date(document.updated_at),
    }
    return Response(document.content, headers=headers)


def _ids(found: service.DocumentIds) -> Response:
    body = orjson.dumps(found.ids)
    headers = {"ETag": service.etag_of(body)}
    if found.last_modified is not None:
        headers["Last-Modified"] = _http_date(found.last_modified)
    return Response(body, media_type=JSON_MEDIA_TYPE, headers=headers)


async def _get(session: SessionDep, owner: Owner, params: dict[str, str], name: str) -> Response:
    """One document when its id is given, else the list of ids (`since` then applies)."""
    since = _since(params)
    if name in params:
        return _document(await service.get(session, Ref(owner, params[name])))
    return _ids(await service.list_ids(session, owner, since))


# -- State ----------------------------------------------------------------------------------

_STATE_KEY = ("activityId", "agent", "stateId")
_STATE_WRITE = query_parameters(*_STATE_KEY, optional=("registration",), body=True)
_STATE_READ = query_parameters("activityId", "agent", optional=("registration", "stateId", "since"))
_STATE_DELETE = query_parameters("activityId", "agent", optional=("registration", "stateId"))


@router.put(STATE, status_code=204, operation_id="put_state", openapi_extra=_STATE_WRITE)
async def put_state(
    request: Request, session: SessionDep, principal: StateWriter, version: VersionDep
) -> Response:
    """Store a State document under its key, replacing any stored there (§2.3; §3.1)."""
    params = check_params(request, (*_STATE_KEY, "registration"))
    ref = _ref(_state_owner(params, principal), params, "stateId")
    await service.put(session, ref, await _incoming(request), _conditions(request), version)
    return Response(status_code=204)


@router.post(STATE, status_code=204, operation_id="post_state", openapi_extra=_STATE_WRITE)
async def post_state(request: Request, session: SessionDep, principal: StateWriter) -> Response:
    """Merge a JSON object into a State document, or store it when there is none (§2.2-2.3)."""
    params = check_params(request, (*_STATE_KEY, "registration"))
    ref = _ref(_state_owner(params, principal), params, "stateId")
    await service.post(session, ref, await _incoming(request), _conditions(request))
    return Response(status_code=204)


@router.get(STATE, operation_id="get_state", openapi_extra=_STATE_READ)
@router.head(STATE, operation_id="head_state", openapi_extra=_STATE_READ)
async def get_state(request: Request, session: SessionDep, principal: StateReader) -> Response:
    """One State document by `stateId`, with its ETag and Last-Modified; without `stateId`,
    the ids of the State documents of the Activity and Agent, changed after `since` (§2.3)."""
    params = check_params(request, (*_STATE_KEY, "registration", "since"))
    return await _get(session, _state_owner(params, principal), params, "stateId")


@router.delete(STATE, status_code=204, operation_id="delete_state", openapi_extra=_STATE_DELETE)
async def delete_state(request: Request, session: SessionDep, principal: StateWriter) -> Response:
    """Delete one State document by `stateId` (honouring If-Match), or without it every State
    document of the Activity and Agent, of `registration` if given (§2.3)."""
    params = check_params(request, (*_STATE_KEY, "registration"))
    owner = _state_owner(params, principal)
    if "stateId" in params:
        await service.delete(session, Ref(owner, params["stateId"]), _conditions(request))
    else:
        await service.delete_all(session, owner)
    return Response(status_code=204)


# -- Activity Profile -----------------------------------------------------------------------

_ACTIVITY_KEY = ("activityId", "profileId")
_ACTIVITY_WRITE = query_parameters(*_ACTIVITY_KEY, body=True)
_ACTIVITY_READ = query_parameters("activityId", optional=("profileId", "since"))


@router.put(
    ACTIVITY_PROFILE,
    status_code=204,
    operation_id="put_activity_profile",
    openapi_extra=_ACTIVITY_WRITE,
)
async def put_activity_profile(
    request: Request, session: SessionDep, principal: ProfileWriter, version: VersionDep
) -> Response:
    """Store an Activity Profile document; replacing one needs If-Match (§2.7; §3.1)."""
    params = check_params(request, _ACTIVITY_KEY)
    ref = _ref(_activity_owner(params, principal), params, "profileId")
    await service.put(session, ref, await _incoming(request), _conditions(request), version)
    return Response(status_code=204)


@router.post(
    ACTIVITY_PROFILE,
    status_code=204,
    operation_id="post_activity_profile",
    openapi_extra=_ACTIVITY_WRITE,
)
async def post_activity_profile(
    request: Request, session: SessionDep, principal: ProfileWriter
) -> Response:
    """Merge a JSON object into an Activity Profile document, or store it when there is none
    (§2.2, §2.7)."""
    params = check_params(request, _ACTIVITY_KEY)
    ref = _ref(_activity_owner(params, principal), params, "profileId")
    await service.post(session, ref, await _incoming(request), _conditions(request))
    return Response(status_code=204)


@router.get(ACTIVITY_PROFILE, operation_id="get_activity_profile", openapi_extra=_ACTIVITY_READ)
@router.head(ACTIVITY_PROFILE, operation_id="head_activity_profile", openapi_extra=_ACTIVITY_READ)
async def get_activity_profile(
    request: Request, session: SessionDep, principal: ProfileReader
) -> Response:
    """One Activity Profile document by `profileId`, with its ETag and Last-Modified; without
    `profileId`, the ids of the Activity's profile documents changed after `since` (§2.7)."""
    params = check_params(request, (*_ACTIVITY_KEY, "since"))
    return await _get(session, _activity_owner(params, principal), params, "profileId")


@router.delete(
    ACTIVITY_PROFILE,
    status_code=204,
    operation_id="delete_activity_profile",
    openapi_extra=query_parameters(*_ACTIVITY_KEY),
)
async def delete_activity_profile(
    request: Request, session: SessionDep, principal: ProfileWriter
) -> Response:
    """Delete one Activity Profile document, honouring If-Match (§2.7; §3.1)."""
    params = check_params(request, _ACTIVITY_KEY)
    ref = _ref(_activity_owner(params, principal), params, "profileId")
    await service.delete(session, ref, _conditions(request))
    return Response(status_code=204)


# -- Agent Profile --------------------------------------------------------------------------

_AGENT_KEY = ("agent", "profileId")
_AGENT_WRITE = query_parameters(*_AGENT_KEY, body=True)
_AGENT_READ = query_parameters("agent", optional=("profileId", "since"))


@router.put(
    AGENT_PROFILE,
    status_code=204,
    operation_id="put_agent_profile",
    openapi_extra=_AGENT_WRITE,
)
async def put_agent_profile(
    request: Request, session: SessionDep, principal: ProfileWriter, version: VersionDep
) -> Response:
    """Store an Agent Profile document; replacing one needs If-Match (§2.6; §3.1)."""
    params = check_params(request, _AGENT_KEY)
    ref = _ref(_agent_owner(params, principal), params, "profileId")
    await service.put(session, ref, await _incoming(request), _conditions(request), version)
    return Response(status_code=204)


@router.post(
    AGENT_PROFILE,
    status_code=204,
    operation_id="post_agent_profile",
    openapi_extra=_AGENT_WRITE,
)
async def post_agent_profile(
    request: Request, session: SessionDep, principal: ProfileWriter
) -> Response:
    """Merge a JSON object into an Agent Profile document, or store it when there is none
    (§2.2, §2.6)."""
    params = check_params(request, _AGENT_KEY)
    ref = _ref(_agent_owner(params, principal), params, "profileId")
    await service.post(session, ref, await _incoming(request), _conditions(request))
    return Response(status_code=204)


@router.get(AGENT_PROFILE, operation_id="get_agent_profile", openapi_extra=_AGENT_READ)
@router.head(AGENT_PROFILE, operation_id="head_agent_profile", openapi_extra=_AGENT_READ)
async def get_agent_profile(
    request: Request, session: SessionDep, principal: ProfileReader
) -> Response:
    """One Agent Profile document by `profileId`, with its ETag and Last-Modified; without
    `profileId`, the ids of the Agent's profile documents changed after `since` (§2.6)."""
    params = check_params(request, (*_AGENT_KEY, "since"))
    return await _get(session, _agent_owner(params, principal), params, "profileId")


@router.delete(
    AGENT_PROFILE,
    status_code=204,
    operation_id="delete_agent_profile",
    openapi_extra=query_parameters(*_AGENT_KEY),
)
async def delete_agent_profile(
    request: Request, session: SessionDep, principal: ProfileWriter
) -> Response:
    """Delete one Agent Profile document, honouring If-Match (§2.6; §3.1)."""
    params = check_params(request, _AGENT_KEY)
    ref = _ref(_agent_owner(params, principal), params, "profileId")
    await service.delete(session, ref, _conditions(request))
    return Response(status_code=204)
