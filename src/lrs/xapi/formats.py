"""The `ids` and `canonical` statement formats (xAPI-Communication §2.1.3) and the
Accept-Language choice of one language per language map. `exact` is the stored JSON itself."""

from collections.abc import Callable, Mapping

from lrs.xapi.agents import IFI_PROPERTIES
from lrs.xapi.primitives import JSONObject

Activities = Callable[[JSONObject], JSONObject]
Actors = Callable[[JSONObject], JSONObject]
Verbs = Callable[[JSONObject], JSONObject]


def _map_statement(
    stmt: JSONObject, actor: Actors, verb: Verbs, activity: Activities
) -> JSONObject:
    """Copy a statement, passing every Agent/Group, Verb and Activity through the functions."""
    out = {**stmt, "actor": actor(stmt["actor"]), "verb": verb(stmt["verb"])}
    obj = stmt["object"]
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        out["object"] = activity(obj)
    elif kind in ("Agent", "Group"):
        out["object"] = actor(obj)
    elif kind == "SubStatement":
        out["object"] = _map_statement(obj, actor, verb, activity)
    if "authority" in stmt:
        out["authority"] = actor(stmt["authority"])
    if "context" in stmt:
        out["context"] = _map_context(stmt["context"], actor, activity)
    return out


def _map_context(context: JSONObject, actor: Actors, activity: Activities) -> JSONObject:
    out = dict(context)
    for role in ("instructor", "team"):
        if role in context:
            out[role] = actor(context[role])
    if "contextActivities" in context:
        out["contextActivities"] = {
            key: [activity(item) for item in items]
            for key, items in context["contextActivities"].items()
        }
    for key, inner in (("contextAgents", "agent"), ("contextGroups", "group")):
        if key in context:
            out[key] = [{**entry, inner: actor(entry[inner])} for entry in context[key]]
    return out


def ids_format(stmt: JSONObject) -> JSONObject:
    """Agents, Groups, Activities and Verbs reduced to what identifies them."""
    return _map_statement(stmt, _actor_ids, lambda verb: {"id": verb["id"]}, _activity_ids)


def _actor_ids(actor: JSONObject) -> JSONObject:
    out = {key: actor[key] for key in ("objectType", *IFI_PROPERTIES) if key in actor}
    if not any(key in actor for key in IFI_PROPERTIES) and "member" in actor:
        out["member"] = [_actor_ids(member) for member in actor["member"]]
    return out


def _activity_ids(activity: JSONObject) -> JSONObject:
    return {"id": activity["id"]}


def canonical_format(
    stmt: JSONObject, definitions: Mapping[str, JSONObject], languages: list[str]
) -> JSONObject:
    """Activities with the LRS's canonical definitions, one language per language map."""

    def activity(item: JSONObject) -> JSONObject:
        definition = definitions.get(item["id"], item.get("definition"))
        if definition is None:
            return item
        return {**item, "definition": _filter_definition(definition, languages)}

    def verb(item: JSONObject) -> JSONObject:
        if "display" not in item:
            return item
        return {**item, "display": pick_language(item["display"], languages)}

    return _map_statement(stmt, lambda actor: actor, verb, activity)


def _filter_definition(definition: JSONObject, languages: list[str]) -> JSONObject:
    out = dict(definition)
    for key in ("name", "description"):
        if key in definition:
            out[key] = pick_language(definition[key], languages)
    for key in ("choices", "scale", "source", "target", "steps"):
        if key in definition:
            out[key] = [
                {**c, "description": pick_language(c["description"], languages)}
                if "description" in c
                else c
                for c in definition[key]
            ]
    return out


def activity_ids(stmt: JSONObject) -> set[str]:
    """Every Activity id a statement mentions (to fetch their canonical definitions)."""
    found: set[str] = set()

    def collect(activity: JSONObject) -> JSONObject:
        found.add(activity["id"])
        return activity

    _map_statement(stmt, lambda actor: actor, lambda verb: verb, collect)
    return found


def parse_accept_language(header: str | None) -> list[str]:
    """Language ranges in order of preference (RFC 9110 §12.5.4); q=0 means 'not this one'."""
    ranked = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and quality > 0:
            ranked.append((-quality, position, tag.lower()))
    return [tag for _, _, tag in sorted(ranked)]


def pick_language(language_map: JSONObject, languages: list[str]) -> JSONObject:
    """The one entry of a language map that best matches the preferred languages."""
    if not language_map:
        return language_map
    by_tag = {tag.lower(): tag for tag in language_map}
    for wanted in languages:
        if wanted == "*":
            break
        for lower, tag in by_tag.items():
            if lower == wanted or lower.startswith(wanted + "-"):
                return {tag: language_map[tag]}
    first = next(iter(language_map))
    return {first: language_map[first]}
