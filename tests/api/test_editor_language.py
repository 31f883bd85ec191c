"""Editor pages in the editors' language: Beijing time, field names, actions and values
translated, names instead of ids, and empty states that say what is empty."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from redres.api.history_lines import beijing
from redres.catalog.account_tables import AuditLog
from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.catalog.schemas import SiteUpdate
from redres.catalog.sites import get_site, update_site
from redres.config import Settings
from tests.api.forms import PASSWORD, sign_in
from tests.factories import add_toy_sites

CHILD = "site-of-the-5th-national-congress-of-the-cpc"
PARENT = "site-of-the-august-7-conference"


@pytest.fixture
def catalogue(session: Session) -> None:
    """The toy sites; one made part of another, themes weighted, the audit entry at 23:30 UTC."""
    add_toy_sites(session)
    create_user(session, "editor", PASSWORD, Role.editor)
    parent = get_site(session, PARENT)
    child = get_site(session, CHILD)
    update_site(
        session,
        child,
        SiteUpdate(parent_id=parent.id, themes={"martyrs": 0.5}, point_approximate=True),
        actor="editor",
    )
    session.flush()
    entry = session.exec(select(AuditLog).order_by(col(AuditLog.id).desc())).first()
    assert entry is not None
    entry.at = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)  # UTC: 2 March 07:30 in Beijing
    session.add(entry)
    session.commit()


@pytest.fixture
def app_settings() -> Settings:
    return Settings(database_url="sqlite://", secret_key="x" * 40)


@pytest.fixture
def follow_redirects() -> bool:
    return False


def test_history_is_in_beijing_time_with_names_and_labels(client: TestClient) -> None:
    sign_in(client, "editor")
    zh = client.get(f"/editor/sites/{CHILD}/history").text
    assert "2026-03-02 07:30" in zh
    assert "2026-03-01 23:30" not in zh
    assert "所属上级资源：— → 八七会议会址" in zh  # the parent by name, not its id
    assert "parent_id" not in zh
    assert "英烈纪念 0.5" in zh  # the theme's name with its weight
    assert "坐标为大致位置：否 → 是" in zh
    assert "编辑" in zh  # the action, translated
    assert "<title>修改记录 · 中共五大会址纪念馆" in zh
    en = client.get(f"/editor/sites/{CHILD}/history?lang=en").text
    assert "Part of: — → Site of the August 7 Conference" in en  # the reader's name
    assert "<title>History · Site of the 5th National Congress of the CPC" in en
    assert '<h1>History: <span lang="en">Site of the 5th National Congress of the CPC' in en
    assert "中共五大会址纪念馆" not in en.split("<tbody>")[0]
    assert "Time (Beijing)" in en


def test_empty_moderation_queue_says_nothing_waits(client: TestClient) -> None:
    sign_in(client, "editor")
    page = client.get("/editor/feedback").text
    assert "目前没有待审核的评价" in page
    assert "没有找到符合条件的红色资源" not in page


def test_moderation_names_the_site_and_shows_beijing_time(client: TestClient) -> None:
    from tests.api.forms import csrf

    page = client.get(f"/sites/{PARENT}").text
    client.post(f"/sites/{PARENT}/feedback", data={"rating": "4", "csrf": csrf(page)})
    sign_in(client, "editor")
    queue = client.get("/editor/feedback").text
    assert "八七会议会址</a>" in queue
    assert f">{PARENT}</a>" not in queue
    now = dt.datetime.now(dt.UTC)
    assert beijing(now)[:13] in queue or beijing(now - dt.timedelta(minutes=1))[:13] in queue


def test_beijing_reads_naive_and_aware_times_as_utc() -> None:
    assert beijing(dt.datetime(2026, 12, 31, 16, 0)) == "2027-01-01 00:00"
    assert beijing("2026-12-31T16:00:00+00:00") == "2027-01-01 00:00"
    assert beijing(None) == ""


def test_empty_lists_say_what_is_empty(client: TestClient) -> None:
    sign_in(client, "editor")
    assert "没有处于这一状态的资源" in client.get("/editor?status=archived").text
    assert "还没有红色故事" in client.get("/editor/stories").text
    assert "还没有线路" in client.get("/editor/routes").text


def test_editor_lists_and_forms_name_records_in_the_readers_language(client: TestClient) -> None:
    sign_in(client, "editor")
    listed = client.get("/editor?lang=en").text
    assert '<span lang="en">Site of the 5th National Congress of the CPC</span>' in listed
    form = client.get(f"/editor/sites/{CHILD}?lang=en").text
    assert "<title>Site of the 5th National Congress of the CPC" in form
    assert "<title>中共五大会址纪念馆" in client.get(f"/editor/sites/{CHILD}?lang=zh").text
