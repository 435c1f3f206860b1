"""SQL of time-to-proficiency (METRICS.md §3.3): start anchors and proficiency events."""

from typing import Any

from lrs.analytics.params import AnalyticsParams
from lrs.analytics.queries.common import (
    dim_select,
    dims,
    event_norm_score,
    norm_score,
    object_type,
)

# Where an onboarding activity may appear in a statement (statement_activity.usage).
ONBOARDING_USAGES = ("object", "parent", "grouping")


def anchors(params: AnalyticsParams, onboarding: bool, binds: dict[str, Any]) -> str:
    """Every anchor-verb statement (employment) of a learner before `as_of`, all of them
    (each starts a spell); for learners with none, and when `onboarding` is set, their first
    statement in the onboarding activity (as object, parent or grouping). Role and cohort
    values come from the anchor statement. Ordered by learner and time.

    Chosen on `analytics_event` (the onboarding statements through their link rows, joined
    by hash); the statement is read for the chosen anchors only."""
    role = "(s.payload -> 'context' -> 'extensions' ->> :role_ext)"
    keys = "e.actor_h, e.timestamp AS t, e.seq"
    # Employed learners are left out after the first onboarding statement of every learner
    # is found: left out before, the planner expects almost nothing to remain and looks the
    # link rows up one statement at a time (174k lookups, 0.35 s, at 1M).
    fallback = f"""
    UNION ALL
    SELECT 'onboarding' AS anchor, f.* FROM (
        SELECT DISTINCT ON (e.actor_h) {keys}
        FROM statement_activity a
        JOIN analytics_event e ON e.store_id = a.store_id AND e.seq = a.seq
        WHERE a.store_id = :store_id AND a.activity_id = :onboarding AND a.usage = ANY(:usages)
          AND e.timestamp < :as_of
        ORDER BY e.actor_h, e.timestamp, e.seq) AS f
    WHERE NOT EXISTS (SELECT 1 FROM emp WHERE emp.actor_h = f.actor_h)"""  # noqa: S608
    return f"""
WITH emp AS (
    SELECT 'employed' AS anchor, {keys}
    FROM analytics_event e
    WHERE e.store_id = :store_id AND e.verb_h = ANY(:anchor_h) AND e.timestamp < :as_of
), picked AS MATERIALIZED (SELECT * FROM emp{fallback if onboarding else ""})
SELECT p.anchor, s.actor_key, p.actor_h, p.t, p.seq,
       {role} AS role{dim_select(dims(params, binds))}
FROM picked p JOIN statement s ON s.store_id = :store_id AND s.seq = p.seq
ORDER BY s.actor_key, p.t, p.seq
"""  # noqa: S608 (fragments are constants; values are bound)


def events(criterion: str, source: str, activity: bool, kind: bool) -> str:
    """Candidate proficiency events of the given learners (`learners_h`) before `as_of`, in
    time order: `mastered`: proficiency-verb statements; `passed`: passed-verb statements
    whose norm_score is at least theta; `consecutive`: passed and failed statements (`pass`
    tells which). `activity` / `kind` restrict the object to the listed activities / activity
    types.

    Found on `analytics_event` alone, scores included; only an activity type needs the
    statements themselves (and the stored definitions)."""
    if kind:
        return _typed_events(criterion, source, activity)
    conditions = ["s.store_id = :store_id", "s.timestamp < :as_of",
                  "s.actor_h = ANY(:learners_h)", "s.verb_h = ANY(:verbs_h)"]  # fmt: skip
    if activity:
        conditions.append("s.object_h = ANY(:activities_h)")
    if criterion == "passed":
        conditions.append(f"{event_norm_score(source)} >= :theta")
    return f"""
SELECT s.actor_h, s.timestamp AS t, s.verb_h = ANY(:passed_h) AS pass
FROM analytics_event s WHERE {" AND ".join(conditions)}
ORDER BY s.actor_h, s.timestamp, s.seq
"""  # noqa: S608 (fragments are constants; values are bound)


def _typed_events(criterion: str, source: str, activity: bool) -> str:
    """`events` on objects of the listed activity types: found on the covering index, then
    read from the heap for their type (and score)."""
    conditions = ["s.store_id = :store_id", "NOT s.voided", "s.timestamp < :as_of",
                  "s.actor_key = ANY(:learners)", "s.verb_id = ANY(:verbs)"]  # fmt: skip
    if activity:
        conditions.append("s.object_key = ANY(:activities)")
    checks = [f"{object_type()} = ANY(:types)"]
    if criterion == "passed":
        checks.append(f"{norm_score(source)} >= :theta")
    return f"""
WITH c AS MATERIALIZED (SELECT s.seq FROM statement s WHERE {" AND ".join(conditions)})
SELECT hashtextextended(s.actor_key, 0) AS actor_h, s.timestamp AS t,
       s.verb_id = ANY(:passed) AS pass
FROM c JOIN statement s ON s.store_id = :store_id AND s.seq = c.seq
WHERE {" AND ".join(checks)}
ORDER BY s.actor_key, s.timestamp, s.seq
"""  # noqa: S608 (fragments are constants; values are bound)
