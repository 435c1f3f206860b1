import pytest

from tests.documents.support import RESOURCE_IDS, RESOURCES, Resource


@pytest.fixture(params=RESOURCES, ids=RESOURCE_IDS)
def resource(request: pytest.FixtureRequest) -> Resource:
    """Each document resource in turn: the rules they share are tested on all three."""
    result: Resource = request.param
    return result
