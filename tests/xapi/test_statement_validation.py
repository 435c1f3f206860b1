"""Every validation rule of xAPI-Data §2.4, each with a failing example, through POST /statements.

A rejected statement answers 400 with a message that names the offending JSON path, and
nothing of the request is stored.
"""

from typing import Any

import httpx
import pytest

from tests.factories import agent, changed, removed, statement, with_id

S = statement()
CHOICE = {"interactionType": "choice", "correctResponsesPattern": ["a"],
          "choices": [{"id": "a", "description": {"en-US": "A"}}, {"id": "b"}]}  # fmt: skip
ATTACHMENT = {"usageType": "http://example.com/usage", "display": {"en-US": "file"},
              "contentType": "text/plain", "length": 4, "fileUrl": "http://example.com/f.txt",
              "sha2": "a" * 64}  # fmt: skip
SUB = {"objectType": "SubStatement", "actor": agent("bob"),
       "verb": {"id": "http://example.com/verbs/planned"}, "object": {"id": "http://example.com/a"}}  # fmt: skip
CONTEXT_AGENT = {"objectType": "contextAgent", "agent": agent("carol"),
                 "relevantTypes": ["http://example.com/types/coach"]}  # fmt: skip
GROUP = {"objectType": "Group", "member": [agent("bob"), agent("carol")]}

