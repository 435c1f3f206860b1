"""The ASGI application: `create_app(settings)` builds it; the lifespan disposes the engine."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.middleware.cors import CORSMiddleware

from lrs import openapi
from lrs.about import endpoints as about_endpoints
from lrs.activities import endpoints as activity_endpoints
from lrs.agents import endpoints as agent_endpoints
from lrs.alternate_syntax import AlternateSyntaxMiddleware
from lrs.analytics import endpoints as analytics_endpoints
from lrs.analytics import verb_sets
from lrs.api import json_response
from lrs.config import Settings
from lrs.db import create_engine, is_bad_input, is_unavailable, sessionmaker
from lrs.documents import endpoints as document_endpoints
from lrs.exceptions import BadRequest, LRSError, ServiceUnavailable, Unauthorized
from lrs.limits import BodyLimitMiddleware
from lrs.monitoring import health, logs, metrics
from lrs.statements import endpoints as statement_endpoints
from lrs.statements.group_commit import GroupCommit
from lrs.versioning import XAPIVersionMiddleware

# Response headers a browser-based activity may read (xAPI-Communication §1.3, CORS).
_EXPOSED_HEADERS = ["ETag", "Last-Modified", "Content-Type", "X-Experience-API-Version",
                    "X-Experience-API-Consistent-Through", logs.REQUEST_ID_HEADER]  # fmt: skip


async def _lrs_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, LRSError)
    headers: dict[str, str] = {}
    if request.url.path.startswith("/xapi/statements") and error.status_code != 503:
        async with request.app.state.sessionmaker() as session:
            headers = await statement_endpoints.consistent_through_header(session)
    if isinstance(error, Unauthorized):
        headers["WWW-Authenticate"] = 'Basic realm="xAPI"'
    if isinstance(error, ServiceUnavailable):
        headers["Retry-After"] = "5"
    return json_response(error.to_dict(), error.status_code, headers)


async def _database_error(request: Request, error: Exception) -> Response:
    """A database that cannot be reached is a 503 the client may retry, not a 500; a value
    the database cannot hold (a NUL character, a number out of range) is the client's 400."""
    if is_bad_input(error):
        return await _lrs_error(
            request, BadRequest("the request holds a value the LRS cannot store (a NUL character?)")
        )
    if not is_unavailable(error):
        raise error
    logs.log.warning("database_unavailable", error=type(error).__name__)
    return await _lrs_error(request, ServiceUnavailable("the database is unavailable; retry later"))


async def _validation_error(request: Request, error: Exception) -> Response:
    """FastAPI's own parameter errors answer 400 like every other xAPI error, not 422."""
    assert isinstance(error, RequestValidationError)
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"][1:]) or None
    return await _lrs_error(request, BadRequest(first["msg"], field=field))


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    if settings.database_url is None:
        raise RuntimeError("LRS_DATABASE_URL is not set: start the service with `lrs serve`")
    logs.configure(settings.log_level, settings.log_format)
    engine = create_engine(
        settings.database_url, settings.db_pool_size, settings.db_connect_timeout,
        settings.db_pool_timeout,
    )  # fmt: skip

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # What exists now (modules, routes, models) lives as long as the process: moved out of
        # the collector's reach, a full collection scans only what requests allocate, not the
        # whole heap each time (measured: see docs/performance.md).
        gc.collect()
        gc.freeze()
        yield
        await engine.dispose()

    app = FastAPI(
        title="lrs",
        version="0.1.0",
        lifespan=lifespan,
        description="An xAPI Learning Record Store with a learning-analytics layer.",
    )
    app.openapi = lambda: openapi.document(app)  # type: ignore[method-assign]
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = sessionmaker(engine)
    app.state.group_commit = GroupCommit(app.state.sessionmaker)
    app.state.metrics = metrics.Metrics()
    # Outermost last: CORS answers preflights before anything else looks at a request.
    app.add_middleware(XAPIVersionMiddleware, enabled=settings.enabled_versions)
    app.add_middleware(AlternateSyntaxMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_request_bytes)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=_EXPOSED_HEADERS,
    )
    app.add_middleware(metrics.MetricsMiddleware, metrics=app.state.metrics)
    app.add_middleware(logs.RequestLogMiddleware)
    app.add_exception_handler(LRSError, _lrs_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    for unavailable in (OSError, PoolTimeout, DBAPIError):
        app.add_exception_handler(unavailable, _database_error)
    for router in (
        statement_endpoints.router,
        document_endpoints.router,
        activity_endpoints.router,
        agent_endpoints.router,
        about_endpoints.router,
        health.router,
        metrics.router,
        analytics_endpoints.router,
        verb_sets.router,
    ):
        app.include_router(router)
    return app


def openapi_spec() -> dict[str, Any]:
    """The OpenAPI document; building the app connects to nothing, so no server is needed."""
    return create_app(Settings(database_url="postgresql+asyncpg://localhost/openapi")).openapi()
