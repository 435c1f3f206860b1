"""HTTP endpoints of the analytics layer: `/analytics/...`, tidy rows as JSON or CSV.

Every endpoint takes the common parameters of `AnalyticsParams` (window, tz, period, cohort,
min_n, aliases, format) plus its own; definitions are in docs/analytics.md and METRICS.md.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from lrs.analytics import render, verb_sets
from lrs.analytics.params import AnalyticsParams
from lrs.analytics.signals import friction, kpi, proficiency, social, transfer
from lrs.auth.credentials import Principal
from lrs.auth.dependencies import require
from lrs.auth.scopes import Action
from lrs.db import SessionDep

router = APIRouter(prefix="/analytics", tags=["analytics"])
Analyst = Annotated[Principal, Depends(require(Action.ANALYTICS_READ))]
TIDY: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {}, "text/csv": {}}, "description": "Tidy rows"}
}
P = TypeVar("P", bound=AnalyticsParams)


@dataclass
class Analysis:
    """One analytics request: who asks, on which store, in which transaction."""

    request: Request
    session: AsyncSession
    principal: Principal

    async def answer(
        self, params: P, metric: str, columns: Callable[[P], Sequence[str]],
        compute: Callable[[AsyncSession, int, P], Awaitable[list[render.Row]]],
    ) -> Response:  # fmt: skip
        """Compute one signal on the caller's store, with its verb sets, and render it."""
        store_id = self.principal.store_id
        params.use_store_sets(await verb_sets.store_sets(self.session, store_id))
        rows = await compute(self.session, store_id, params)
        return render.respond(self.request, params, metric, columns(params), rows)


async def _analysis(request: Request, session: SessionDep, principal: Analyst) -> Analysis:
    return Analysis(request, session, principal)


Caller = Annotated[Analysis, Depends(_analysis)]


@router.get("/kpis/learning-hours", operation_id="get_learning_hours", responses=TIDY)
async def learning_hours(caller: Caller, params: Annotated[kpi.HoursParams, Query()]) -> Response:
    """Learning hours per period and cohort, per active learner and per employee
    (METRICS.md §3.5; durations by §2.4, cmi5 sessions counted once)."""
    return await caller.answer(params, "kpi.learning_hours", kpi.hours_columns, kpi.learning_hours)


@router.get("/kpis/completion-rate", operation_id="get_completion_rate", responses=TIDY)
async def completion_rate(
    caller: Caller, params: Annotated[kpi.CompletionParams, Query()]
) -> Response:
    """Completers ÷ enrollees per enrolment period, activity and cohort, eventual and
    within-period (METRICS.md §3.5)."""
    return await caller.answer(
        params, "kpi.completion_rate", kpi.completion_columns, kpi.completion_rate
    )


@router.get("/kpis/compliance", operation_id="get_compliance", responses=TIDY)
async def compliance(caller: Caller, params: Annotated[kpi.ComplianceParams, Query()]) -> Response:
    """Compliance adherence at `as_of` (= `until`, else now) per required activity and
    cohort: valid, on-time fulfilments of assignments; overdue, pending, expiring in 30 days
    (METRICS.md §3.5)."""
    return await caller.answer(params, "kpi.compliance", kpi.compliance_columns, kpi.compliance)


@router.get("/kpis/satisfaction", operation_id="get_satisfaction", responses=TIDY)
async def satisfaction(
    caller: Caller, params: Annotated[kpi.SatisfactionParams, Query()]
) -> Response:
    """Learner satisfaction per period, rated activity and cohort: mean normalized rating,
    top-box share, responses and response rate (METRICS.md §3.5)."""
    return await caller.answer(
        params, "kpi.satisfaction", kpi.satisfaction_columns, kpi.satisfaction
    )


@router.get("/friction", operation_id="get_friction", responses=TIDY)
async def friction_summary(
    caller: Caller, params: Annotated[friction.FrictionParams, Query()]
) -> Response:
    """Learning friction per period (of the request) and cohort: deployed, open (censored),
    canceled and expired cycles; p50/p90/mean/max of request → deploy; Kaplan-Meier median;
    stage medians; unrequested deployments (METRICS.md §3.1)."""
    return await caller.answer(
        params, "friction.summary", friction.summary_columns, friction.summary
    )


