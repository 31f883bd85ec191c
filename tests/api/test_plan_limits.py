"""Plan requests through the gate: visitors limited per client, staff not; time limits; busy 503."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from redres.api.app import create_app
from redres.api.session import SESSION_COOKIE
from redres.api.solving import PlanGate
from redres.catalog.accounts import create_user, issue_token
from redres.catalog.enums import Role
from redres.config import Settings

PLAN: dict[str, Any] = {
    "themes": {"great-revolution": 1.0},
    "date": "2025-06-10",
    "start": {"lon": 114.2944, "lat": 30.58899},
    "time_limit": 0.05,
}
PAGE = "/plan?theme=great-revolution&date=2025-06-10&days=1&group=12&start=114.2944,30.58899"


@pytest.fixture
def tokens(session: Session, demo_copy: None) -> dict[str, str]:
    """The demo catalogue with a teacher and an editor, and a token for each."""
    out = {}
    for name, role in (("teacher", Role.teacher), ("editor", Role.editor)):
        user = create_user(session, name, "correct horse battery", role)
        out[name] = issue_token(session, user, ttl=timedelta(hours=1))
    session.commit()
    return out


def app_client(engine: Engine, **settings: Any) -> TestClient:
    """An app on `engine` with these settings (the rest as deployed)."""
    return TestClient(
        create_app(
            Settings(database_url="sqlite://", secret_key="k" * 40, **settings), engine=engine
        )
    )


@pytest.mark.slow  # twenty-odd real plans, to reach the limit
def test_visitors_get_20_plans_a_minute_and_staff_are_not_counted(
    engine: Engine, tokens: dict[str, str]
) -> None:
    with app_client(engine) as c:
        for _ in range(19):
            assert c.post("/api/plan", json=PLAN).status_code == 200
        page = c.get(PAGE)  # the plan page counts against the same limit
        assert page.status_code == 200
        assert "第1天" in page.text

        refused = c.post("/api/plan", json=PLAN)
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) >= 1
        assert "20 a minute" in refused.json()["detail"]

        page = c.get(PAGE)
        assert page.status_code == 429
        assert int(page.headers["Retry-After"]) >= 1
        assert "规划请求过于频繁" in page.text  # in the reader's language
        assert 'value="12"' in page.text  # the form keeps what was typed
        english = c.get(PAGE + "&lang=en")
        assert english.status_code == 429
        assert "Too many plans" in english.text
        c.cookies.clear()

        teacher = {"Authorization": f"Bearer {tokens['teacher']}"}
        for _ in range(3):
            assert c.post("/api/plan", json=PLAN, headers=teacher).status_code == 200
        c.cookies.set(SESSION_COOKIE, tokens["editor"])  # an editor signed in on the pages
        assert c.get(PAGE).status_code == 200
        assert c.post("/api/plan", json=PLAN).status_code == 200
        c.cookies.clear()
        assert c.post("/api/plan", json=PLAN).status_code == 429  # the visitor still waits


def test_hand_checks_count_as_plan_requests(demo_engine: Engine) -> None:
    with app_client(demo_engine, plan_requests_per_minute=2) as c:
        check = {"date": "2025-06-10", "stops": [["august-7-conference-site"]]}
        assert c.post("/api/plan/check", json=check).status_code == 200
        assert c.get("/plan/check", params={"date": "2025-06-10", "stops": "qiyi-gate"}).is_success
        assert c.post("/api/plan/check", json=check).status_code == 429
        query = PAGE.split("?", 1)[1]
        assert c.get(f"/plan/export.gpx?{query}").status_code == 429
        assert c.get(f"/maps/plan.html?{query}").status_code == 429


def test_visitors_get_the_short_time_limit_and_staff_the_hard_cap(
    engine: Engine, tokens: dict[str, str]
) -> None:
    limits = {"plan_time_limit_anonymous": 0.1, "plan_time_limit_max": 0.3}
    teacher = {"Authorization": f"Bearer {tokens['teacher']}"}
    with app_client(engine, **limits) as c:
        asked = c.post("/api/plan", json=PLAN | {"time_limit": 10})
        assert asked.status_code == 200
        assert asked.headers["X-Plan-Time-Limit"] == "0.1"
        small = c.post("/api/plan", json=PLAN | {"time_limit": 0.05})
        assert small.headers["X-Plan-Time-Limit"] == "0.05"  # less than allowed is kept
        staff = c.post("/api/plan", json=PLAN | {"time_limit": 0.2}, headers=teacher)
        assert staff.headers["X-Plan-Time-Limit"] == "0.2"
        capped = c.post("/api/plan", json=PLAN | {"time_limit": 10}, headers=teacher)
        assert capped.headers["X-Plan-Time-Limit"] == "0.3"
        as_file = c.post("/api/plan?format=gpx", json=PLAN | {"time_limit": 10})
        assert as_file.headers["X-Plan-Time-Limit"] == "0.1"


def test_busy_solver_answers_503_instead_of_queueing(demo_engine: Engine) -> None:
    with app_client(demo_engine, plan_queue_seconds=0.05) as c:
        gate: PlanGate = c.app.state.plan_gate  # type: ignore[attr-defined]
        assert gate.slots.try_acquire()  # the only slot is taken: a solve is running
        try:
            busy = c.post("/api/plan", json=PLAN)
            assert busy.status_code == 503
            assert int(busy.headers["Retry-After"]) >= 1
            assert "busy" in busy.json()["detail"]
            page = c.get(PAGE)
            assert page.status_code == 503
            assert "规划服务正忙" in page.text
            assert 'value="12"' in page.text
        finally:
            gate.slots.release()
        assert c.post("/api/plan", json=PLAN).status_code == 200


def test_a_request_waiting_for_a_slot_leaves_the_pages_free(demo_engine: Engine) -> None:
    with app_client(demo_engine, plan_queue_seconds=60) as c:
        gate: PlanGate = c.app.state.plan_gate  # type: ignore[attr-defined]
        assert gate.slots.try_acquire()
        answers: list[int] = []
        waiting = threading.Thread(
            target=lambda: answers.append(c.post("/api/plan", json=PLAN).status_code)
        )
        try:
            waiting.start()
            for _ in range(1000):  # until the plan request is waiting for the slot
                if gate.slots.waiting:
                    break
                time.sleep(0.01)
            assert gate.slots.waiting == 1
            assert c.get("/healthz").status_code == 200  # served while the plan waits
            assert c.get("/plan").status_code == 200
            assert gate.slots.waiting == 1
            assert answers == []
        finally:
            gate.slots.release()
            waiting.join()
        assert answers == [200]  # the waiting request got the slot once it was free


def test_settings_size_the_gate(engine: Engine) -> None:
    settings = Settings(database_url="sqlite://", plan_concurrency=3, plan_requests_per_minute=5)
    gate = PlanGate.from_settings(settings, engine)
    assert (gate.slots.size, gate.limiter.limit) == (3, 5)
    taken = [gate.slots.try_acquire() for _ in range(4)]
    assert taken == [True, True, True, False]
    with pytest.raises(ValueError, match="plan_concurrency"):
        Settings(database_url="sqlite://", plan_concurrency=0)
