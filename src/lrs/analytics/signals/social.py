"""Social-learning engagement and performance (METRICS.md §3.2).

Per learner in the window W = [`since`, `until`) (default: the `window_days` before `until`,
else before now): social events, distinct social verbs, peers and active weeks; an engagement
tier (`social_events >= k`, or the top tercile); and the outcome in the `outcome_days` after
W (mean normalized score, or pass rate). Engaged vs not engaged learners are compared with
`stats.compare` plus Spearman's rho of social events vs outcome. The result is associational:
there is no randomized or matched control group.
"""

from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from lrs.analytics import stats, vocabulary
from lrs.analytics.params import AnalyticsParams
from lrs.analytics.queries import social as queries
from lrs.analytics.queries.common import dim_names, fetch
from lrs.analytics.render import Row
from lrs.exceptions import BadRequest

MAX_DAYS = 3660


class SocialParams(AnalyticsParams):
    window_days: int = Field(
        90, ge=1, le=MAX_DAYS, description="Length of W when `since` is not given."
    )
    outcome_days: int = Field(90, ge=1, le=MAX_DAYS, description="Outcome window after W.")
    outcome: Literal["score", "pass_rate"] = Field(
        "score", description="Mean normalized score, or pass rate, of assessments after W."
    )
    score_source: Literal["rescaled_first", "scaled_first"] = Field(
        "rescaled_first", description="norm_score: raw/min/max first, or score.scaled first."
    )
    tier: Literal["rule", "tercile"] = Field(
        "rule", description="Engaged: social_events >= k, or above the 2/3 quantile."
    )
    k: int = Field(3, ge=1, le=1_000_000, description="Social events of an engaged learner.")
    min_test_n: int = Field(
        20, ge=2, le=1_000_000, description="Smaller groups get no inferential statistics."
    )
    conditional: bool = Field(
        True, description="Count `answered` (not on quiz items) and `attended` (meetings)."
    )
    social_verbs: list[str] | None = None
    assessment_verbs: list[str] | None = None


Window = tuple[datetime, datetime, datetime]


def windows(params: SocialParams) -> Window:
    """(start of W, end of W = start of the outcome window, end of the outcome window)."""
    end = params.as_of()
    try:
        start = params.since or end - timedelta(days=params.window_days)
        return start, end, end + timedelta(days=params.outcome_days)
    except OverflowError:
        raise BadRequest("the windows fall outside the supported dates") from None


def _binds(store_id: int, params: SocialParams, window: Window) -> dict[str, Any]:
    start, end, outcome_end = window
    social = params.verbs("social", params.social_verbs)
    answered = vocabulary.expand(vocabulary.SOCIAL_ANSWERED, params.aliases)
    attended = vocabulary.expand(vocabulary.SOCIAL_ATTENDED, params.aliases)
    candidates = sorted(set(social) | ({*answered, *attended} if params.conditional else set()))
    return {
        "store_id": store_id, "tz": params.tz, "w_start": start, "w_end": end,
        "o_end": outcome_end, "social": social, "candidates": candidates,
        "answered": answered, "attended": attended,
        "quiz_types": list(vocabulary.QUIZ_ITEM_TYPES),
        "meeting_types": list(vocabulary.MEETING_TYPES),
        "assessment": params.verbs("assessment", params.assessment_verbs),
        "passed": params.verbs("passed"), "failed": params.verbs("failed"),
    }  # fmt: skip


def learner_columns(params: SocialParams) -> list[str]:
    return ["learner_key", *dim_names(params), "window_start", "window_end", "outcome_end",
            "social_events", "social_verbs", "peers", "active_weeks", "engaged", "outcome",
            "outcome_n"]  # fmt: skip


def _threshold(params: SocialParams, counts: list[float]) -> float | None:
    """Rule: k. Tercile: the 2/3 quantile (linear) of social events over all learners."""
    if params.tier == "rule":
        return float(params.k)
    return stats.percentile(counts, 200 / 3)


