"""GET /statements with filters, formats, ordering and `more` paging (xAPI-Communication §2.1.3)."""

import asyncio
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import StoreAccess, new_credential
from tests.factories import activity, agent, statement, voiding, with_id

CT = "X-Experience-API-Consistent-Through"


async def save(client: httpx.AsyncClient, *statements: dict[str, Any]) -> list[str]:
    response = await client.post("/statements", json=list(statements))
    assert response.status_code == 200, response.text
    ids: list[str] = response.json()
    return ids


async def query(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    encoded = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in params.items()}
    response = await client.get("/statements", params=encoded)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def ids_of(client: httpx.AsyncClient, **params: Any) -> list[str]:
    return [s["id"] for s in (await query(client, **params))["statements"]]


class TestFilters:
    async def test_no_filter_returns_everything_newest_first(
        self, client: httpx.AsyncClient
    ) -> None:
        first = await save(client, statement())
        second = await save(client, statement(), statement())
        assert await ids_of(client) == [*reversed(second), *first]

    async def test_ascending_returns_oldest_first(self, client: httpx.AsyncClient) -> None:
        stored = await save(client, statement(), statement(), statement())
        assert await ids_of(client, ascending="true") == stored

    async def test_agent_matches_actor_and_agent_object_only(
        self, client: httpx.AsyncClient
    ) -> None:
        bob = agent("bob")
        as_actor, as_object, as_instructor, _ = await save(
            client,
            statement(actor=bob),
            statement(object=bob),
            statement(context={"instructor": bob}),
            statement(),
        )
        assert set(await ids_of(client, agent=bob)) == {as_actor, as_object}
        related = set(await ids_of(client, agent=bob, related_agents="true"))
        assert related == {as_actor, as_object, as_instructor}

    async def test_agent_matches_groups_it_is_a_member_of(self, client: httpx.AsyncClient) -> None:
        team = {"objectType": "Group", "member": [agent("bob"), agent("carol")]}
        (group_statement,) = await save(client, statement(actor=team))
        assert await ids_of(client, agent=agent("carol")) == [group_statement]

    async def test_agent_is_matched_by_identifier_not_name(self, client: httpx.AsyncClient) -> None:
        (stored,) = await save(client, statement(actor={**agent("dora"), "name": "Dora D."}))
        assert await ids_of(client, agent={"mbox": "mailto:dora@example.com"}) == [stored]

    async def test_related_agents_include_authority_and_substatement(
        self, client: httpx.AsyncClient, store: StoreAccess
    ) -> None:
        sub = {"objectType": "SubStatement", "actor": agent("eve"),
               "verb": {"id": "http://example.com/v"}, "object": activity()}  # fmt: skip
        (with_sub,) = await save(client, statement(object=sub))
        assert await ids_of(client, agent=agent("eve")) == []
        assert await ids_of(client, agent=agent("eve"), related_agents="true") == [with_sub]
        authority = {"account": {"homePage": "http://lrs.example.com", "name": store.key}}
        assert with_sub in await ids_of(client, agent=authority, related_agents="true")

    async def test_verb_filter(self, client: httpx.AsyncClient) -> None:
        verb = {"id": "http://example.com/verbs/attempted"}
        (match,) = await save(client, statement(verb=verb))
        await save(client, statement())
        assert await ids_of(client, verb=verb["id"]) == [match]

    async def test_activity_filter_and_related_activities(self, client: httpx.AsyncClient) -> None:
        course = activity("course-9")
        as_object, as_parent, _ = await save(
            client,
            statement(object=course),
            statement(context={"contextActivities": {"parent": [course]}}),
            statement(),
        )
        assert await ids_of(client, activity=course["id"]) == [as_object]
        related = await ids_of(client, activity=course["id"], related_activities="true")
        assert set(related) == {as_object, as_parent}

    async def test_registration_filter(self, client: httpx.AsyncClient) -> None:
        registration = str(uuid.uuid4())
        (match,) = await save(client, statement(context={"registration": registration}))
        await save(client, statement(context={"registration": str(uuid.uuid4())}))
        assert await ids_of(client, registration=registration) == [match]

    async def test_filters_combine(self, client: httpx.AsyncClient) -> None:
        verb = {"id": "http://example.com/verbs/passed"}
        match, _, _ = await save(
            client,
            statement(actor=agent("finn"), verb=verb),
            statement(actor=agent("finn")),
            statement(verb=verb),
        )
        assert await ids_of(client, agent=agent("finn"), verb=verb["id"]) == [match]

    async def test_since_is_exclusive_and_until_inclusive(self, client: httpx.AsyncClient) -> None:
        first, second, third = [(await save(client, statement()))[0] for _ in range(3)]
        stored = {s["id"]: s["stored"] for s in (await query(client))["statements"]}
        assert await ids_of(client, since=stored[first]) == [third, second]
        assert await ids_of(client, until=stored[second]) == [second, first]

    async def test_limit(self, client: httpx.AsyncClient) -> None:
        stored = await save(client, statement(), statement(), statement())
        assert await ids_of(client, limit=2) == [stored[2], stored[1]]

    async def test_empty_result_is_an_empty_array(self, client: httpx.AsyncClient) -> None:
        assert await query(client, verb="http://example.com/never") == {
            "statements": [],
            "more": "",
        }


