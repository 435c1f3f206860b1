"""HTTP endpoints of the analytics layer: `/analytics/...`, tidy rows as JSON or CSV.

Every endpoint takes the common parameters of `AnalyticsParams` (window, tz, period, cohort,
min_n, aliases, format) plus its own; definitions are in docs/analytics.md and METRICS.md.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from lrs.analytics import render
from lrs.analytics.signals import friction, kpi, proficiency, social
from lrs.auth.credentials import Principal
from lrs.auth.dependencies import require
from lrs.auth.scopes import Action
from lrs.db import SessionDep

router = APIRouter(prefix="/analytics", tags=["analytics"])
Analyst = Annotated[Principal, Depends(require(Action.ANALYTICS_READ))]
TIDY: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {}, "text/csv": {}}, "description": "Tidy rows"}
}


@router.get("/kpis/learning-hours", operation_id="get_learning_hours", responses=TIDY)
async def learning_hours(
    request: Request, session: SessionDep, principal: Analyst,
    params: Annotated[kpi.HoursParams, Query()],
) -> Response:  # fmt: skip
    """Learning hours per period and cohort, per active learner and per employee
    (METRICS.md §3.5; durations by §2.4, cmi5 sessions counted once)."""
    rows = await kpi.learning_hours(session, principal.store_id, params)
    return render.respond(request, params, "kpi.learning_hours", kpi.hours_columns(params), rows)


@router.get("/kpis/completion-rate", operation_id="get_completion_rate", responses=TIDY)
async def completion_rate(
    request: Request, session: SessionDep, principal: Analyst,
    params: Annotated[kpi.CompletionParams, Query()],
) -> Response:  # fmt: skip
    """Completers ÷ enrollees per enrolment period, activity and cohort, eventual and
    within-period (METRICS.md §3.5)."""
    rows = await kpi.completion_rate(session, principal.store_id, params)
    columns = kpi.completion_columns(params)
    return render.respond(request, params, "kpi.completion_rate", columns, rows)


@router.get("/kpis/compliance", operation_id="get_compliance", responses=TIDY)
async def compliance(
    request: Request, session: SessionDep, principal: Analyst,
    params: Annotated[kpi.ComplianceParams, Query()],
) -> Response:  # fmt: skip
    """Compliance adherence at `as_of` (= `until`, else now) per required activity and
    cohort: valid, on-time fulfilments of assignments; overdue, pending, expiring in 30 days
    (METRICS.md §3.5)."""
    rows = await kpi.compliance(session, principal.store_id, params)
    columns = kpi.compliance_columns(params)
    return render.respond(request, params, "kpi.compliance", columns, rows)


@router.get("/kpis/satisfaction", operation_id="get_satisfaction", responses=TIDY)
async def satisfaction(
    request: Request, session: SessionDep, principal: Analyst,
    params: Annotated[kpi.SatisfactionParams, Query()],
) -> Response:  # fmt: skip
    """Learner satisfaction per period, rated activity and cohort: mean normalized rating,
    top-box share, responses and response rate (METRICS.md §3.5)."""
    rows = await kpi.satisfaction(session, principal.store_id, params)
    columns = kpi.satisfaction_columns(params)
    return render.respond(request, params, "kpi.satisfaction", columns, rows)


@router.get("/friction", operation_id="get_friction", responses=TIDY)
async def friction_summary(
    request: Request, session: SessionDep, principal: Analyst,
    params: Annotated[friction.FrictionParams, Query()],
) -> Response:  # fmt: skip
    """Learning friction per period (of the request) and cohort: deployed, open (censored),
    canceled and expired cycles; p50/p90/mean/max of request → deploy; Kaplan-Meier median;
    stage medians; unrequested deployments (METRICS.md §3.1)."""
    rows = await friction.summary(session, principal.store_id, params)
    columns = friction.summary_columns(params)
    return render.respond(request, params, "friction.summary", columns, rows)


@router.get("/friction/cycles", operation_id="get_friction_cycles", responses=TIDY)
async def friction_cycles(
    request: Request, session: SessionDep, principal: Analyst,
    params: Annotated[friction.FrictionParams, Query()],
) -> Response:  # fmt: skip
    """One fact row per request → deploy cycle whose request is in the window, open cycles
    included (METRICS.md §3.1)."""
    rows = await friction.cycles(session, principal.store_id, params)
    columns = friction.cycle_columns(params)
    return render.respond(request, params, "friction.cycles", columns, rows)


@router.get("/social", operation_id="get_social", responses=TIDY)
async def social_comparison(
    request: Request, session: SessionDep, principal: Analyst,
    params: Annotated[social.SocialParams, Query()],
) -> Response:  # fmt: skip
    """Social-learning engagement vs performance, one row per cohort: engaged (tier by
    `social_events >= k` or top tercile in W) vs not engaged learners on the outcome after W:
    group sizes, means, difference with CI, Welch and Mann-Whitney p, Hedges' g, rank-biserial,
    Spearman rho; tests suppressed below `min_test_n` per group (METRICS.md §3.2, §4.3)."""
    rows = await social.comparison(session, principal.store_id, params)
    columns = social.comparison_columns(params)
    return render.respond(request, params, "social.comparison", columns, rows)


@router.get("/social/learners", operation_id="get_social_learners", responses=TIDY)
async def social_learners(
    request: Request, session: SessionDep, principal: Analyst,
    params: Annotated[social.SocialParams, Query()],
) -> Response:  # fmt: skip
    """One fact row per learner with a social event in W or an assessment after it: social
    events, distinct social verbs, peers, active weeks, tier and outcome (METRICS.md §3.2)."""
    rows = await social.learners(session, principal.store_id, params)
    columns = social.learner_columns(params)
    return render.respond(request, params, "social.learners", columns, rows)


@router.get("/time-to-proficiency", operation_id="get_time_to_proficiency", responses=TIDY)
async def time_to_proficiency(
    request: Request, session: SessionDep, principal: Analyst,
    params: Annotated[proficiency.ProficiencyParams, Query()],
) -> Response:  # fmt: skip
    """Time to proficiency per role and hire cohort month (of the start anchor in the
    window): n, proficient, censored, p50/p90 days of the proficient, Kaplan-Meier p50/p90
    and share proficient by day 30/60/90 with not-yet-proficient learners censored at
    `as_of` (METRICS.md §3.3)."""
    rows = await proficiency.summary(session, principal.store_id, params)
    columns = proficiency.summary_columns(params)
    return render.respond(request, params, "proficiency.summary", columns, rows)


@router.get(
    "/time-to-proficiency/learners", operation_id="get_time_to_proficiency_learners",
    responses=TIDY,
)  # fmt: skip
async def time_to_proficiency_learners(
    request: Request, session: SessionDep, principal: Analyst,
    params: Annotated[proficiency.ProficiencyParams, Query()],
) -> Response:  # fmt: skip
    """One fact row per employment spell starting in the window: start anchor, proficiency
    time, ttp days or censoring, and the proficient-before-start flag (METRICS.md §3.3)."""
    rows = await proficiency.learners(session, principal.store_id, params)
    columns = proficiency.fact_columns(params)
    return render.respond(request, params, "proficiency.learners", columns, rows)
