"""Training transfer (METRICS.md §3.4) on a hand-worked fixture.

Trained when t0 is in [2025-01-01, 2025-07-01); as_of = until. P = W = 28 days, so a rate per
week is events / 4. Behaviour: dod-isd `performed`/`applied` and tincan `performed-offline`
(the default set) on `task` (performance type) or `checklist` (checklist-item type).
"""

import math
from typing import Any

import httpx
import pytest
from scipy import stats

from tests.analytics.support import ACT, ADL, CMI5, JSON, TINCAN, key, post, rows, stmt, voiding

DEPT = "https://example.com/extensions/department"
DOD = "https://w3id.org/xapi/dod-isd/verbs/"
PERF = "http://adlnet.gov/expapi/activities/performance"
CHECK = "http://id.tincanapi.com/activitytype/checklist-item"
PROGRAM = ACT + "leadership"
BASE: dict[str, Any] = {"program": PROGRAM, "since": "2025-01-01T00:00:00Z",
                        "until": "2025-07-01T00:00:00Z", "window_days": 28,
                        "pre_days": 28}  # fmt: skip
OPEN: dict[str, Any] = {**BASE, "min_n": 1, "min_test_n": 2}
SUPPORT = ("fay", "jon")


def ctx(who: str, **more: Any) -> JSON:
    dept = "Support" if who in SUPPORT else "Sales"
    return {"context": {"extensions": {DEPT: dept}, **more}}


def done(who: str, verb: str, ts: str, slug: str = "leadership", **more: Any) -> JSON:
    return stmt(who, verb, slug, ts, **ctx(who, **more))


def did(who: str, ts: str, kind: str = PERF, verb: str = DOD + "performed", **score: Any) -> JSON:
    body = stmt(who, verb, "task" if kind == PERF else "checklist", ts, **ctx(who))
    body["object"]["definition"] = {"type": kind}
    if score:
        body["result"] = {"score": score}
    return body


async def _fixture(client: httpx.AsyncClient) -> None:
    """Trained (Sales), t0 = first completion of `leadership`:
    ana completed Mar 1 (passed again Mar 20). Pre [Feb 1, Mar 1): Feb 10 (scaled 0.5) -> 1.
      Post (Mar 1, Mar 29]: Mar 5 (8/10, scaled 0.4), Mar 12 (checklist), Mar 20 -> 3; Apr 2
      is after it. 0.25 -> 0.75 per week, change 0.5, applied; quality 0.5 -> 0.8.
    ben launched Feb 1, completed in the old `schema/1.0/complete` form Mar 10 (alias).
      Pre [Feb 10, Mar 10): Feb 15 (6/10), Mar 1 (performed-offline, checklist) -> 2; post
      (Mar 10, Apr 7]: Mar 15 (scaled 0.7), Mar 20 voided -> 1. 0.5 -> 0.25, change -0.25;
      quality 0.6 -> 0.7.
    cat completed May 1. Pre [Apr 3, May 1): Apr 3 00:00 (the inclusive start) -> 1; at t0
      itself (checklist) -> neither; post (May 1, May 29]: May 10, May 29 00:00 (the
      inclusive end) -> 2. 0.25 -> 0.5, change 0.25.
    dan satisfied Jun 20: post window ends Jul 18, after as_of -> incomplete; pre Jun 1 -> 1,
      post Jun 25 -> 1 (applied, seen; Jul 5 is after as_of, unseen), no rate.
    eve completed Jan 15 and Apr 1: t0 Jan 15, no behaviour -> change 0, not applied.
    Not trained: ivy completed Dec 1, before the window (neither group); fay (Support)
      completed `module-1` of the grouping `leadership` Apr 1 (trained only with
      match=grouping); the admin's voiding statement (dated Mar 21) is no peer.
    Controls, pseudo-t0 = median t0 = Mar 10 (of Jan 15, Mar 1, Mar 10, May 1, Jun 20):
      gus (Sales): Feb 20 pre, Mar 25 post -> change 0. hal (Sales): launched Feb 1, Feb 12
      and Feb 28 pre, Apr 1 post -> -0.25. fay: Apr 10, after her post window -> 0.
      jon (Support): Mar 1 pre, Apr 5 post -> 0."""
    await post(
        client,
        done("ana", ADL + "completed", "2025-03-01T00:00:00Z"),
        done("ana", ADL + "passed", "2025-03-20T00:00:00Z"),
        did("ana", "2025-02-10T00:00:00Z", scaled=0.5),
        did("ana", "2025-03-05T00:00:00Z", raw=8, min=0, max=10, scaled=0.4),
        did("ana", "2025-03-12T00:00:00Z", CHECK, DOD + "applied"),
        did("ana", "2025-03-20T12:00:00Z"), did("ana", "2025-04-02T00:00:00Z"),
        done("ben", ADL + "launched", "2025-02-01T00:00:00Z"),
        done("ben", "http://activitystrea.ms/schema/1.0/complete", "2025-03-10T00:00:00Z"),
        did("ben", "2025-02-15T00:00:00Z", raw=6, min=0, max=10),
        did("ben", "2025-03-01T00:00:00Z", CHECK, TINCAN + "performed-offline"),
        did("ben", "2025-03-15T00:00:00Z", scaled=0.7),
        done("cat", ADL + "completed", "2025-05-01T00:00:00Z"),
        did("cat", "2025-04-03T00:00:00Z"), did("cat", "2025-05-01T00:00:00Z", CHECK),
        did("cat", "2025-05-10T00:00:00Z"), did("cat", "2025-05-29T00:00:00Z"),
        done("dan", CMI5 + "satisfied", "2025-06-20T00:00:00Z"),
        did("dan", "2025-06-01T00:00:00Z"), did("dan", "2025-06-25T00:00:00Z"),
        did("dan", "2025-07-05T00:00:00Z"),
        done("eve", ADL + "completed", "2025-01-15T00:00:00Z"),
        done("eve", ADL + "completed", "2025-04-01T00:00:00Z"),
        done("ivy", ADL + "completed", "2024-12-01T00:00:00Z"), did("ivy", "2025-03-15T00:00:00Z"),
        done("fay", ADL + "completed", "2025-04-01T00:00:00Z", "module-1",
             contextActivities={"grouping": [{"id": PROGRAM}]}),
        did("fay", "2025-04-10T00:00:00Z"),
        did("gus", "2025-02-20T00:00:00Z"), did("gus", "2025-03-25T00:00:00Z"),
        done("hal", ADL + "launched", "2025-02-01T00:00:00Z"),
        did("hal", "2025-02-12T00:00:00Z"), did("hal", "2025-02-28T00:00:00Z"),
        did("hal", "2025-04-01T00:00:00Z"),
        did("jon", "2025-03-01T00:00:00Z"), did("jon", "2025-04-05T00:00:00Z"),
    )  # fmt: skip
    (voided,) = await post(client, did("ben", "2025-03-20T00:00:00Z"))
    await post(client, {**voiding(voided), "timestamp": "2025-03-21T00:00:00Z"})


