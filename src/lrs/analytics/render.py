"""The one way analytics answers: tidy rows as JSON or CSV, parameters echoed, small n hidden.

JSON: `{"metric", "version", "params", "params_hash", "computed_at", "rows"}`.
CSV (`Accept: text/csv` or `format=csv`): a header line and one line per row; the echoed
parameters travel in the `X-Analytics-Params` header (JSON) and `params_hash` in each row.
"""

import csv
import hashlib
import io
import json
import math
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import orjson
from fastapi import Request, Response

from lrs.analytics.params import AnalyticsParams
from lrs.api import json_response

Row = dict[str, Any]


def suppress(rows: Iterable[Row], min_n: int, values: Sequence[str], n: str = "n") -> list[Row]:
    """METRICS.md §2.7: rows with n < min_n keep their keys and n, lose their values."""
    out = []
    for row in rows:
        hidden = row[n] < min_n
        if hidden:
            row.update(dict.fromkeys(values))
        row["suppressed"] = hidden
        out.append(row)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _cell(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return orjson.dumps(value).decode()
    return str(value)


def wants_csv(request: Request, params: AnalyticsParams) -> bool:
    if params.format is not None:
        return params.format == "csv"
    return "text/csv" in request.headers.get("accept", "")


def respond(
    request: Request, params: AnalyticsParams, metric: str, columns: Sequence[str], rows: list[Row]
) -> Response:
    echo = params.echo()
    digest = hashlib.sha256(orjson.dumps(echo, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]
    table = [{c: _plain(row.get(c)) for c in columns} for row in rows]
    if wants_csv(request, params):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(["metric", "params_hash", *columns])
        writer.writerows([metric, digest, *(_cell(r[c]) for c in columns)] for r in table)
        # ASCII-only JSON: a header value must be Latin-1, and any parameter may hold more.
        headers = {"X-Analytics-Params": json.dumps(echo, ensure_ascii=True, separators=(",", ":"))}
        return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
    body = {
        "metric": metric,
        "version": 1,
        "params": echo,
        "params_hash": digest,
        "computed_at": datetime.now(UTC).isoformat(),
        "columns": list(columns),
        "rows": table,
    }
    return json_response(body)
