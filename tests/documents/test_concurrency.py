"""ETags and preconditions (xAPI-Communication §3.1 for 1.0.3, xAPI 2.0 §4.1.4).

Every scenario runs under both versions unless the versions differ; the client fixture
speaks 1.0.3 and `V2` switches a request to 2.0.0."""

import asyncio

import httpx
import pytest

from tests.documents.support import (
    ACTIVITY_PROFILE,
    AGENT_PROFILE,
    CREATE_ONLY,
    STATE,
    V2,
    Resource,
)

V1 = {"X-Experience-API-Version": "1.0.3"}
VERSIONS = pytest.mark.parametrize("version", [V1, V2], ids=["1.0.3", "2.0.0"])
PROFILES = pytest.mark.parametrize(
    "profile", [ACTIVITY_PROFILE, AGENT_PROFILE], ids=["activity-profile", "agent-profile"]
)
WRONG = '"1234"'


async def stored(
    client: httpx.AsyncClient, resource: Resource, body: object
) -> tuple[dict[str, str], str]:
    """A new document's parameters and its ETag."""
    params = resource.one()
    await resource.create(client, params, body)
    return params, (await client.get(resource.path, params=params)).headers["ETag"]


@VERSIONS
class TestIfMatch:
    async def test_put_with_a_wrong_etag_is_412_and_changes_nothing(
        self, client: httpx.AsyncClient, resource: Resource, version: dict[str, str]
    ) -> None:
        params, _ = await stored(client, resource, {"a": 1})
        response = await resource.send(
            client, "PUT", params, {"b": 2}, {**version, "If-Match": WRONG}
        )
        assert response.status_code == 412
        assert await resource.content(client, params) == {"a": 1}

    async def test_put_with_the_current_etag_is_204(
        self, client: httpx.AsyncClient, resource: Resource, version: dict[str, str]
    ) -> None:
        params, tag = await stored(client, resource, {"a": 1})
        response = await resource.send(
            client, "PUT", params, {"b": 2}, {**version, "If-Match": tag}
        )
        assert response.status_code == 204
        assert await resource.content(client, params) == {"b": 2}

    async def test_post_with_a_wrong_etag_is_412_and_changes_nothing(
        self, client: httpx.AsyncClient, resource: Resource, version: dict[str, str]
    ) -> None:
        params, _ = await stored(client, resource, {"a": 1})
        response = await resource.send(
            client, "POST", params, {"b": 2}, {**version, "If-Match": WRONG}
        )
        assert response.status_code == 412
        assert await resource.content(client, params) == {"a": 1}

    async def test_post_with_the_current_etag_merges(
        self, client: httpx.AsyncClient, resource: Resource, version: dict[str, str]
    ) -> None:
        params, tag = await stored(client, resource, {"a": 1})
        response = await resource.send(
            client, "POST", params, {"b": 2}, {**version, "If-Match": tag}
        )
        assert response.status_code == 204
        assert await resource.content(client, params) == {"a": 1, "b": 2}

    async def test_delete_with_a_wrong_etag_is_412_and_keeps_the_document(
        self, client: httpx.AsyncClient, resource: Resource, version: dict[str, str]
    ) -> None:
        params, _ = await stored(client, resource, {"a": 1})
        response = await client.delete(
            resource.path, params=params, headers={**version, "If-Match": WRONG}
        )
        assert response.status_code == 412
        assert (await client.get(resource.path, params=params)).status_code == 200

    async def test_delete_with_the_current_etag_deletes(
        self, client: httpx.AsyncClient, resource: Resource, version: dict[str, str]
    ) -> None:
        params, tag = await stored(client, resource, {"a": 1})
        response = await client.delete(
            resource.path, params=params, headers={**version, "If-Match": tag}
        )
        assert response.status_code == 204
        assert (await client.get(resource.path, params=params)).status_code == 404

    async def test_any_etag_of_a_list_may_match(
        self, client: httpx.AsyncClient, resource: Resource, version: dict[str, str]
    ) -> None:
        params, tag = await stored(client, resource, {"a": 1})
        headers = {**version, "If-Match": f"{WRONG}, {tag}"}
        assert (await resource.send(client, "PUT", params, {"b": 2}, headers)).status_code == 204

    async def test_star_matches_an_existing_document(
        self, client: httpx.AsyncClient, resource: Resource, version: dict[str, str]
    ) -> None:
        params, _ = await stored(client, resource, {"a": 1})
        headers = {**version, "If-Match": "*"}
        assert (await resource.send(client, "PUT", params, {"b": 2}, headers)).status_code == 204

    async def test_any_if_match_fails_when_there_is_no_document(
        self, client: httpx.AsyncClient, resource: Resource, version: dict[str, str]
    ) -> None:
        params = resource.one()
        for tag in ("*", WRONG):
            headers = {**version, "If-Match": tag}
            assert (
                await resource.send(client, "PUT", params, {"b": 2}, headers)
            ).status_code == 412
        assert (await client.get(resource.path, params=params)).status_code == 404

    async def test_a_weak_etag_never_matches_if_match(
        self, client: httpx.AsyncClient, resource: Resource, version: dict[str, str]
    ) -> None:
        params, tag = await stored(client, resource, {"a": 1})
        headers = {**version, "If-Match": f"W/{tag}"}
        assert (await resource.send(client, "PUT", params, {"b": 2}, headers)).status_code == 412


