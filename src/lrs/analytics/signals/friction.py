"""Learning friction: request → approve → schedule → deploy cycles (METRICS.md §3.1).

Per (learner, activity), events in time order (ties: request < approve < schedule < deploy <
close) build cycles: a request opens one unless one is open (then it is a re-request); the
first approve and schedule events are its milestones; a deploy closes it as `deployed`, a
close-set event as `canceled`. Cycles still open at `as_of` are right-censored: kept, with
their age, and in the Kaplan-Meier median; open cycles older than `max_open_age_days` are
`expired`.
"""

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from lrs.analytics import stats
from lrs.analytics.params import AnalyticsParams, MatchLevel
from lrs.analytics.queries import friction as queries
from lrs.analytics.queries.common import dim_names, fetch
from lrs.analytics.render import Row, suppress
from lrs.exceptions import BadRequest
from lrs.xapi.primitives import parse_timestamp

_STAGES = ("request", "approve", "schedule", "deploy", "close")


class FrictionParams(AnalyticsParams):
    match: MatchLevel = Field("object", description="Activity level: object, parent, grouping.")
    # Bounded: a timedelta cannot hold more than about 2.7 million years.
    max_open_age_days: float | None = Field(
        None, gt=0, le=36_500, description="Open cycles older than this are `expired`."
    )
    request_verbs: list[str] | None = None
    approve_verbs: list[str] | None = None
    schedule_verbs: list[str] | None = None
    deploy_verbs: list[str] | None = None
    close_verbs: list[str] | None = None


@dataclass
class Cycle:
    learner_key: str
    activity_id: str
    request_stmt_id: str
    t_request: datetime
    period_start: Any
    period_end: Any
    dims: tuple[Any, ...]
    t_approve: datetime | None = None
    t_schedule: datetime | None = None
    t_deploy: datetime | None = None
    t_close: datetime | None = None
    planned_start: datetime | None = None
    re_requests: int = 0
    status: str = "open"
    extra: dict[str, Any] = field(default_factory=dict)


def _planned(raw: str | None) -> datetime | None:
    try:
        return parse_timestamp(raw, "planned-start-time") if raw else None
    except BadRequest:
        return None


def build_cycles(events: list[Row], n_dims: int) -> list[Cycle]:
    """The cycles of events ordered by (learner, activity, time, stage)."""
    cycles: list[Cycle] = []
    open_by_pair: dict[tuple[str, str], Cycle] = {}
    for event in events:
        pair = (event["actor_key"], event["activity_id"])
        cycle, stage, t = open_by_pair.get(pair), _STAGES[event["stage"]], event["t"]
        if stage == "request":
            if cycle is not None:
                cycle.re_requests += 1
                continue
            dims = tuple(event[f"dim_{i}"] for i in range(1, n_dims + 1))
            cycle = Cycle(*pair, str(event["id"]), t, event["period_start"],
                          event["period_end"], dims)  # fmt: skip
            open_by_pair[pair] = cycle
            cycles.append(cycle)
        elif cycle is None:
            continue
        elif stage == "approve" and cycle.t_approve is None:
            cycle.t_approve = t
        elif stage == "schedule" and cycle.t_schedule is None:
            cycle.t_schedule, cycle.planned_start = t, _planned(event["planned_start"])
        elif stage in ("deploy", "close"):
            cycle.status = "deployed" if stage == "deploy" else "canceled"
            cycle.t_deploy, cycle.t_close = (t, None) if stage == "deploy" else (None, t)
            del open_by_pair[pair]
    return cycles


def _seconds(later: datetime | None, earlier: datetime | None) -> float | None:
    return (later - earlier).total_seconds() if later and earlier else None


def fact(cycle: Cycle, as_of: datetime, max_open_age: timedelta | None) -> Row:
    age = (as_of - cycle.t_request).total_seconds() if cycle.status == "open" else None
    if age is not None and max_open_age is not None and age > max_open_age.total_seconds():
        cycle.status = "expired"
    row: Row = {
        "learner_key": cycle.learner_key, "activity_id": cycle.activity_id,
        "request_stmt_id": cycle.request_stmt_id, "t_request": cycle.t_request,
        "t_approve": cycle.t_approve, "t_schedule": cycle.t_schedule,
        "t_deploy": cycle.t_deploy, "t_close": cycle.t_close, "status": cycle.status,
        "friction_s": _seconds(cycle.t_deploy, cycle.t_request),
        "approve_s": _seconds(cycle.t_approve, cycle.t_request),
        "schedule_s": _seconds(cycle.t_schedule, cycle.t_approve),
        "deploy_s": _seconds(cycle.t_deploy, cycle.t_schedule),
        "slippage_s": _seconds(cycle.t_deploy, cycle.planned_start),
        "open_age_s": age, "re_requests": cycle.re_requests,
        "period_start": cycle.period_start, "period_end": cycle.period_end,
    }  # fmt: skip
    row.update({f"dim_{i}": value for i, value in enumerate(cycle.dims, start=1)})
    return row


async def cycles(session: AsyncSession, store_id: int, params: FrictionParams) -> list[Row]:
    """One fact row per cycle whose request is in the window."""
    binds = _binds(store_id, params)
    sql = queries.events(params, params.match, binds)
    events = await fetch(session, sql, binds, (*_STAGES, "lifecycle"))
    max_age = timedelta(days=params.max_open_age_days) if params.max_open_age_days else None
    as_of = binds["as_of"]
    return [fact(c, as_of, max_age) for c in build_cycles(events, len(params.cohort))]


