"""Timing summaries and the record of every HTTP status a phase saw.

Any answer other than 200/204 during the benchmark is a finding, so each phase keeps the count
per status and the first request/response of each unexpected one as an example.
"""

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

EXPECTED = frozenset((200, 204))
_EXCERPT = 600


def percentiles_ms(
    seconds: list[float], points: tuple[int, ...] = (50, 95, 99)
) -> dict[str, float]:
    """Nearest-rank percentiles of durations, in milliseconds."""
    if not seconds:
        return {}
    ordered = sorted(seconds)
    out = {}
    for p in points:
        rank = max(1, math.ceil(p / 100 * len(ordered)))
        out[f"p{p}_ms"] = round(ordered[rank - 1] * 1000, 2)
    return out


def rate(count: float, seconds: float) -> float:
    return round(count / seconds, 1) if seconds > 0 else 0.0


@dataclass
class Tally:
    """The statuses one phase received, and an example of each unexpected one."""

    statuses: Counter[str] = field(default_factory=Counter)
    examples: dict[str, dict[str, Any]] = field(default_factory=dict)

    def response(self, response: httpx.Response, body: bytes | None = None) -> bool:
        """Count a response; True when it is one of the expected statuses."""
        status = str(response.status_code)
        self.statuses[status] += 1
        if response.status_code in EXPECTED:
            return True
        if status not in self.examples:
            self.examples[status] = {
                "request": f"{response.request.method} {_short(str(response.request.url))}",
                "request_body": _short((body or b"").decode(errors="replace")),
                "response_body": _short(response.text),
            }
        return False

    def failure(self, error: httpx.HTTPError, request: str) -> None:
        """A request that got no HTTP answer (refused, reset, timed out)."""
        name = f"transport:{type(error).__name__}"
        self.statuses[name] += 1
        self.examples.setdefault(name, {"request": _short(request), "error": _short(str(error))})

    def unexpected(self) -> int:
        return sum(n for status, n in self.statuses.items() if status not in ("200", "204"))

    def report(self) -> dict[str, Any]:
        return {"statuses": dict(self.statuses), "examples": self.examples}


def _short(text: str) -> str:
    return text if len(text) <= _EXCERPT else text[:_EXCERPT] + f"... ({len(text)} chars)"