INVALID: list[tuple[str, Any, str]] = [
    # statement
    ("missing actor", removed(S, "actor"), "statement.actor"),
    ("missing verb", removed(S, "verb"), "statement.verb"),
    ("missing object", removed(S, "object"), "statement.object"),
    ("unknown property", {**S, "foo": 1}, "statement.foo"),
    ("null property", {**S, "result": None}, "statement.result"),
    ("statement not an object", ["not", "a", "statement"], "statements[0]"),
    ("id not a UUID", {**S, "id": "1234"}, "statement.id"),
    ("version of another line", {**S, "version": "0.95"}, "statement.version"),
    ("stored not a timestamp", {**S, "stored": "yesterday"}, "statement.stored"),
    ("timestamp not ISO 8601", {**S, "timestamp": "2026-12-03 10:00"}, "statement.timestamp"),
    ("timestamp impossible date", {**S, "timestamp": "2026-13-45T10:00:00Z"}, "statement.timestamp"),
    ("timestamp offset -00:00", {**S, "timestamp": "2026-12-03T10:00:00-00:00"}, "statement.timestamp"),
    # actor
    ("agent without identifier", {**S, "actor": {"name": "x"}}, "statement.actor"),
    ("agent with two identifiers", changed(S, "actor.openid", "http://example.com/x"), "statement.actor"),
    ("mbox without mailto", changed(S, "actor.mbox", "alice@example.com"), "statement.actor.mbox"),
    ("mbox_sha1sum not hex", {**S, "actor": {"mbox_sha1sum": "xyz"}}, "statement.actor.mbox_sha1sum"),
    ("openid not an IRI", {**S, "actor": {"openid": "not an iri"}}, "statement.actor.openid"),
    ("account without name", {**S, "actor": {"account": {"homePage": "http://example.com"}}},
     "statement.actor.account.name"),
    ("account without homePage", {**S, "actor": {"account": {"name": "x"}}},
     "statement.actor.account.homePage"),
    ("account homePage not an IRL", {**S, "actor": {"account": {"homePage": "example", "name": "x"}}},
     "statement.actor.account.homePage"),
    ("account unknown property", {**S, "actor": {"account": {"homePage": "http://e.com", "name": "x",
     "id": 1}}}, "statement.actor.account.id"),
    ("agent objectType in lower case", changed(S, "actor.objectType", "agent"), "statement.actor.objectType"),
    ("agent name not a string", changed(S, "actor.name", 7), "statement.actor.name"),
    ("anonymous group without members", {**S, "actor": {"objectType": "Group", "name": "g"}},
     "statement.actor"),
    ("group with a group member", {**S, "actor": {"objectType": "Group", "member": [GROUP]}},
     "statement.actor.member[0]"),
    ("group member without identifier", {**S, "actor": {"objectType": "Group", "member": [{"name": "x"}]}},
     "statement.actor.member[0]"),
    ("actor not an object", {**S, "actor": "alice"}, "statement.actor"),
    # verb
    ("verb without id", {**S, "verb": {"display": {"en-US": "did"}}}, "statement.verb.id"),
    ("verb id not an IRI", changed(S, "verb.id", "completed"), "statement.verb.id"),
    ("verb display bad language tag", changed(S, "verb.display", {"en_US": "x"}), "statement.verb.display.en_US"),
    ("verb display not a string", changed(S, "verb.display", {"en-US": 1}), "statement.verb.display.en-US"),
    ("verb unknown property", changed(S, "verb.name", "x"), "statement.verb.name"),
    # activity
    ("activity without id", {**S, "object": {"objectType": "Activity"}}, "statement.object.id"),
    ("activity id not an IRI", changed(S, "object.id", "course 1"), "statement.object.id"),
    ("activity objectType in lower case", changed(S, "object.objectType", "activity"),
     "statement.object.objectType"),
    ("definition name bad language tag", changed(S, "object.definition.name", {"en-": "x"}),
     "statement.object.definition.name.en-"),
    ("definition type not an IRI", changed(S, "object.definition.type", "course"),
     "statement.object.definition.type"),
    ("definition moreInfo not an IRL", changed(S, "object.definition.moreInfo", "urn:x:y"),
     "statement.object.definition.moreInfo"),
    ("definition extension key not an IRI", changed(S, "object.definition.extensions", {"color": 1}),
     "statement.object.definition.extensions.color"),
    ("definition unknown property", changed(S, "object.definition.title", "x"),
     "statement.object.definition.title"),
    ("unknown interactionType", changed(S, "object.definition", {"interactionType": "essay"}),
     "statement.object.definition.interactionType"),
    ("interactionType not a string", changed(S, "object.definition", {"interactionType": {"a": 1}}),
     "statement.object.definition.interactionType"),
    ("components the interactionType does not allow",
     changed(S, "object.definition", {**CHOICE, "interactionType": "true-false"}),
     "statement.object.definition.choices"),
    ("components without interactionType",
     changed(S, "object.definition", {"choices": [{"id": "a"}]}), "statement.object.definition.choices"),
    ("duplicate component ids", changed(S, "object.definition", {**CHOICE, "choices": [{"id": "a"}, {"id": "a"}]}),
     "statement.object.definition.choices[1].id"),
    ("component without id", changed(S, "object.definition", {**CHOICE, "choices": [{"description": {}}]}),
     "statement.object.definition.choices[0].id"),
    ("correctResponsesPattern not strings", changed(S, "object.definition", {**CHOICE,
     "correctResponsesPattern": [1]}), "statement.object.definition.correctResponsesPattern[0]"),
    # other objects
    ("statement ref without id", {**S, "object": {"objectType": "StatementRef"}}, "statement.object.id"),
    ("statement ref id not a UUID", {**S, "object": {"objectType": "StatementRef", "id": "x"}},
     "statement.object.id"),
    ("unknown objectType", changed(S, "object.objectType", "Thing"), "statement.object.objectType"),
    ("substatement with id", {**S, "object": {**SUB, "id": "b5b4c3f0-0bd3-4bd4-8e1a-2d1f0f8b3c11"}},
     "statement.object.id"),
    ("substatement with stored", {**S, "object": {**SUB, "stored": "2026-12-03T10:00:00Z"}},
     "statement.object.stored"),
    ("substatement with version", {**S, "object": {**SUB, "version": "1.0.0"}}, "statement.object.version"),
    ("substatement with authority", {**S, "object": {**SUB, "authority": agent()}},
     "statement.object.authority"),
    ("nested substatement", {**S, "object": {**SUB, "object": SUB}}, "statement.object.object.objectType"),
    ("substatement without verb", {**S, "object": removed(SUB, "verb")}, "statement.object.verb"),
    ("voiding without statement ref", changed(S, "verb.id", "http://adlnet.gov/expapi/verbs/voided"),
     "statement.object"),
    # result
    ("scaled above 1", changed(S, "result.score", {"scaled": 1.5}), "statement.result.score.scaled"),
    ("raw above max", changed(S, "result.score", {"raw": 11, "min": 0, "max": 10}), "statement.result.score.raw"),
    ("raw below min", changed(S, "result.score", {"raw": -1, "min": 0}), "statement.result.score.raw"),
    ("min not below max", changed(S, "result.score", {"min": 5, "max": 5}), "statement.result.score.max"),
    ("raw not a number", changed(S, "result.score", {"raw": "7"}), "statement.result.score.raw"),
    ("score unknown property", changed(S, "result.score", {"percent": 7}), "statement.result.score.percent"),
    ("success not a boolean", changed(S, "result.success", "true"), "statement.result.success"),
    ("completion not a boolean", changed(S, "result.completion", 1), "statement.result.completion"),
    ("response not a string", changed(S, "result.response", 42), "statement.result.response"),
    ("duration not ISO 8601", changed(S, "result.duration", "1 hour"), "statement.result.duration"),
    ("duration empty", changed(S, "result.duration", "P"), "statement.result.duration"),
    ("duration with empty time part", changed(S, "result.duration", "P1DT"), "statement.result.duration"),
    ("duration mixing weeks and days", changed(S, "result.duration", "P4W1D"), "statement.result.duration"),
    ("result extension key not an IRI", changed(S, "result.extensions", {"k": 1}), "statement.result.extensions.k"),
    ("result unknown property", changed(S, "result.grade", "A"), "statement.result.grade"),
    # context
    ("registration not a UUID", changed(S, "context.registration", "abc"), "statement.context.registration"),
    ("instructor without identifier", changed(S, "context.instructor", {"name": "x"}),
     "statement.context.instructor"),
    ("team not a group", changed(S, "context.team", agent("bob")), "statement.context.team"),
    ("contextActivities unknown key", changed(S, "context.contextActivities", {"parents": []}),
     "statement.context.contextActivities.parents"),
    ("context activity without id", changed(S, "context.contextActivities", {"parent": [{}]}),
     "statement.context.contextActivities.parent[0].id"),
    ("revision with an agent object", {**S, "object": agent("bob"), "context": {"revision": "2"}},
     "statement.context.revision"),
    ("platform with a statement ref object", {**S, "object": {"objectType": "StatementRef",
     "id": "b5b4c3f0-0bd3-4bd4-8e1a-2d1f0f8b3c11"}, "context": {"platform": "web"}},
     "statement.context.platform"),
    ("revision not a string", changed(S, "context.revision", 2), "statement.context.revision"),
    ("language bad tag", changed(S, "context.language", "english!"), "statement.context.language"),
    ("context statement not a ref", changed(S, "context.statement", {"id": "x"}), "statement.context.statement"),
    ("context extension key not an IRI", changed(S, "context.extensions", {"k": 1}),
     "statement.context.extensions.k"),
    ("contextAgents under 1.0.3", changed(S, "context.contextAgents", [CONTEXT_AGENT]),
     "statement.context.contextAgents"),
    # attachments
    ("attachment without display", {**S, "attachments": [removed(ATTACHMENT, "display")]},
     "statement.attachments[0].display"),
    ("attachment without sha2", {**S, "attachments": [removed(ATTACHMENT, "sha2")]},
     "statement.attachments[0].sha2"),
    ("attachment length not an integer", {**S, "attachments": [{**ATTACHMENT, "length": "4"}]},
     "statement.attachments[0].length"),
    ("attachment contentType not a media type", {**S, "attachments": [{**ATTACHMENT, "contentType": "text"}]},
     "statement.attachments[0].contentType"),
    ("attachment sha2 not hex", {**S, "attachments": [{**ATTACHMENT, "sha2": "zz"}]},
     "statement.attachments[0].sha2"),
    ("attachment usageType not an IRI", {**S, "attachments": [{**ATTACHMENT, "usageType": "x"}]},
     "statement.attachments[0].usageType"),
    ("attachment fileUrl not an IRL", {**S, "attachments": [{**ATTACHMENT, "fileUrl": "f.txt"}]},
     "statement.attachments[0].fileUrl"),
    ("attachments not an array", {**S, "attachments": ATTACHMENT}, "statement.attachments"),
    # authority
    ("authority group of three", {**S, "authority": {"objectType": "Group",
     "member": [agent("a"), agent("b"), agent("c")]}}, "statement.authority.member"),
    ("authority without identifier", {**S, "authority": {"name": "x"}}, "statement.authority"),
    ("authority identified group", {**S, "authority": {"objectType": "Group", "mbox": "mailto:g@e.com",
     "member": [agent("a"), agent("b")]}}, "statement.authority"),
]  # fmt: skip