class TestVoidedAndReferences:
    async def test_voided_statements_never_appear_but_voiding_ones_do(
        self, client: httpx.AsyncClient
    ) -> None:
        target = with_id(statement())
        await save(client, target)
        (voiding_id,) = await save(client, voiding(target["id"]))
        assert await ids_of(client) == [voiding_id]

    async def test_statement_ref_matches_through_its_target(
        self, client: httpx.AsyncClient
    ) -> None:
        verb = {"id": f"http://example.com/verbs/{uuid.uuid4()}"}
        target = with_id(statement(verb=verb, actor=agent("gus")))
        await save(client, target)
        ref = statement(
            actor=agent("hal"), object={"objectType": "StatementRef", "id": target["id"]}
        )
        (ref_id,) = await save(client, ref)
        (voiding_id,) = await save(client, voiding(target["id"]))
        assert await ids_of(client, verb=verb["id"]) == [voiding_id, ref_id]
        assert await ids_of(client, agent=agent("gus")) == [voiding_id, ref_id]
        assert await ids_of(client, verb=verb["id"], agent=agent("hal")) == [ref_id]

    async def test_reference_chains_and_late_targets_match_too(
        self, client: httpx.AsyncClient
    ) -> None:
        activity_id = f"http://example.com/a/{uuid.uuid4()}"
        target = with_id(statement(object={"id": activity_id}))
        (first_ref,) = await save(
            client, statement(object={"objectType": "StatementRef", "id": target["id"]})
        )
        (second_ref,) = await save(
            client, statement(object={"objectType": "StatementRef", "id": first_ref})
        )
        assert await ids_of(client, activity=activity_id) == []
        await save(client, target)
        assert await ids_of(client, activity=activity_id) == [target["id"], second_ref, first_ref]

    async def test_time_filters_apply_to_the_referring_statement(
        self, client: httpx.AsyncClient
    ) -> None:
        verb = {"id": f"http://example.com/verbs/{uuid.uuid4()}"}
        target = with_id(statement(verb=verb))
        await save(client, target)
        target_stored = (await query(client, verb=verb["id"]))["statements"][0]["stored"]
        (ref_id,) = await save(
            client, statement(object={"objectType": "StatementRef", "id": target["id"]})
        )
        assert await ids_of(client, verb=verb["id"], since=target_stored) == [ref_id]


