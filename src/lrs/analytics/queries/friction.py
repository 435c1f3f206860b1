"""SQL of learning friction (METRICS.md §3.1): the lifecycle events of requested pairs, and
deployments that no request preceded."""

from typing import Any

from lrs.analytics.params import AnalyticsParams
from lrs.analytics.queries.common import (
    activity,
    activity_h,
    cohort_dims,
    cohort_source,
    dim_select,
    dims,
    period_end,
    period_start,
    pick_seq,
    window,
)

PLANNED_START = "http://id.tincanapi.com/extension/planned-start-time"


def events(params: AnalyticsParams, level: str, binds: dict[str, Any]) -> str:
    """Every request/approve/schedule/deploy/close event, from `since` to `as_of`, of the
    (learner, activity) pairs that have a request in the window; ordered for the cycle
    builder, ties broken by stage (request < approve < schedule < deploy < close)."""
    binds["as_of"] = params.as_of()
    act = activity(level)
    req_window = window(params, binds)
    after = " AND s.timestamp >= :since" if params.since is not None else ""
    request_dims = "".join(
        f", CASE WHEN s.verb_id = ANY(:request) THEN {e} END AS dim_{i}"
        for i, e in enumerate(dims(params, binds), start=1)
    )
    start = period_start(params, "s.timestamp")
    return f"""
WITH req AS (
    SELECT DISTINCT s.actor_key, {act} AS activity_id
    FROM statement s
    WHERE {req_window} AND s.verb_id = ANY(:request) AND s.object_kind = 'Activity'
)
SELECT s.actor_key, req.activity_id, s.timestamp AS t, s.id,
       CASE WHEN s.verb_id = ANY(:request) THEN 0 WHEN s.verb_id = ANY(:approve) THEN 1
            WHEN s.verb_id = ANY(:schedule) THEN 2 WHEN s.verb_id = ANY(:deploy) THEN 3
            ELSE 4 END AS stage,
       CASE WHEN s.verb_id = ANY(:schedule)
            THEN s.payload -> 'context' -> 'extensions' ->> :planned END AS planned_start,
       {start} AS period_start, {period_end(params, start)} AS period_end{request_dims}
FROM statement s JOIN req ON req.actor_key = s.actor_key AND req.activity_id = {act}
WHERE s.store_id = :store_id AND NOT s.voided AND s.object_kind = 'Activity'
  AND s.verb_id = ANY(:lifecycle) AND s.timestamp < :as_of{after}
ORDER BY s.actor_key, req.activity_id, s.timestamp, stage
"""  # noqa: S608 (fragments are constants; values are bound)


def unrequested(params: AnalyticsParams, level: str, binds: dict[str, Any]) -> str:
    """Per period (of the first deployment) and cohort: pairs deployed before any request,
    over `analytics_event`."""
    where = window(params, binds, events=True)
    dim_sql = cohort_dims(params, binds)
    first = f", {pick_seq('min', 's.verb_h = ANY(:deploy_h)')} AS first_seq" if dim_sql else ""
    cols = "".join(f", dim_{i}" for i in range(1, len(dim_sql) + 1))
    start = period_start(params, "p.t_deploy")
    return f"""
WITH pair AS (
    SELECT min(s.timestamp) FILTER (WHERE s.verb_h = ANY(:deploy_h)) AS t_deploy,
           min(s.timestamp) FILTER (WHERE s.verb_h = ANY(:request_h)) AS t_request{first}
    FROM analytics_event s
    WHERE {where} AND s.object_kind = 'Activity'
      AND (s.verb_h = ANY(:deploy_h) OR s.verb_h = ANY(:request_h))
    GROUP BY s.actor_h, {activity_h(level)}
)
SELECT {start} AS period_start, {period_end(params, start)} AS period_end{dim_select(dim_sql)},
       count(*) AS unrequested
FROM pair p {cohort_source(params, binds, "p.first_seq") if dim_sql else ""}
WHERE p.t_deploy IS NOT NULL AND (p.t_request IS NULL OR p.t_deploy < p.t_request)
GROUP BY 1, 2{cols}
"""  # noqa: S608 (fragments are constants; values are bound)
