"""KPIs (METRICS.md §3.5) on hand-worked golden fixtures; the arithmetic is in each docstring."""

import httpx
import pytest

from tests.analytics.support import ACT, ADL, CMI5, TINCAN, key, post, rows, stmt, voiding

TLA_DUE = "https://w3id.org/xapi/tla/extensions/due_date"
VALID = "http://id.tincanapi.com/extension/valid-until"
QUALITY = "http://id.tincanapi.com/extension/quality-rating"


def dur(iso: str, reg: str | None = None) -> dict[str, object]:
    parts: dict[str, object] = {"result": {"duration": iso}}
    if reg:
        parts["context"] = {"registration": reg}
    return parts


R1 = "11111111-1111-4111-8111-111111111111"
R2 = "22222222-2222-4222-8222-222222222222"


async def _hours_fixture(client: httpx.AsyncClient) -> None:
    """alice, cmi5 registration R1 on AU `au`: completed 30 min and passed 20 min are inside
    the two sessions terminated after 1 h and 30 min -> 1.5 h (not 2 h 20 min).
    alice, meeting without registration attended 2 h then 1 h -> max = 2 h.
    bob, registration R2, module completed 10 min then again 40 min (the P0.5H... form is
    not used: `PT40M`) -> max = 40 min; its last statement is 2025-03-01T03:00Z, which is
    still February in New York.
    bob attended 10 h -> capped at 8 h (capped_n 1). bob's 5 h statement is voided."""
    await post(
        client,
        stmt("alice", ADL + "completed", "au", "2025-03-10T10:20:00Z", **dur("PT30M", R1)),
        stmt("alice", ADL + "passed", "au", "2025-03-10T10:25:00Z", **dur("PT20M", R1)),
        stmt("alice", ADL + "terminated", "au", "2025-03-10T11:00:00Z", **dur("PT1H", R1)),
        stmt("alice", ADL + "terminated", "au", "2025-03-11T09:00:00Z", **dur("PT30M", R1)),
        stmt("alice", ADL + "attended", "m1", "2025-03-12T09:00:00Z", **dur("PT2H")),
        stmt("alice", ADL + "attended", "m1", "2025-03-13T09:00:00Z", **dur("PT1H")),
        stmt("bob", ADL + "completed", "x", "2025-02-27T12:00:00Z", **dur("PT10M", R2)),
        stmt("bob", ADL + "completed", "x", "2025-03-01T03:00:00Z", **dur("PT40M", R2)),
        stmt("bob", ADL + "attended", "m2", "2025-03-15T09:00:00Z", **dur("PT10H")),
    )
    (voided,) = await post(
        client, stmt("bob", ADL + "attended", "m3", "2025-03-16T09:00:00Z", **dur("PT5H"))
    )
    await post(client, voiding(voided))


