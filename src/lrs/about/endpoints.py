"""GET /xapi/about (xAPI-Communication §2.7): no credentials and no version header needed."""

from fastapi import APIRouter, Request, Response

from lrs.api import json_response

router = APIRouter(prefix="/xapi", tags=["about"])


@router.get("/about", operation_id="get_about")
async def get(request: Request) -> Response:
    """The xAPI versions this LRS supports."""
    versions = [v for line in request.app.state.settings.enabled_versions for v in line.patches]
    return json_response({"version": versions, "extensions": {}})
