"""SQL of social-learning engagement (METRICS.md §3.2): per learner, the social activity in
the window W and the assessment outcome in the window after it."""

from typing import Any

from lrs.analytics.params import AnalyticsParams
from lrs.analytics.queries.common import (
    agent_key,
    by_seq,
    dim_select,
    dims,
    norm_score,
    object_type,
    pick_seq,
)

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
    learner's last social statement in W, else from the first assessment after it: one
    statement read per learner (`pick_seq`), not an ordered aggregate of every statement."""
    cohort = dims(params, binds, "c")
    last = f", {pick_seq('max', t='t', seq='seq')} AS last_seq" if cohort else ""
    first = f", {pick_seq('min', t='t', seq='seq')} AS first_seq" if cohort else ""
    return f"""
WITH soc AS (
    SELECT actor_key, verb_id, t, seq, obj_peer, {agent_key("instructor")} AS instructor,
           CASE WHEN jsonb_typeof(agents) = 'array' THEN agents END AS agents
    FROM (SELECT s.actor_key, s.verb_id, s.timestamp AS t, s.seq,
                 CASE WHEN s.object_kind IN ('Agent', 'Group') THEN s.object_key END AS obj_peer,
                 s.payload #> '{{context,instructor}}' AS instructor,
                 s.payload #> '{{context,contextAgents}}' AS agents
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
           count(DISTINCT date_trunc('week', t AT TIME ZONE :tz)) AS active_weeks{last}
    FROM soc GROUP BY actor_key
), outcome AS (
    SELECT actor_key, avg(score) AS mean_score, count(score) AS scored_n,
           avg(pass) AS pass_rate, count(pass) AS graded_n{first}
    FROM (SELECT actor_key, t, seq, {norm_score(source, "y", "y.score")} AS score,
                 CASE WHEN verb_id = ANY(:passed) THEN 1.0 WHEN verb_id = ANY(:failed) THEN 0.0
                      WHEN success IS NOT NULL THEN CAST(success AS int) END AS pass
          FROM (SELECT s.actor_key, s.timestamp AS t, s.seq, s.verb_id, s.success,
                       s.score_scaled, s.payload #> '{{result,score}}' AS score
                FROM statement s
                WHERE {_IN.format(lo="w_end", hi="o_end")} AND s.verb_id = ANY(:assessment)
                OFFSET 0) AS y) AS z
    GROUP BY actor_key
)
SELECT coalesce(l.actor_key, o.actor_key) AS learner_key,
       coalesce(l.social_events, 0) AS social_events, coalesce(l.verbs, '{{}}') AS verbs,
       coalesce(p.peers, 0) AS peers, coalesce(l.active_weeks, 0) AS active_weeks,
       o.mean_score, coalesce(o.scored_n, 0) AS scored_n, o.pass_rate,
       coalesce(o.graded_n, 0) AS graded_n{dim_select(cohort)}
FROM learner l FULL JOIN outcome o ON o.actor_key = l.actor_key
LEFT JOIN peer p ON p.actor_key = l.actor_key
{f"LEFT {by_seq('coalesce(l.last_seq, o.first_seq)', 'c')}" if cohort else ""}
ORDER BY 1
"""  # noqa: S608 (fragments are constants; values are bound)
