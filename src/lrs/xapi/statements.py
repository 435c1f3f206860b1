"""Statement validation: every MUST of xAPI-Data §2.4 for 1.0.3 and 2.0.0.

`check_statement` raises `BadRequest` naming the first offending JSON path. It normalises
in place the one thing the specification asks an LRS to normalise: a single context
Activity becomes an array.
"""

import re

from lrs.xapi.activities import check_activity
from lrs.xapi.agents import IFI_PROPERTIES, check_actor, check_agent, check_group
from lrs.xapi.primitives import (
    JSON,
    JSONObject,
    check_bool,
    check_extensions,
    check_int,
    check_iri,
    check_irl,
    check_keys,
    check_language_map,
    check_language_tag,
    check_list,
    check_mime_type,
    check_number,
    check_object,
    check_sha2,
    check_string,
    check_uuid,
    fail,
    parse_duration_ms,
    parse_timestamp,
)
from lrs.xapi.versions import XAPIVersion

VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"

_STATEMENT_KEYS = frozenset(
    (
        "id",
        "actor",
        "verb",
        "object",
        "result",
        "context",
        "timestamp",
        "stored",
        "authority",
        "version",
        "attachments",
    )
)
_SUBSTATEMENT_KEYS = frozenset(
    ("objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments")
)
_VERB_KEYS = frozenset(("id", "display"))
_STATEMENT_REF_KEYS = frozenset(("objectType", "id"))
_RESULT_KEYS = frozenset(("score", "success", "completion", "response", "duration", "extensions"))
_SCORE_KEYS = frozenset(("scaled", "raw", "min", "max"))
_CONTEXT_KEYS_1 = frozenset(
    (
        "registration",
        "instructor",
        "team",
        "contextActivities",
        "revision",
        "platform",
        "language",
        "statement",
        "extensions",
    )
)
_CONTEXT_KEYS_2 = _CONTEXT_KEYS_1 | {"contextAgents", "contextGroups"}
_CONTEXT_ACTIVITY_KEYS = frozenset(("parent", "grouping", "category", "other"))
_ATTACHMENT_KEYS = frozenset(
    ("usageType", "display", "description", "contentType", "length", "sha2", "fileUrl")
)
_CONTEXT_AGENT_KEYS = frozenset(("objectType", "agent", "relevantTypes"))
_CONTEXT_GROUP_KEYS = frozenset(("objectType", "group", "relevantTypes"))
_STATEMENT_VERSION = {
    XAPIVersion.V1: re.compile(r"^1\.0(\.\d+)?$"),
    XAPIVersion.V2: re.compile(r"^(1|2)\.0(\.\d+)?$"),
}


def check_statement(statement: JSON, path: str, version: XAPIVersion) -> JSONObject:
    """Validate a statement as received by the LRS."""
    stmt = check_object(statement, path)
    check_keys(stmt, path, _STATEMENT_KEYS, ("actor", "verb", "object"))
    if "id" in stmt:
        check_uuid(stmt["id"], f"{path}.id")
    _check_body(stmt, path, version, allow_substatement=True)
    if "stored" in stmt:
        parse_timestamp(stmt["stored"], f"{path}.stored")
    if "authority" in stmt:
        _check_authority(stmt["authority"], f"{path}.authority")
    if "version" in stmt and not (
        isinstance(stmt["version"], str) and _STATEMENT_VERSION[version].match(stmt["version"])
    ):
        raise fail(f"{path}.version", f"is not a version this LRS accepts under {version.value}")
    return stmt


def _check_body(
    stmt: JSONObject, path: str, version: XAPIVersion, allow_substatement: bool
) -> None:
    """The parts a Statement and a SubStatement share."""
    check_actor(stmt["actor"], f"{path}.actor")
    verb_id = _check_verb(stmt["verb"], f"{path}.verb")
    obj = _check_object(stmt["object"], f"{path}.object", version, allow_substatement)
    if verb_id == VOIDED_VERB and obj.get("objectType") != "StatementRef":
        raise fail(f"{path}.object", "a voiding statement's object must be a StatementRef")
    if "result" in stmt:
        _check_result(stmt["result"], f"{path}.result")
    if "context" in stmt:
        is_activity = obj.get("objectType", "Activity") == "Activity"
        _check_context(stmt["context"], f"{path}.context", version, is_activity)
    if "timestamp" in stmt:
        parse_timestamp(stmt["timestamp"], f"{path}.timestamp")
    if "attachments" in stmt:
        for i, attachment in enumerate(check_list(stmt["attachments"], f"{path}.attachments")):
            _check_attachment(attachment, f"{path}.attachments[{i}]")


def _check_verb(value: JSON, path: str) -> str:
    verb = check_object(value, path)
    check_keys(verb, path, _VERB_KEYS, ("id",))
    if "display" in verb:
        check_language_map(verb["display"], f"{path}.display")
    return check_iri(verb["id"], f"{path}.id")


def _check_object(value: JSON, path: str, version: XAPIVersion, allow_sub: bool) -> JSONObject:
    obj = check_object(value, path)
    object_type = obj.get("objectType", "Activity")
    if object_type == "Activity":
        return check_activity(obj, path)
    if object_type == "Agent":
        return check_agent(obj, path)
    if object_type == "Group":
        return check_group(obj, path)
    if object_type == "StatementRef":
        return check_statement_ref(obj, path)
    if object_type == "SubStatement" and allow_sub:
        check_keys(obj, path, _SUBSTATEMENT_KEYS, ("actor", "verb", "object"))
        _check_body(obj, path, version, allow_substatement=False)
        return obj
    raise fail(f"{path}.objectType", f"{object_type!r} is not allowed here")


