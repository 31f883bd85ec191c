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
    assert r.json()["detail"] == "主题“no-such”不存在；已有主题：great-revolution、martyrs"
    assert r.json()["detail_en"] == (
        "unknown theme 'no-such'; known themes: great-revolution, martyrs"
    )
    shapeless = {"name": "线路", "plan": PLAN, "itinerary": {"days": [{"stops": "x"}]}}
    r = client.post("/api/routes", json=shapeless, headers=teacher)
    assert r.status_code == 422, r.text
    assert r.json()["detail"].startswith("行程的每一天都要有 stops")
    assert r.json()["detail_en"].startswith("each itinerary day needs 'stops'")
    assert client.get("/api/routes?mine=true", headers=teacher).json()["total"] == 0


def test_restoring_a_version_that_no_longer_holds_for_the_plan_is_refused(
    client: TestClient, session: Session
) -> None:
    """A restore re-checks the plan as an edit does: 422 in the reader's language, no write."""
    create_user(session, "editor", PASSWORD, Role.editor)
    session.commit()
    teacher, editor = bearer(client, "teacher"), bearer(client, "editor")
    first, second = (
        "site-of-the-august-7-conference",
        "site-of-the-5th-national-congress-of-the-cpc",
    )
    hours = {"opening_hours": "Tu-Su 09:00-17:00"}
    assert client.patch(f"/api/sites/{second}", json=hours, headers=editor).status_code == 200
    itinerary = {"days": [{"stops": [{"slug": first}, {"slug": second}]}]}
    saved = client.post(
        "/api/routes", json={"name": "两站", "plan": PLAN, "itinerary": itinerary}, headers=teacher
    )
    assert saved.status_code == 201, saved.text
    slug = saved.json()["properties"]["slug"]
    one = client.patch(f"/api/routes/{slug}", json={"days": [[{"site": first}]]}, headers=teacher)
    assert one.status_code == 200, one.text
    closed = {"opening_hours": "We-Su 09:00-17:00"}  # the second site now shuts on Tuesdays
    assert client.patch(f"/api/sites/{second}", json=closed, headers=editor).status_code == 200
    entries = client.get(f"/api/routes/{slug}/history", headers=teacher).json()["entries"]
    created = min(e["id"] for e in entries)
    r = client.post(f"/api/routes/{slug}/history/{created}/restore", headers=teacher)
    assert r.status_code == 422, r.text
    assert r.json()["detail"].startswith("修改后的站点不符合线路保存的计划")
    assert r.json()["detail_en"].startswith(
        "the changed stops do not hold for the route's saved plan"
    )
    stops = client.get(f"/api/routes/{slug}", headers=teacher).json()["features"]
    assert [s["properties"]["slug"] for s in stops] == [first]  # nothing was written
    assert len(client.get(f"/api/routes/{slug}/history", headers=teacher).json()["entries"]) == len(
        entries
    )
