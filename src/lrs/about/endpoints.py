"""GET /xapi/about (xAPI-Communication §2.7): no credentials and no version header needed."""

from fastapi import APIRouter, Response

from lrs.api import json_response
from lrs.xapi.versions import SUPPORTED_VERSIONS

router = APIRouter(prefix="/xapi", tags=["about"])


@router.get("/about", operation_id="get_about")
async def get() -> Response:
    """The xAPI versions this LRS supports."""
    return json_response({"version": list(SUPPORTED_VERSIONS), "extensions": {}})