VALID: list[tuple[str, Any]] = [
    ("minimal", S),
    ("with id and version", {**with_id(S), "version": "1.0.3"}),
    ("timestamp with offset and fraction", {**S, "timestamp": "2026-12-03T10:00:00.123456+05:30"}),
    ("timestamp without offset", {**S, "timestamp": "2026-12-03T10:00:00"}),
    ("mbox_sha1sum agent", {**S, "actor": {"mbox_sha1sum": "a" * 40}}),
    ("openid agent", {**S, "actor": {"openid": "http://openid.example.com/alice"}}),
    ("account agent", {**S, "actor": {"account": {"homePage": "http://e.com", "name": "42"}}}),
    ("anonymous group", {**S, "actor": GROUP}),
    ("identified group without members", {**S, "actor": {"objectType": "Group", "mbox": "mailto:g@e.com"}}),
    ("agent object", {**S, "object": agent("bob")}),
    ("group object", {**S, "object": GROUP}),
    ("substatement", {**S, "object": SUB}),
    ("choice interaction", changed(S, "object.definition", CHOICE)),
    ("likert interaction", changed(S, "object.definition", {"interactionType": "likert",
     "scale": [{"id": "1"}, {"id": "2"}]})),
    ("matching interaction", changed(S, "object.definition", {"interactionType": "matching",
     "source": [{"id": "a"}], "target": [{"id": "1"}], "correctResponsesPattern": ["a[.]1"]})),
    ("performance interaction", changed(S, "object.definition", {"interactionType": "performance",
     "steps": [{"id": "s1"}]})),
    ("full definition", changed(S, "object.definition", {"name": {"en-US": "C", "zh-Hans-CN": "课"},
     "description": {"fr": "d"}, "type": "http://adlnet.gov/expapi/activities/course",
     "moreInfo": "https://example.com/c", "extensions": {"http://example.com/x": {"any": [1, None]}}})),
    ("full result", {**S, "result": {"score": {"scaled": -1, "raw": 0, "min": 0, "max": 5},
     "success": False, "completion": True, "response": "r", "duration": "P1DT2H3M4.5S",
     "extensions": {"http://example.com/r": None}}}),
    ("week duration", changed(S, "result.duration", "P2W")),
    ("full context", {**S, "context": {"registration": "b5b4c3f0-0bd3-4bd4-8e1a-2d1f0f8b3c11",
     "instructor": agent("ian"), "team": GROUP, "revision": "3", "platform": "web",
     "language": "en-GB", "statement": {"objectType": "StatementRef",
     "id": "b5b4c3f0-0bd3-4bd4-8e1a-2d1f0f8b3c11"}, "extensions": {"http://example.com/c": 1},
     "contextActivities": {"parent": [{"id": "http://e.com/p"}], "grouping": [{"id": "http://e.com/g"}],
     "category": [{"id": "http://e.com/c"}], "other": [{"id": "http://e.com/o"}]}}}),
    ("authority is replaced, not refused", {**S, "authority": agent("someone")}),
    ("OAuth authority group", {**S, "authority": {"objectType": "Group", "member": [
     agent("app"), agent("user")]}}),
]  # fmt: skip


