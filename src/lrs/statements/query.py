"""The GET /statements query: its parameters, checked and normalised, and the `more` cursor.

The cursor is stateless and opaque to clients: base64url JSON of the normalised parameters,
the snapshot bound (`through`) of the first page and the `seq` of the last statement served.
Any worker can serve the next page. It is not signed: it only narrows a query the same
credential could make directly, and the store always comes from the credential.
"""

import base64
import binascii
import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from lrs.exceptions import BadRequest
from lrs.xapi.agents import agent_key, check_actor
from lrs.xapi.primitives import check_iri, check_uuid, parse_timestamp

FILTERS = ("agent", "verb", "activity", "registration", "related_activities", "related_agents",
           "since", "until", "limit", "ascending")  # fmt: skip
SINGLE = ("statementId", "voidedStatementId")
FORMATS = ("exact", "ids", "canonical")
PARAMETERS = (*FILTERS, *SINGLE, "format", "attachments", "more")


@dataclass(frozen=True, slots=True)
class StatementQuery:
    agent: str | None = None  # an agent key
    verb: str | None = None
    activity: str | None = None
    registration: str | None = None
    related_activities: bool = False
    related_agents: bool = False
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 0
    ascending: bool = False
    # Set by paging: the snapshot bound of the first page and the last seq served.
    through: datetime | None = None
    after: int | None = None
    after_stored: datetime | None = None

    @property
    def has_filters(self) -> bool:
        return any((self.agent, self.verb, self.activity, self.registration))


@dataclass(frozen=True, slots=True)
class Request:
    """What a GET asks for: one statement, or a query; and how to render it."""

    query: StatementQuery
    statement_id: str | None = None
    voided: bool = False
    format: str = "exact"
    attachments: bool = False


def parse(params: dict[str, str]) -> Request:
    if "more" in params:
        if len(params) > 1:
            raise BadRequest("must be the only parameter", field="more")
        return decode_cursor(params["more"])
    fmt = params.get("format", "exact")
    if fmt not in FORMATS:
        raise BadRequest(f"must be one of {', '.join(FORMATS)}", field="format")
    attachments = _bool(params, "attachments")
    name = next((name for name in SINGLE if name in params), None)
    if name is not None:
        extra = [other for other in params if other not in (name, "format", "attachments")]
        if extra:
            raise BadRequest(f"cannot be combined with {', '.join(extra)}", field=name)
        statement_id = check_uuid(params[name], name)
        voided = name == "voidedStatementId"
        return Request(StatementQuery(), statement_id, voided, fmt, attachments)
    return Request(_query(params), None, False, fmt, attachments)


def _query(params: dict[str, str]) -> StatementQuery:
    limit = params.get("limit", "0")
    if not limit.isdigit():
        raise BadRequest("must be a non-negative integer", field="limit")
    return StatementQuery(
        agent=_agent(params["agent"]) if "agent" in params else None,
        verb=check_iri(params["verb"], "verb") if "verb" in params else None,
        activity=check_iri(params["activity"], "activity") if "activity" in params else None,
        registration=check_uuid(params["registration"], "registration")
        if "registration" in params
        else None,
        related_activities=_bool(params, "related_activities"),
        related_agents=_bool(params, "related_agents"),
        since=parse_timestamp(params["since"], "since") if "since" in params else None,
        until=parse_timestamp(params["until"], "until") if "until" in params else None,
        limit=int(limit),
        ascending=_bool(params, "ascending"),
    )


def _agent(raw: str) -> str:
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BadRequest("must be an Agent or Group as JSON", field="agent") from None
    return agent_key(check_actor(value, "agent"))


def _bool(params: dict[str, str], name: str) -> bool:
    value = params.get(name, "false")
    if value not in ("true", "false"):
        raise BadRequest("must be true or false", field=name)
    return value == "true"


def encode_cursor(request: Request, through: datetime, after: int, after_stored: datetime) -> str:
    query = dataclasses.replace(
        request.query, through=through, after=after, after_stored=after_stored
    )
    state = {"q": dataclasses.asdict(query), "f": request.format, "a": request.attachments}
    return base64.urlsafe_b64encode(orjson.dumps(state)).decode().rstrip("=")


def decode_cursor(token: str) -> Request:
    try:
        state: dict[str, Any] = orjson.loads(
            base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        )
        fields = state["q"]
        for name in ("since", "until", "through", "after_stored"):
            if fields[name] is not None:
                fields[name] = datetime.fromisoformat(fields[name])
        return Request(StatementQuery(**fields), format=state["f"], attachments=state["a"])
    except (binascii.Error, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise BadRequest("is not a cursor this LRS issued", field="more") from None