class TestParameters:
    @pytest.mark.parametrize(
        "params",
        [
            {"Verb": "http://example.com/v"},
            {"statementid": str(uuid.uuid4())},
            {"limit": "-1"},
            {"limit": "ten"},
            {"ascending": "yes"},
            {"format": "full"},
            {"since": "yesterday"},
            {"registration": "abc"},
            {"verb": "not an iri"},
            {"agent": "{not json"},
            {"agent": json.dumps({"name": "no identifier"})},
            {"statementId": str(uuid.uuid4()), "voidedStatementId": str(uuid.uuid4())},
            {"statementId": str(uuid.uuid4()), "verb": "http://example.com/v"},
            {"voidedStatementId": str(uuid.uuid4()), "limit": "1"},
            {"more": "garbage!"},
        ],
    )
    async def test_bad_parameters_are_400_with_consistent_through(
        self, client: httpx.AsyncClient, params: dict[str, str]
    ) -> None:
        response = await client.get("/statements", params=params)
        assert response.status_code == 400
        assert CT in response.headers

    async def test_statement_id_allows_format_and_attachments(
        self, client: httpx.AsyncClient
    ) -> None:
        (stored,) = await save(client, statement())
        response = await client.get(
            "/statements", params={"statementId": stored, "format": "ids", "attachments": "false"}
        )
        assert response.status_code == 200

    async def test_head_answers_like_get_without_a_body(self, client: httpx.AsyncClient) -> None:
        await save(client, statement())
        response = await client.head("/statements")
        assert response.status_code == 200
        assert response.content == b""
        assert CT in response.headers


class TestHeaders:
    async def test_consistent_through_covers_what_was_stored(
        self, client: httpx.AsyncClient
    ) -> None:
        (stored_id,) = await save(client, statement())
        response = await client.get("/statements")
        through = datetime.fromisoformat(response.headers[CT])
        stored = datetime.fromisoformat(response.json()["statements"][0]["stored"])
        assert stored <= through <= datetime.now(UTC)
        assert response.json()["statements"][0]["id"] == stored_id

    async def test_last_modified_is_the_newest_stored(self, client: httpx.AsyncClient) -> None:
        await save(client, statement())
        response = await client.get("/statements")
        assert response.headers["Last-Modified"].endswith("GMT")


class TestFormats:
    async def test_ids_reduces_objects_to_identifiers(self, client: httpx.AsyncClient) -> None:
        group = {"objectType": "Group", "name": "g", "member": [agent("ida")]}
        sent = statement(actor=group, object={**activity(), "definition": {"name": {"en": "C"}}})
        (stored_id,) = await save(client, sent)
        (got,) = (await query(client, format="ids"))["statements"]
        assert got["id"] == stored_id
        assert got["actor"] == {"objectType": "Group", "member": [
            {"objectType": "Agent", "mbox": "mailto:ida@example.com"}]}  # fmt: skip
        assert got["object"] == {"id": activity()["id"]}
        assert got["verb"] == {"id": sent["verb"]["id"]}

    async def test_canonical_picks_one_language_by_accept_language(
        self, client: httpx.AsyncClient
    ) -> None:
        names = {"en-US": "Course", "fr-FR": "Cours", "de": "Kurs"}
        sent = statement(
            verb={"id": "http://example.com/v", "display": {"en-US": "did", "fr-FR": "a fait"}},
            object={**activity("lang"), "definition": {"name": names}},
        )
        await save(client, sent)
        response = await client.get(
            "/statements",
            params={"format": "canonical"},
            headers={"Accept-Language": "fr;q=0.9, de;q=0.5"},
        )
        (got,) = response.json()["statements"]
        assert got["object"]["definition"]["name"] == {"fr-FR": "Cours"}
        assert got["verb"]["display"] == {"fr-FR": "a fait"}

    async def test_canonical_uses_the_merged_definition(self, client: httpx.AsyncClient) -> None:
        course = activity("merged")
        await save(client, statement(object={**course, "definition": {"name": {"en": "Old"}}}))
        await save(client, statement(object={**course, "definition": {"description": {"en": "D"}}}))
        (newest, _) = (await query(client, format="canonical"))["statements"]
        assert newest["object"]["definition"] == {"name": {"en": "Old"}, "description": {"en": "D"}}

    async def test_exact_returns_what_was_sent(self, client: httpx.AsyncClient) -> None:
        sent = with_id(
            statement(object={**activity(), "definition": {"name": {"en": "A", "fr": "B"}}})
        )
        await save(client, sent)
        (got,) = (await query(client))["statements"]
        assert got["object"] == sent["object"]


