"""Agents and Groups (xAPI-Data §2.4.2) and their canonical keys.

An agent key is the canonical string of an Inverse Functional Identifier:
`mbox:mailto:x@y`, `mbox_sha1sum:<hex>`, `openid:<uri>`, `account:<homePage>|<name>`.
An anonymous Group has no IFI; it is keyed by its sorted member keys.
"""

import hashlib
from typing import Any

from lrs.xapi.primitives import (
    JSON,
    JSONObject,
    check_iri,
    check_irl,
    check_keys,
    check_list,
    check_mbox,
    check_object,
    check_sha1,
    check_string,
    fail,
)

IFI_PROPERTIES = ("mbox", "mbox_sha1sum", "openid", "account")
_AGENT_KEYS = frozenset(("objectType", "name", *IFI_PROPERTIES))
_GROUP_KEYS = _AGENT_KEYS | {"member"}
_ACCOUNT_KEYS = frozenset(("homePage", "name"))


def _check_ifi(obj: JSONObject, path: str, *, required: bool) -> None:
    present = [key for key in IFI_PROPERTIES if key in obj]
    if len(present) > 1:
        raise fail(path, f"must have exactly one identifier, found {', '.join(present)}")
    if required and not present:
        raise fail(path, f"must have one identifier of {', '.join(IFI_PROPERTIES)}")
    if "mbox" in obj:
        check_mbox(obj["mbox"], f"{path}.mbox")
    if "mbox_sha1sum" in obj:
        check_sha1(obj["mbox_sha1sum"], f"{path}.mbox_sha1sum")
    if "openid" in obj:
        check_iri(obj["openid"], f"{path}.openid")
    if "account" in obj:
        account = check_object(obj["account"], f"{path}.account")
        check_keys(account, f"{path}.account", _ACCOUNT_KEYS, ("homePage", "name"))
        check_irl(account["homePage"], f"{path}.account.homePage")
        check_string(account["name"], f"{path}.account.name")
    if "name" in obj:
        check_string(obj["name"], f"{path}.name")


def check_agent(value: JSON, path: str) -> JSONObject:
    agent = check_object(value, path)
    check_keys(agent, path, _AGENT_KEYS)
    if agent.get("objectType", "Agent") != "Agent":
        raise fail(f"{path}.objectType", "must be 'Agent'")
    _check_ifi(agent, path, required=True)
    return agent


def check_group(value: JSON, path: str) -> JSONObject:
    group = check_object(value, path)
    check_keys(group, path, _GROUP_KEYS, ("objectType",))
    if group["objectType"] != "Group":
        raise fail(f"{path}.objectType", "must be 'Group'")
    _check_ifi(group, path, required="member" not in group)
    if "member" in group:
        members = check_list(group["member"], f"{path}.member")
        if not members and not _has_ifi(group):
            raise fail(f"{path}.member", "an anonymous Group must have members")
        for i, member in enumerate(members):
            check_agent(member, f"{path}.member[{i}]")
    return group


def check_actor(value: JSON, path: str) -> JSONObject:
    """An Agent or a Group, told apart by `objectType`."""
    actor = check_object(value, path)
    if actor.get("objectType") == "Group":
        return check_group(actor, path)
    return check_agent(actor, path)


def _has_ifi(obj: JSONObject) -> bool:
    return any(key in obj for key in IFI_PROPERTIES)


def agent_key(actor: JSONObject) -> str:
    """The canonical key of a valid Agent or Group."""
    if "mbox" in actor:
        return f"mbox:{actor['mbox']}"
    if "mbox_sha1sum" in actor:
        return f"mbox_sha1sum:{actor['mbox_sha1sum'].lower()}"
    if "openid" in actor:
        return f"openid:{actor['openid']}"
    if "account" in actor:
        account = actor["account"]
        return f"account:{account['homePage']}|{account['name']}"
    members = sorted(agent_key(member) for member in actor.get("member", ()))
    return "group:" + hashlib.sha1("\n".join(members).encode(), usedforsecurity=False).hexdigest()


def member_keys(actor: JSONObject) -> list[str]:
    """Keys of a Group's members (empty for an Agent)."""
    members: list[Any] = actor.get("member", [])
    return [agent_key(member) for member in members]
