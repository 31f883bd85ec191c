"""Opening hours for people: site pages say them in words (never the OSM rule), the editor form
accepts the Chinese of notices and reads it back, and API writes convert it (one validation)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.config import Settings
from tests.api.forms import PASSWORD, csrf, sign_in
from tests.factories import add_toy_sites

NOTICE = "周二至周日 9:00-17:00（16:30停止入馆），周一闭馆（法定节假日除外）"
TOY = "/sites/site-of-the-august-7-conference"  # toy hours: Tu-Su 09:00-17:00


@pytest.fixture
def catalogue(session: Session) -> None:
    add_toy_sites(session)
    create_user(session, "editor", PASSWORD, Role.editor)
    session.commit()


@pytest.fixture
def app_settings() -> Settings:
    return Settings(database_url="sqlite://", secret_key="x" * 40)


@pytest.fixture
def follow_redirects() -> bool:
    return False


def test_site_page_says_hours_in_the_readers_language(client: TestClient) -> None:
    chinese = client.get(TOY).text
    assert "周二至周日 09:00–17:00，周一闭馆" in chinese
    assert "Tu-Su" not in chinese
    english = client.get(TOY, params={"lang": "en"}).text
    assert "Tue–Sun 09:00–17:00, closed Mon" in english
    assert "Tu-Su" not in english


def test_editor_form_takes_the_notice_and_reads_it_back(client: TestClient) -> None:
    sign_in(client, "editor")
    token = csrf(client.get("/editor/sites/new").text)
    made = client.post(
        "/editor/sites/new",
        data={
            "csrf": token,
            "name": "中共五大会址",
            "category": "memorial_hall",
            "opening_hours": NOTICE,
        },
    )
    assert made.status_code == 303
    page = client.get(made.headers["location"]).text
    assert 'value="Tu-Su,PH 09:00-17:00"' in page
    assert re.search(r'id="f-last_entry_minutes" name="last_entry_minutes" value="30"', page)
    assert (
        "系统理解为：周二至周日 09:00–17:00（16:30 停止入馆），周一闭馆，法定节假日照常开放" in page
    )


def test_editor_form_error_names_the_part_in_the_readers_language(client: TestClient) -> None:
    sign_in(client, "editor")
    token = csrf(client.get("/editor/sites/new").text)
    data = {
        "csrf": token,
        "name": "甲",
        "category": "museum",
        "opening_hours": "周二至周日 9:00-17:00 另有安排",
    }
    chinese = client.post("/editor/sites/new", data=data)
    assert chinese.status_code == 422
    assert "中的“另有安排”无法识别" in chinese.text
    english = client.post("/editor/sites/new", data=data, params={"lang": "en"})
    assert english.status_code == 422
    assert "cannot read &#39;另有安排&#39;" in english.text


def test_api_write_converts_once(client: TestClient) -> None:
    r = client.post("/api/auth/token", data={"username": "editor", "password": PASSWORD})
    auth = {"Authorization": f"Bearer {r.json()['access_token']}"}
    body = {
        "name": "中共五大会址",
        "category": "memorial_hall",
        "opening_hours": NOTICE,
        "years": "1927年",
    }
    made = client.post("/api/sites", json=body, headers=auth)
    assert made.status_code == 201, made.text
    slug = made.json()["properties"]["slug"]
    props = client.get(f"/api/sites/{slug}", headers=auth).json()["properties"]
    assert props["opening_hours"] == "Tu-Su,PH 09:00-17:00"
    bad = client.post("/api/sites", json={**body, "opening_hours": "夏季 9:00-17:00"}, headers=auth)
    assert bad.status_code == 422
    assert "夏季" in bad.text
    assert "Traceback" not in bad.text
