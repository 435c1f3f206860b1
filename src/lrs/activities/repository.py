"""SQL of the Activities resource; the `activity` rows are merged at statement ingest."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from lrs.xapi.primitives import JSONObject


async def find_definition(
    session: AsyncSession, store_id: int, activity_id: str
) -> JSONObject | None:
    """The canonical definition of one Activity, if the store has one."""
    definition: JSONObject | None = (
        await session.execute(
            text(
                "SELECT definition FROM activity"
                " WHERE store_id = :store_id AND activity_id = :activity_id"
            ),
            {"store_id": store_id, "activity_id": activity_id},
        )
    ).scalar_one_or_none()
    return definition
