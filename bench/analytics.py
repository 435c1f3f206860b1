"""The analytics measurements: every `/analytics` endpoint on windows of the loaded year, one
warm-up request each, then `repeats` sequential requests.

The generator's year starts at 2025-01-01T00:00:00Z. Its assignments are the requests of
friction and the assignments of compliance; time-to-proficiency starts at a hire, else at the
first statement in program p0 (their grouping activity); training transfer is program p0.
"""

import logging
import time
from typing import Any

from bench.generator import ACTIVITY_BASE, DEPARTMENT_EXTENSION
from bench.measure import Tally, percentiles_ms
from bench.server import Service
from bench.writes import http_client

log = logging.getLogger("bench")

Params = dict[str, str]
YEAR: Params = {"since": "2025-01-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}
QUARTER: Params = {"since": "2025-01-01T00:00:00Z", "until": "2025-04-01T00:00:00Z"}
BY_DEPARTMENT: Params = {"cohort": f"ext:{DEPARTMENT_EXTENSION}"}
WINDOWS: dict[str, Params] = {
    "year": YEAR, "quarter": QUARTER, "quarter_by_department": {**QUARTER, **BY_DEPARTMENT},
}  # fmt: skip
# Social learning looks back from `until` (W and the outcome window, 90 days each).
SOCIAL: dict[str, Params] = {
    "default": {"until": "2025-10-01T00:00:00Z"},
    "by_department": {"until": "2025-10-01T00:00:00Z", **BY_DEPARTMENT},
}
PROGRAM = f"{ACTIVITY_BASE}programs/p0"
ONBOARDING: Params = {"until": "2025-10-01T00:00:00Z", "onboarding": PROGRAM}
PROFICIENCY: dict[str, Params] = {
    "mastered": ONBOARDING, "passed": {**ONBOARDING, "criterion": "passed"},
}  # fmt: skip
TRANSFER: dict[str, Params] = {
    "half_year": {"program": PROGRAM, "match": "grouping", "since": "2025-01-01T00:00:00Z",
                  "until": "2025-07-01T00:00:00Z"},
}  # fmt: skip
CASES: dict[str, dict[str, Params]] = {
    "/analytics/kpis/learning-hours": WINDOWS,
    "/analytics/kpis/completion-rate": WINDOWS,
    "/analytics/kpis/compliance": WINDOWS,
    "/analytics/kpis/satisfaction": WINDOWS,
    "/analytics/friction": WINDOWS,
    "/analytics/friction/cycles": WINDOWS,
    "/analytics/social": SOCIAL,
    "/analytics/social/learners": SOCIAL,
    "/analytics/time-to-proficiency": PROFICIENCY,
    "/analytics/time-to-proficiency/learners": PROFICIENCY,
    "/analytics/transfer": TRANSFER,
    "/analytics/transfer/learners": TRANSFER,
}


async def endpoints(service: Service, repeats: int) -> dict[str, Any]:
    """Per endpoint and case: latency percentiles of `repeats` requests after a warm-up (the
    first request after `lrs serve` starts reads from cold buffers), and the rows answered."""
    tally, figures = Tally(), {}
    async with http_client(service, 1) as http:
        for path, cases in CASES.items():
            for case, params in cases.items():
                tally.response(await http.get(path, params=params))
                seconds, rows = [], 0
                for _ in range(repeats):
                    started = time.perf_counter()
                    response = await http.get(path, params=params)
                    seconds.append(time.perf_counter() - started)
                    if tally.response(response):
                        rows = len(response.json()["rows"])
                name = f"{path.removeprefix('/analytics/')}:{case}"
                figures[name] = {"rows": rows, **percentiles_ms(seconds, (50, 95))}
                log.info("analytics %s: %s", name, figures[name])
    return {"endpoints": figures, "http": tally.report()}
