"""Editor pages: sign-in with CSRF, the site list with quality flags, the form, publishing."""

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


@pytest.fixture
def catalogue(session: Session) -> None:
    """The toy catalogue with an editor and a teacher."""
    add_toy_sites(session)
    create_user(session, "editor", PASSWORD, Role.editor)
    create_user(session, "teacher", PASSWORD, Role.teacher)
    session.commit()


@pytest.fixture
def app_settings() -> Settings:
    return Settings(database_url="sqlite://", secret_key="x" * 40)


@pytest.fixture
def follow_redirects() -> bool:
    return False


def test_anonymous_is_sent_to_sign_in(client: TestClient) -> None:
    r = client.get("/editor")
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login")


def test_sign_in_needs_the_csrf_token(client: TestClient) -> None:
    client.get("/login")
    r = client.post("/login", data={"username": "editor", "password": PASSWORD, "csrf": "forged"})
    assert r.status_code == 403


def test_wrong_password_shows_the_form_again(client: TestClient) -> None:
    form = client.get("/login")
    r = client.post(
        "/login",
        data={"username": "editor", "password": "wrong-password", "csrf": csrf(form.text)},
    )
    assert r.status_code == 401
    assert "用户名或密码错误" in r.text


def test_no_open_redirect_after_sign_in(client: TestClient) -> None:
    form = client.get("/login")
    r = client.post(
        "/login",
        data={
            "username": "editor",
            "password": PASSWORD,
            "csrf": csrf(form.text),
            "next": "//evil.example/x",
        },
    )
    assert r.headers["location"] == "/editor"


def test_teacher_may_not_edit(client: TestClient) -> None:
    sign_in(client, "teacher")
    assert client.get("/editor").status_code == 403


def test_site_list_flags_missing_data(client: TestClient) -> None:
    sign_in(client, "editor")
    html = client.get("/editor").text
    row = next(r for r in html.split("<tr>") if "武汉革命博物馆" in r)
    assert "缺坐标" in row
    assert "缺开放时间" in row


def test_create_publish_and_history_through_forms(client: TestClient) -> None:
    sign_in(client, "editor")
    form = client.get("/editor/sites/new")
    token = csrf(form.text)
    bad = client.post(
        "/editor/sites/new",
        data={"csrf": token, "name": "起义门", "category": "monument", "lon": "500", "lat": "30"},
    )
    assert bad.status_code == 422
    assert "经度 500.0 超出 -180 到 180 的范围" in bad.text  # in the reader's language
    assert 'value="起义门"' in bad.text  # what was typed is kept
    ok = client.post(
        "/editor/sites/new",
        data={"csrf": token, "name": "起义门", "category": "monument", "district": "武昌区"},
    )
    assert ok.status_code == 303
    edit_url = ok.headers["location"]
    slug = edit_url.rsplit("/", 1)[1]
    page = client.get(edit_url).text
    assert "草稿" in page
    forged = client.post(f"{edit_url}/status", data={"status": "published", "csrf": "x"})
    assert forged.status_code == 403
    client.post(f"{edit_url}/status", data={"status": "published", "csrf": csrf(page)})
    assert client.get(f"/sites/{slug}").status_code == 200  # public now
    changed = client.post(
        edit_url,
        data={
            "csrf": csrf(page),
            "name": "起义门",
            "category": "monument",
            "district": "武昌区",
            "address": "武昌区起义街",
        },
    )
    assert changed.status_code == 303
    history = client.get(f"{edit_url}/history").text
    assert "状态：草稿 → 已发布" in history  # field names, actions and values in Chinese
    assert "status: draft" not in history
    assert "地址：— → 武昌区起义街" in history
    assert "时间（北京时间）" in history


def test_api_writes_ignore_the_session_cookie(client: TestClient) -> None:
    sign_in(client, "editor")
    r = client.post("/api/sites", json={"name": "x", "category": "other"})
    assert r.status_code == 401  # a cookie alone never authorises an API write (CSRF)
    assert client.get("/api/sites").json()["total"] == 5
    assert client.get("/api/sites", params={"status": "draft"}).json()["total"] == 0


def test_sign_out_revokes_the_session(client: TestClient) -> None:
    sign_in(client, "editor")
    page = client.get("/editor").text
    r = client.post("/logout", data={"csrf": csrf(page)})
    assert r.status_code == 303
    assert client.get("/editor").status_code == 303