def _name(learner_key: str) -> str:
    return learner_key.split(":")[2].split("@")[0]


async def _facts(analytics: httpx.AsyncClient, **params: Any) -> dict[str, JSON]:
    return {_name(r["learner_key"]): r for r in await rows(analytics, "/transfer/learners",
                                                           **params)}  # fmt: skip


FACT = ("group", "pre_events", "post_events", "pre_rate_per_week", "post_rate_per_week",
        "change_per_week", "applied", "complete_window", "in_change_stats")  # fmt: skip
MARCH_10 = "2025-03-10T00:00:00+00:00"


class TestTransferLearners:
    async def test_trained_and_control_facts(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        await _fixture(client)
        facts = await _facts(analytics, **BASE)
        assert {n: tuple(r[c] for c in FACT) for n, r in facts.items()} == {
            "ana": ("trained", 1, 3, 0.25, 0.75, 0.5, True, True, True),
            "ben": ("trained", 2, 1, 0.5, 0.25, -0.25, True, True, True),
            "cat": ("trained", 1, 2, 0.25, 0.5, 0.25, True, True, True),
            "dan": ("trained", 1, 1, 0.25, None, None, True, False, False),
            "eve": ("trained", 0, 0, 0, 0, 0, False, True, True),
            "gus": ("control", 1, 1, 0.25, 0.25, 0, True, True, True),
            "hal": ("control", 2, 1, 0.5, 0.25, -0.25, True, True, True),
            "fay": ("control", 0, 0, 0, 0, 0, False, True, True),
            "jon": ("control", 1, 1, 0.25, 0.25, 0, True, True, True),
        }  # fmt: skip
        ana, ben = facts["ana"], facts["ben"]
        assert (ana["t0"], ana["pre_start"], ana["post_end"]) == (
            "2025-03-01T00:00:00+00:00",
            "2025-02-01T00:00:00+00:00",
            "2025-03-29T00:00:00+00:00",
        )
        assert (ana["pre_quality"], ana["post_quality"]) == (0.5, pytest.approx(0.8))
        assert (ben["t0"], ben["pre_quality"], ben["post_quality"]) == (
            MARCH_10, pytest.approx(0.6), 0.7)  # fmt: skip
        assert {facts[n]["t0"] for n in ("gus", "hal", "fay", "jon")} == {MARCH_10}
        assert facts["cat"]["pre_quality"] is None

    async def test_types_lag_score_source_and_min_pre_events(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        """Performance objects only: ana loses the checklist (post 2, change 0.25), ben his
        performed-offline checklist (pre 1, change 0). lag 14: ana's post window is (Mar 15,
        Apr 12] -> Mar 20, Apr 2 (no score). scaled_first: ana's post quality is 0.4. min_pre_events 1
        drops eve and fay (no pre event) from the change statistics; dan is out already."""
        await _fixture(client)
        typed = await _facts(analytics, **BASE, behaviour_types=PERF)
        assert (typed["ana"]["post_events"], typed["ana"]["change_per_week"]) == (2, 0.25)
        assert (typed["ben"]["pre_events"], typed["ben"]["change_per_week"]) == (1, 0)
        lagged = (await _facts(analytics, **BASE, lag_days=14))["ana"]
        assert (lagged["post_events"], lagged["post_end"], lagged["post_quality"]) == (
            2, "2025-04-12T00:00:00+00:00", None)  # fmt: skip
        scaled = await _facts(analytics, **BASE, score_source="scaled_first")
        assert scaled["ana"]["post_quality"] == 0.4
        strict = await _facts(analytics, **BASE, min_pre_events=1)
        assert {n for n, r in strict.items() if not r["in_change_stats"]} == {"dan", "eve", "fay"}

    async def test_without_aliases_the_old_complete_form_does_not_train(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        """ben becomes a control; the median of Jan 15, Mar 1, May 1, Jun 20 is halfway through
        the 61 days from Mar 1 to May 1: Mar 31 12:00."""
        await _fixture(client)
        facts = await _facts(analytics, **BASE, aliases=False)
        assert (facts["ben"]["group"], facts["ben"]["t0"]) == (
            "control",
            "2025-03-31T12:00:00+00:00",
        )

    async def test_grouping_match_and_cohort_cells(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        """match=grouping: fay is trained (t0 Apr 1, Apr 10 post -> change 0.25). Without a
        cohort the pseudo-t0 is the median of six t0s: halfway from Mar 10 to Apr 1 = Mar 21.
        By department: Support's pseudo-t0 is fay's Apr 1, so jon has Apr 5 post only."""
        await _fixture(client)
        facts = await _facts(analytics, **BASE, match="grouping")
        assert (facts["fay"]["group"], facts["fay"]["change_per_week"]) == ("trained", 0.25)
        assert facts["jon"]["t0"] == "2025-03-21T00:00:00+00:00"
        cells = await _facts(analytics, **BASE, match="grouping", cohort=f"ext:{DEPT}")
        assert (cells["jon"]["dim_1"], cells["jon"]["t0"], cells["jon"]["change_per_week"]) == (
            "Support", "2025-04-01T00:00:00+00:00", 0.25)  # fmt: skip
        assert (cells["gus"]["dim_1"], cells["gus"]["t0"]) == ("Sales", MARCH_10)
        by_object = await _facts(analytics, **BASE, cohort=f"ext:{DEPT}")
        assert set(by_object) == {"ana", "ben", "cat", "dan", "eve", "gus", "hal"}

    async def test_csv(self, client: httpx.AsyncClient, analytics: httpx.AsyncClient) -> None:
        await _fixture(client)
        response = await analytics.get("/transfer/learners", params={**BASE, "format": "csv"})
        assert response.headers["content-type"].startswith("text/csv")
        header, *lines = response.text.splitlines()
        assert header.startswith("metric,params_hash,learner_key,group,t0,pre_start,")
        ana = next(line for line in lines if key("ana") in line).split(",")
        assert ana[0] == "transfer.learners"
        assert ana[3:13] == ["trained", "2025-03-01T00:00:00+00:00", "2025-02-01T00:00:00+00:00",
                             "2025-03-29T00:00:00+00:00", "true", "1", "3", "0.25", "0.75",
                             "0.5"]  # fmt: skip


class TestTransferSummary:
    async def test_application_paired_change_quality_and_did(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        """Complete windows: ana, ben, cat, eve (dan's ends after as_of); applied 3 of 4.
        Changes T = [0.5, -0.25, 0.25, 0]: mean 0.125, s^2 = 0.3125/3, d_z = 0.125/s; CI =
        0.125 -+ t(3, 0.975) s/2. Wilcoxon drops eve's 0. Pre rates [0.25, 0.5, 0.25, 0] ->
        0.25, post [0.75, 0.25, 0.5, 0] -> 0.375. Quality: ana +0.3, ben +0.1 -> 0.2, CI 0.2
        -+ t(1, 0.975) 0.1, exact Wilcoxon p 2/4. Controls C = [0, -0.25, 0, 0] -> -0.0625;
        DiD 0.125 + 0.0625 = 0.1875, Welch CI of T vs C."""
        await _fixture(client)
        (row,) = await rows(analytics, "/transfer", **OPEN)
        assert (row["n_trained"], row["n_complete"], row["n_applied"], row["n"]) == (5, 4, 3, 4)
        assert (row["application_rate"], row["pseudo_t0"]) == (0.75, MARCH_10)
        assert (row["mean_pre_rate"], row["mean_post_rate"], row["mean_change"]) == (
            0.25, 0.375, 0.125)  # fmt: skip
        s = math.sqrt(0.3125 / 3)
        half = stats.t.ppf(0.975, 3) * s / 2
        assert (row["ci_low"], row["ci_high"]) == (pytest.approx(0.125 - half),
                                                   pytest.approx(0.125 + half))  # fmt: skip
        assert row["effect_dz"] == pytest.approx(0.125 / s)
        assert row["p_wilcoxon"] == pytest.approx(stats.wilcoxon([0.5, -0.25, 0.25]).pvalue)
        assert (row["quality_n"], row["quality_change"]) == (2, pytest.approx(0.2))
        half = stats.t.ppf(0.975, 1) * 0.1
        assert (row["quality_ci_low"], row["quality_ci_high"], row["quality_p_wilcoxon"]) == (
            pytest.approx(0.2 - half), pytest.approx(0.2 + half), 0.5)  # fmt: skip
        assert (row["n_control"], row["control_change"], row["did"]) == (4, -0.0625, 0.1875)
        welch = stats.ttest_ind([0.5, -0.25, 0.25, 0], [0, -0.25, 0, 0], equal_var=False)
        interval = welch.confidence_interval()
        assert (row["did_ci_low"], row["did_ci_high"], row["p_did"]) == (
            pytest.approx(interval.low),
            pytest.approx(interval.high),
            pytest.approx(welch.pvalue),
        )
        assert row["suppressed"] is False

    async def test_suppression(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        """Defaults (min_n 5, min_test_n 20): 4 complete windows, 4 in the change statistics,
        4 controls -> only the counts. min_n 4: rate, means and DiD; quality (2) and every
        test hidden. min_pre_events 1 drops eve (no pre event) from the change statistics,
        not from the application rate (3/4): n = 3, mean change (0.5 - 0.25 + 0.25) / 3."""
        await _fixture(client)
        (row,) = await rows(analytics, "/transfer", **BASE)
        assert (row["n_trained"], row["n"], row["n_control"], row["suppressed"]) == (5, 4, 4, True)
        assert all(row[c] is None for c in ("n_applied", "application_rate", "mean_change",
                                            "control_change", "did", "ci_low", "p_did"))  # fmt: skip
        (row,) = await rows(analytics, "/transfer", **BASE, min_n=4)
        assert (row["application_rate"], row["mean_change"], row["did"]) == (0.75, 0.125, 0.1875)
        assert all(row[c] is None for c in ("ci_low", "p_wilcoxon", "effect_dz", "quality_change",
                                            "did_ci_low", "p_did"))  # fmt: skip
        (row,) = await rows(analytics, "/transfer", **OPEN, min_pre_events=1)
        assert (row["n"], row["application_rate"], row["mean_change"]) == (
            3, 0.75, pytest.approx(0.5 / 3))  # fmt: skip

    async def test_per_cohort_cell_with_grouping_match(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        """Sales: controls gus 0 and hal -0.25 -> -0.125, DiD 0.25. Support: fay (applied,
        change 0.25) vs jon (0.25) -> DiD 0, no CI with one learner a side."""
        await _fixture(client)
        sales, support = await rows(analytics, "/transfer", **OPEN, match="grouping",
                                    cohort=f"ext:{DEPT}")  # fmt: skip
        assert (sales["dim_1"], sales["n_trained"], sales["control_change"], sales["did"]) == (
            "Sales", 5, -0.125, 0.25)  # fmt: skip
        assert (support["dim_1"], support["pseudo_t0"], support["application_rate"]) == (
            "Support", "2025-04-01T00:00:00+00:00", 1.0)  # fmt: skip
        assert (support["did"], support["did_ci_low"], support["ci_low"]) == (0, None, None)

    async def test_without_completions_one_empty_row(self, analytics: httpx.AsyncClient) -> None:
        (row,) = await rows(analytics, "/transfer", **OPEN)
        assert (row["n_trained"], row["n_control"], row["pseudo_t0"], row["did"]) == (
            0, 0, None, None)  # fmt: skip

    async def test_bad_parameters_are_400(self, analytics: httpx.AsyncClient) -> None:
        without = {k: v for k, v in BASE.items() if k != "program"}
        for params in (without, {**BASE, "window_days": 0}, {**BASE, "pre_days": 3661},
                       {**BASE, "lag_days": -1}, {**BASE, "min_test_n": 1},
                       {**BASE, "match": "sibling"}, {**BASE, "bogus": 1}):  # fmt: skip
            for path in ("/transfer", "/transfer/learners"):
                response = await analytics.get(path, params=params)
                assert response.status_code == 400, (path, params, response.text)