def _binds(store_id: int, params: FrictionParams) -> dict[str, Any]:
    sets = {name: params.verbs(name, getattr(params, f"{name}_verbs")) for name in _STAGES}
    lifecycle = sorted({iri for members in sets.values() for iri in members})
    return {"store_id": store_id, "tz": params.tz, "planned": queries.PLANNED_START,
            "lifecycle": lifecycle, **sets}  # fmt: skip


def cycle_columns(params: FrictionParams) -> list[str]:
    return ["learner_key", "activity_id", "request_stmt_id", "t_request", "t_approve",
            "t_schedule", "t_deploy", "t_close", "status", "friction_s", "approve_s",
            "schedule_s", "deploy_s", "slippage_s", "open_age_s", "re_requests",
            "period_start", "period_end", *dim_names(params)]  # fmt: skip


def summary_columns(params: FrictionParams) -> list[str]:
    return ["period_start", "period_end", *dim_names(params), "n", "n_deployed", "n_open",
            "n_canceled", "n_expired", "p50_s", "p90_s", "mean_s", "max_s", "km_p50_s",
            "open_age_p50_s", "open_age_p90_s", "approve_p50_s", "schedule_p50_s",
            "deploy_p50_s", "slippage_p50_s", "re_requests", "unrequested_deployments",
            "suppressed"]  # fmt: skip


_VALUES = ("n_deployed", "n_open", "n_canceled", "n_expired", "p50_s", "p90_s", "mean_s",
           "max_s", "km_p50_s", "open_age_p50_s", "open_age_p90_s", "approve_p50_s",
           "schedule_p50_s", "deploy_p50_s", "slippage_p50_s", "re_requests")  # fmt: skip


def _summarise(facts: list[Row]) -> Row:
    def of(column: str, status: str | None = None) -> list[float]:
        return [r[column] for r in facts
                if r[column] is not None and (status is None or r["status"] == status)]  # fmt: skip

    friction = of("friction_s", "deployed")
    # Kaplan-Meier: deployment is the event; open, expired and canceled cycles are censored at
    # their age or cancel time.
    times = [r["friction_s"] if r["status"] == "deployed" else
             r["open_age_s"] if r["open_age_s"] is not None else
             _seconds(r["t_close"], r["t_request"]) or 0.0 for r in facts]  # fmt: skip
    km = stats.kaplan_meier(times, [r["status"] == "deployed" for r in facts])
    counts = {s: sum(r["status"] == s for r in facts) for s in ("deployed", "open", "canceled",
                                                                "expired")}  # fmt: skip
    return {
        "n": len(facts), "n_deployed": counts["deployed"], "n_open": counts["open"],
        "n_canceled": counts["canceled"], "n_expired": counts["expired"],
        "p50_s": stats.percentile(friction, 50), "p90_s": stats.percentile(friction, 90),
        "mean_s": stats.mean(friction), "max_s": max(friction, default=None),
        "km_p50_s": stats.km_quantile(km, 0.5),
        "open_age_p50_s": stats.percentile(of("open_age_s", "open"), 50),
        "open_age_p90_s": stats.percentile(of("open_age_s", "open"), 90),
        "approve_p50_s": stats.percentile(of("approve_s"), 50),
        "schedule_p50_s": stats.percentile(of("schedule_s"), 50),
        "deploy_p50_s": stats.percentile(of("deploy_s"), 50),
        "slippage_p50_s": stats.percentile(of("slippage_s"), 50),
        "re_requests": sum(r["re_requests"] for r in facts),
    }  # fmt: skip


async def summary(session: AsyncSession, store_id: int, params: FrictionParams) -> list[Row]:
    """Per period (of the request) and cohort: counts by status, friction percentiles of the
    deployed cycles, the censoring-aware median, stage medians and unrequested deployments.

    The unrequested deployments are counted on a second connection while the cycles are built:
    the two queries are independent, and each takes about a third of the answer at 1M."""
    binds = _binds(store_id, params)
    sql = queries.unrequested(params, params.match, binds)
    async with AsyncSession(session.bind) as other:
        facts, deployments = await asyncio.gather(
            cycles(session, store_id, params), fetch(other, sql, binds, ("deploy", "request"))
        )
    names = dim_names(params)
    groups: dict[tuple[Any, ...], list[Row]] = {}
    for fact_row in facts:
        groups.setdefault((fact_row["period_start"], *(fact_row[d] for d in names)), []).append(
            fact_row
        )
    unrequested = {(r["period_start"], *(r[d] for d in names)): r for r in deployments}
    out = []
    for key in sorted(set(groups) | set(unrequested), key=lambda k: tuple(map(str, k))):
        members, extra = groups.get(key, []), unrequested.get(key, {})
        row: Row = {"period_start": key[0], **dict(zip(names, key[1:], strict=True))}
        row["period_end"] = members[0]["period_end"] if members else extra["period_end"]
        row.update(_summarise(members) if members else {"n": 0})
        row["unrequested_deployments"] = extra.get("unrequested", 0)
        out.append(row)
    return suppress(out, params.min_n, _VALUES)
