"""`POST /api/routes` refuses a route in the reader's language, Chinese first, with the English
beside it (`detail`, `detail_en`), as an edit's re-check and the planner page's save do."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from tests.api.forms import PASSWORD, bearer
from tests.factories import add_toy_sites

PLAN = {"themes": {"great-revolution": 1.0}, "date": "2026-12-08"}


@pytest.fixture
def catalogue(session: Session) -> None:
    add_toy_sites(session)
    create_user(session, "teacher", PASSWORD, Role.teacher)
    session.commit()


def test_an_empty_itinerary_is_refused_in_chinese_then_english(client: TestClient) -> None:
    teacher = bearer(client, "teacher")
    saved = {"name": "空线路", "plan": PLAN, "itinerary": {"days": []}}
    r = client.post("/api/routes", json=saved, headers=teacher)
    assert r.status_code == 422, r.text
    assert r.json() == {
        "detail": "该行程没有可保存的站点",
        "detail_en": "the itinerary has no stops to save",
    }
    en = client.post("/api/routes", json=saved, headers=teacher | {"Accept-Language": "en"})
    assert en.json()["detail"] == "the itinerary has no stops to save"


def test_an_unknown_theme_and_a_bad_day_are_said_in_chinese(client: TestClient) -> None:
    teacher = bearer(client, "teacher")
    unknown = {
        "name": "线路",
        "plan": PLAN | {"themes": {"no-such": 1.0}},
        "itinerary": {"days": [{"stops": [{"slug": "x"}]}]},
    }
    r = client.post("/api/routes", json=unknown, headers=teacher)
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == "主题「no-such」不存在；已有主题：great-revolution、martyrs"
    assert r.json()["detail_en"] == (
        "unknown theme 'no-such'; known themes: great-revolution, martyrs"
    )
    shapeless = {"name": "线路", "plan": PLAN, "itinerary": {"days": [{"stops": "x"}]}}
    r = client.post("/api/routes", json=shapeless, headers=teacher)
    assert r.status_code == 422, r.text
    assert r.json()["detail"].startswith("行程的每一天都要有 stops")
    assert r.json()["detail_en"].startswith("each itinerary day needs 'stops'")
    assert client.get("/api/routes?mine=true", headers=teacher).json()["total"] == 0
