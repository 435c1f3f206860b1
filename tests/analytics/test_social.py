"""Social-learning engagement (METRICS.md §3.2) on a hand-worked fixture.

W = March 2025 (`since`/`until`), outcome window = the 30 days after it: [Apr 1, May 1).
"""

import json
import math
from typing import Any

import httpx
import pytest
from scipy import stats

from tests.analytics.support import ACROSSX, ADL, AS, JSON, TINCAN, key, person, post, rows, stmt
from tests.analytics.support import voiding as void

DEPT = "https://example.com/extensions/department"
MEETING = "http://adlnet.gov/expapi/activities/meeting"
W = {"since": "2025-03-01T00:00:00Z", "until": "2025-04-01T00:00:00Z", "outcome_days": 30}
OPEN = {**W, "min_n": 1, "min_test_n": 2}


def ctx(dept: str, **more: Any) -> JSON:
    return {"context": {"extensions": {DEPT: dept}, **more}}


def typed(who: str, verb: str, slug: str, kind: str, ts: str, dept: str, **more: Any) -> JSON:
    body = stmt(who, verb, slug, ts, **ctx(dept, **more))
    body["object"]["definition"] = {"type": kind}
    return body


def scored(who: str, verb: str, ts: str, dept: str, **score: float) -> JSON:
    return stmt(who, verb, "quiz", ts, result={"score": score}, **ctx(dept))


async def _fixture(client: httpx.AsyncClient) -> None:
    """Weeks start on Monday (Mar 3, Mar 10, ...).
    alice (Sales): commented Mar 3, shared in the old `schema/1.0/share` form Mar 4 (alias of
      ADL shared), liked Mar 10 with herself as instructor (not a peer), attended a meeting
      with instructor `inst` Mar 11 (conditional: meeting -> social), mentored the Agent bob
      Mar 12 -> 5 events, 5 verbs, peers {inst, bob} = 2, 2 active weeks.
      After W: passed 8/10 (0.8) Apr 5, failed scaled 0.5 Apr 10 -> score 0.65, pass rate 0.5.
    bob (Sales): answered a cmi.interaction Mar 5 (quiz item: not social); answered a forum
      reply Thu Mar 6 (social) with contextAgent carol (xAPI 2.0); commented Sun Mar 9 23:30Z
      and Mon Mar 10 01:00Z -> 3 events, 2 verbs, 1 peer; 2 weeks in UTC (Mar 3, Mar 10), but
      1 in New York, where both comments are on Sunday Mar 9 (EDT, -4 since that morning).
      After W: passed 9/10 Apr 2 -> 0.9, pass rate 1.
    carol (Legal): attended a course (not a meeting: not social), commented Mar 5 but voided
      -> 0 events. After W: failed 3/10 Apr 3 -> 0.3, pass rate 0.
    dave (Legal): no social; passed in March (inside W: not an outcome), passed scaled 0.7
      Apr 20, passed May 2 (after the outcome window) -> 0.7, pass rate 1.
    erin (Sales): AS like, acrossx liked and the `schema/1.0/like` form (alias of AS like)
      Mar 20 -> 3 events, 2 verbs; no outcome.
    k = 3: engaged alice, bob, erin; outcomes a = [0.65, 0.9], b = [0.3, 0.7]."""
    await post(
        client,
        stmt("alice", ADL + "commented", "m1", "2025-03-03T10:00:00Z", **ctx("Sales")),
        stmt("alice", "http://activitystrea.ms/schema/1.0/share", "m1", "2025-03-04T10:00:00Z",
             **ctx("Sales")),
        stmt("alice", ACROSSX + "liked", "m2", "2025-03-10T10:00:00Z",
             **ctx("Sales", instructor=person("alice"))),
        typed("alice", ADL + "attended", "meet", MEETING, "2025-03-11T10:00:00Z", "Sales",
              instructor=person("inst")),
        {**stmt("alice", TINCAN + "mentored", "x", "2025-03-12T10:00:00Z", **ctx("Sales")),
         "object": person("bob")},
        scored("alice", ADL + "passed", "2025-04-05T10:00:00Z", "Sales", raw=8, min=0, max=10),
        scored("alice", ADL + "failed", "2025-04-10T10:00:00Z", "Sales", scaled=0.5),
        stmt("bob", ADL + "commented", "m1", "2025-03-09T23:30:00Z", **ctx("Sales")),
        stmt("bob", ADL + "commented", "m1", "2025-03-10T01:00:00Z", **ctx("Sales")),
        typed("bob", ADL + "answered", "q1", "http://adlnet.gov/expapi/activities/cmi.interaction",
              "2025-03-05T10:00:00Z", "Sales"),
        scored("bob", ADL + "passed", "2025-04-02T10:00:00Z", "Sales", raw=9, min=0, max=10),
        typed("carol", ADL + "attended", "course", "http://adlnet.gov/expapi/activities/course",
              "2025-03-05T10:00:00Z", "Legal"),
        scored("carol", ADL + "failed", "2025-04-03T10:00:00Z", "Legal", raw=3, min=0, max=10),
        scored("dave", ADL + "passed", "2025-03-15T10:00:00Z", "Legal", scaled=0.1),
        scored("dave", ADL + "passed", "2025-04-20T10:00:00Z", "Legal", scaled=0.7),
        scored("dave", ADL + "passed", "2025-05-02T10:00:00Z", "Legal", scaled=0.1),
        stmt("erin", AS + "like", "m1", "2025-03-20T10:00:00Z", **ctx("Sales")),
        stmt("erin", ACROSSX + "liked", "m1", "2025-03-20T11:00:00Z", **ctx("Sales")),
        stmt("erin", "http://activitystrea.ms/schema/1.0/like", "m1", "2025-03-20T12:00:00Z",
             **ctx("Sales")),
    )  # fmt: skip
    forum = typed("bob", ADL + "answered", "t1", "http://id.tincanapi.com/activitytype/forum-reply",
                  "2025-03-06T10:00:00Z", "Sales",
                  contextAgents=[{"objectType": "contextAgent", "agent": person("carol")}])  # fmt: skip
    response = await client.post(
        "/statements", json=[forum], headers={"X-Experience-API-Version": "2.0.0"}
    )
    assert response.status_code == 200, response.text
    (comment,) = await post(
        client, stmt("carol", ADL + "commented", "m1", "2025-03-05T10:00:00Z", **ctx("Legal"))
    )
    await post(client, void(comment))


