"""SQL of the document resources. Every query is scoped to one store.

A document's key is (store, kind, activity, agent, registration, id) with NULL where a kind
has no such part; the unique index treats NULLs as equal, and the queries below say
`IS NULL` for them so that the index serves every lookup.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from lrs.documents import Document, Owner, Ref

_COLUMNS = "id, content, content_type, etag, updated_at"


def _where(owner: Owner, *, any_registration: bool) -> tuple[str, dict[str, Any]]:
    """The WHERE clause (made of constant fragments) and parameters that select `owner`."""
    clauses = ["store_id = :store_id", "kind = :kind"]
    params: dict[str, Any] = {"store_id": owner.store_id, "kind": owner.kind.value}
    parts = {"activity_id": owner.activity_id, "agent_key": owner.agent_key}
    if not (any_registration and owner.registration is None):
        parts["registration"] = owner.registration
    for column, value in parts.items():
        if value is None:
            clauses.append(f"{column} IS NULL")
        else:
            cast = "CAST(:registration AS uuid)" if column == "registration" else f":{column}"
            clauses.append(f"{column} = {cast}")
            params[column] = value
    return " AND ".join(clauses), params


async def find(session: AsyncSession, ref: Ref, *, for_update: bool = False) -> Document | None:
    """One document; `for_update` locks it until the transaction ends."""
    where, params = _where(ref.owner, any_registration=False)
    lock = " FOR UPDATE" if for_update else ""
    row = (
        await session.execute(
            text(f"SELECT {_COLUMNS} FROM document WHERE {where} AND doc_id = :doc_id{lock}"),  # noqa: S608 (constants)
            {**params, "doc_id": ref.doc_id},
        )
    ).one_or_none()
    if row is None:
        return None
    return Document(row.id, row.content, row.content_type, row.etag, row.updated_at)


async def list_ids(
    session: AsyncSession, owner: Owner, since: datetime | None
) -> list[tuple[str, datetime]]:
    """The ids and update times of the owner's documents, changed after `since` if given."""
    where, params = _where(owner, any_registration=True)
    if since is not None:
        where += " AND updated_at > :since"
        params["since"] = since
    rows = await session.execute(
        text(f"SELECT doc_id, updated_at FROM document WHERE {where} ORDER BY doc_id"),  # noqa: S608 (constants)
        params,
    )
    return [(row.doc_id, row.updated_at) for row in rows]


async def insert(
    session: AsyncSession, ref: Ref, content: bytes, content_type: str, etag: str
) -> bool:
    """Insert a new document; False when one with the same key exists (nothing written)."""
    owner = ref.owner
    inserted = await session.execute(
        text(
            "INSERT INTO document (store_id, kind, activity_id, agent_key, registration,"
            " doc_id, content_type, content, etag, updated_at)"
            " VALUES (:store_id, :kind, :activity_id, :agent_key, CAST(:registration AS uuid),"
            " :doc_id, :content_type, :content, :etag, statement_timestamp())"
            " ON CONFLICT (store_id, kind, activity_id, agent_key, registration, doc_id)"
            " DO NOTHING RETURNING id"
        ),
        {
            "store_id": owner.store_id,
            "kind": owner.kind.value,
            "activity_id": owner.activity_id,
            "agent_key": owner.agent_key,
            "registration": owner.registration,
            "doc_id": ref.doc_id,
            "content_type": content_type,
            "content": content,
            "etag": etag,
        },
    )
    return inserted.scalar_one_or_none() is not None


async def update(
    session: AsyncSession,
    store_id: int,
    document_id: int,
    content: bytes,
    content_type: str,
    etag: str,
) -> None:
    await session.execute(
        text(
            "UPDATE document SET content = :content, content_type = :content_type,"
            " etag = :etag, updated_at = statement_timestamp()"
            " WHERE store_id = :store_id AND id = :id"
        ),
        {
            "store_id": store_id,
            "id": document_id,
            "content": content,
            "content_type": content_type,
            "etag": etag,
        },
    )


async def delete(session: AsyncSession, store_id: int, document_id: int) -> None:
    await session.execute(
        text("DELETE FROM document WHERE store_id = :store_id AND id = :id"),
        {"store_id": store_id, "id": document_id},
    )


async def delete_all(session: AsyncSession, owner: Owner) -> None:
    """Delete every document of the owner, of any registration unless one is given."""
    where, params = _where(owner, any_registration=True)
    await session.execute(text(f"DELETE FROM document WHERE {where}"), params)  # noqa: S608 (constants)