class TestLearningHours:
    async def test_cmi5_sessions_max_per_experience_cap_and_voiding(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        await _hours_fixture(client)
        (march,) = await rows(analytics, "/kpis/learning-hours", min_n=1, headcount=4)
        assert march["period_start"] == "2025-03-01T00:00:00"
        assert march["period_end"] == "2025-04-01T00:00:00"
        assert (march["n"], march["experiences"], march["capped_n"]) == (2, 4, 1)
        total = 1.5 + 2 + 40 / 60 + 8
        assert march["hours"] == pytest.approx(total)
        assert march["hours_per_learner"] == pytest.approx(total / 2)
        assert march["hours_per_employee"] == pytest.approx(total / 4)

    async def test_periods_follow_the_org_time_zone(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        await _hours_fixture(client)
        feb, march = await rows(analytics, "/kpis/learning-hours", min_n=1, tz="America/New_York")
        assert (feb["period_start"], feb["n"]) == ("2025-02-01T00:00:00", 1)
        assert feb["hours"] == pytest.approx(40 / 60)
        assert (march["n"], march["experiences"]) == (2, 3)
        assert march["hours"] == pytest.approx(1.5 + 2 + 8)

    async def test_small_cohorts_are_suppressed(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        await _hours_fixture(client)
        (march,) = await rows(analytics, "/kpis/learning-hours", min_n=3)
        assert march["suppressed"] is True
        assert march["n"] == 2
        assert march["hours"] is None

    async def test_cohort_by_context_extension(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        ext = "https://example.com/extensions/department"
        await post(
            client,
            stmt("a", ADL + "attended", "m", "2025-01-02T00:00:00Z", result={"duration": "PT1H"},
                 context={"extensions": {ext: "Sales"}}),
            stmt("b", ADL + "attended", "m", "2025-01-02T00:00:00Z", result={"duration": "P1W"},
                 context={"extensions": {ext: "Legal"}}),
        )  # fmt: skip
        found = await rows(
            analytics, "/kpis/learning-hours", min_n=1, period="all", cohort=f"ext:{ext}",
            max_session_hours=200,
        )  # fmt: skip
        by_dim = {row["dim_1"]: row["hours"] for row in found}
        assert by_dim == {"Legal": pytest.approx(168.0), "Sales": pytest.approx(1.0)}


async def _completion_fixture(client: httpx.AsyncClient) -> None:
    """Enrolled in March on activity `a` (launched): alice, bob, carol, dave, erin, frank.
    alice completes in March; bob passes in April (eventual only); carol completes with the
    old Activity Streams IRI `schema/1.0/complete` (alias) in March; dave waives; erin's only
    completion precedes her enrolment; frank's completion is voided.
    -> n 6, completers 3 (rate 0.5), in period 2 (alice, carol), waived 1."""
    await post(
        client,
        stmt("erin", ADL + "completed", "a", "2025-03-01T08:00:00Z"),
        *(stmt(who, ADL + "launched", "a", f"2025-03-0{day}T10:00:00Z")
          for who, day in (("alice", 1), ("bob", 2), ("carol", 3), ("dave", 4), ("erin", 5),
                           ("frank", 6))),
        stmt("carol", ADL + "launched", "a", "2025-03-20T10:00:00Z"),
        stmt("alice", ADL + "completed", "a", "2025-03-09T10:00:00Z"),
        stmt("bob", ADL + "passed", "a", "2025-04-02T10:00:00Z"),
        stmt("carol", "http://activitystrea.ms/schema/1.0/complete", "a", "2025-03-11T10:00:00Z"),
        stmt("dave", CMI5 + "waived", "a", "2025-03-25T10:00:00Z"),
    )  # fmt: skip
    (voided,) = await post(client, stmt("frank", ADL + "completed", "a", "2025-03-07T10:00:00Z"))
    await post(client, voiding(voided))


class TestCompletionRate:
    async def test_eventual_and_within_period_completion(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        await _completion_fixture(client)
        window = {"since": "2025-03-01T00:00:00Z", "until": "2025-05-01T00:00:00Z"}
        (row,) = await rows(analytics, "/kpis/completion-rate", **window)
        assert row["activity_id"] == ACT + "a"
        assert (row["n"], row["completers"], row["completers_in_period"]) == (6, 3, 2)
        assert row["completion_rate"] == pytest.approx(0.5)
        assert row["completion_rate_in_period"] == pytest.approx(2 / 6)
        assert row["waived_n"] == 1

    async def test_one_period_for_the_whole_window(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        """period=all: one row for the window; within-period is then the same as eventual."""
        await _completion_fixture(client)
        window = {"since": "2025-03-01T00:00:00Z", "until": "2025-05-01T00:00:00Z"}
        (row,) = await rows(analytics, "/kpis/completion-rate", period="all", **window)
        assert (row["n"], row["completers"], row["completers_in_period"]) == (6, 3, 3)

    async def test_waived_can_count_and_aliases_can_be_switched_off(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        await _completion_fixture(client)
        (waived,) = await rows(analytics, "/kpis/completion-rate", count_waived="true")
        assert waived["completers"] == 4
        (strict,) = await rows(analytics, "/kpis/completion-rate", aliases="false")
        assert strict["completers"] == 2


async def _compliance_fixture(client: httpx.AsyncClient) -> None:
    """Required activity `c`, as_of 2025-06-01:
    alice on time, valid until 2026 -> compliant; bob late -> overdue; carol due 06-15,
    nothing yet -> pending; dave on time, valid until 06-20 -> compliant and expiring within
    30 days; erin on time but `expired` later -> overdue; frank no due date, waived ->
    compliant; gina on time but valid-until 05-15 < as_of -> overdue; hank due "2025-05-01",
    completed 2025-05-01T23:00Z: on time in UTC, late in Tokyo (the day ends 15:00Z)."""

    def assigned(who: str, due: str | None) -> dict[str, object]:
        context = {"extensions": {TLA_DUE: due}} if due else {}
        return stmt(who, "https://w3id.org/xapi/acrossx/verbs/was-assigned", "c",
                    "2025-04-01T00:00:00Z", context=context)  # fmt: skip

    def done(
        who: str, ts: str, verb: str = ADL + "completed", until: str | None = None
    ) -> dict[str, object]:
        result = {"extensions": {VALID: until}} if until else {}
        return stmt(who, verb, "c", ts, result=result)

    await post(
        client,
        *(assigned(who, "2025-05-01") for who in ("alice", "bob", "dave", "erin", "gina", "hank")),
        assigned("carol", "2025-06-15"), assigned("frank", None),
        done("alice", "2025-04-20T00:00:00Z", until="2026-04-20"),
        done("bob", "2025-05-10T00:00:00Z"),
        done("dave", "2025-04-10T00:00:00Z", ADL + "passed", until="2025-06-20T00:00:00Z"),
        done("erin", "2025-04-05T00:00:00Z"),
        stmt("erin", TINCAN + "expired", "c", "2025-05-20T00:00:00Z"),
        done("frank", "2025-05-01T00:00:00Z", CMI5 + "waived"),
        done("gina", "2025-04-02T00:00:00Z", until="2025-05-15"),
        done("hank", "2025-05-01T23:00:00Z"),
    )  # fmt: skip


class TestCompliance:
    async def test_adherence_overdue_pending_and_expiring(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        await _compliance_fixture(client)
        (row,) = await rows(
            analytics, "/kpis/compliance", until="2025-06-01T00:00:00Z", activity=ACT + "c"
        )
        assert (row["n"], row["compliant_n"], row["overdue_n"], row["pending_n"]) == (8, 4, 3, 1)
        assert row["expiring_in_30d_n"] == 1
        assert row["adherence_rate"] == pytest.approx(0.5)
        assert row["as_of"] == "2025-06-01T00:00:00+00:00"

    async def test_date_only_due_dates_end_in_the_org_time_zone(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        await _compliance_fixture(client)
        (row,) = await rows(
            analytics, "/kpis/compliance", until="2025-06-01T00:00:00Z", tz="Asia/Tokyo"
        )
        assert (row["compliant_n"], row["overdue_n"]) == (3, 4)


class TestSatisfaction:
    async def test_ratings_normalized_top_box_and_response_rate(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        """Ratings of `s`: alice 5/1..5 -> 1.0 and bob 4/1..5 -> 0.75 (quality-rating), carol
        score 2/1..5 -> 0.25, dave scaled 0.5; erin's 1/1..5 is voided. mean 0.625, median of
        [.25, .5, .75, 1] = 0.625, top box (>= 0.75) 2/4, 4 responders / 6 completers."""

        def rated(who: str, **result: object) -> dict[str, object]:
            return stmt(who, TINCAN + "rated", "s", "2025-03-05T00:00:00Z", result=result)

        def quality(raw: int) -> dict[str, object]:
            return {QUALITY: {"raw": raw, "min": 1, "max": 5}}

        await post(
            client, rated("alice", extensions=quality(5)), rated("bob", extensions=quality(4)),
            rated("carol", score={"raw": 2, "min": 1, "max": 5}),
            rated("dave", score={"scaled": 0.5}),
            *(stmt(w, ADL + "completed", "s", "2025-03-04T00:00:00Z")
              for w in ("alice", "bob", "carol", "dave", "erin", "frank")),
        )  # fmt: skip
        (voided,) = await post(client, rated("erin", extensions=quality(1)))
        await post(client, voiding(voided))
        (row,) = await rows(analytics, "/kpis/satisfaction", min_n=1)
        assert (row["n"], row["responders"], row["completers"]) == (4, 4, 6)
        assert row["mean"] == pytest.approx(0.625)
        assert row["p50"] == pytest.approx(0.625)
        assert row["top_box_share"] == pytest.approx(0.5)
        assert row["response_rate"] == pytest.approx(4 / 6)
        (hidden,) = await rows(analytics, "/kpis/satisfaction")
        assert hidden["suppressed"] is True
        assert hidden["mean"] is None


class TestFramework:
    async def test_csv_by_accept_header_echoes_parameters(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        await _hours_fixture(client)
        response = await analytics.get(
            "/kpis/learning-hours", params={"min_n": 1}, headers={"Accept": "text/csv"}
        )
        assert response.headers["content-type"].startswith("text/csv")
        header, line = response.text.splitlines()
        assert header.startswith("metric,params_hash,period_start,period_end,n,")
        assert line.startswith("kpi.learning_hours,")
        assert '"min_n":1' in response.headers["x-analytics-params"]
        as_json = await analytics.get("/kpis/learning-hours", params={"min_n": 1, "format": "json"})
        assert as_json.json()["params"]["min_n"] == 1

    async def test_unknown_parameters_and_bad_values_answer_400(
        self, analytics: httpx.AsyncClient
    ) -> None:
        unknown = await analytics.get("/kpis/learning-hours", params={"colour": "red"})
        assert unknown.status_code == 400
        zone = await analytics.get("/kpis/learning-hours", params={"tz": "Mars/Olympus"})
        assert zone.status_code == 400
        assert "time zone" in zone.json()["message"]
        # PostgreSQL text cannot hold U+0000: refused with the field named, on every signal.
        for path, name in (("/friction", "schedule_verbs"), ("/kpis/compliance", "activity"),
                           ("/time-to-proficiency", "onboarding")):  # fmt: skip
            nul = await analytics.get(path, params={name: "http://example.com/\x00"})
            assert nul.status_code == 400, nul.text
            assert name in nul.text

    async def test_the_analytics_scope_is_required(
        self, app: object, analytics: httpx.AsyncClient, store: object
    ) -> None:
        from tests.conftest import StoreAccess, new_credential

        assert isinstance(store, StoreAccess)
        writer = await new_credential(app, store.store_id, ["statements/write"])  # type: ignore[arg-type]
        denied = await analytics.get("/kpis/learning-hours", auth=writer.auth)
        assert denied.status_code == 403
        analyst = await new_credential(app, store.store_id, ["analytics/read"])  # type: ignore[arg-type]
        allowed = await analytics.get("/kpis/learning-hours", auth=analyst.auth)
        assert allowed.status_code == 200
        assert key("x") == "mbox:mailto:x@example.com"


DEPT = "https://example.com/extensions/department"


def in_dept(dept: str) -> dict[str, object]:
    return {"context": {"extensions": {DEPT: dept}, "platform": f"{dept} app"}}


# Extension cohorts are read from the analytics events; any other dimension makes the query
# read the statements: both must pick the same statement.
BY_DEPT = ({"cohort": f"ext:{DEPT}"}, {"cohort": [f"ext:{DEPT}", "platform"]})


class TestCohortValuesAndPeriods:
    """Which statement gives a row its cohort values, and completions on both sides of the
    enrolment period: the queries pick these without sorting every event."""

    @pytest.mark.parametrize("cohort", BY_DEPT)
    async def test_completion_cohort_is_that_of_the_first_enrolment(
        self,
        client: httpx.AsyncClient,
        analytics: httpx.AsyncClient,
        cohort: dict[str, str | list[str]],
    ) -> None:
        """ana launches `a` in Sales on Mar 3, again in Legal on Mar 5 -> Sales.
        ben launches in Legal Mar 4 (a statement of the same second in Sales is later: Mar 6).
        cat completed Feb 20 (before the window's enrolment), launches Mar 2, completes Apr 3:
        an eventual completer, not within March. dan completed Mar 1 08:00, launches Mar 1
        10:00, completes Mar 30: within March (the earlier completion does not hide it)."""
        await post(
            client,
            stmt("ana", ADL + "launched", "a", "2025-03-03T00:00:00Z", **in_dept("Sales")),
            stmt("ana", ADL + "launched", "a", "2025-03-05T00:00:00Z", **in_dept("Legal")),
            stmt("ben", ADL + "launched", "a", "2025-03-04T00:00:00Z", **in_dept("Legal")),
            stmt("ben", ADL + "launched", "a", "2025-03-06T00:00:00Z", **in_dept("Sales")),
            stmt("cat", ADL + "completed", "a", "2025-02-20T00:00:00Z", **in_dept("Legal")),
            stmt("cat", ADL + "launched", "a", "2025-03-02T00:00:00Z", **in_dept("Legal")),
            stmt("cat", ADL + "completed", "a", "2025-04-03T00:00:00Z", **in_dept("Legal")),
            stmt("dan", ADL + "completed", "a", "2025-03-01T08:00:00Z", **in_dept("Legal")),
            stmt("dan", ADL + "launched", "a", "2025-03-01T10:00:00Z", **in_dept("Legal")),
            stmt("dan", ADL + "completed", "a", "2025-03-30T00:00:00Z", **in_dept("Legal")),
        )
        window = {"since": "2025-02-01T00:00:00Z", "until": "2025-05-01T00:00:00Z", "min_n": 1}
        found = await rows(analytics, "/kpis/completion-rate", **window, **cohort)
        by_dim = {r["dim_1"]: r for r in found}
        assert set(by_dim) == {"Sales", "Legal"}
        platform = "platform" in cohort["cohort"]
        assert all(r.get("dim_2") == (f"{r['dim_1']} app" if platform else None) for r in found)
        assert by_dim["Sales"]["n"] == 1
        legal = by_dim["Legal"]
        assert (legal["n"], legal["completers"], legal["completers_in_period"]) == (3, 2, 1)

    @pytest.mark.parametrize("cohort", BY_DEPT)
    async def test_hours_cohort_is_that_of_the_experience_last_statement(
        self,
        client: httpx.AsyncClient,
        analytics: httpx.AsyncClient,
        cohort: dict[str, str | list[str]],
    ) -> None:
        """ana's module `m`: 10 min in Sales, then 30 min in Legal -> one 30 min experience,
        counted for Legal (its last statement)."""
        await post(
            client,
            stmt("ana", ADL + "completed", "m", "2025-03-01T10:00:00Z",
                 result={"duration": "PT10M"}, **in_dept("Sales")),
            stmt("ana", ADL + "completed", "m", "2025-03-02T10:00:00Z",
                 result={"duration": "PT30M"}, **in_dept("Legal")),
        )  # fmt: skip
        (row,) = await rows(analytics, "/kpis/learning-hours", min_n=1, period="all", **cohort)
        assert (row["dim_1"], row["experiences"], row["hours"]) == ("Legal", 1, pytest.approx(0.5))
        assert row.get("dim_2") == ("Legal app" if "platform" in cohort["cohort"] else None)

    @pytest.mark.parametrize("cohort", BY_DEPT)
    async def test_unrequested_deployments_take_the_first_deployment_cohort(
        self,
        client: httpx.AsyncClient,
        analytics: httpx.AsyncClient,
        cohort: dict[str, str | list[str]],
    ) -> None:
        """ana launches `w` in Sales Mar 2 then in Legal Mar 3, never requested -> one
        unrequested deployment, Sales, March."""
        await post(
            client,
            stmt("ana", ADL + "launched", "w", "2025-03-03T00:00:00Z", **in_dept("Legal")),
            stmt("ana", ADL + "launched", "w", "2025-03-02T00:00:00Z", **in_dept("Sales")),
        )
        window = {"since": "2025-03-01T00:00:00Z", "until": "2025-04-01T00:00:00Z", "min_n": 1}
        (row,) = await rows(analytics, "/friction", **window, **cohort)
        assert (row["dim_1"], row["unrequested_deployments"]) == ("Sales", 1)
        assert row.get("dim_2") == ("Sales app" if "platform" in cohort["cohort"] else None)