class TestSocialLearners:
    async def test_fact_rows_counts_peers_weeks_aliases_conditionals_and_voiding(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        await _fixture(client)
        facts = {r["learner_key"]: r for r in await rows(analytics, "/social/learners", **W)}
        assert set(facts) == {key(n) for n in ("alice", "bob", "carol", "dave", "erin")}
        got = {name: tuple(facts[key(name)][c] for c in ("social_events", "social_verbs",
                                                         "peers", "active_weeks", "engaged"))
               for name in ("alice", "bob", "carol", "dave", "erin")}  # fmt: skip
        assert got == {"alice": (5, 5, 2, 2, True), "bob": (3, 2, 1, 2, True),
                       "carol": (0, 0, 0, 0, False), "dave": (0, 0, 0, 0, False),
                       "erin": (3, 2, 0, 1, True)}  # fmt: skip
        outcomes = {k: (r["outcome"], r["outcome_n"]) for k, r in facts.items()}
        assert outcomes == {
            key("alice"): (pytest.approx(0.65), 2), key("bob"): (pytest.approx(0.9), 1),
            key("carol"): (pytest.approx(0.3), 1), key("dave"): (pytest.approx(0.7), 1),
            key("erin"): (None, 0),
        }  # fmt: skip
        assert facts[key("alice")]["window_end"] == "2025-04-01T00:00:00+00:00"
        assert facts[key("alice")]["outcome_end"] == "2025-05-01T00:00:00+00:00"

    async def test_weeks_follow_the_org_time_zone_and_pass_rate_outcome(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        await _fixture(client)
        found = await rows(analytics, "/social/learners", **W, tz="America/New_York",
                           outcome="pass_rate")  # fmt: skip
        facts = {r["learner_key"]: r for r in found}
        assert facts[key("bob")]["active_weeks"] == 1
        rates = {n: facts[key(n)]["outcome"] for n in ("alice", "bob", "carol", "dave")}
        assert rates == {"alice": 0.5, "bob": 1.0, "carol": 0.0, "dave": 1.0}

    async def test_without_conditionals_and_aliases(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        """No conditional verbs: alice loses the meeting (4 events, peers {bob}), bob the forum
        answer (2, no peer). No aliases: alice's `schema/1.0/share` and erin's `schema/1.0/like`
        are not in the set (alice 3, erin 2)."""
        await _fixture(client)
        facts = {r["learner_key"]: r for r in
                 await rows(analytics, "/social/learners", **W, conditional=False)}  # fmt: skip
        assert (facts[key("alice")]["social_events"], facts[key("alice")]["peers"]) == (4, 1)
        assert (facts[key("bob")]["social_events"], facts[key("bob")]["peers"]) == (2, 0)
        facts = {r["learner_key"]: r for r in
                 await rows(analytics, "/social/learners", **W, aliases=False)}  # fmt: skip
        assert facts[key("alice")]["social_events"] == 4
        assert facts[key("erin")]["social_events"] == 2


class TestSocialComparison:
    async def test_engaged_vs_not_engaged(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        """a = [0.65, 0.9] (mean 0.775, s2 0.03125), b = [0.3, 0.7] (mean 0.5, s2 0.08):
        diff 0.275; SE = sqrt(0.03125/2 + 0.08/2) = 0.23585, t = 1.166, Welch df 1.678.
        U = 3 of 4 pairs (0.65 < 0.7 is the one lost): rank-biserial 2*3/4 - 1 = 0.5; exact
        two-sided p = 2 * P(U >= 3) = 2 * 2/6. Hedges: pooled SD 0.23585, d = 1.166, J(df=2) =
        Gamma(1)/(Gamma(1/2) * 1) = 1/sqrt(pi). Spearman: events ranks [4, 3, 1.5, 1.5] vs
        outcome ranks [2, 4, 1, 3]: rho = 1/sqrt(4.5 * 5)."""
        await _fixture(client)
        (row,) = await rows(analytics, "/social", **OPEN)
        assert (row["n_learners"], row["n"], row["group_a_n"], row["group_b_n"]) == (5, 4, 2, 2)
        assert (row["tier"], row["threshold"], row["suppressed"]) == ("rule", 3, False)
        assert row["mean_a"] == pytest.approx(0.775)
        assert row["mean_b"] == pytest.approx(0.5)
        assert row["diff"] == pytest.approx(0.275)
        welch = stats.ttest_ind([0.65, 0.9], [0.3, 0.7], equal_var=False)
        assert welch.statistic == pytest.approx(0.275 / math.sqrt(0.055625))
        assert row["p_welch"] == pytest.approx(welch.pvalue)
        interval = welch.confidence_interval()
        assert (row["ci_low"], row["ci_high"]) == (pytest.approx(interval.low),
                                                   pytest.approx(interval.high))  # fmt: skip
        assert row["p_mwu"] == pytest.approx(2 / 3)
        assert row["rank_biserial"] == pytest.approx(0.5)
        assert row["hedges_g"] == pytest.approx(0.275 / math.sqrt(0.055625) / math.sqrt(math.pi))
        assert row["spearman_rho"] == pytest.approx(1 / math.sqrt(22.5))

    async def test_tercile_tier(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        """Events [0, 0, 3, 3, 5]: the 2/3 quantile is at position 4 * 2/3 = 2.67, between 3
        and 3 -> 3; engaged = more than 3: alice only."""
        await _fixture(client)
        (row,) = await rows(analytics, "/social", **OPEN, tier="tercile")
        assert (row["threshold"], row["group_a_n"], row["group_b_n"]) == (3, 1, 3)
        assert row["mean_b"] == pytest.approx((0.9 + 0.3 + 0.7) / 3)
        assert row["diff"] is None  # one engaged learner: no variance

    async def test_suppression_of_tests_and_of_small_groups(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        """min_test_n 20 (default): groups of 2 get means but no tests. min_n 5 (default):
        4 learners with an outcome -> nothing but the counts."""
        await _fixture(client)
        (row,) = await rows(analytics, "/social", **W, min_n=1)
        assert row["suppressed"] is True
        assert (row["mean_a"], row["mean_b"]) == (pytest.approx(0.775), pytest.approx(0.5))
        assert all(row[c] is None for c in ("diff", "ci_low", "p_welch", "p_mwu", "hedges_g",
                                            "rank_biserial", "spearman_rho"))  # fmt: skip
        (row,) = await rows(analytics, "/social", **W)
        assert (row["suppressed"], row["n"], row["mean_a"], row["mean_b"]) == (True, 4, None, None)

    async def test_per_cohort(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        """Legal: carol and dave, both not engaged; Sales: alice, bob (engaged, outcome) and
        erin (engaged, no outcome). carol's cohort comes from her outcome statement."""
        await _fixture(client)
        legal, sales = await rows(analytics, "/social", **OPEN, cohort=f"ext:{DEPT}")
        assert (legal["dim_1"], legal["n_learners"], legal["group_a_n"], legal["group_b_n"]) == (
            "Legal", 2, 0, 2)  # fmt: skip
        assert (legal["mean_a"], legal["mean_b"]) == (None, pytest.approx(0.5))
        assert (sales["dim_1"], sales["n_learners"], sales["group_a_n"], sales["group_b_n"]) == (
            "Sales", 3, 2, 0)  # fmt: skip

    async def test_a_learner_cohort_is_that_of_the_last_social_statement_else_first_outcome(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        """gus moved from Legal to Sales during W (comments Mar 2 and Mar 20, a pass on Apr 2
        as Ops): Sales. hal, not social, passed as Legal on Apr 3, then as Sales on Apr 9:
        Legal."""
        await post(
            client,
            stmt("gus", ADL + "commented", "m1", "2025-03-20T10:00:00Z", **ctx("Sales")),
            stmt("gus", ADL + "commented", "m1", "2025-03-02T10:00:00Z", **ctx("Legal")),
            scored("gus", ADL + "passed", "2025-04-02T10:00:00Z", "Ops", scaled=0.9),
            scored("hal", ADL + "passed", "2025-04-09T10:00:00Z", "Sales", scaled=0.8),
            scored("hal", ADL + "passed", "2025-04-03T10:00:00Z", "Legal", scaled=0.7),
        )
        found = await rows(analytics, "/social/learners", **OPEN, cohort=f"ext:{DEPT}")
        cohorts = {row["learner_key"]: row["dim_1"] for row in found}
        assert (cohorts[key("gus")], cohorts[key("hal")]) == ("Sales", "Legal")

    async def test_bad_parameters_are_400(self, analytics: httpx.AsyncClient) -> None:
        for params in ({"k": 0}, {"window_days": 10**9}, {"tier": "median"},
                       {"until": "9999-12-30T00:00:00Z"}, {"since": "0001-01-01T00:00:00Z"},
                       {"min_test_n": 1}, {"bogus": 1}):  # fmt: skip
            response = await analytics.get("/social", params=params)
            assert response.status_code in (200, 400), (params, response.text)
            assert response.status_code == 400 or "since" in params, params

    async def test_csv_echoes_any_parameter_in_an_ascii_header(
        self, analytics: httpx.AsyncClient
    ) -> None:
        """A header value must be Latin-1: non-Latin-1 parameters are JSON-escaped."""
        response = await analytics.get("/social", params={"format": "csv",
                                                          "social_verbs": "urn:\U0010efba"})  # fmt: skip
        assert response.status_code == 200, response.text
        echoed = json.loads(response.headers["X-Analytics-Params"])
        assert echoed["social_verbs"] == ["urn:\U0010efba"]
