"""SQL of training transfer (METRICS.md §3.4): who is trained (t0) or a control peer, and
their target-behaviour statements around t0."""

from typing import Any

from lrs.analytics.params import AnalyticsParams
from lrs.analytics.queries.common import (
    activity_h,
    by_seq,
    dim_select,
    dims,
    norm_score,
    object_type,
    window,
)


def learners(params: AnalyticsParams, level: str, binds: dict[str, Any]) -> str:
    """Trained learners: the first `complete` statement on the program (its object, or its
    first parent/grouping activity at `level`) before `as_of`, when it falls in the window.
    Control candidates: learners with no such statement and at least one statement (not a
    voiding one) in the window, represented by the last one stored (a hash aggregate: no sort
    of the whole window). Cohort values come from the statement that represents the learner.

    Both are chosen on `analytics_event`; the statement is read for the chosen ones only."""
    where = "s.store_id = :store_id AND s.timestamp < :as_of"
    peer = f"{window(params, binds, events=True)} AND s.timestamp < :as_of"
    in_window = "".join((" AND t >= :since" if params.since is not None else "",
                         " AND t < :until" if params.until is not None else ""))  # fmt: skip
    return f"""
WITH done AS MATERIALIZED (
    SELECT DISTINCT ON (s.actor_h) s.actor_h, s.timestamp AS t, s.seq
    FROM analytics_event s
    WHERE {where} AND s.verb_h = ANY(:complete_h) AND {activity_h(level)} = ANY(:program_h)
    ORDER BY s.actor_h, s.timestamp, s.seq
), peer AS (
    SELECT s.actor_h, CAST(NULL AS timestamptz) AS t, max(s.seq) AS seq
    FROM analytics_event s
    WHERE {peer} AND s.verb_h <> ALL(:voided_h)
      AND NOT EXISTS (SELECT 1 FROM done d WHERE d.actor_h = s.actor_h)
    GROUP BY s.actor_h
), picked AS (
    SELECT 'trained' AS grp, * FROM done WHERE TRUE{in_window}
    UNION ALL
    SELECT 'control' AS grp, * FROM peer
)
SELECT p.grp, s.actor_key, p.t{dim_select(dims(params, binds))}
FROM picked p {by_seq("p.seq")}
ORDER BY p.grp DESC, s.actor_key
"""  # noqa: S608 (fragments are constants; values are bound)


def behaviour(source: str, typed: bool) -> str:
    """Per learner (`learners`, with their window bounds as parallel arrays), the target
    behaviour statements (`behaviour` verbs, object type in `types` when `typed`) before
    `as_of`: counts in the pre window [pre_start, t0), the post window (post_start, post_end]
    and the application window (t0, apply_end], and the mean norm_score pre and post.

    The statements are found on the covering index (learner, verb, time); the payload is read
    for those only, for the score and, when `typed`, the object type."""
    kind = f" AND {object_type()} = ANY(:types)" if typed else ""
    pre = "b.t >= a.pre_start AND b.t < a.t0"
    post = "b.t > a.post_start AND b.t <= a.post_end"
    return f"""
WITH a AS (
    SELECT * FROM unnest(CAST(:learners AS text[]), CAST(:t0 AS timestamptz[]),
                         CAST(:pre_start AS timestamptz[]), CAST(:post_start AS timestamptz[]),
                         CAST(:post_end AS timestamptz[]), CAST(:apply_end AS timestamptz[]))
        AS a(actor_key, t0, pre_start, post_start, post_end, apply_end)
), b AS (
    SELECT actor_key, t, {norm_score(source, "x", "x.score")} AS score
    FROM (SELECT s.actor_key, s.timestamp AS t, s.score_scaled,
                 s.payload #> '{{result,score}}' AS score
          FROM statement s
          WHERE s.store_id = :store_id AND NOT s.voided AND s.verb_id = ANY(:behaviour)
            AND s.timestamp >= :lo AND s.timestamp <= :hi AND s.timestamp < :as_of
            AND s.actor_key = ANY(:learners){kind}
          OFFSET 0) AS x
)
SELECT a.actor_key,
       count(*) FILTER (WHERE {pre}) AS pre_events,
       count(*) FILTER (WHERE {post}) AS post_events,
       count(*) FILTER (WHERE b.t > a.t0 AND b.t <= a.apply_end) AS applied_events,
       avg(b.score) FILTER (WHERE {pre}) AS pre_quality,
       avg(b.score) FILTER (WHERE {post}) AS post_quality
FROM a JOIN b ON b.actor_key = a.actor_key
GROUP BY a.actor_key
"""  # noqa: S608 (fragments are constants; values are bound)
