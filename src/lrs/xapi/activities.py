"""Activities and their definitions, interaction activities included (xAPI-Data §2.4.4.1)."""

from lrs.xapi.primitives import (
    JSON,
    JSONObject,
    check_extensions,
    check_iri,
    check_irl,
    check_keys,
    check_language_map,
    check_list,
    check_object,
    check_string,
    fail,
)

_ACTIVITY_KEYS = frozenset(("objectType", "id", "definition"))
_COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
_DEFINITION_KEYS = frozenset(
    (
        "name",
        "description",
        "type",
        "moreInfo",
        "interactionType",
        "correctResponsesPattern",
        "extensions",
        *_COMPONENT_LISTS,
    )
)
_COMPONENT_KEYS = frozenset(("id", "description"))
# Which component lists each interactionType may carry.
INTERACTION_COMPONENTS: dict[str, frozenset[str]] = {
    "true-false": frozenset(),
    "choice": frozenset(("choices",)),
    "fill-in": frozenset(),
    "long-fill-in": frozenset(),
    "matching": frozenset(("source", "target")),
    "performance": frozenset(("steps",)),
    "sequencing": frozenset(("choices",)),
    "likert": frozenset(("scale",)),
    "numeric": frozenset(),
    "other": frozenset(),
}


def check_activity(value: JSON, path: str) -> JSONObject:
    activity = check_object(value, path)
    check_keys(activity, path, _ACTIVITY_KEYS, ("id",))
    if activity.get("objectType", "Activity") != "Activity":
        raise fail(f"{path}.objectType", "must be 'Activity'")
    check_iri(activity["id"], f"{path}.id")
    if "definition" in activity:
        check_definition(activity["definition"], f"{path}.definition")
    return activity


def check_definition(value: JSON, path: str) -> JSONObject:
    definition = check_object(value, path)
    check_keys(definition, path, _DEFINITION_KEYS)
    for key in ("name", "description"):
        if key in definition:
            check_language_map(definition[key], f"{path}.{key}")
    if "type" in definition:
        check_iri(definition["type"], f"{path}.type")
    if "moreInfo" in definition:
        check_irl(definition["moreInfo"], f"{path}.moreInfo")
    if "extensions" in definition:
        check_extensions(definition["extensions"], f"{path}.extensions")
    _check_interaction(definition, path)
    return definition


def _check_interaction(definition: JSONObject, path: str) -> None:
    interaction_type = definition.get("interactionType")
    if interaction_type is not None and (
        not isinstance(interaction_type, str) or interaction_type not in INTERACTION_COMPONENTS
    ):
        raise fail(f"{path}.interactionType", "is not an xAPI interaction type")
    allowed = INTERACTION_COMPONENTS[interaction_type] if interaction_type else frozenset()
    for key in _COMPONENT_LISTS:
        if key in definition:
            if key not in allowed:
                raise fail(
                    f"{path}.{key}", f"is not allowed for interactionType {interaction_type}"
                )
            _check_components(definition[key], f"{path}.{key}")
    if "correctResponsesPattern" in definition:
        if interaction_type is None:
            raise fail(f"{path}.correctResponsesPattern", "needs an interactionType")
        patterns = check_list(
            definition["correctResponsesPattern"], f"{path}.correctResponsesPattern"
        )
        for i, pattern in enumerate(patterns):
            check_string(pattern, f"{path}.correctResponsesPattern[{i}]")


def _check_components(value: JSON, path: str) -> None:
    seen: set[str] = set()
    for i, component in enumerate(check_list(value, path)):
        item = check_object(component, f"{path}[{i}]")
        check_keys(item, f"{path}[{i}]", _COMPONENT_KEYS, ("id",))
        component_id = check_string(item["id"], f"{path}[{i}].id")
        if component_id in seen:
            raise fail(f"{path}[{i}].id", "must be unique within the list")
        seen.add(component_id)
        if "description" in item:
            check_language_map(item["description"], f"{path}[{i}].description")


def merge_definitions(old: JSONObject, new: JSONObject) -> JSONObject:
    """The canonical definition after a new statement: new values win, language maps merge."""
    merged = {**old, **new}
    for key in ("name", "description"):
        if key in old and key in new:
            merged[key] = {**old[key], **new[key]}
    if "extensions" in old and "extensions" in new:
        merged["extensions"] = {**old["extensions"], **new["extensions"]}
    return merged
