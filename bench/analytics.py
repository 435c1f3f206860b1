"""The analytics measurements: each `/analytics` endpoint over the whole loaded year, one
quarter, and one quarter by department (a context extension, so the payload is read).

The generator's year starts at 2025-01-01T00:00:00Z; its data has no request, approve or
employment statements, so friction measures the scans and the unrequested deployments.
"""

import logging
import time
from typing import Any

from bench.generator import DEPARTMENT_EXTENSION
from bench.measure import Tally, percentiles_ms
from bench.server import Service
from bench.writes import http_client

log = logging.getLogger("bench")

ENDPOINTS = ("/analytics/kpis/learning-hours", "/analytics/kpis/completion-rate",
             "/analytics/kpis/compliance", "/analytics/kpis/satisfaction",
             "/analytics/friction", "/analytics/friction/cycles")  # fmt: skip
WINDOWS: dict[str, dict[str, str]] = {
    "year": {"since": "2025-01-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"},
    "quarter": {"since": "2025-01-01T00:00:00Z", "until": "2025-04-01T00:00:00Z"},
    "quarter_by_department": {"since": "2025-01-01T00:00:00Z", "until": "2025-04-01T00:00:00Z",
                              "cohort": f"ext:{DEPARTMENT_EXTENSION}"},
}  # fmt: skip


async def endpoints(service: Service, repeats: int) -> dict[str, Any]:
    """`repeats` sequential requests per endpoint and window: latency percentiles and rows."""
    tally, figures = Tally(), {}
    async with http_client(service, 1) as http:
        for path in ENDPOINTS:
            for window, params in WINDOWS.items():
                seconds, rows = [], 0
                for _ in range(repeats):
                    started = time.perf_counter()
                    response = await http.get(path, params=params)
                    seconds.append(time.perf_counter() - started)
                    if tally.response(response):
                        rows = len(response.json()["rows"])
                name = f"{path.removeprefix('/analytics/')}:{window}"
                figures[name] = {"rows": rows, **percentiles_ms(seconds, (50, 95))}
                log.info("analytics %s: %s", name, figures[name])
    return {"endpoints": figures, "http": tally.report()}
