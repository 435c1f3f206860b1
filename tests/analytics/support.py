"""Compact statement builders and request helpers for the analytics golden fixtures."""

from typing import Any

import httpx

ADL = "http://adlnet.gov/expapi/verbs/"
CMI5 = "https://w3id.org/xapi/adl/verbs/"
AS = "http://activitystrea.ms/"
TINCAN = "http://id.tincanapi.com/verb/"
ACROSSX = "https://w3id.org/xapi/acrossx/verbs/"
TLA = "https://w3id.org/xapi/tla/verbs/"
ACT = "http://example.com/activities/"

JSON = dict[str, Any]


def person(name: str) -> JSON:
    return {"objectType": "Agent", "mbox": f"mailto:{name}@example.com"}


def key(name: str) -> str:
    return f"mbox:mailto:{name}@example.com"


def stmt(who: str, verb: str, obj: str, ts: str, **parts: Any) -> JSON:
    """A statement by `who`; `verb` is a full IRI, `obj` an activity slug, `ts` the timestamp.
    Keyword arguments add top-level parts (result, context)."""
    return {
        "actor": person(who),
        "verb": {"id": verb},
        "object": {"objectType": "Activity", "id": ACT + obj},
        "timestamp": ts,
        **parts,
    }


def voiding(target: str) -> JSON:
    return {
        "actor": person("admin"),
        "verb": {"id": ADL + "voided"},
        "object": {"objectType": "StatementRef", "id": target},
    }


async def post(client: httpx.AsyncClient, *statements: JSON) -> list[str]:
    response = await client.post("/statements", json=list(statements))
    assert response.status_code == 200, response.text
    ids: list[str] = response.json()
    return ids


async def rows(analytics: httpx.AsyncClient, path: str, **params: Any) -> list[JSON]:
    response = await analytics.get(path, params=params)
    assert response.status_code == 200, response.text
    found: list[JSON] = response.json()["rows"]
    return found
