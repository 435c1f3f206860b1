"""The Activity object of the Activities resource (xAPI-Communication §2.5)."""

from sqlalchemy.ext.asyncio import AsyncSession

from lrs.activities import repository
from lrs.xapi.primitives import JSONObject


async def activity(session: AsyncSession, store_id: int, activity_id: str) -> JSONObject:
    """The Activity with its canonical definition; one the LRS has no definition of is
    still returned, with its id alone (§2.5; xAPI 2.0 §4.1.6.4 makes this a "shall")."""
    result: JSONObject = {"objectType": "Activity", "id": activity_id}
    definition = await repository.find_definition(session, store_id, activity_id)
    if definition:
        result["definition"] = definition
    return result