def test_visitor_feedback_through_pages_and_moderation(client: TestClient) -> None:
    page = client.get("/sites/site-of-the-august-7-conference").text
    sent = client.post(
        "/sites/site-of-the-august-7-conference/feedback",
        data={"rating": "5", "comment": "<b>好</b>", "csrf": csrf(page)},
    )
    assert sent.status_code == 303
    assert "<b>好</b>" not in client.get("/sites/site-of-the-august-7-conference").text
    no_token = client.post("/sites/site-of-the-august-7-conference/feedback", data={"rating": "5"})
    assert no_token.status_code == 403
    sign_in(client, "editor")
    queue = client.get("/editor/feedback").text
    assert "&lt;b&gt;好&lt;/b&gt;" in queue
    item = re.search(r'action="/editor/feedback/(\d+)"', queue)
    assert item
    client.post(
        f"/editor/feedback/{item.group(1)}", data={"decision": "approved", "csrf": csrf(queue)}
    )
    shown = client.get("/sites/site-of-the-august-7-conference").text
    assert "&lt;b&gt;好&lt;/b&gt;" in shown
    assert "★★★★★" in shown


def test_import_upload_page_shows_the_row_report(client: TestClient) -> None:
    sign_in(client, "editor")
    page = client.get("/editor/import").text
    bad = "名称,类别,经度,纬度\n起义门,纪念碑,114.3004,30.5336\n红楼,寺庙,114.30,30.54\n"
    files = {"file": ("survey.csv", bad.encode("utf-8"), "text/csv")}
    r = client.post("/editor/import", data={"csrf": csrf(page)}, files=files)
    assert r.status_code == 422
    assert "寺庙" in r.text
    assert "未写入任何数据" in r.text
    assert client.get("/api/sites", params={"q": "起义门"}).json()["total"] == 0
    forged = client.post("/editor/import", data={"csrf": "x"}, files=files)
    assert forged.status_code == 403


def test_a_refused_file_is_explained_on_the_import_page(client: TestClient) -> None:
    sign_in(client, "editor")
    page = client.get("/editor/import").text
    vrt = b'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>/etc/passwd</SrcDataSource>'
    files = {"file": ("调查.gpkg", vrt + b"</OGRVRTLayer></OGRVRTDataSource>", "application/x")}
    r = client.post("/editor/import", data={"csrf": csrf(page)}, files=files)
    assert r.status_code == 400
    assert "这个文件不能导入" in r.text
    assert "GeoPackage" in r.text
    assert "<form" in r.text  # the form is there to try another file
    assert "root:" not in r.text


def test_story_editor_previews_saves_and_makes_titles_searchable(client: TestClient) -> None:
    sign_in(client, "editor")
    form = client.get("/editor/stories/new").text
    token = csrf(form)
    story = {
        "csrf": token,
        "title": "汉口的紧急会议",
        "body": "**第一段**\n\n第二段 <script>x</script>",
        "sites": "site-of-the-august-7-conference",
        "status": "published",
    }
    preview = client.post("/editor/stories/new", data={**story, "action": "preview"})
    assert preview.status_code == 200
    assert "<p><strong>第一段</strong></p>" in preview.text  # Markdown, rendered
    assert "<h2>预览：" in preview.text
    assert "&lt;script&gt;" in preview.text
    assert client.get("/api/sites", params={"q": "紧急会议"}).json()["total"] == 0  # not saved
    saved = client.post("/editor/stories/new", data={**story, "action": "save"})
    assert saved.status_code == 303
    hits = client.get("/api/sites", params={"q": "紧急会议"}).json()["features"]
    assert [h["properties"]["code"] for h in hits] == ["WH19"]  # found by its story's title
    bad = client.post(
        "/editor/stories/new", data={**story, "sites": "no-such-site", "action": "save"}
    )
    assert bad.status_code == 422
    assert "no-such-site" in bad.text


