"""The `agent` parameter and the Person object of the Agents resource (xAPI-Communication §2.4)."""

from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from lrs.agents import repository
from lrs.exceptions import BadRequest
from lrs.xapi.agents import IFI_PROPERTIES, agent_key, check_actor, check_agent
from lrs.xapi.primitives import JSONObject


def parse_agent_param(raw: str, name: str = "agent", *, groups: bool = False) -> JSONObject:
    """An Agent (or, with `groups`, an identified Group) given as JSON in a query parameter.

    Document keys and the Person lookup go by Inverse Functional Identifier, so a Group
    without one cannot name anything and is rejected.
    """
    try:
        value: Any = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BadRequest("must be an Agent object as JSON", field=name) from None
    actor = check_actor(value, name) if groups else check_agent(value, name)
    if not any(key in actor for key in IFI_PROPERTIES):
        raise BadRequest("must be an identified Group (one with an IFI)", field=name)
    return actor


async def person(session: AsyncSession, store_id: int, agent: JSONObject) -> JSONObject:
    """The Person for an Agent: every name and identifier the store knows for it (§2.4).

    An Agent the store has never seen still gets a Person, built from the request alone.
    """
    known = await repository.find_agent(session, store_id, agent_key(agent))
    ifi, name = known if known is not None else (_ifi(agent), agent.get("name"))
    result: JSONObject = {"objectType": "Person"}
    if name is not None:
        result["name"] = [name]
    for key, value in _ifi(ifi).items():
        result[key] = [value]
    return result


def _ifi(obj: JSONObject) -> JSONObject:
    return {key: obj[key] for key in IFI_PROPERTIES if key in obj}
