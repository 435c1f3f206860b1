"""An analytics client on the same store as the xAPI `client` fixture."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import StoreAccess


@pytest.fixture
async def analytics(app: FastAPI, store: StoreAccess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver/analytics",
        auth=store.auth,
    ) as http:  # fmt: skip
        yield http