class TestInvalidStatements:
    @pytest.mark.parametrize(
        ("body", "field"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID]
    )
    async def test_is_rejected_naming_the_field(
        self, client: httpx.AsyncClient, body: Any, field: str
    ) -> None:
        response = await client.post("/statements", json=body)
        assert response.status_code == 400, response.text
        assert response.json()["message"].startswith(field), response.json()

    async def test_nothing_of_a_rejected_batch_is_stored(self, client: httpx.AsyncClient) -> None:
        good = with_id(S)
        response = await client.post("/statements", json=[good, removed(S, "verb")])
        assert response.status_code == 400
        assert response.json()["field"] == "statements[1].verb"
        fetched = await client.get("/statements", params={"statementId": good["id"]})
        assert fetched.status_code == 404


class TestValidStatements:
    @pytest.mark.parametrize("body", [c[1] for c in VALID], ids=[c[0] for c in VALID])
    async def test_is_stored(self, client: httpx.AsyncClient, body: Any) -> None:
        response = await client.post("/statements", json=body)
        assert response.status_code == 200, response.text
        (statement_id,) = response.json()
        fetched = await client.get("/statements", params={"statementId": statement_id})
        assert fetched.status_code == 200
        assert fetched.json()["verb"] == body["verb"]


class TestVersion2Additions:
    async def test_context_agents_and_groups_are_accepted(self, client: httpx.AsyncClient) -> None:
        context = {"contextAgents": [CONTEXT_AGENT],
                   "contextGroups": [{"objectType": "contextGroup", "group": GROUP}]}  # fmt: skip
        response = await client.post(
            "/statements",
            json={**S, "context": context},
            headers={"X-Experience-API-Version": "2.0.0"},
        )
        assert response.status_code == 200, response.text

    @pytest.mark.parametrize(
        ("context", "field"),
        [
            (
                {"contextAgents": [{**CONTEXT_AGENT, "objectType": "Agent"}]},
                "contextAgents[0].objectType",
            ),
            (
                {"contextAgents": [{**CONTEXT_AGENT, "relevantTypes": []}]},
                "contextAgents[0].relevantTypes",
            ),
            ({"contextAgents": [removed(CONTEXT_AGENT, "agent")]}, "contextAgents[0].agent"),
            (
                {"contextGroups": [{"objectType": "contextGroup", "group": agent()}]},
                "contextGroups[0].group",
            ),
        ],
    )
    async def test_malformed_context_agents_are_rejected(
        self, client: httpx.AsyncClient, context: dict[str, Any], field: str
    ) -> None:
        response = await client.post(
            "/statements",
            json={**S, "context": context},
            headers={"X-Experience-API-Version": "2.0.0"},
        )
        assert response.status_code == 400
        assert response.json()["field"].startswith(f"statement.context.{field}")
