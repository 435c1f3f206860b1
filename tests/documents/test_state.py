"""What only the State resource has: registrations, the Agent in the key, delete all (§2.3)."""

import json
import uuid

import httpx

from tests.documents.support import ACTIVITY, STATE, agent_param

PATH = STATE.path


def state(agent: str | None = None, **extra: str) -> dict[str, str]:
    return {"activityId": ACTIVITY, "agent": agent or agent_param(), **extra}


class TestRegistration:
    async def test_a_registration_keys_a_document_of_its_own(
        self, client: httpx.AsyncClient
    ) -> None:
        registration = str(uuid.uuid4())
        plain = state(stateId="bookmark")
        registered = state(stateId="bookmark", registration=registration)
        await STATE.create(client, plain, {"page": 1})
        await STATE.create(client, registered, {"page": 7})
        assert await STATE.content(client, plain) == {"page": 1}
        assert await STATE.content(client, registered) == {"page": 7}

    async def test_registration_is_compared_case_insensitively(
        self, client: httpx.AsyncClient
    ) -> None:
        registration = str(uuid.uuid4())
        await STATE.create(client, state(stateId="s", registration=registration), {"a": 1})
        upper = state(stateId="s", registration=registration.upper())
        assert await STATE.content(client, upper) == {"a": 1}

    async def test_the_id_list_filters_by_registration_only_when_given(
        self, client: httpx.AsyncClient
    ) -> None:
        registration = str(uuid.uuid4())
        await STATE.create(client, state(stateId="plain"), {"a": 1})
        await STATE.create(client, state(stateId="registered", registration=registration), {})
        every = await client.get(PATH, params=state())
        only = await client.get(PATH, params=state(registration=registration))
        assert sorted(every.json()) == ["plain", "registered"]
        assert only.json() == ["registered"]


class TestDeleteAll:
    async def test_without_state_id_every_state_of_the_activity_and_agent_goes(
        self, client: httpx.AsyncClient
    ) -> None:
        other_agent = agent_param("bob")
        await STATE.create(client, state(stateId="a"), {})
        await STATE.create(client, state(stateId="b", registration=str(uuid.uuid4())), {})
        await STATE.create(client, state(other_agent, stateId="kept"), {})
        assert (await client.delete(PATH, params=state())).status_code == 204
        assert (await client.get(PATH, params=state())).json() == []
        assert (await client.get(PATH, params=state(other_agent))).json() == ["kept"]

    async def test_with_a_registration_only_its_states_go(self, client: httpx.AsyncClient) -> None:
        registration = str(uuid.uuid4())
        await STATE.create(client, state(stateId="plain"), {})
        await STATE.create(client, state(stateId="registered", registration=registration), {})
        await client.delete(PATH, params=state(registration=registration))
        assert (await client.get(PATH, params=state())).json() == ["plain"]

    async def test_another_store_keeps_its_states(
        self, client: httpx.AsyncClient, other_client: httpx.AsyncClient
    ) -> None:
        await STATE.create(other_client, state(stateId="theirs"), {})
        await client.delete(PATH, params=state())
        assert (await other_client.get(PATH, params=state())).json() == ["theirs"]


class TestAgentKey:
    async def test_the_same_identifier_with_another_name_is_the_same_agent(
        self, client: httpx.AsyncClient
    ) -> None:
        await STATE.create(client, state(stateId="s"), {"a": 1})
        named = json.dumps({"name": "Alice A.", "mbox": "mailto:alice@example.com"})
        assert await STATE.content(client, state(named, stateId="s")) == {"a": 1}

    async def test_an_identified_group_may_own_states(self, client: httpx.AsyncClient) -> None:
        group = json.dumps(
            {"objectType": "Group", "account": {"homePage": "http://example.com", "name": "g1"}}
        )
        await STATE.create(client, state(group, stateId="s"), {"a": 1})
        assert await STATE.content(client, state(group, stateId="s")) == {"a": 1}

    async def test_an_anonymous_group_is_rejected(self, client: httpx.AsyncClient) -> None:
        group = json.dumps(
            {"objectType": "Group", "member": [{"mbox": "mailto:alice@example.com"}]}
        )
        response = await client.get(PATH, params=state(group))
        assert response.status_code == 400
        assert response.json()["field"] == "agent"