def test_route_editor_changes_stops_and_publishes(client: TestClient, session: Session) -> None:
    from redres.catalog.models import Route

    session.add(Route(slug="draft-walk", name="草稿线路"))
    session.commit()
    sign_in(client, "editor")
    page = client.get("/editor/routes/draft-walk").text
    stops = "site-of-the-august-7-conference | 讲八七会议\n\ntomb-of-martyr-shi-yang"
    saved = client.post(
        "/editor/routes/draft-walk",
        data={
            "csrf": csrf(page),
            "name": "两日线路",
            "mode": "bus",
            "theme": "martyrs",
            "status": "published",
            "stops": stops,
        },
    )
    assert saved.status_code == 303
    public = client.get("/api/routes/draft-walk").json()
    assert [(f["properties"]["day"], f["properties"]["code"]) for f in public["features"]] == [
        (1, "WH19"),
        (2, "WH14"),
    ]
    assert public["features"][0]["properties"]["note"] == "讲八七会议"
    assert public["properties"]["mode"] == "bus"
    bad = client.post(
        "/editor/routes/draft-walk",
        data={"csrf": csrf(page), "name": "两日线路", "stops": "no-such-site"},
    )
    assert bad.status_code == 422
    assert len(client.get("/api/routes/draft-walk").json()["features"]) == 2  # unchanged


def test_route_history_page_restores_an_earlier_version(
    client: TestClient, session: Session
) -> None:
    from redres.catalog.models import Route

    session.add(Route(slug="walk", name="原名"))
    session.commit()
    sign_in(client, "editor")
    page = client.get("/editor/routes/walk").text
    assert "/editor/routes/walk/history" in page
    for name, stops in [
        ("第一版", "site-of-the-august-7-conference"),
        ("<b>第二版</b>", "tomb-of-martyr-shi-yang"),
    ]:
        client.post("/editor/routes/walk", data={"csrf": csrf(page), "name": name, "stops": stops})
    history = client.get("/editor/routes/walk/history")
    assert history.status_code == 200
    assert "&lt;b&gt;第二版&lt;/b&gt;" in history.text
    forms = re.findall(r'action="/editor/routes/walk/restore/(\d+)"', history.text)
    assert forms  # newest first; the newest has no restore button
    first_version = min(int(i) for i in forms)
    forged = client.post(f"/editor/routes/walk/restore/{first_version}", data={"csrf": "x"})
    assert forged.status_code == 403
    done = client.post(
        f"/editor/routes/walk/restore/{first_version}", data={"csrf": csrf(history.text)}
    )
    assert done.status_code == 303
    route = client.get("/api/routes/walk").json()
    assert route["properties"]["name"] == "第一版"
    assert [f["properties"]["code"] for f in route["features"]] == ["WH19"]
    assert "恢复版本" in client.get("/editor/routes/walk/history").text  # the revert, audited


def test_site_form_edits_the_summary_shown_on_the_page(client: TestClient) -> None:
    sign_in(client, "editor")
    form = client.get("/editor/sites/site-of-the-august-7-conference").text
    assert 'name="summary"' in form
    assert 'name="summary_en"' in form
    assert "状态：<strong>" in form  # a Chinese colon on a Chinese page
    english = client.get(
        "/editor/sites/site-of-the-august-7-conference", headers={"Accept-Language": "en"}
    ).text
    assert "Status: <strong>" in english
    values = {
        "csrf": csrf(form),
        "name": "八七会议会址",
        "category": "memorial_hall",
        "summary": "1927年八七会议在此召开。<script>x</script>",
        "summary_en": "Where the August 7 Conference met in 1927.",
    }
    saved = client.post("/editor/sites/site-of-the-august-7-conference", data=values)
    assert saved.status_code == 303, saved.text
    client.post(
        "/editor/sites/site-of-the-august-7-conference/status",
        data={"csrf": csrf(form), "status": "published"},
    )
    zh = client.get("/sites/site-of-the-august-7-conference").text
    assert "1927年八七会议在此召开。&lt;script&gt;" in zh
    en = client.get("/sites/site-of-the-august-7-conference?lang=en").text
    assert "Where the August 7 Conference met in 1927." in en


def test_pages_greeting_a_signed_in_reader_say_so(client: TestClient) -> None:
    """Routes saved for offline use keep no such page (sw.js reads X-Redres-Signed-In)."""
    for path in ("/routes", "/", "/login"):
        assert "x-redres-signed-in" not in client.get(path).headers
    sign_in(client, "editor", to="/routes")
    page = client.get("/routes")
    assert page.headers["x-redres-signed-in"] == "1"
    assert 'class="account-name"' in page.text
    client.post("/logout", data={"csrf": csrf(page.text)})
    assert "x-redres-signed-in" not in client.get("/routes").headers
