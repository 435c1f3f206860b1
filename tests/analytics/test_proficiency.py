"""Time-to-proficiency (METRICS.md §3.3) on a hand-worked fixture; days are 86400 s.

Window: anchors in [2025-01-01, 2025-07-01); as_of = until = 2025-07-01T00:00Z.
"""

from typing import Any

import httpx
import pytest

from tests.analytics.support import ACT, ADL, JSON, TLA, key, post, rows, stmt, voiding

ROLE = "https://example.com/extensions/role"
CERT = "https://example.com/activitytypes/certification"
QUIZ = "http://adlnet.gov/expapi/activities/assessment"
ONBOARDING = ACT + "onboarding"
WINDOW = {"since": "2025-01-01T00:00:00Z", "until": "2025-07-01T00:00:00Z",
          "role_extension": ROLE, "min_n": 1}  # fmt: skip


def hired(who: str, ts: str, role: str) -> JSON:
    return stmt(who, TLA + "employed", "acme", ts, context={"extensions": {ROLE: role}})


def mastered(who: str, ts: str) -> JSON:
    return stmt(who, ADL + "mastered", "skill", ts)


def exam(who: str, verb: str, ts: str, kind: str = CERT, **score: Any) -> JSON:
    body = stmt(who, ADL + verb, "cert" if kind == CERT else "quiz", ts, result={"score": score})
    body["object"]["definition"] = {"type": kind}
    return body


async def _fixture(client: httpx.AsyncClient) -> None:
    """Sales: ana hired Jan 10, mastered Feb 9 -> 30 d. ben hired Jan 20, mastered Mar 21 ->
    60 d. cat hired Jan 31 23:00Z (Feb 1 in Paris), never proficient -> censored, observed
    150 d 1 h. dan hired Jan 5, mastered Dec 20 (before start) -> 0 d, flagged.
    Support: eve hired Jan 15, mastered Jan 25 -> 10 d; rehired Apr 1 (spell 2), mastered
    May 31 -> 60 d. fay has no employment statement: first statement in the onboarding
    program (grouping) Feb 3 with role Support; her mastered of Feb 13 is voided -> censored,
    148 d. gus was hired Dec 15, before the window -> no row.
    Exams (certification type unless said): ana passed 7/10 Jan 20, passed 9/10 Jan 25; ben
    passed a quiz (assessment type) scaled 0.85 Feb 1, failed 5/10 Feb 5, passed 8/10 Feb 19,
    passed 9/10 Mar 1."""
    onboard = stmt("fay", ADL + "launched", "welcome", "2025-02-03T00:00:00Z",
                   context={"extensions": {ROLE: "Support"},
                            "contextActivities": {"grouping": [{"id": ONBOARDING}]}})  # fmt: skip
    await post(
        client,
        hired("ana", "2025-01-10T00:00:00Z", "Sales"), mastered("ana", "2025-02-09T00:00:00Z"),
        hired("ben", "2025-01-20T00:00:00Z", "Sales"), mastered("ben", "2025-03-21T00:00:00Z"),
        hired("cat", "2025-01-31T23:00:00Z", "Sales"),
        hired("dan", "2025-01-05T00:00:00Z", "Sales"), mastered("dan", "2024-12-20T00:00:00Z"),
        hired("eve", "2025-01-15T00:00:00Z", "Support"), mastered("eve", "2025-01-25T00:00:00Z"),
        hired("eve", "2025-04-01T00:00:00Z", "Support"), mastered("eve", "2025-05-31T00:00:00Z"),
        hired("gus", "2024-12-15T00:00:00Z", "Sales"), mastered("gus", "2025-01-15T00:00:00Z"),
        onboard,
        exam("ana", "passed", "2025-01-20T00:00:00Z", raw=7, min=0, max=10),
        exam("ana", "passed", "2025-01-25T00:00:00Z", raw=9, min=0, max=10),
        exam("ben", "passed", "2025-02-01T00:00:00Z", kind=QUIZ, scaled=0.85),
        exam("ben", "failed", "2025-02-05T00:00:00Z", raw=5, min=0, max=10),
        exam("ben", "passed", "2025-02-19T00:00:00Z", raw=8, min=0, max=10),
        exam("ben", "passed", "2025-03-01T00:00:00Z", raw=9, min=0, max=10),
    )  # fmt: skip
    (voided,) = await post(client, mastered("fay", "2025-02-13T00:00:00Z"))
    await post(client, voiding(voided))


def _facts(found: list[JSON]) -> dict[tuple[str, int], JSON]:
    return {(r["learner_key"], r["spell"]): r for r in found}