def check_statement_ref(value: JSON, path: str) -> JSONObject:
    ref = check_object(value, path)
    check_keys(ref, path, _STATEMENT_REF_KEYS, ("objectType", "id"))
    if ref["objectType"] != "StatementRef":
        raise fail(f"{path}.objectType", "must be 'StatementRef'")
    check_uuid(ref["id"], f"{path}.id")
    return ref


def _check_authority(value: JSON, path: str) -> None:
    """An Agent, or the anonymous two-Agent Group of an OAuth consumer and user (§2.4.9)."""
    authority = check_actor(value, path)
    if authority.get("objectType") != "Group":
        return
    if any(key in authority for key in IFI_PROPERTIES):
        raise fail(path, "an authority Group must be anonymous")
    if len(authority.get("member", ())) != 2:
        raise fail(f"{path}.member", "an authority Group must have exactly two members")


def _check_result(value: JSON, path: str) -> None:
    result = check_object(value, path)
    check_keys(result, path, _RESULT_KEYS)
    if "score" in result:
        _check_score(result["score"], f"{path}.score")
    for key in ("success", "completion"):
        if key in result:
            check_bool(result[key], f"{path}.{key}")
    if "response" in result:
        check_string(result["response"], f"{path}.response")
    if "duration" in result:
        parse_duration_ms(result["duration"], f"{path}.duration")
    if "extensions" in result:
        check_extensions(result["extensions"], f"{path}.extensions")


def _check_score(value: JSON, path: str) -> None:
    score = check_object(value, path)
    check_keys(score, path, _SCORE_KEYS)
    numbers = {key: check_number(score[key], f"{path}.{key}") for key in score}
    if "scaled" in numbers and not -1 <= numbers["scaled"] <= 1:
        raise fail(f"{path}.scaled", "must be between -1 and 1")
    low, high, raw = numbers.get("min"), numbers.get("max"), numbers.get("raw")
    if low is not None and high is not None and low >= high:
        raise fail(f"{path}.max", "must be greater than min")
    if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
        raise fail(f"{path}.raw", "must lie between min and max")


def _check_context(value: JSON, path: str, version: XAPIVersion, is_activity: bool) -> None:
    context = check_object(value, path)
    allowed = _CONTEXT_KEYS_2 if version is XAPIVersion.V2 else _CONTEXT_KEYS_1
    check_keys(context, path, allowed)
    if "registration" in context:
        check_uuid(context["registration"], f"{path}.registration")
    if "instructor" in context:
        check_actor(context["instructor"], f"{path}.instructor")
    if "team" in context:
        check_group(context["team"], f"{path}.team")
    if "contextActivities" in context:
        _check_context_activities(context["contextActivities"], f"{path}.contextActivities")
    for key in ("revision", "platform"):
        if key in context:
            if not is_activity:
                raise fail(f"{path}.{key}", "is only allowed when the object is an Activity")
            check_string(context[key], f"{path}.{key}")
    if "language" in context:
        check_language_tag(context["language"], f"{path}.language")
    if "statement" in context:
        check_statement_ref(context["statement"], f"{path}.statement")
    if "extensions" in context:
        check_extensions(context["extensions"], f"{path}.extensions")
    if "contextAgents" in context:
        _check_context_actors(context["contextAgents"], f"{path}.contextAgents", "agent")
    if "contextGroups" in context:
        _check_context_actors(context["contextGroups"], f"{path}.contextGroups", "group")


def _check_context_activities(value: JSON, path: str) -> None:
    activities = check_object(value, path)
    check_keys(activities, path, _CONTEXT_ACTIVITY_KEYS)
    for key, entry in activities.items():
        if isinstance(entry, dict):
            activities[key] = entry = [entry]
        for i, activity in enumerate(check_list(entry, f"{path}.{key}")):
            check_activity(activity, f"{path}.{key}[{i}]")


def _check_context_actors(value: JSON, path: str, kind: str) -> None:
    """contextAgents / contextGroups of xAPI 2.0.0 (§2.4.6.2)."""
    object_type, keys = ("contextAgent", _CONTEXT_AGENT_KEYS)
    if kind == "group":
        object_type, keys = ("contextGroup", _CONTEXT_GROUP_KEYS)
    for i, item in enumerate(check_list(value, path)):
        entry = check_object(item, f"{path}[{i}]")
        check_keys(entry, f"{path}[{i}]", keys, ("objectType", kind))
        if entry["objectType"] != object_type:
            raise fail(f"{path}[{i}].objectType", f"must be {object_type!r}")
        checker = check_group if kind == "group" else check_agent
        checker(entry[kind], f"{path}[{i}].{kind}")
        if "relevantTypes" in entry:
            types = check_list(entry["relevantTypes"], f"{path}[{i}].relevantTypes")
            if not types:
                raise fail(f"{path}[{i}].relevantTypes", "must not be empty")
            for j, iri in enumerate(types):
                check_iri(iri, f"{path}[{i}].relevantTypes[{j}]")


def _check_attachment(value: JSON, path: str) -> None:
    attachment = check_object(value, path)
    required = ("usageType", "display", "contentType", "length", "sha2")
    check_keys(attachment, path, _ATTACHMENT_KEYS, required)
    check_iri(attachment["usageType"], f"{path}.usageType")
    check_language_map(attachment["display"], f"{path}.display")
    if "description" in attachment:
        check_language_map(attachment["description"], f"{path}.description")
    check_mime_type(attachment["contentType"], f"{path}.contentType")
    if check_int(attachment["length"], f"{path}.length") < 0:
        raise fail(f"{path}.length", "must not be negative")
    check_sha2(attachment["sha2"], f"{path}.sha2")
    if "fileUrl" in attachment:
        check_irl(attachment["fileUrl"], f"{path}.fileUrl")
