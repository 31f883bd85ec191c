"""Closures over HTTP: the API round trip, clear 422s, the site page's notice in the reader's
language, and the editor's form (one closure a line, errors on the form)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from redres.catalog.account_tables import AuditLog
from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.catalog.models import Site
from redres.config import Settings
from redres.hours.china_time import CHINA_TIME
from tests.api.forms import PASSWORD, bearer, csrf, sign_in
from tests.factories import add_toy_sites

SITE = "site-of-the-august-7-conference"
FEB_MAR = {"start": "2027-02-01", "end": "2027-03-31", "note": "闭馆维修"}
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def catalogue(session: Session) -> None:
    """The toy catalogue (published) and an editor."""
    add_toy_sites(session)
    create_user(session, "editor", PASSWORD, Role.editor)
    session.commit()


@pytest.fixture
def app_settings() -> Settings:
    return Settings(database_url="sqlite://", secret_key="x" * 40)


@pytest.fixture
def follow_redirects() -> bool:
    return False


def _props(client: TestClient, slug: str) -> dict[str, Any]:
    r = client.get(f"/api/sites/{slug}")
    assert r.status_code == 200, r.text
    return dict(r.json()["properties"])


def test_closures_round_trip_through_post_patch_and_get(client: TestClient) -> None:
    editor = bearer(client, "editor")
    later = {"start": "2027-06-01", "end": None, "note": "闭馆改造"}
    new = {
        "name": "新馆",
        "category": "museum",
        "status": "published",
        "closures": [later, FEB_MAR],
    }
    r = client.post("/api/sites", json=new, headers=editor)
    assert r.status_code == 201, r.text
    slug = r.json()["properties"]["slug"]
    assert r.json()["properties"]["closures"] == [FEB_MAR, later]
    assert _props(client, slug)["closures"] == [FEB_MAR, later]

    r = client.patch(f"/api/sites/{slug}", json={"closures": "2027-05-01 设备检修"}, headers=editor)
    assert r.status_code == 200, r.text
    one_day = {"start": "2027-05-01", "end": "2027-05-01", "note": "设备检修"}
    assert _props(client, slug)["closures"] == [one_day]
    assert client.patch(f"/api/sites/{slug}", json={"closures": []}, headers=editor).is_success
    assert _props(client, slug)["closures"] == []
    assert _props(client, SITE)["closures"] == []


@pytest.mark.parametrize(
    ("closures", "said"),
    [
        ([{"start": "2027-03-01", "end": "2027-02-01"}], "ends (2027-02-01) before it starts"),
        ([{"start": "2027-02-30"}], "start"),
        ([{"start": "2027-02-01", "note": "长" * 201}], "at most 200 characters"),
        ([{"start": "2027-02-01", "note": "a\x00b"}], "control characters"),
        ("下月闭馆", "cannot read the closure '下月闭馆'"),
        ("2027-02-30至2027-03-31 维修", "has a date that does not exist"),
    ],
)
def test_bad_closures_are_a_clear_422_and_nothing_changes(
    client: TestClient, closures: object, said: str
) -> None:
    r = client.patch(
        f"/api/sites/{SITE}", json={"closures": closures}, headers=bearer(client, "editor")
    )
    assert r.status_code == 422
    assert said in r.text
    assert "closures" in r.text
    assert _props(client, SITE)["closures"] == []


def _set(client: TestClient, closures: list[dict[str, Any]]) -> None:
    r = client.patch(
        f"/api/sites/{SITE}", json={"closures": closures}, headers=bearer(client, "editor")
    )
    assert r.status_code == 200, r.text


ZH_DAYS = "一二三四五六日"


def _zh(day: dt.date) -> str:
    return f"{day}（周{ZH_DAYS[day.weekday()]}）"


def _en(day: dt.date) -> str:
    return f"{day} ({day:%a})"


def test_the_site_page_shows_a_current_closure_in_the_readers_language(
    client: TestClient,
) -> None:
    today = dt.datetime.now(CHINA_TIME).date()
    start, end = today - dt.timedelta(days=3), today + dt.timedelta(days=20)
    _set(client, [{"start": str(start), "end": str(end), "note": f"闭馆维修{HOSTILE}"}])
    zh = client.get(f"/sites/{SITE}", params={"lang": "zh"}).text
    notice = f"<strong>临时闭馆中，至 {_zh(end)}止：闭馆维修&lt;script&gt;alert(1)&lt;/script&gt;</strong>"
    assert f'<p class="closure-notice current" role="status">{notice}</p>' in zh
    assert HOSTILE not in zh
    visiting = zh.split('id="visiting"')[1].split("</dd>")[1]
    assert '<strong class="closed">今日闭馆</strong>' in visiting  # whatever the weekly hours say
    en = client.get(f"/sites/{SITE}", params={"lang": "en"}).text
    assert f"<strong>Temporarily closed until {_en(end)}: 闭馆维修&lt;script&gt;" in en
    assert "Closed today" in en


def test_the_site_page_announces_a_closure_within_thirty_days_only(client: TestClient) -> None:
    today = dt.datetime.now(CHINA_TIME).date()
    soon = today + dt.timedelta(days=10)
    _set(client, [{"start": str(soon), "end": None, "note": "闭馆改造"}])
    zh = client.get(f"/sites/{SITE}", params={"lang": "zh"}).text
    notice = f"<strong>自 {_zh(soon)}起临时闭馆，开放时间另行通知：闭馆改造</strong>"
    assert f'<p class="closure-notice" role="status">{notice}</p>' in zh
    en = client.get(f"/sites/{SITE}", params={"lang": "en"}).text
    assert f"Temporarily closed from {_en(soon)} until further notice: 闭馆改造" in en
    two = [{"start": str(soon), "end": str(soon + dt.timedelta(days=2)), "note": "检修"}]
    _set(client, two)
    zh = client.get(f"/sites/{SITE}", params={"lang": "zh"}).text
    assert f"{_zh(soon)}至 {_zh(soon + dt.timedelta(days=2))}临时闭馆：检修" in zh
    far = today + dt.timedelta(days=45)
    _set(client, [{"start": str(far), "end": str(far), "note": "检修"}])
    assert "closure-notice" not in client.get(f"/sites/{SITE}").text


def _post_form(client: TestClient, closures: str, lang: str = "zh") -> Any:
    path = f"/editor/sites/{SITE}"
    page = client.get(path, params={"lang": lang})
    fields = {"name": "八七会议会址", "category": "former_site", "closures": closures}
    return client.post(path, data=fields | {"csrf": csrf(page.text)}, params={"lang": lang})


def test_the_editor_form_takes_one_closure_a_line_and_shows_them_back(
    client: TestClient, session: Session
) -> None:
    sign_in(client, "editor")
    r = _post_form(client, "2027-02-01至2027-03-31 闭馆维修\r\n2027-06-01起 闭馆改造")
    assert r.status_code == 303, r.text[:500]
    session.expire_all()
    site = session.exec(select(Site).where(Site.slug == SITE)).one()
    assert site.closures == [FEB_MAR, {"start": "2027-06-01", "end": None, "note": "闭馆改造"}]
    page = client.get(f"/editor/sites/{SITE}").text
    assert ">2027-02-01至2027-03-31 闭馆维修\n2027-06-01起 闭馆改造</textarea>" in page
    assert "每行一段" in page


@pytest.mark.parametrize(
    ("closures", "zh", "en"),
    [
        (
            "下月闭馆",
            "临时闭馆：无法识别临时闭馆“下月闭馆”",
            "Temporary closures: cannot read the closure &#39;下月闭馆&#39;",
        ),
        (
            "2027-02-30至2027-03-31 维修",
            "临时闭馆“2027-02-30至2027-03-31 维修”中的日期不存在",
            "has a date that does not exist",
        ),
        (
            "2027-03-01至2027-02-01 维修",
            "临时闭馆的结束日期（2027-02-01）早于开始日期（2027-03-01）",
            "the closure ends (2027-02-01) before it starts (2027-03-01)",
        ),
        ("2027-03-01 " + "长" * 201, "最多 200 个字符", "at most 200 characters"),
        (f"2027-03-01 {HOSTILE}\x00", "文字中不能含有控制字符", "must not contain control"),
    ],
)
def test_the_editor_form_refuses_bad_closures_in_the_readers_language(
    client: TestClient, session: Session, closures: str, zh: str, en: str
) -> None:
    sign_in(client, "editor")
    before = session.exec(select(AuditLog)).all()
    for lang, message in (("zh", zh), ("en", en)):
        r = _post_form(client, closures, lang)
        assert r.status_code == 422
        assert message in r.text
        assert HOSTILE not in r.text
    session.expire_all()
    assert session.exec(select(AuditLog)).all() == before
    assert session.exec(select(Site).where(Site.slug == SITE)).one().closures == []


def test_a_plan_inside_a_closure_omits_the_site_with_its_note_over_http(
    client: TestClient,
) -> None:
    _set(client, [FEB_MAR])
    plan = {
        "themes": {"great-revolution": 1.0},
        "date": "2027-02-09",
        "start": {"lon": 114.2944, "lat": 30.58899},
        "time_limit": 0.2,
    }
    r = client.post("/api/plan", json=plan)
    assert r.status_code == 200, r.text
    [omitted] = [o for o in r.json()["omitted"] if o["slug"] == SITE]
    assert (omitted["reason"], omitted["cause"]) == ("closed", "closure")
    assert omitted["detail"].endswith("temporarily closed 2027-02-01 to 2027-03-31: 闭馆维修")
    check = client.get(
        "/plan/check", params={"date": "2027-02-09", "stops": SITE, "lang": "zh"}
    ).text
    assert (
        "八七会议会址在 2027-02-09（周二）闭馆；2027-02-01 至 2027-03-31 临时闭馆：闭馆维修"
        in check
    )
