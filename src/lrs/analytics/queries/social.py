"""SQL of social-learning engagement (METRICS.md §3.2): per learner, the social activity in
the window W and the assessment outcome in the window after it."""

from typing import Any

from lrs.analytics.params import AnalyticsParams
from lrs.analytics.queries.common import agent_key, dim_select, dims, norm_score, object_type

_IN = "s.store_id = :store_id AND NOT s.voided AND s.timestamp >= :{lo} AND s.timestamp < :{hi}"


def _social(conditional: bool) -> str:
    """A statement of a candidate verb is social: an unconditional member of the set, or a
    conditional verb whose object's activity type allows it (METRICS.md §1.7)."""
    if not conditional:
        return "s.verb_id = ANY(:social)"
    kind = object_type()
    return (f"(s.verb_id = ANY(:social)"
            f" OR (s.verb_id = ANY(:answered) AND coalesce({kind}, '') <> ALL(:quiz_types))"
            f" OR (s.verb_id = ANY(:attended) AND {kind} = ANY(:meeting_types)))")  # fmt: skip


def learners(params: AnalyticsParams, conditional: bool, source: str, binds: dict[str, Any]) -> str:
    """One row per learner with a social statement in [w_start, w_end) or an assessment
    statement in [w_end, o_end): social counts, distinct verbs (raw IRIs), peers, active
    weeks in `tz`; mean normalized score and pass rate after W. Cohort values come from the
    learner's last social statement in W, else from the first assessment after it."""
    dim_sql = dims(params, binds)
    n = len(dim_sql)
    soc_dims = "".join(f", (array_agg(dim_{i} ORDER BY t DESC))[1] AS dim_{i}"
                       for i in range(1, n + 1))  # fmt: skip
    out_dims = "".join(f", (array_agg(dim_{i} ORDER BY t))[1] AS dim_{i}"
                       for i in range(1, n + 1))  # fmt: skip
    pick = "".join(f", CASE WHEN l.actor_key IS NOT NULL THEN l.dim_{i} ELSE o.dim_{i} END"
                   f" AS dim_{i}" for i in range(1, n + 1))  # fmt: skip
    return f"""
WITH soc AS (
    SELECT actor_key, verb_id, t, obj_peer, {agent_key("instructor")} AS instructor,
           CASE WHEN jsonb_typeof(agents) = 'array' THEN agents END AS agents{_cols(n)}
    FROM (SELECT s.actor_key, s.verb_id, s.timestamp AS t,
                 CASE WHEN s.object_kind IN ('Agent', 'Group') THEN s.object_key END AS obj_peer,
                 s.payload #> '{{context,instructor}}' AS instructor,
                 s.payload #> '{{context,contextAgents}}' AS agents{dim_select(dim_sql)}
          FROM statement s
          WHERE {_IN.format(lo="w_start", hi="w_end")} AND s.verb_id = ANY(:candidates)
            AND {_social(conditional)}
          OFFSET 0) AS x
), peer AS (
    SELECT actor_key, count(DISTINCT p) AS peers
    FROM (SELECT actor_key, obj_peer AS p FROM soc
          UNION ALL
          SELECT actor_key, instructor FROM soc
          UNION ALL
          SELECT actor_key, {agent_key("(e.item -> 'agent')")}
          FROM soc CROSS JOIN LATERAL jsonb_array_elements(agents) AS e(item)) AS x
    WHERE p IS NOT NULL AND p <> actor_key
    GROUP BY actor_key
), learner AS (
    SELECT actor_key, count(*) AS social_events, array_agg(DISTINCT verb_id) AS verbs,
           count(DISTINCT date_trunc('week', t AT TIME ZONE :tz)) AS active_weeks{soc_dims}
    FROM soc GROUP BY actor_key
), outcome AS (
    SELECT actor_key, avg(score) AS mean_score, count(score) AS scored_n,
           avg(pass) AS pass_rate, count(pass) AS graded_n{out_dims}
    FROM (SELECT actor_key, t, {norm_score(source, "y", "y.score")} AS score,
                 CASE WHEN verb_id = ANY(:passed) THEN 1.0 WHEN verb_id = ANY(:failed) THEN 0.0
                      WHEN success IS NOT NULL THEN CAST(success AS int) END AS pass{_cols(n)}
          FROM (SELECT s.actor_key, s.timestamp AS t, s.verb_id, s.success, s.score_scaled,
                       s.payload #> '{{result,score}}' AS score{dim_select(dim_sql)}
                FROM statement s
                WHERE {_IN.format(lo="w_end", hi="o_end")} AND s.verb_id = ANY(:assessment)
                OFFSET 0) AS y) AS z
    GROUP BY actor_key
)
SELECT coalesce(l.actor_key, o.actor_key) AS learner_key,
       coalesce(l.social_events, 0) AS social_events, coalesce(l.verbs, '{{}}') AS verbs,
       coalesce(p.peers, 0) AS peers, coalesce(l.active_weeks, 0) AS active_weeks,
       o.mean_score, coalesce(o.scored_n, 0) AS scored_n, o.pass_rate,
       coalesce(o.graded_n, 0) AS graded_n{pick}
FROM learner l FULL JOIN outcome o ON o.actor_key = l.actor_key
LEFT JOIN peer p ON p.actor_key = l.actor_key
ORDER BY 1
"""  # noqa: S608 (fragments are constants; values are bound)


def _cols(n: int) -> str:
    return "".join(f", dim_{i}" for i in range(1, n + 1))
