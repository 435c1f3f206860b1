"""KPIs (METRICS.md §3.5): learning hours per learner and employee, completion rate,
compliance adherence and learner satisfaction."""

from typing import Any

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from lrs.analytics.params import AnalyticsParams, MatchLevel
from lrs.analytics.queries import kpi
from lrs.analytics.queries.common import dim_names, fetch
from lrs.analytics.render import Row, suppress

TLA_DUE_DATE = "https://w3id.org/xapi/tla/extensions/due_date"
VALID_UNTIL = "http://id.tincanapi.com/extension/valid-until"
QUALITY_RATING = "http://id.tincanapi.com/extension/quality-rating"
_PERIOD = ["period_start", "period_end"]


class HoursParams(AnalyticsParams):
    max_session_hours: float = Field(8, gt=0, le=8760, description="Cap per experience (§2.4).")
    headcount: int | None = Field(
        None, ge=1, le=1_000_000_000, description="Employees, for hours per employee."
    )
    session_verbs: list[str] | None = Field(None, description="Override of the session set.")


class CompletionParams(AnalyticsParams):
    match: MatchLevel = Field("object", description="Activity level: object, parent, grouping.")
    count_waived: bool = Field(False, description="Count waived as completion.")
    enrol_verbs: list[str] | None = None
    complete_verbs: list[str] | None = None
    waive_verbs: list[str] | None = None


class ComplianceParams(AnalyticsParams):
    activity: list[str] = Field(
        default_factory=list, description="Required activities (default: every assigned one)."
    )
    due_extension: str = Field(TLA_DUE_DATE, description="Context extension of the due date.")
    assign_verbs: list[str] | None = None
    fulfil_verbs: list[str] | None = None
    invalidate_verbs: list[str] | None = None


class SatisfactionParams(AnalyticsParams):
    top_box: float = Field(0.75, ge=0, le=1, description="Normalized rating of the top boxes.")
    rating_verbs: list[str] | None = None
    complete_verbs: list[str] | None = None


def hours_columns(params: HoursParams) -> list[str]:
    return [*_PERIOD, *dim_names(params), "n", "experiences", "hours", "hours_per_learner",
            "hours_per_employee", "capped_n", "suppressed"]  # fmt: skip


async def learning_hours(session: AsyncSession, store_id: int, params: HoursParams) -> list[Row]:
    binds: dict[str, Any] = {"store_id": store_id, "tz": params.tz,
                             "session": params.verbs("session", params.session_verbs),
                             "cap_ms": int(params.max_session_hours * 3_600_000)}  # fmt: skip
    rows = await fetch(session, kpi.learning_hours(params, binds), binds, ("session",))
    for row in rows:
        row["hours"] = float(row["hours"])
        row["hours_per_learner"] = row["hours"] / row["n"]
        row["hours_per_employee"] = row["hours"] / params.headcount if params.headcount else None
    values = ["experiences", "hours", "hours_per_learner", "hours_per_employee", "capped_n"]
    return suppress(rows, params.min_n, values)


def completion_columns(params: CompletionParams) -> list[str]:
    return [*_PERIOD, "activity_id", *dim_names(params), "n", "completers", "completion_rate",
            "completers_in_period", "completion_rate_in_period", "waived_n",
            "suppressed"]  # fmt: skip


async def completion_rate(
    session: AsyncSession, store_id: int, params: CompletionParams
) -> list[Row]:
    binds: dict[str, Any] = {
        "store_id": store_id, "tz": params.tz, "count_waived": params.count_waived,
        "enrol": params.verbs("enrol", params.enrol_verbs),
        "complete": params.verbs("complete", params.complete_verbs),
        "waive": params.verbs("waive", params.waive_verbs),
    }  # fmt: skip
    sql = kpi.completion_rate(params, params.match, binds)
    rows = await fetch(session, sql, binds, ("enrol", "complete", "waive"))
    for row in rows:
        row["completion_rate"] = row["completers"] / row["n"]
        row["completion_rate_in_period"] = row["completers_in_period"] / row["n"]
    values = ["completers", "completion_rate", "completers_in_period",
              "completion_rate_in_period", "waived_n"]  # fmt: skip
    return suppress(rows, params.min_n, values)


def compliance_columns(params: ComplianceParams) -> list[str]:
    return ["as_of", "activity_id", *dim_names(params), "n", "compliant_n", "adherence_rate",
            "overdue_n", "pending_n", "expiring_in_30d_n", "suppressed"]  # fmt: skip


async def compliance(session: AsyncSession, store_id: int, params: ComplianceParams) -> list[Row]:
    binds: dict[str, Any] = {
        "store_id": store_id, "tz": params.tz, "activities": params.activity,
        "due_ext": params.due_extension, "valid_ext": VALID_UNTIL,
        "assign": params.verbs("assign", params.assign_verbs),
        "fulfil": params.verbs("complete", params.fulfil_verbs)
        + ([] if params.fulfil_verbs else params.verbs("waive")),
        "invalidate": params.verbs("invalidate", params.invalidate_verbs),
    }  # fmt: skip
    sql = kpi.compliance(params, bool(params.activity), binds)
    rows = await fetch(session, sql, binds, ("assign", "fulfil", "invalidate", "activities"))
    for row in rows:
        row["as_of"] = binds["as_of"]
        row["adherence_rate"] = row["compliant_n"] / row["n"]
    values = ["compliant_n", "adherence_rate", "overdue_n", "pending_n", "expiring_in_30d_n"]
    return suppress(rows, params.min_n, values)


def satisfaction_columns(params: SatisfactionParams) -> list[str]:
    return [*_PERIOD, "activity_id", *dim_names(params), "n", "responders", "mean", "p50",
            "top_box_share", "completers", "response_rate", "suppressed"]  # fmt: skip


async def satisfaction(
    session: AsyncSession, store_id: int, params: SatisfactionParams
) -> list[Row]:
    binds: dict[str, Any] = {
        "store_id": store_id, "tz": params.tz, "quality_ext": QUALITY_RATING,
        "top_box": params.top_box, "rating": params.verbs("rating", params.rating_verbs),
        "complete": params.verbs("complete", params.complete_verbs),
    }  # fmt: skip
    rows = await fetch(session, kpi.satisfaction(params, binds), binds)
    for row in rows:
        for key in ("mean", "p50", "top_box_share"):
            row[key] = None if row[key] is None else float(row[key])
        row["response_rate"] = row["responders"] / row["completers"] if row["completers"] else None
    values = ["mean", "p50", "top_box_share", "response_rate"]
    return suppress(rows, params.min_n, values)