@VERSIONS
class TestIfNoneMatch:
    async def test_star_creates_a_missing_document(
        self, client: httpx.AsyncClient, resource: Resource, version: dict[str, str]
    ) -> None:
        params = resource.one()
        headers = {**version, **CREATE_ONLY}
        assert (await resource.send(client, "PUT", params, {"a": 1}, headers)).status_code == 204

    async def test_star_fails_with_412_when_the_document_exists(
        self, client: httpx.AsyncClient, resource: Resource, version: dict[str, str]
    ) -> None:
        params, _ = await stored(client, resource, {"a": 1})
        headers = {**version, **CREATE_ONLY}
        assert (await resource.send(client, "PUT", params, {"b": 2}, headers)).status_code == 412
        assert (await resource.send(client, "POST", params, {"b": 2}, headers)).status_code == 412
        assert await resource.content(client, params) == {"a": 1}

    async def test_the_current_etag_fails_even_when_weak(
        self, client: httpx.AsyncClient, resource: Resource, version: dict[str, str]
    ) -> None:
        params, tag = await stored(client, resource, {"a": 1})
        for sent in (tag, f"W/{tag}"):
            headers = {**version, "If-None-Match": sent}
            assert (
                await resource.send(client, "PUT", params, {"b": 2}, headers)
            ).status_code == 412

    async def test_another_etag_lets_the_put_through(
        self, client: httpx.AsyncClient, resource: Resource, version: dict[str, str]
    ) -> None:
        params, _ = await stored(client, resource, {"a": 1})
        headers = {**version, "If-None-Match": WRONG}
        assert (await resource.send(client, "PUT", params, {"b": 2}, headers)).status_code == 204


class TestPutWithoutPreconditions:
    """§3.1 (1.0.3): profiles need a header to replace, State does not; 2.0 §4.1.4: all do."""

    @VERSIONS
    @PROFILES
    async def test_replacing_a_profile_is_409_and_changes_nothing(
        self, client: httpx.AsyncClient, profile: Resource, version: dict[str, str]
    ) -> None:
        params, _ = await stored(client, profile, {"a": 1})
        response = await profile.send(client, "PUT", params, {"b": 2}, version)
        assert response.status_code == 409
        assert "If-Match" in response.json()["message"]
        assert await profile.content(client, params) == {"a": 1}

    async def test_replacing_a_state_is_allowed_under_1_0_3(
        self, client: httpx.AsyncClient
    ) -> None:
        params, _ = await stored(client, STATE, {"a": 1})
        assert (await STATE.send(client, "PUT", params, {"b": 2}, V1)).status_code == 204
        assert await STATE.content(client, params) == {"b": 2}

    async def test_replacing_a_state_is_409_under_2_0_0(self, client: httpx.AsyncClient) -> None:
        params, _ = await stored(client, STATE, {"a": 1})
        assert (await STATE.send(client, "PUT", params, {"b": 2}, V2)).status_code == 409
        assert await STATE.content(client, params) == {"a": 1}

    @PROFILES
    async def test_creating_a_profile_without_a_header_is_400_under_1_0_3(
        self, client: httpx.AsyncClient, profile: Resource
    ) -> None:
        params = profile.one()
        response = await profile.send(client, "PUT", params, {"a": 1}, V1)
        assert response.status_code == 400
        assert (await client.get(profile.path, params=params)).status_code == 404

    @PROFILES
    async def test_creating_a_profile_without_a_header_is_allowed_under_2_0_0(
        self, client: httpx.AsyncClient, profile: Resource
    ) -> None:
        params = profile.one()
        assert (await profile.send(client, "PUT", params, {"a": 1}, V2)).status_code == 204

    @VERSIONS
    async def test_creating_a_state_without_a_header_is_allowed(
        self, client: httpx.AsyncClient, version: dict[str, str]
    ) -> None:
        params = STATE.one()
        assert (await STATE.send(client, "PUT", params, {"a": 1}, version)).status_code == 204

    @VERSIONS
    async def test_post_and_delete_need_no_header(
        self, client: httpx.AsyncClient, resource: Resource, version: dict[str, str]
    ) -> None:
        params, _ = await stored(client, resource, {"a": 1})
        assert (await resource.send(client, "POST", params, {"b": 2}, version)).status_code == 204
        assert (await resource.send(client, "DELETE", params, None, version)).status_code == 204

    @VERSIONS
    async def test_a_failed_precondition_is_412_before_anything_else(
        self, client: httpx.AsyncClient, resource: Resource, version: dict[str, str]
    ) -> None:
        params, _ = await stored(client, resource, {"a": 1})
        headers = {**version, "If-Match": WRONG}
        response = await resource.send(client, "POST", params, (b"x", "text/plain"), headers)
        assert response.status_code == 412


class TestConcurrentWriters:
    async def test_of_several_concurrent_creates_exactly_one_wins(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        responses = await asyncio.gather(
            *(resource.send(client, "PUT", params, {"n": n}, CREATE_ONLY) for n in range(5))
        )
        assert sorted(r.status_code for r in responses) == [204, 412, 412, 412, 412]

    async def test_concurrent_merges_all_land(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        await asyncio.gather(
            *(resource.send(client, "POST", params, {f"k{n}": n}) for n in range(5))
        )
        assert await resource.content(client, params) == {f"k{n}": n for n in range(5)}
