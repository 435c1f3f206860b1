"""Stores and credentials: creation, listing, revocation and the lookup behind every request.

Secrets are 256-bit random tokens, so a single SHA-256 is enough to store them safely (a slow
KDF protects guessable passwords, which these are not) and costs microseconds per request.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from lrs.auth.scopes import validate_scopes
from lrs.xapi.agents import agent_key


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the credential, its store and scopes, and the authority it writes."""

    credential_id: int
    store_id: int
    key: str
    scopes: frozenset[str]
    authority: dict[str, Any]

    @property
    def authority_key(self) -> str:
        return agent_key(self.authority)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def authenticate(
    session: AsyncSession | AsyncConnection, key: str, secret: str
) -> Principal | None:
    row = (
        await session.execute(
            text(
                "SELECT id, store_id, secret_hash, scopes, authority FROM credential"
                " WHERE key = :key AND revoked_at IS NULL"
            ),
            {"key": key},
        )
    ).one_or_none()
    if row is None or not hmac.compare_digest(row.secret_hash, hash_secret(secret)):
        return None
    return Principal(row.id, row.store_id, key, frozenset(row.scopes), row.authority)


async def create_store(session: AsyncSession, name: str) -> int:
    return int(
        (
            await session.execute(
                text("INSERT INTO store (name) VALUES (:name) RETURNING id"), {"name": name}
            )
        ).scalar_one()
    )


async def find_store(session: AsyncSession, name: str) -> int | None:
    found = await session.execute(text("SELECT id FROM store WHERE name = :name"), {"name": name})
    return found.scalar_one_or_none()


async def list_stores(session: AsyncSession) -> list[dict[str, Any]]:
    rows = await session.execute(
        text(
            "SELECT s.id, s.name, s.created_at, count(c.id) FILTER (WHERE c.revoked_at IS NULL)"
            " AS credentials FROM store s LEFT JOIN credential c ON c.store_id = s.id"
            " GROUP BY s.id ORDER BY s.id"
        )
    )
    return [dict(row._mapping) for row in rows]


async def create_credential(
    session: AsyncSession, store_id: int, scopes: list[str], label: str, home_page: str
) -> tuple[str, str]:
    """Create a credential; return its key and secret (the secret is never shown again)."""
    # Hex: no leading "-" to be mistaken for an option when pasted into a command line.
    key, secret = secrets.token_hex(10), secrets.token_hex(32)
    authority = {
        "objectType": "Agent",
        "name": label or key,
        "account": {"homePage": home_page, "name": key},
    }
    await session.execute(
        text(
            "INSERT INTO credential (store_id, key, secret_hash, scopes, label, authority)"
            " VALUES (:store_id, :key, :hash, :scopes, :label, CAST(:authority AS jsonb))"
        ),
        {
            "store_id": store_id,
            "key": key,
            "hash": hash_secret(secret),
            "scopes": validate_scopes(scopes),
            "label": label,
            "authority": orjson.dumps(authority).decode(),
        },
    )
    return key, secret


async def list_credentials(session: AsyncSession, store_id: int | None) -> list[dict[str, Any]]:
    rows = await session.execute(
        text(
            "SELECT c.key, s.name AS store, c.label, c.scopes, c.created_at, c.revoked_at"
            " FROM credential c JOIN store s ON s.id = c.store_id"
            " WHERE CAST(:store_id AS integer) IS NULL OR c.store_id = :store_id ORDER BY c.id"
        ),
        {"store_id": store_id},
    )
    return [dict(row._mapping) for row in rows]


async def revoke_credential(session: AsyncSession, key: str) -> bool:
    revoked = await session.execute(
        text(
            "UPDATE credential SET revoked_at = now() WHERE key = :key AND revoked_at IS NULL"
            " RETURNING id"
        ),
        {"key": key},
    )
    return revoked.scalar_one_or_none() is not None
