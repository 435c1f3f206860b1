"""SQL of time-to-proficiency (METRICS.md §3.3): start anchors and proficiency events."""

from typing import Any

from lrs.analytics.params import AnalyticsParams
from lrs.analytics.queries.common import dim_select, dims, object_type, rescaled

# Where an onboarding activity may appear in a statement (statement_activity.usage).
ONBOARDING_USAGES = ("object", "parent", "grouping")


def anchors(params: AnalyticsParams, onboarding: bool, binds: dict[str, Any]) -> str:
    """Every anchor-verb statement (employment) of a learner before `as_of`, all of them
    (each starts a spell); for learners with none, and when `onboarding` is set, their first
    statement in the onboarding activity (as object, parent or grouping). Role and cohort
    values come from the anchor statement. Ordered by learner and time."""
    role = "(s.payload -> 'context' -> 'extensions' ->> :role_ext)"
    keys = "s.actor_key, s.timestamp AS t, s.seq"
    fallback = f"""
    UNION ALL
    (SELECT DISTINCT ON (s.actor_key) 'onboarding' AS anchor, {keys}
    FROM statement_activity a
    JOIN statement s ON s.store_id = a.store_id AND s.seq = a.seq
    WHERE a.store_id = :store_id AND a.activity_id = :onboarding AND a.usage = ANY(:usages)
      AND NOT s.voided AND s.timestamp < :as_of
      AND NOT EXISTS (SELECT 1 FROM emp WHERE emp.actor_key = s.actor_key)
    ORDER BY s.actor_key, s.timestamp, s.seq)"""  # noqa: S608 (constants; values are bound)
    return f"""
WITH emp AS (
    SELECT 'employed' AS anchor, {keys}
    FROM statement s
    WHERE s.store_id = :store_id AND NOT s.voided AND s.verb_id = ANY(:anchor)
      AND s.timestamp < :as_of
), picked AS MATERIALIZED (SELECT * FROM emp{fallback if onboarding else ""})
SELECT p.anchor, p.actor_key, p.t, p.seq, {role} AS role{dim_select(dims(params, binds))}
FROM picked p JOIN statement s ON s.store_id = :store_id AND s.seq = p.seq
ORDER BY p.actor_key, p.t, p.seq
"""  # noqa: S608 (fragments are constants; values are bound)


def events(criterion: str, source: str, activity: bool, kind: bool) -> str:
    """Candidate proficiency events of the given learners before `as_of`, in time order:
    `mastered`: proficiency-verb statements; `passed`: passed-verb statements whose norm_score
    is at least theta; `consecutive`: passed and failed statements (`pass` tells which).
    `activity` / `kind` restrict the object to the listed activities / activity types.

    The statements are found on the covering index alone (learner included); only those
    found are then read from the heap, and only when the score or the type is needed."""
    conditions = ["s.store_id = :store_id", "NOT s.voided", "s.timestamp < :as_of",
                  "s.actor_key = ANY(:learners)", "s.verb_id = ANY(:verbs)"]  # fmt: skip
    if activity:
        conditions.append("s.object_key = ANY(:activities)")
    found = " AND ".join(conditions)
    if criterion != "passed" and not kind:
        return f"""
SELECT s.actor_key, s.timestamp AS t, s.verb_id = ANY(:passed) AS pass
FROM statement s WHERE {found}
ORDER BY s.actor_key, s.timestamp, s.seq
"""  # noqa: S608 (fragments are constants; values are bound)
    checks = [f"{object_type()} = ANY(:types)"] if kind else []
    if criterion == "passed":
        score = rescaled("x.score")
        first = (f"coalesce({score}, x.score_scaled)" if source == "rescaled_first" else
                 f"coalesce(x.score_scaled, {score})")  # fmt: skip
        return f"""
WITH c AS MATERIALIZED (SELECT s.seq FROM statement s WHERE {found})
SELECT actor_key, t, TRUE AS pass
FROM (SELECT s.actor_key, s.timestamp AS t, s.seq, s.score_scaled,
             s.payload #> '{{result,score}}' AS score
      FROM c JOIN statement s ON s.store_id = :store_id AND s.seq = c.seq
      WHERE {" AND ".join(["TRUE", *checks])} OFFSET 0) AS x
WHERE {first} >= :theta
ORDER BY actor_key, t, seq
"""  # noqa: S608 (fragments are constants; values are bound)
    return f"""
WITH c AS MATERIALIZED (SELECT s.seq FROM statement s WHERE {found})
SELECT s.actor_key, s.timestamp AS t, s.verb_id = ANY(:passed) AS pass
FROM c JOIN statement s ON s.store_id = :store_id AND s.seq = c.seq
WHERE {" AND ".join(checks)}
ORDER BY s.actor_key, s.timestamp, s.seq
"""  # noqa: S608 (fragments are constants; values are bound)
