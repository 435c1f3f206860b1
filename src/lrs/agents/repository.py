"""SQL of the Agents resource; the `agent` rows are written at statement ingest."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from lrs.xapi.primitives import JSONObject


async def find_agent(
    session: AsyncSession, store_id: int, key: str
) -> tuple[JSONObject, str | None] | None:
    """The identifier object and latest name of one Agent, if the store has seen it."""
    row = (
        await session.execute(
            text("SELECT ifi, name FROM agent WHERE store_id = :store_id AND agent_key = :key"),
            {"store_id": store_id, "key": key},
        )
    ).one_or_none()
    return None if row is None else (row.ifi, row.name)