async def learner_facts(
    session: AsyncSession, store_id: int, params: SocialParams, window: Window
) -> tuple[list[Row], float | None]:
    """One row per learner with a social event in W or an assessment after it; and the tier
    threshold."""
    binds = _binds(store_id, params, window)
    sql = queries.learners(params, params.conditional, params.score_source, binds)
    rows = await fetch(session, sql, binds)
    threshold = _threshold(params, [r["social_events"] for r in rows])
    canon = vocabulary.canonical if params.aliases else str
    score = params.outcome == "score"
    for row in rows:
        row["social_verbs"] = len({canon(v) for v in row["verbs"]})
        row["window_start"], row["window_end"], row["outcome_end"] = window
        if params.tier == "rule":
            row["engaged"] = row["social_events"] >= params.k
        else:
            row["engaged"] = threshold is not None and row["social_events"] > threshold
        value = row["mean_score"] if score else row["pass_rate"]
        row["outcome"] = None if value is None else float(value)
        row["outcome_n"] = row["scored_n"] if score else row["graded_n"]
    return rows, threshold


async def learners(session: AsyncSession, store_id: int, params: SocialParams) -> list[Row]:
    rows, _ = await learner_facts(session, store_id, params, windows(params))
    return rows


def comparison_columns(params: SocialParams) -> list[str]:
    return [*dim_names(params), "window_start", "window_end", "outcome_end", "outcome", "tier",
            "threshold", "n_learners", "n", "group_a_n", "group_b_n", "mean_a", "mean_b",
            "diff", "ci_low", "ci_high", "p_welch", "p_mwu", "hedges_g", "rank_biserial",
            "spearman_rho", "suppressed"]  # fmt: skip


_TESTS = ("diff", "ci_low", "ci_high", "p_welch", "p_mwu", "hedges_g", "rank_biserial",
          "spearman_rho")  # fmt: skip


def _compare(params: SocialParams, members: list[Row]) -> Row:
    """Engaged (a) vs not engaged (b) over the learners with an outcome, suppressed by §2.7:
    a group mean below `min_n` learners, the tests below `min_test_n` in either group."""
    scored = [r for r in members if r["outcome"] is not None]
    a = [r["outcome"] for r in scored if r["engaged"]]
    b = [r["outcome"] for r in scored if not r["engaged"]]
    row = stats.compare(a, b)
    row["spearman_rho"] = stats.spearman([r["social_events"] for r in scored],
                                         [r["outcome"] for r in scored])  # fmt: skip
    row.update(n_learners=len(members), n=len(scored))
    hidden = []
    if len(scored) < params.min_n:
        hidden = ["mean_a", "mean_b", *_TESTS]
    else:
        hidden += ["mean_a"] if len(a) < params.min_n else []
        hidden += ["mean_b"] if len(b) < params.min_n else []
        hidden += list(_TESTS) if min(len(a), len(b)) < params.min_test_n else []
    row.update(dict.fromkeys(hidden))
    row["suppressed"] = bool(hidden)
    return row


async def comparison(session: AsyncSession, store_id: int, params: SocialParams) -> list[Row]:
    """One comparison row per cohort (a single row without cohort dimensions)."""
    window = windows(params)
    facts, threshold = await learner_facts(session, store_id, params, window)
    names = dim_names(params)
    groups: dict[tuple[Any, ...], list[Row]] = {}
    for fact in facts:
        groups.setdefault(tuple(fact[d] for d in names), []).append(fact)
    if not names:
        groups.setdefault((), [])
    start, end, outcome_end = window
    out = []
    for key in sorted(groups, key=lambda k: tuple(map(str, k))):
        row: Row = dict(zip(names, key, strict=True))
        row.update(window_start=start, window_end=end, outcome_end=outcome_end,
                   outcome=params.outcome, tier=params.tier, threshold=threshold)  # fmt: skip
        row.update(_compare(params, groups[key]))
        out.append(row)
    return out
