"""SQL of learning friction (METRICS.md §3.1): the lifecycle events of requested pairs, and
deployments that no request preceded."""

from typing import Any

from lrs.analytics.params import AnalyticsParams
from lrs.analytics.queries.common import (
    activity,
    activity_h,
    by_seq,
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
    builder, ties broken by stage (request < approve < schedule < deploy < close).

    Pairs and events are found on `analytics_event`; the statement is read for the events of
    requested pairs only (id, keys, planned start, cohort values)."""
    binds["as_of"] = params.as_of()
    act = activity_h(level, "e")
    after = " AND e.timestamp >= :since" if params.since is not None else ""
    request_dims = "".join(
        f", CASE WHEN e.verb_h = ANY(:request_h) THEN {expression} END AS dim_{i}"
        for i, expression in enumerate(dims(params, binds), start=1)
    )
    start = period_start(params, "e.timestamp")
    return f"""
WITH req AS (
    SELECT DISTINCT e.actor_h, {act} AS activity_h
    FROM analytics_event e
    WHERE {window(params, binds, "e", events=True)} AND e.verb_h = ANY(:request_h)
      AND e.object_kind = 'Activity'
)
SELECT s.actor_key, {activity(level)} AS activity_id, e.timestamp AS t, s.id,
       CASE WHEN e.verb_h = ANY(:request_h) THEN 0 WHEN e.verb_h = ANY(:approve_h) THEN 1
            WHEN e.verb_h = ANY(:schedule_h) THEN 2 WHEN e.verb_h = ANY(:deploy_h) THEN 3
            ELSE 4 END AS stage,
       CASE WHEN e.verb_h = ANY(:schedule_h)
            THEN s.payload -> 'context' -> 'extensions' ->> :planned END AS planned_start,
       {start} AS period_start, {period_end(params, start)} AS period_end{request_dims}
FROM analytics_event e JOIN req ON req.actor_h = e.actor_h AND req.activity_h = {act}
{by_seq("e.seq")}
WHERE e.store_id = :store_id AND e.object_kind = 'Activity' AND e.verb_h = ANY(:lifecycle_h)
  AND e.timestamp < :as_of{after}
ORDER BY s.actor_key, activity_id, e.timestamp, stage
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
