"""Time-to-proficiency, the ramp-up of new hires (METRICS.md §3.3).

Start anchor: each `anchor_verbs` statement (tla:employed) of a learner starts an employment
spell, which lasts until the next one (rehire) or `as_of`; a learner with none starts at the
first statement in the `onboarding` activity, when one is given. Proficiency: the first
`mastered`/`achieved` statement, or the first `passed` with norm_score >= theta, or the k-th
consecutive pass (`criterion`), optionally only on the listed activities or activity types.
The first spell also takes events before its start: its ttp is then 0 and `before_start` is
set. Spells not proficient by their end are right-censored.
"""

from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from lrs.analytics import stats
from lrs.analytics.params import AnalyticsParams
from lrs.analytics.queries import proficiency as queries
from lrs.analytics.queries.common import dim_names, fetch
from lrs.analytics.render import Row, suppress

DAY = 86_400.0
MILESTONES = (30, 60, 90)


class ProficiencyParams(AnalyticsParams):
    criterion: Literal["mastered", "passed", "consecutive"] = Field(
        "mastered", description="First mastered/achieved, first passed with norm_score >= "
        "theta, or `streak` consecutive passes.",
    )  # fmt: skip
    theta: float = Field(0.8, ge=0, le=1, description="Normalized score of a proficient pass.")
    streak: int = Field(3, ge=1, le=1000, description="Consecutive passes (`consecutive`).")
    activity: list[str] = Field(
        default_factory=list, description="Proficiency only on these activities (objects)."
    )
    activity_type: list[str] = Field(
        default_factory=list, description="Proficiency only on objects of these activity types."
    )
    onboarding: str | None = Field(
        None, description="Fallback anchor: first statement in this activity (object, parent "
        "or grouping) of learners with no anchor statement.",
    )  # fmt: skip
    role_extension: str | None = Field(
        None, description="Context extension of the anchor statement holding the role."
    )
    score_source: Literal["rescaled_first", "scaled_first"] = Field(
        "rescaled_first", description="norm_score: raw/min/max first, or score.scaled first."
    )
    anchor_verbs: list[str] | None = None
    proficiency_verbs: list[str] | None = None
    passed_verbs: list[str] | None = None
    failed_verbs: list[str] | None = None


def _binds(store_id: int, params: ProficiencyParams) -> dict[str, Any]:
    passed = params.verbs("passed", params.passed_verbs)
    failed = params.verbs("failed", params.failed_verbs)
    verbs = {"mastered": params.verbs("proficiency", params.proficiency_verbs),
             "passed": passed, "consecutive": sorted({*passed, *failed})}  # fmt: skip
    return {
        "store_id": store_id, "tz": params.tz, "as_of": params.as_of(),
        "anchor": params.verbs("employed", params.anchor_verbs),
        "role_ext": params.role_extension, "onboarding": params.onboarding,
        "usages": list(queries.ONBOARDING_USAGES), "verbs": verbs[params.criterion],
        "passed": passed, "theta": params.theta, "activities": params.activity,
        "types": params.activity_type,
    }  # fmt: skip


def _achieved(params: ProficiencyParams, events: list[Row]) -> datetime | None:
    """The time the criterion is met in `events` (time-ordered), else None."""
    if params.criterion != "consecutive":
        return events[0]["t"] if events else None
    run = 0
    for event in events:
        run = run + 1 if event["pass"] else 0
        if run >= params.streak:
            t: datetime = event["t"]
            return t
    return None


def fact_columns(params: ProficiencyParams) -> list[str]:
    return ["learner_key", "spell", "anchor", "role", "hire_cohort_month", *dim_names(params),
            "t_start", "t_proficient", "ttp_days", "censored", "observed_days",
            "before_start"]  # fmt: skip


