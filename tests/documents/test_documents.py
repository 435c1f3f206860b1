"""The operations the three document resources share (xAPI-Communication §2.2-2.3, §2.6-2.7)."""

import json
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx

from tests.documents.support import CREATE_ONLY, V2, Resource, etag


class TestPut:
    async def test_stored_json_is_returned_byte_for_byte_with_its_type(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        raw = b'{ "b": 1,  "a": [2, 3] }'
        await resource.create(client, params, (raw, "application/json"))
        response = await client.get(resource.path, params=params)
        assert response.status_code == 200
        assert response.content == raw
        assert response.headers["Content-Type"] == "application/json"

    async def test_any_content_type_is_kept_exactly(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        raw = bytes(range(256))
        await resource.create(client, params, (raw, "image/x-test"))
        text_params = resource.one()
        await resource.create(client, text_params, (b"plain words", "text/plain"))
        binary = await client.get(resource.path, params=params)
        text = await client.get(resource.path, params=text_params)
        assert (binary.content, binary.headers["Content-Type"]) == (raw, "image/x-test")
        assert text.headers["Content-Type"] == "text/plain"

    async def test_missing_content_type_is_stored_as_octet_stream(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        await client.put(resource.path, params=params, content=b"raw", headers=CREATE_ONLY)
        response = await client.get(resource.path, params=params)
        assert response.headers["Content-Type"] == "application/octet-stream"

    async def test_json_content_type_with_invalid_json_is_400(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        sent = (b'{"a": ', "application/json")
        response = await resource.send(client, "PUT", params, sent, CREATE_ONLY)
        assert response.status_code == 400
        assert (await client.get(resource.path, params=params)).status_code == 404

    async def test_put_with_if_match_replaces_the_document(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        await resource.create(client, params, {"a": 1})
        tag = (await client.get(resource.path, params=params)).headers["ETag"]
        response = await resource.send(client, "PUT", params, {"b": 2}, {"If-Match": tag})
        assert response.status_code == 204
        assert await resource.content(client, params) == {"b": 2}


class TestPost:
    async def test_post_of_a_new_document_stores_it(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        assert (await resource.send(client, "POST", params, {"a": 1})).status_code == 204
        assert await resource.content(client, params) == {"a": 1}

    async def test_post_merges_top_level_properties_into_the_stored_object(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        await resource.create(client, params, {"car": {"make": "Ford"}, "driver": "Dale"})
        await resource.send(client, "POST", params, {"car": {"model": "Ram"}, "series": 1})
        merged = await resource.content(client, params)
        assert merged == {"car": {"model": "Ram"}, "driver": "Dale", "series": 1}

    async def test_merge_changes_the_etag(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        await resource.create(client, params, {"a": 1})
        before = (await client.get(resource.path, params=params)).headers["ETag"]
        await resource.send(client, "POST", params, {"b": 2})
        after = await client.get(resource.path, params=params)
        assert after.headers["ETag"] == etag(after.content) != before

    async def test_post_of_non_json_onto_json_is_400_and_changes_nothing(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        await resource.create(client, params, {"a": 1})
        response = await resource.send(client, "POST", params, (b"abc", "text/plain"))
        assert response.status_code == 400
        assert await resource.content(client, params) == {"a": 1}

    async def test_post_of_json_onto_non_json_is_400_and_changes_nothing(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        await resource.create(client, params, (b"/ asdf /", "application/octet-stream"))
        response = await resource.send(client, "POST", params, {"a": 1})
        assert response.status_code == 400
        assert (await client.get(resource.path, params=params)).content == b"/ asdf /"

    async def test_post_of_json_onto_a_json_array_is_400(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        await resource.create(client, params, [1, 2])
        assert (await resource.send(client, "POST", params, {"a": 1})).status_code == 400
        assert await resource.content(client, params) == [1, 2]

    async def test_post_of_a_json_array_is_400(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        await resource.create(client, params, {"a": 1})
        assert (await resource.send(client, "POST", params, [1])).status_code == 400
        assert await resource.content(client, params) == {"a": 1}

    async def test_post_of_invalid_json_is_400_and_changes_nothing(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        await resource.create(client, params, {"a": 1})
        sent = (b'{"b": 2}{', "application/json")
        assert (await resource.send(client, "POST", params, sent)).status_code == 400
        assert await resource.content(client, params) == {"a": 1}

    async def test_post_of_non_json_for_a_new_document_stores_it_like_a_put(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        response = await resource.send(client, "POST", params, (b"abc", "text/plain"))
        assert response.status_code == 204
        assert (await client.get(resource.path, params=params)).content == b"abc"

    async def test_json_content_type_with_parameters_is_merged(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        await resource.create(client, params, (b'{"a": 1}', "application/json; charset=utf-8"))
        sent = (b'{"b": 2}', "Application/JSON")
        assert (await resource.send(client, "POST", params, sent)).status_code == 204
        assert await resource.content(client, params) == {"a": 1, "b": 2}


class TestGet:
    async def test_missing_document_is_404(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        response = await client.get(resource.path, params=resource.one())
        assert response.status_code == 404

    async def test_document_carries_a_quoted_sha1_etag_and_last_modified(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        await resource.create(client, params, {"a": 1})
        response = await client.get(resource.path, params=params)
        assert response.headers["ETag"] == etag(response.content)
        modified = parsedate_to_datetime(response.headers["Last-Modified"])
        assert abs(modified - datetime.now(UTC)) < timedelta(minutes=1)

    async def test_since_is_accepted_and_ignored_for_one_document(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        await resource.create(client, params, {"a": 1})
        since = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        response = await client.get(resource.path, params={**params, "since": since})
        assert response.status_code == 200


class TestListIds:
    async def test_without_an_id_the_ids_of_the_owner_are_listed(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        first, second = resource.one(), resource.one()
        for params in (first, second):
            await resource.create(client, params, {"a": 1})
        response = await client.get(resource.path, params=resource.owner)
        assert response.status_code == 200
        assert {first[resource.id_name], second[resource.id_name]} <= set(response.json())
        assert response.headers["ETag"] == etag(response.content)
        assert "Last-Modified" in response.headers

    async def test_an_owner_without_documents_lists_nothing(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        response = await client.get(resource.path, params=resource.owner)
        assert response.json() == []
        assert "Last-Modified" not in response.headers

    async def test_since_lists_only_documents_changed_after_it(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        await resource.create(client, params, {"a": 1})
        past = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
        future = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
        recent = await client.get(resource.path, params={**resource.owner, "since": past})
        later = await client.get(resource.path, params={**resource.owner, "since": future})
        assert recent.json() == [params[resource.id_name]]
        assert later.json() == []


class TestDelete:
    async def test_delete_removes_the_document(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        await resource.create(client, params, {"a": 1})
        assert (await client.delete(resource.path, params=params)).status_code == 204
        assert (await client.get(resource.path, params=params)).status_code == 404

    async def test_deleting_a_missing_document_is_204(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        assert (await client.delete(resource.path, params=resource.one())).status_code == 204

    async def test_delete_leaves_the_other_documents(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        kept, gone = resource.one(), resource.one()
        for params in (kept, gone):
            await resource.create(client, params, {"a": 1})
        await client.delete(resource.path, params=gone)
        assert (await client.get(resource.path, params=kept)).status_code == 200


class TestHead:
    async def test_head_of_a_document_answers_its_headers_without_a_body(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        await resource.create(client, params, {"a": 1})
        get = await client.get(resource.path, params=params)
        head = await client.head(resource.path, params=params)
        assert head.status_code == 200
        assert head.content == b""
        assert head.headers["ETag"] == get.headers["ETag"]
        assert head.headers["Content-Length"] == str(len(get.content))

    async def test_head_of_the_id_list_is_200_without_a_body(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        head = await client.head(resource.path, params=resource.owner, headers=V2)
        assert (head.status_code, head.content) == (200, b"")

    async def test_head_of_a_missing_document_is_404(
        self, client: httpx.AsyncClient, resource: Resource
    ) -> None:
        assert (await client.head(resource.path, params=resource.one())).status_code == 404


class TestStoreIsolation:
    async def test_another_store_does_not_see_the_document(
        self, client: httpx.AsyncClient, other_client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        await resource.create(client, params, {"a": 1})
        assert (await other_client.get(resource.path, params=params)).status_code == 404
        listed = await other_client.get(resource.path, params=resource.owner)
        assert params[resource.id_name] not in listed.json()

    async def test_the_same_key_holds_one_document_per_store(
        self, client: httpx.AsyncClient, other_client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        await resource.create(client, params, {"store": "mine"})
        await resource.create(other_client, params, {"store": "other"})
        assert await resource.content(client, params) == {"store": "mine"}
        assert await resource.content(other_client, params) == {"store": "other"}

    async def test_another_store_cannot_delete_the_document(
        self, client: httpx.AsyncClient, other_client: httpx.AsyncClient, resource: Resource
    ) -> None:
        params = resource.one()
        await resource.create(client, params, {"a": 1})
        await other_client.delete(resource.path, params=params)
        assert json.loads((await client.get(resource.path, params=params)).content) == {"a": 1}
