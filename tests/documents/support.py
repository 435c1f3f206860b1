"""Parameters and calls shared by the document tests: one description per resource, so a
test can run the same scenario against State, Activity Profile and Agent Profile."""

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

V2 = {"X-Experience-API-Version": "2.0.0"}
ACTIVITY = "http://example.com/activities/course-1"
CREATE_ONLY = {"If-None-Match": "*"}


def agent_param(name: str = "alice") -> str:
    return json.dumps({"objectType": "Agent", "mbox": f"mailto:{name}@example.com"})


def etag(content: bytes) -> str:
    return '"' + hashlib.sha1(content, usedforsecurity=False).hexdigest() + '"'


@dataclass(frozen=True)
class Resource:
    """A document resource: its path, the parameters naming an owner, the id parameter."""

    path: str
    id_name: str
    owner: dict[str, str] = field(default_factory=dict)

    def one(self, doc_id: str | None = None, **extra: str) -> dict[str, str]:
        """Parameters naming one (by default new) document."""
        return {**self.owner, self.id_name: doc_id or str(uuid.uuid4()), **extra}

    async def send(
        self,
        client: httpx.AsyncClient,
        method: str,
        params: dict[str, str],
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """`body`: JSON to send, or a (bytes, content type) pair."""
        sent: dict[str, Any] = {}
        all_headers = dict(headers or {})
        if isinstance(body, tuple):
            sent["content"], all_headers["Content-Type"] = body
        elif body is not None:
            sent["json"] = body
        return await client.request(method, self.path, params=params, headers=all_headers, **sent)

    async def create(self, client: httpx.AsyncClient, params: dict[str, str], body: Any) -> None:
        """Store a new document under any version: If-None-Match: * is always accepted."""
        response = await self.send(client, "PUT", params, body, CREATE_ONLY)
        assert response.status_code == 204, response.text

    async def content(self, client: httpx.AsyncClient, params: dict[str, str]) -> Any:
        response = await client.get(self.path, params=params)
        assert response.status_code == 200, response.text
        return response.json()


STATE = Resource("/activities/state", "stateId", {"activityId": ACTIVITY, "agent": agent_param()})
ACTIVITY_PROFILE = Resource("/activities/profile", "profileId", {"activityId": ACTIVITY})
AGENT_PROFILE = Resource("/agents/profile", "profileId", {"agent": agent_param()})
RESOURCES = [STATE, ACTIVITY_PROFILE, AGENT_PROFILE]
RESOURCE_IDS = ["state", "activity-profile", "agent-profile"]
