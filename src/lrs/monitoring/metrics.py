"""Prometheus metrics: requests, latencies, errors and statements stored, at GET /metrics.

Each app has its own registry (tests build many apps in one process). With several uvicorn
workers every process counts for itself; scrape each worker, or run one worker per container.
"""

import time

from fastapi import APIRouter, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

router = APIRouter(tags=["operations"])
_STATEMENTS_PATH = "/xapi/statements"
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class Metrics:
    """The collectors of one app."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "lrs_http_requests", "HTTP requests answered.", ["method", "route", "status"],
            registry=self.registry,
        )  # fmt: skip
        self.latency = Histogram(
            "lrs_http_request_duration_seconds", "Time to answer an HTTP request.",
            ["method", "route"], buckets=_LATENCY_BUCKETS, registry=self.registry,
        )  # fmt: skip
        self.errors = Counter(
            "lrs_http_errors", "HTTP requests answered with a 5xx status.", ["route", "status"],
            registry=self.registry,
        )  # fmt: skip
        self.statements = Counter(
            "lrs_statements_stored",
            "Statements acknowledged by POST or PUT /xapi/statements (identical re-sends too).",
            registry=self.registry,
        )


def _route(scope: Scope) -> str:
    """The route's path template: a bounded label, whatever paths clients make up."""
    route: BaseRoute | None = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


def _acknowledged(method: str, status: int, body: bytes) -> int:
    """How many statements a response of the Statement resource says were stored."""
    if status == 204 and method in ("PUT", "POST"):  # PUT, or POST with ?method=PUT
        return 1
    if status == 200 and method == "POST" and body.startswith(b"["):
        return 0 if body.strip() == b"[]" else body.count(b",") + 1  # ids hold no comma
    return 0


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status, body = time.perf_counter(), 500, bytearray()
        statements = scope["path"] == _STATEMENTS_PATH

        async def observe(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif statements and status == 200 and len(body) < 1 << 24:
                body.extend(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, observe)
        finally:
            self._record(scope, status, time.perf_counter() - started, bytes(body))

    def _record(self, scope: Scope, status: int, seconds: float, body: bytes) -> None:
        method, route = scope["method"], _route(scope)
        self.metrics.requests.labels(method, route, str(status)).inc()
        self.metrics.latency.labels(method, route).observe(seconds)
        if status >= 500:
            self.metrics.errors.labels(route, str(status)).inc()
        if route == _STATEMENTS_PATH:
            self.metrics.statements.inc(_acknowledged(method, status, body))


@router.get("/metrics", operation_id="get_metrics", response_class=Response,
            responses={200: {"content": {CONTENT_TYPE_LATEST.split(";")[0]: {}}}})  # fmt: skip
async def get(request: Request) -> Response:
    """The metrics in the Prometheus text exposition format."""
    metrics: Metrics = request.app.state.metrics
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