@router.get("/friction/cycles", operation_id="get_friction_cycles", responses=TIDY)
async def friction_cycles(
    caller: Caller, params: Annotated[friction.FrictionParams, Query()]
) -> Response:
    """One fact row per request → deploy cycle whose request is in the window, open cycles
    included (METRICS.md §3.1)."""
    return await caller.answer(params, "friction.cycles", friction.cycle_columns, friction.cycles)


@router.get("/social", operation_id="get_social", responses=TIDY)
async def social_comparison(
    caller: Caller, params: Annotated[social.SocialParams, Query()]
) -> Response:
    """Social-learning engagement vs performance, one row per cohort: engaged (tier by
    `social_events >= k` or top tercile in W) vs not engaged learners on the outcome after W:
    group sizes, means, difference with CI, Welch and Mann-Whitney p, Hedges' g, rank-biserial,
    Spearman rho; tests suppressed below `min_test_n` per group (METRICS.md §3.2, §4.3)."""
    return await caller.answer(
        params, "social.comparison", social.comparison_columns, social.comparison
    )


@router.get("/social/learners", operation_id="get_social_learners", responses=TIDY)
async def social_learners(
    caller: Caller, params: Annotated[social.SocialParams, Query()]
) -> Response:
    """One fact row per learner with a social event in W or an assessment after it: social
    events, distinct social verbs, peers, active weeks, tier and outcome (METRICS.md §3.2)."""
    return await caller.answer(params, "social.learners", social.learner_columns, social.learners)


@router.get("/time-to-proficiency", operation_id="get_time_to_proficiency", responses=TIDY)
async def time_to_proficiency(
    caller: Caller, params: Annotated[proficiency.ProficiencyParams, Query()]
) -> Response:
    """Time to proficiency per role and hire cohort month (of the start anchor in the
    window): n, proficient, censored, p50/p90 days of the proficient, Kaplan-Meier p50/p90
    and share proficient by day 30/60/90 with not-yet-proficient learners censored at
    `as_of` (METRICS.md §3.3)."""
    return await caller.answer(
        params, "proficiency.summary", proficiency.summary_columns, proficiency.summary
    )


@router.get(
    "/time-to-proficiency/learners", operation_id="get_time_to_proficiency_learners",
    responses=TIDY,
)  # fmt: skip
async def time_to_proficiency_learners(
    caller: Caller, params: Annotated[proficiency.ProficiencyParams, Query()]
) -> Response:
    """One fact row per employment spell starting in the window: start anchor, proficiency
    time, ttp days or censoring, and the proficient-before-start flag (METRICS.md §3.3)."""
    return await caller.answer(
        params, "proficiency.learners", proficiency.fact_columns, proficiency.learners
    )


@router.get("/transfer", operation_id="get_transfer", responses=TIDY)
async def transfer_summary(
    caller: Caller, params: Annotated[transfer.TransferParams, Query()]
) -> Response:
    """Training transfer (Kirkpatrick level 3), one row per cohort cell: application rate in
    the W days after program completion (t0); the trained learners' paired change in target
    behaviour per week, post (t0 + lag, t0 + lag + W] vs pre [t0 - P, t0), with CI, Wilcoxon p
    and d_z; observed-quality change; and the difference-in-differences against untrained
    peers of the cell at its median t0, with a Welch CI; tests suppressed below `min_test_n`
    (METRICS.md §3.4, §4.3)."""
    return await caller.answer(
        params, "transfer.summary", transfer.summary_columns, transfer.summary
    )


@router.get("/transfer/learners", operation_id="get_transfer_learners", responses=TIDY)
async def transfer_learners(
    caller: Caller, params: Annotated[transfer.TransferParams, Query()]
) -> Response:
    """One fact row per trained learner (program completion t0 in the window) and per
    control peer (pseudo-t0): target behaviour before and after t0, rates per week, change,
    application and observed quality (METRICS.md §3.4)."""
    return await caller.answer(
        params, "transfer.learners", transfer.fact_columns, transfer.learners
    )
