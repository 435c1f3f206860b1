"""Small builders for valid xAPI objects; tests change one part to break one rule."""

import copy
import uuid
from typing import Any

JSONObject = dict[str, Any]

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def agent(name: str = "alice") -> JSONObject:
    return {"objectType": "Agent", "name": name, "mbox": f"mailto:{name}@example.com"}


def activity(slug: str = "course-1") -> JSONObject:
    return {"objectType": "Activity", "id": f"http://example.com/activities/{slug}"}


def statement(**parts: Any) -> JSONObject:
    """A valid statement; keyword arguments replace or add top-level properties."""
    base: JSONObject = {
        "actor": agent(),
        "verb": {"id": COMPLETED, "display": {"en-US": "completed"}},
        "object": activity(),
    }
    return {**base, **parts}


def voiding(target_id: str, **parts: Any) -> JSONObject:
    return statement(
        verb={"id": VOIDED, "display": {"en-US": "voided"}},
        object={"objectType": "StatementRef", "id": target_id},
        **parts,
    )


def with_id(stmt: JSONObject) -> JSONObject:
    return {**stmt, "id": str(uuid.uuid4())}


def changed(stmt: JSONObject, path: str, value: Any) -> JSONObject:
    """A copy with the dotted `path` set to `value` (integers index arrays)."""
    result = copy.deepcopy(stmt)
    *parents, last = path.split(".")
    node: Any = result
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    node[int(last) if isinstance(node, list) else last] = value
    return result


def removed(stmt: JSONObject, path: str) -> JSONObject:
    result = copy.deepcopy(stmt)
    *parents, last = path.split(".")
    node: Any = result
    for part in parents:
        node = node[part]
    del node[last]
    return result
