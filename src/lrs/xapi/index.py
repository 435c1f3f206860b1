"""What the LRS extracts from a valid statement to store and query it (DESIGN.md §3).

Pure: a statement in, the columns of its row and its link rows out.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lrs.xapi.agents import agent_key
from lrs.xapi.primitives import JSONObject, parse_duration_ms, parse_timestamp
from lrs.xapi.statements import VOIDED_VERB

# Where an agent or activity appears (`usage`). The `agent` filter matches the actor or
# object, or a member of a Group there; `activity` matches the object. Their `related_*`
# forms match every usage, SubStatement parts (`sub_*`) included.
DIRECT_AGENT_USAGES: tuple[str, ...] = ("actor", "object", "actor_member", "object_member")
DIRECT_ACTIVITY_USAGES: tuple[str, ...] = ("object",)


@dataclass(slots=True)
class IndexedStatement:
    id: str
    verb_id: str
    actor_key: str
    object_kind: str
    object_key: str | None
    registration: str | None
    timestamp: datetime | None
    voids: str | None
    score_scaled: float | None
    success: bool | None
    completion: bool | None
    duration_ms: int | None
    agents: set[tuple[str, str]] = field(default_factory=set)
    activities: set[tuple[str, str]] = field(default_factory=set)
    # Activity definitions and Agents as written in the statement, keyed by id / agent key.
    definitions: dict[str, JSONObject] = field(default_factory=dict)
    people: dict[str, JSONObject] = field(default_factory=dict)


def index_statement(stmt: JSONObject) -> IndexedStatement:
    """Project a valid statement that already has its `id` and `authority`."""
    obj = stmt["object"]
    kind = obj.get("objectType", "Activity")
    result = stmt.get("result", {})
    context = stmt.get("context", {})
    indexed = IndexedStatement(
        id=stmt["id"].lower(),
        verb_id=stmt["verb"]["id"],
        actor_key=agent_key(stmt["actor"]),
        object_kind=kind,
        object_key=_object_key(obj, kind),
        registration=context.get("registration", "").lower() or None,
        timestamp=parse_timestamp(stmt["timestamp"], "timestamp") if "timestamp" in stmt else None,
        voids=obj["id"].lower() if stmt["verb"]["id"] == VOIDED_VERB else None,
        score_scaled=result.get("score", {}).get("scaled"),
        success=result.get("success"),
        completion=result.get("completion"),
        duration_ms=parse_duration_ms(result["duration"], "duration")
        if "duration" in result
        else None,
    )
    _collect(indexed, stmt, prefix="")
    if "authority" in stmt:
        _add_actor(indexed, stmt["authority"], "authority")
    return indexed


def _object_key(obj: JSONObject, kind: str) -> str | None:
    if kind in ("Agent", "Group"):
        return agent_key(obj)
    if kind == "SubStatement":
        return None
    return str(obj["id"])


def _collect(indexed: IndexedStatement, stmt: JSONObject, prefix: str) -> None:
    """Record every agent and activity of a statement body; SubStatement usages get `sub_`."""
    _add_actor(indexed, stmt["actor"], f"{prefix}actor")
    obj = stmt["object"]
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        _add_activity(indexed, obj, f"{prefix}object")
    elif kind in ("Agent", "Group"):
        _add_actor(indexed, obj, f"{prefix}object")
    elif kind == "SubStatement":
        _collect(indexed, obj, prefix="sub_")
    context = stmt.get("context", {})
    for role in ("instructor", "team"):
        if role in context:
            _add_actor(indexed, context[role], f"{prefix}{role}")
    for entry in context.get("contextAgents", ()):
        _add_actor(indexed, entry["agent"], f"{prefix}context_agent")
    for entry in context.get("contextGroups", ()):
        _add_actor(indexed, entry["group"], f"{prefix}context_group")
    for role, activities in context.get("contextActivities", {}).items():
        for activity in activities:
            _add_activity(indexed, activity, f"{prefix}{role}")


def _add_actor(indexed: IndexedStatement, actor: JSONObject, usage: str) -> None:
    key = agent_key(actor)
    indexed.agents.add((key, usage))
    if actor.get("objectType") == "Group":
        for member in actor.get("member", ()):
            _add_actor(indexed, member, f"{usage}_member")
    else:
        indexed.people[key] = actor


def _add_activity(indexed: IndexedStatement, activity: dict[str, Any], usage: str) -> None:
    indexed.activities.add((activity["id"], usage))
    if "definition" in activity:
        indexed.definitions[activity["id"]] = activity["definition"]