async def learners(session: AsyncSession, store_id: int, params: ProficiencyParams) -> list[Row]:
    """One fact row per spell that starts in the window."""
    binds = _binds(store_id, params)
    as_of: datetime = binds["as_of"]
    sql = queries.anchors(params, bool(params.onboarding), binds)
    starts = await fetch(session, sql, binds, ("anchor",))
    spells: list[Row] = []
    for i, anchor in enumerate(starts):
        same = i + 1 < len(starts) and starts[i + 1]["actor_key"] == anchor["actor_key"]
        first = i == 0 or starts[i - 1]["actor_key"] != anchor["actor_key"]
        end = starts[i + 1]["t"] if same else as_of
        number = 1 if first else spells[-1]["spell"] + 1
        spells.append(
            {**anchor, "spell": number, "end": end, "lower": None if first else anchor["t"]}
        )
    wanted = [s for s in spells
              if (params.since is None or s["t"] >= params.since)
              and (params.until is None or s["t"] < params.until)]  # fmt: skip
    if not wanted:
        return []
    binds["learners"] = sorted({s["actor_key"] for s in wanted})
    binds["learners_h"] = sorted({s["actor_h"] for s in wanted})
    sql = queries.events(params.criterion, params.score_source, bool(params.activity),
                         bool(params.activity_type))  # fmt: skip
    by_learner: dict[int, list[Row]] = {}
    for event in await fetch(session, sql, binds, ("verbs", "passed", "activities")):
        by_learner.setdefault(event["actor_h"], []).append(event)
    zone, names = ZoneInfo(params.tz), dim_names(params)
    rows = []
    for spell in wanted:
        lower, end = spell["lower"], spell["end"]
        events = [e for e in by_learner.get(spell["actor_h"], [])
                  if (lower is None or e["t"] >= lower) and e["t"] < end]  # fmt: skip
        t_start: datetime = spell["t"]
        t_p = _achieved(params, events)
        ttp = None if t_p is None else max(0.0, (t_p - t_start).total_seconds() / DAY)
        row: Row = {
            "learner_key": spell["actor_key"], "spell": spell["spell"], "anchor": spell["anchor"],
            "role": spell["role"], "hire_cohort_month": t_start.astimezone(zone).strftime("%Y-%m"),
            "t_start": t_start, "t_proficient": t_p, "ttp_days": ttp, "censored": t_p is None,
            "observed_days": ttp if ttp is not None
            else max(0.0, (spell["end"] - t_start).total_seconds() / DAY),
            "before_start": t_p is not None and t_p < t_start,
        }  # fmt: skip
        row.update({d: spell[d] for d in names})
        rows.append(row)
    return rows


def summary_columns(params: ProficiencyParams) -> list[str]:
    return ["role", "hire_cohort_month", *dim_names(params), "n", "n_proficient", "n_censored",
            "n_before_start", "p50_days", "p90_days", "km_p50_days", "km_p90_days",
            "pct_by_30", "pct_by_60", "pct_by_90", "suppressed"]  # fmt: skip


_VALUES = ("n_proficient", "n_censored", "n_before_start", "p50_days", "p90_days",
           "km_p50_days", "km_p90_days", "pct_by_30", "pct_by_60", "pct_by_90")  # fmt: skip


def _summarise(facts: list[Row]) -> Row:
    ttp = [r["ttp_days"] for r in facts if not r["censored"]]
    km = stats.kaplan_meier([r["observed_days"] for r in facts], [not r["censored"] for r in facts])
    row: Row = {
        "n": len(facts), "n_proficient": len(ttp), "n_censored": len(facts) - len(ttp),
        "n_before_start": sum(r["before_start"] for r in facts),
        "p50_days": stats.percentile(ttp, 50), "p90_days": stats.percentile(ttp, 90),
        "km_p50_days": stats.km_quantile(km, 0.5), "km_p90_days": stats.km_quantile(km, 0.9),
    }  # fmt: skip
    row.update({f"pct_by_{d}": stats.km_cdf(km, d) for d in MILESTONES})
    return row


async def summary(session: AsyncSession, store_id: int, params: ProficiencyParams) -> list[Row]:
    """Per role x hire cohort month (x cohort): counts, percentiles of the proficient, the
    Kaplan-Meier quantiles and the cumulative share proficient by day 30/60/90."""
    facts = await learners(session, store_id, params)
    names = dim_names(params)
    groups: dict[tuple[Any, ...], list[Row]] = {}
    for fact in facts:
        key = (fact["role"], fact["hire_cohort_month"], *(fact[d] for d in names))
        groups.setdefault(key, []).append(fact)
    out = []
    for key in sorted(groups, key=lambda k: tuple(map(str, k))):
        row: Row = {"role": key[0], "hire_cohort_month": key[1],
                    **dict(zip(names, key[2:], strict=True))}  # fmt: skip
        row.update(_summarise(groups[key]))
        out.append(row)
    return suppress(out, params.min_n, _VALUES)