class TestTimeToProficiency:
    async def test_fact_rows_rehire_censoring_before_start_and_onboarding(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        await _fixture(client)
        facts = _facts(await rows(analytics, "/time-to-proficiency/learners", **WINDOW,
                                  onboarding=ONBOARDING))  # fmt: skip
        got = {(k[0].split(":")[2].split("@")[0], k[1]): (r["ttp_days"], r["censored"],
                                                           r["before_start"])
               for k, r in facts.items()}  # fmt: skip
        assert got == {
            ("ana", 1): (30, False, False), ("ben", 1): (60, False, False),
            ("cat", 1): (None, True, False), ("dan", 1): (0, False, True),
            ("eve", 1): (10, False, False), ("eve", 2): (60, False, False),
            ("fay", 1): (None, True, False),
        }  # fmt: skip
        cat, fay = facts[(key("cat"), 1)], facts[(key("fay"), 1)]
        assert cat["observed_days"] == pytest.approx(150 + 1 / 24)
        assert (fay["anchor"], fay["role"], fay["observed_days"]) == ("onboarding", "Support", 148)
        assert facts[(key("eve"), 2)]["hire_cohort_month"] == "2025-04"
        assert facts[(key("dan"), 1)]["t_proficient"] == "2024-12-20T00:00:00+00:00"

    async def test_without_onboarding_the_learner_has_no_anchor(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        await _fixture(client)
        found = await rows(analytics, "/time-to-proficiency/learners", **WINDOW)
        assert key("fay") not in {r["learner_key"] for r in found}
        assert len(found) == 6

    async def test_summary_per_role_and_hire_month_with_kaplan_meier(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        """Sales 2025-01: ttp [0, 30, 60] and cat censored at 150.04. Linear p50 30, p90
        30 + 0.8 x 30 = 54. Kaplan-Meier: S = 3/4 after 0, 1/2 after 30, 1/4 after 60 ->
        share by day 30: 0.5, by 60 and 90: 0.75; median 30; never 0.9 -> km_p90 null.
        Support: 2025-01 eve (10), 2025-02 fay (censored), 2025-04 eve's rehire (60)."""
        await _fixture(client)
        found = await rows(analytics, "/time-to-proficiency", **WINDOW, onboarding=ONBOARDING)
        groups = {(r["role"], r["hire_cohort_month"]): r for r in found}
        assert set(groups) == {("Sales", "2025-01"), ("Support", "2025-01"),
                               ("Support", "2025-02"), ("Support", "2025-04")}  # fmt: skip
        sales = groups[("Sales", "2025-01")]
        assert (sales["n"], sales["n_proficient"], sales["n_censored"],
                sales["n_before_start"]) == (4, 3, 1, 1)  # fmt: skip
        assert (sales["p50_days"], sales["p90_days"]) == (30, pytest.approx(54))
        assert (sales["km_p50_days"], sales["km_p90_days"]) == (30, None)
        assert (sales["pct_by_30"], sales["pct_by_60"], sales["pct_by_90"]) == (0.5, 0.75, 0.75)
        fay = groups[("Support", "2025-02")]
        assert (fay["n"], fay["n_proficient"], fay["km_p50_days"], fay["pct_by_90"]) == (
            1, 0, None, 0)  # fmt: skip
        assert groups[("Support", "2025-04")]["p50_days"] == 60

    async def test_hire_month_in_the_org_time_zone_and_suppression(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        """In Paris cat is hired on Feb 1: Sales 2025-01 keeps ana, ben, dan (3)."""
        await _fixture(client)
        found = await rows(analytics, "/time-to-proficiency", **{**WINDOW, "min_n": 3},
                           tz="Europe/Paris")  # fmt: skip
        groups = {(r["role"], r["hire_cohort_month"]): r for r in found}
        january, february = groups[("Sales", "2025-01")], groups[("Sales", "2025-02")]
        assert (january["n"], january["suppressed"], january["p50_days"]) == (3, False, 30)
        assert (february["n"], february["suppressed"], february["n_censored"]) == (1, True, None)

    async def test_passed_with_theta_on_an_activity_type_and_consecutive_passes(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        """theta 0.8 on certifications: ana's 0.7 does not count, 0.9 on Jan 25 -> 15 d; ben's
        quiz 0.85 is not a certification, his 0.8 of Feb 19 counts (>=) -> 30 d. Any type:
        ana 15 d, ben's quiz -> 12 d. Two consecutive passes on certifications: ana Jan 25 -> 15 d; ben
        failed Feb 5, so Feb 19 + Mar 1 -> 40 d."""
        await _fixture(client)
        path = "/time-to-proficiency/learners"
        passed = _facts(await rows(analytics, path, **WINDOW, criterion="passed",
                                   activity_type=CERT))  # fmt: skip
        assert (passed[(key("ana"), 1)]["ttp_days"], passed[(key("ben"), 1)]["ttp_days"]) == (
            15, 30)  # fmt: skip
        assert passed[(key("cat"), 1)]["censored"] is True
        anything = _facts(await rows(analytics, path, **WINDOW, criterion="passed"))
        # ana's 7/10 stays below theta on any type too; her 9/10 counts.
        assert (anything[(key("ana"), 1)]["ttp_days"], anything[(key("ben"), 1)]["ttp_days"]) == (
            15, 12)  # fmt: skip
        streak = _facts(await rows(analytics, path, **WINDOW, criterion="consecutive", streak=2,
                                   activity=ACT + "cert"))  # fmt: skip
        assert (streak[(key("ana"), 1)]["ttp_days"], streak[(key("ben"), 1)]["ttp_days"]) == (
            15, 40)  # fmt: skip

    async def test_bad_parameters_are_400(self, analytics: httpx.AsyncClient) -> None:
        for params in ({"theta": 2}, {"streak": 0}, {"criterion": "vibes"}, {"tz": "Mars/Base"}):
            response = await analytics.get("/time-to-proficiency", params=params)
            assert response.status_code == 400, (params, response.text)
