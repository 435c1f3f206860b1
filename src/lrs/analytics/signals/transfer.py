"""Training transfer, Kirkpatrick level 3 behaviour (METRICS.md §3.4).

Trained learners: t0 = their first `complete_verbs` statement on the program (the listed
IRIs are one program), counted when t0 is in [`since`, `until`). Control peers (proposal):
learners with no completion of the program before `as_of` and a statement in the window, in
a cohort cell (the `cohort` dimensions are the matching keys) that has trained learners; their
pseudo-t0 is the median t0 (linear interpolation) of the trained learners of that cell.

Around each t0: target behaviour (`behaviour_verbs`, optionally only on `behaviour_types`) in
the pre window [t0 - P, t0), the post window (t0 + lag, t0 + lag + W] and the application
window (t0, t0 + W]. Statements after `as_of` are not seen, so only learners whose post window
ended before `as_of` (`complete_window`) enter the application rate and the change statistics;
the change statistics also drop learners with fewer than `min_pre_events` pre events. The
trained learners' change in events per week is tested with the Wilcoxon signed-rank test; the
difference-in-differences against the controls gets a Welch CI (METRICS.md §4.3).
"""

from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from lrs.analytics import stats, vocabulary
from lrs.analytics.params import AnalyticsParams, MatchLevel
from lrs.analytics.queries import transfer as queries
from lrs.analytics.queries.common import dim_names, fetch
from lrs.analytics.render import Row

MAX_DAYS = 3660
_EARLIEST = datetime.min.replace(tzinfo=UTC)
_LATEST = datetime.max.replace(tzinfo=UTC)


class TransferParams(AnalyticsParams):
    program: list[str] = Field(
        min_length=1, description="The program's activity IRIs (repeatable; one program)."
    )
    match: MatchLevel = Field(
        "object", description="Completion on the program as object, or as first parent/grouping."
    )
    behaviour_types: list[str] = Field(
        default_factory=list, description="Target behaviour only on objects of these types."
    )
    window_days: int = Field(90, ge=1, le=MAX_DAYS, description="W: post and application window.")
    pre_days: int = Field(90, ge=1, le=MAX_DAYS, description="P: pre window before t0.")
    lag_days: int = Field(0, ge=0, le=MAX_DAYS, description="Days after t0 before the post window.")
    min_pre_events: int = Field(
        0, ge=0, le=1_000_000, description="Fewer pre events: left out of the change statistics."
    )
    score_source: Literal["rescaled_first", "scaled_first"] = Field(
        "rescaled_first", description="norm_score: raw/min/max first, or score.scaled first."
    )
    min_test_n: int = Field(
        20, ge=2, le=1_000_000, description="Smaller groups get no inferential statistics."
    )
    behaviour_verbs: list[str] | None = None
    complete_verbs: list[str] | None = None


def _shift(t: datetime, days: int) -> datetime:
    """t + days, clamped to what a datetime holds (a statement may be dated year 1)."""
    try:
        return t + timedelta(days=days)
    except OverflowError:
        return _EARLIEST if days < 0 else _LATEST


def _median(times: list[datetime]) -> datetime:
    """The pseudo-t0 of a cell: the median t0 of its trained learners (linear, §2.6)."""
    seconds = stats.percentile([t.timestamp() for t in times], 50)
    assert seconds is not None  # only asked for cells with trained learners
    return datetime.fromtimestamp(seconds, UTC)


def _cells(params: TransferParams, rows: list[Row]) -> dict[tuple[Any, ...], list[Row]]:
    """Rows by cohort cell (the one cell () without cohort dimensions)."""
    names = dim_names(params)
    groups: dict[tuple[Any, ...], list[Row]] = {} if names else {(): []}
    for row in rows:
        groups.setdefault(tuple(row[d] for d in names), []).append(row)
    return groups


