"""When two statements are the same statement (xAPI-Data §2.3.1 "Statement comparison"):
for a duplicate id (same, or 409) and for a signature's payload (§2.6)."""

import re
from typing import Any

from lrs.xapi.primitives import JSONObject

# Set or changed by the LRS, so never part of what a client's statement says.
LRS_PROPERTIES = frozenset(("stored", "authority", "version"))
_SECONDS = re.compile(r"(\d+)[.,](\d+)S$")


def same_statement(a: JSONObject, b: JSONObject, ignored: frozenset[str] = LRS_PROPERTIES) -> bool:
    return _comparable(a, ignored) == _comparable(b, ignored)


def _comparable(stmt: JSONObject, ignored: frozenset[str]) -> dict[str, Any]:
    out = {key: value for key, value in stmt.items() if key not in ignored}
    if "duration" in out.get("result", {}):
        out["result"] = {**out["result"], "duration": _hundredths(out["result"]["duration"])}
    if out.get("object", {}).get("objectType") == "SubStatement":
        out["object"] = _comparable(out["object"], frozenset())
    return out


def _hundredths(duration: str) -> str:
    """Precision beyond 0.01 s does not count when comparing durations (xAPI 2.0.0 §4.2.7)."""
    return _SECONDS.sub(lambda m: f"{m[1]}.{m[2][:2].ljust(2, '0')}S", duration)
