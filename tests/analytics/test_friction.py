"""Learning friction (METRICS.md §3.1) on a hand-worked fixture; times in seconds (1 d = 86400)."""

import httpx
import pytest

from tests.analytics.support import ADL, AS, TLA, key, post, rows, stmt, voiding

DAY = 86_400
PLANNED = "http://id.tincanapi.com/extension/planned-start-time"
WINDOW = {"since": "2025-03-01T00:00:00Z", "until": "2025-04-01T00:00:00Z", "min_n": 1}


def at(day: int) -> str:
    return f"2025-03-{day:02d}T00:00:00Z"


async def _fixture(client: httpx.AsyncClient) -> None:
    """Activity `w`, as_of 2025-04-01:
    alice: request 1st, re-request 2nd, approved 3rd, scheduled 4th (planned start 9th),
      launched 10th -> deployed, 9 d; stages 2 d / 1 d / 6 d; slippage 1 d; 1 re-request.
    bob: request with the old `schema/1.0/request` IRI 5th, launched 6th -> 1 d.
    carol: request 10th, cancel 12th -> canceled (censored at 2 d for Kaplan-Meier).
    dave: request 20th -> open, age 12 d.   gina: request 25th, launch voided -> open, 7 d.
    erin: launched 1st (before any request: unrequested), request 3rd, launched 4th -> 1 d.
    frank: launched 15th, never requested -> unrequested.
    hank: request and launch at the same instant -> the request sorts first: 0 s."""
    await post(
        client,
        stmt("alice", AS + "request", "w", at(1)), stmt("alice", AS + "request", "w", at(2)),
        stmt("alice", TLA + "approved", "w", at(3)),
        stmt("alice", AS + "schedule", "w", at(4), context={"extensions": {PLANNED: at(9)}}),
        stmt("alice", ADL + "launched", "w", at(10)),
        stmt("bob", "http://activitystrea.ms/schema/1.0/request", "w", at(5)),
        stmt("bob", ADL + "launched", "w", at(6)),
        stmt("carol", AS + "request", "w", at(10)), stmt("carol", AS + "cancel", "w", at(12)),
        stmt("dave", AS + "request", "w", at(20)),
        stmt("erin", ADL + "launched", "w", at(1)), stmt("erin", AS + "request", "w", at(3)),
        stmt("erin", ADL + "initialized", "w", at(4)),
        stmt("frank", ADL + "launched", "w", at(15)),
        stmt("hank", ADL + "launched", "w", at(15)), stmt("hank", AS + "request", "w", at(15)),
        stmt("gina", AS + "request", "w", at(25)),
    )  # fmt: skip
    (launch,) = await post(client, stmt("gina", ADL + "launched", "w", at(26)))
    await post(client, voiding(launch))


class TestFriction:
    async def test_one_fact_row_per_cycle_with_open_cycles_kept(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        await _fixture(client)
        facts = {r["learner_key"]: r for r in await rows(analytics, "/friction/cycles", **WINDOW)}
        assert set(facts) == {key(n) for n in ("alice", "bob", "carol", "dave", "erin", "gina",
                                               "hank")}  # fmt: skip
        alice = facts[key("alice")]
        assert (alice["status"], alice["friction_s"], alice["re_requests"]) == (
            "deployed",
            9 * DAY,
            1,
        )
        assert (alice["approve_s"], alice["schedule_s"], alice["deploy_s"]) == (
            2 * DAY,
            DAY,
            6 * DAY,
        )
        assert alice["slippage_s"] == DAY
        assert facts[key("bob")]["friction_s"] == DAY
        assert facts[key("carol")]["status"] == "canceled"
        assert (facts[key("dave")]["status"], facts[key("dave")]["open_age_s"]) == (
            "open",
            12 * DAY,
        )
        assert (facts[key("gina")]["status"], facts[key("gina")]["open_age_s"]) == ("open", 7 * DAY)
        assert facts[key("erin")]["friction_s"] == DAY
        assert facts[key("hank")]["friction_s"] == 0

    async def test_summary_percentiles_censoring_and_unrequested(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        """Deployed [0, 1 d, 1 d, 9 d]: p50 1 d; p90 = 1 d + 0.7 x 8 d (linear); mean 2.75 d.
        Kaplan-Meier over 7 cycles: S = 6/7 after 0, 4/7 after 1 d, then 2 censored, then
        2/7 at 9 d (2 at risk) -> the median is 9 d. Open ages [12 d, 7 d] -> p50 9.5 d."""
        await _fixture(client)
        (march,) = await rows(analytics, "/friction", **WINDOW)
        assert (march["n"], march["n_deployed"], march["n_open"], march["n_canceled"]) == (
            7,
            4,
            2,
            1,
        )
        assert march["p50_s"] == pytest.approx(DAY)
        assert march["p90_s"] == pytest.approx(DAY + 0.7 * 8 * DAY)
        assert march["mean_s"] == pytest.approx(2.75 * DAY)
        assert march["max_s"] == 9 * DAY
        assert march["km_p50_s"] == pytest.approx(9 * DAY)
        assert march["open_age_p50_s"] == pytest.approx(9.5 * DAY)
        assert (march["approve_p50_s"], march["deploy_p50_s"]) == (2 * DAY, 6 * DAY)
        assert (march["re_requests"], march["unrequested_deployments"]) == (1, 2)

    async def test_max_open_age_expires_old_open_cycles_and_small_n_is_suppressed(
        self, client: httpx.AsyncClient, analytics: httpx.AsyncClient
    ) -> None:
        await _fixture(client)
        (march,) = await rows(analytics, "/friction", **WINDOW, max_open_age_days=10)
        assert (march["n_open"], march["n_expired"]) == (1, 1)
        (hidden,) = await rows(analytics, "/friction", **{**WINDOW, "min_n": 8})
        assert (hidden["suppressed"], hidden["n"], hidden["p50_s"]) == (True, 7, None)