async def _anchors(session: AsyncSession, store_id: int, params: TransferParams) -> list[Row]:
    """Trained learners with their t0, then the control peers of cells with trained learners,
    with the cell's pseudo-t0."""
    binds: dict[str, Any] = {
        "store_id": store_id, "as_of": params.as_of(), "program": params.program,
        "complete": params.verbs("complete", params.complete_verbs),
        "voided": [vocabulary.VOIDED],
    }  # fmt: skip
    sql = queries.learners(params, params.match, binds)
    found = await fetch(session, sql, binds, ("program", "complete", "voided"))
    trained = [r for r in found if r["grp"] == "trained"]
    pseudo = {cell: _median([r["t"] for r in rows])
              for cell, rows in _cells(params, trained).items() if rows}  # fmt: skip
    controls = []
    for cell, rows in _cells(params, [r for r in found if r["grp"] == "control"]).items():
        if cell in pseudo:
            controls += [{**r, "t": pseudo[cell]} for r in rows]
    return trained + controls


def _windows(params: TransferParams, t0: datetime) -> dict[str, datetime]:
    post_start = _shift(t0, params.lag_days)
    return {"pre_start": _shift(t0, -params.pre_days), "post_start": post_start,
            "post_end": _shift(post_start, params.window_days),
            "apply_end": _shift(t0, params.window_days)}  # fmt: skip


async def _behaviour(
    session: AsyncSession, store_id: int, params: TransferParams, anchors: list[Row]
) -> dict[str, Row]:
    """Behaviour counts and quality per learner with any behaviour around their t0."""
    if not anchors:
        return {}
    bounds = [_windows(params, a["t"]) for a in anchors]
    binds: dict[str, Any] = {
        "store_id": store_id, "as_of": params.as_of(),
        "behaviour": params.verbs("behaviour", params.behaviour_verbs),
        "types": params.behaviour_types, "learners": [a["actor_key"] for a in anchors],
        "t0": [a["t"] for a in anchors], "lo": min(b["pre_start"] for b in bounds),
        "hi": max(b["post_end"] for b in bounds),
    }  # fmt: skip
    for name in ("pre_start", "post_start", "post_end", "apply_end"):
        binds[name] = [b[name] for b in bounds]
    sql = queries.behaviour(params.score_source, bool(params.behaviour_types))
    return {r["actor_key"]: r for r in await fetch(session, sql, binds)}


def fact_columns(params: TransferParams) -> list[str]:
    return ["learner_key", "group", *dim_names(params), "t0", "pre_start", "post_end",
            "complete_window", "pre_events", "post_events", "pre_rate_per_week",
            "post_rate_per_week", "change_per_week", "applied", "pre_quality", "post_quality",
            "in_change_stats"]  # fmt: skip


def _fact(params: TransferParams, anchor: Row, seen: Row | None, as_of: datetime) -> Row:
    """One learner: counts, rates per week (post only once the post window has ended)."""
    bounds = _windows(params, anchor["t"])
    seen = seen or {"pre_events": 0, "post_events": 0, "applied_events": 0,
                    "pre_quality": None, "post_quality": None}  # fmt: skip
    complete = bounds["post_end"] < as_of
    pre_rate = seen["pre_events"] * 7 / params.pre_days
    post_rate = seen["post_events"] * 7 / params.window_days if complete else None
    row: Row = {
        "learner_key": anchor["actor_key"], "group": anchor["grp"], "t0": anchor["t"],
        "pre_start": bounds["pre_start"], "post_end": bounds["post_end"],
        "complete_window": complete, "pre_events": seen["pre_events"],
        "post_events": seen["post_events"], "pre_rate_per_week": pre_rate,
        "post_rate_per_week": post_rate,
        "change_per_week": None if post_rate is None else post_rate - pre_rate,
        "applied": seen["applied_events"] > 0, "pre_quality": seen["pre_quality"],
        "post_quality": seen["post_quality"],
        "in_change_stats": complete and seen["pre_events"] >= params.min_pre_events,
    }  # fmt: skip
    row.update({d: anchor[d] for d in dim_names(params)})
    return row


async def learners(session: AsyncSession, store_id: int, params: TransferParams) -> list[Row]:
    """One fact row per trained learner (t0 in the window) and per control peer."""
    anchors = await _anchors(session, store_id, params)
    seen = await _behaviour(session, store_id, params, anchors)
    as_of = params.as_of()
    return [_fact(params, a, seen.get(a["actor_key"]), as_of) for a in anchors]