class TestPaging:
    async def test_more_pages_through_everything_once(self, client: httpx.AsyncClient) -> None:
        stored = await save(client, *[statement() for _ in range(7)])
        seen: list[str] = []
        page = await query(client, limit=3)
        while True:
            seen += [s["id"] for s in page["statements"]]
            if not page["more"]:
                break
            assert page["more"].startswith("/xapi/statements?more=")
            response = await client.get(page["more"].removeprefix("/xapi"))
            page = response.json()
        assert seen == list(reversed(stored))

    async def test_more_keeps_filters_and_order(self, client: httpx.AsyncClient) -> None:
        verb = {"id": "http://example.com/verbs/paged"}
        stored = await save(client, *[statement(verb=verb) for _ in range(4)], statement())
        page = await query(client, verb=verb["id"], limit=3, ascending="true")
        rest = (await client.get(page["more"].removeprefix("/xapi"))).json()
        assert [s["id"] for s in page["statements"] + rest["statements"]] == stored[:4]
        assert rest["more"] == ""

    async def test_more_pages_a_time_window_in_stored_order(
        self, client: httpx.AsyncClient
    ) -> None:
        (before,) = await save(client, statement())
        since = (await query(client))["statements"][0]["stored"]
        stored = [(await save(client, statement()))[0] for _ in range(5)]
        seen: list[str] = []
        page = await query(client, since=since, limit=2, ascending="true")
        while page["statements"]:
            seen += [s["id"] for s in page["statements"]]
            if not page["more"]:
                break
            page = (await client.get(page["more"].removeprefix("/xapi"))).json()
        assert seen == stored
        assert before not in seen

    async def test_a_statement_meeting_a_filter_twice_is_returned_once(
        self, client: httpx.AsyncClient
    ) -> None:
        course = activity("twice")
        both = statement(object=course, context={"contextActivities": {"parent": [course]}})
        stored = await save(client, both, both, both)
        found = await ids_of(client, activity=course["id"], related_activities="true", limit=2)
        assert found == [stored[2], stored[1]]
        page = await query(client, activity=course["id"], related_activities="true", limit=2)
        rest = (await client.get(page["more"].removeprefix("/xapi"))).json()
        assert [s["id"] for s in rest["statements"]] == [stored[0]]
        assert rest["more"] == ""

    async def test_more_cannot_be_combined(self, client: httpx.AsyncClient) -> None:
        await save(client, statement(), statement())
        page = await query(client, limit=1)
        token = page["more"].split("more=")[1]
        response = await client.get("/statements", params={"more": token, "limit": "5"})
        assert response.status_code == 400

    async def test_paging_while_another_task_writes_never_repeats_or_skips(
        self, client: httpx.AsyncClient
    ) -> None:
        before = set(await save(client, *[statement() for _ in range(30)]))
        stop = asyncio.Event()

        async def writer() -> None:
            for _ in range(40):
                if stop.is_set():
                    return
                await save(client, statement(), statement())

        task = asyncio.create_task(writer())
        seen: list[str] = []
        page = await query(client, limit=4)
        while True:
            seen += [s["id"] for s in page["statements"]]
            await asyncio.sleep(0)
            if not page["more"]:
                break
            page = (await client.get(page["more"].removeprefix("/xapi"))).json()
        stop.set()
        await task
        assert len(seen) == len(set(seen))
        assert before <= set(seen)


class TestReadMine:
    async def test_query_with_read_mine_sees_only_its_own(
        self, client: httpx.AsyncClient, app: FastAPI, store: StoreAccess
    ) -> None:
        await save(client, statement())
        access = await new_credential(
            app, store.store_id, ["statements/write", "statements/read/mine"]
        )
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver/xapi",
            auth=access.auth, headers={"X-Experience-API-Version": "1.0.3"},
        ) as mine:  # fmt: skip
            (own,) = await save(mine, statement())
            assert await ids_of(mine) == [own]