def summary_columns(params: TransferParams) -> list[str]:
    return [*dim_names(params), "pseudo_t0", "n_trained", "n_complete", "n_applied",
            "application_rate", "n", "mean_pre_rate", "mean_post_rate", "mean_change",
            "ci_low", "ci_high", "p_wilcoxon", "effect_dz", "quality_n", "quality_change",
            "quality_ci_low", "quality_ci_high", "quality_p_wilcoxon", "n_control",
            "control_change", "did", "did_ci_low", "did_ci_high", "p_did",
            "suppressed"]  # fmt: skip


# Suppression (METRICS.md §2.7): the columns hidden, the count they rest on, and whether the
# threshold is `min_n` (descriptive) or `min_test_n` (inferential).
_HIDE = (
    (("n_applied", "application_rate"), "n_complete", False),
    (("mean_pre_rate", "mean_post_rate", "mean_change"), "n", False),
    (("ci_low", "ci_high", "p_wilcoxon", "effect_dz"), "n", True),
    (("quality_change",), "quality_n", False),
    (("quality_ci_low", "quality_ci_high", "quality_p_wilcoxon"), "quality_n", True),
    (("control_change",), "n_control", False),
    (("did",), "did_n", False),
    (("did_ci_low", "did_ci_high", "p_did"), "did_n", True),
)


def _suppress(params: TransferParams, row: Row) -> Row:
    counts = {**row, "did_n": min(row["n"], row["n_control"])}
    hidden = [column for columns, count, test in _HIDE
              if counts[count] < (params.min_test_n if test else params.min_n)
              for column in columns]  # fmt: skip
    row.update(dict.fromkeys(hidden))
    row["suppressed"] = bool(hidden)
    return row


def _quality(trained: list[Row]) -> Row:
    """The paired change of mean norm_score, learners with a score pre and post."""
    pairs = [r["post_quality"] - r["pre_quality"] for r in trained
             if r["pre_quality"] is not None and r["post_quality"] is not None]  # fmt: skip
    change = stats.paired_change(pairs)
    return {"quality_n": len(pairs), "quality_change": change["mean_change"],
            "quality_ci_low": change["ci_low"], "quality_ci_high": change["ci_high"],
            "quality_p_wilcoxon": change["p_wilcoxon"]}  # fmt: skip


def _summarise(params: TransferParams, members: list[Row]) -> Row:
    trained = [r for r in members if r["group"] == "trained"]
    complete = [r for r in trained if r["complete_window"]]
    counted = [r for r in trained if r["in_change_stats"]]
    controls = [r["change_per_week"] for r in members
                if r["group"] == "control" and r["in_change_stats"]]  # fmt: skip
    changes = [r["change_per_week"] for r in counted]
    applied = sum(r["applied"] for r in complete)
    row: Row = {
        "n_trained": len(trained), "n_complete": len(complete), "n_applied": applied,
        "application_rate": applied / len(complete) if complete else None, "n": len(counted),
        "mean_pre_rate": stats.mean([r["pre_rate_per_week"] for r in counted]),
        "mean_post_rate": stats.mean([r["post_rate_per_week"] for r in counted]),
        **stats.paired_change(changes), **_quality(counted), "n_control": len(controls),
        "control_change": stats.mean(controls),
    }  # fmt: skip
    did = stats.compare(changes, controls)
    row.update(did_ci_low=did["ci_low"], did_ci_high=did["ci_high"], p_did=did["p_welch"],
               did=None if not changes or not controls
               else row["mean_change"] - row["control_change"])  # fmt: skip
    return _suppress(params, row)


async def summary(session: AsyncSession, store_id: int, params: TransferParams) -> list[Row]:
    """One row per cohort cell (a single row without cohort dimensions)."""
    facts = await learners(session, store_id, params)
    names = dim_names(params)
    out = []
    cells = _cells(params, facts)
    for cell in sorted(cells, key=lambda k: tuple(map(str, k))):
        t0s = [r["t0"] for r in cells[cell] if r["group"] == "trained"]
        row: Row = dict(zip(names, cell, strict=True))
        row["pseudo_t0"] = _median(t0s) if t0s else None
        row.update(_summarise(params, cells[cell]))
        out.append(row)
    return out
