"""The editor's page forms validate with the API's own models: what the API refuses, the forms
refuse too, back on the form, escaped, worded in the reader's language, nothing stored."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from redres.catalog.account_tables import AuditLog
from redres.catalog.accounts import create_user
from redres.catalog.enums import STAFF, Role, Status
from redres.catalog.models import Route, Site, Story
from redres.catalog.route_edits import create_route
from redres.config import Settings
from tests.api.forms import PASSWORD, csrf, sign_in
from tests.factories import add_toy_sites

SITE = "site-of-the-august-7-conference"
BIG = "x" * 900_000  # 900 KB, under the 1 MB body limit
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def catalogue(session: Session) -> None:
    """The toy catalogue, a route and a story, and an editor."""
    add_toy_sites(session)
    create_user(session, "editor", PASSWORD, Role.editor)
    create_route(session, actor="editor", name="武昌半日", stops=[[(SITE, None)]], visible=STAFF)
    session.add(Story(slug="a-story", title="一个故事", body="正文"))
    session.commit()


@pytest.fixture
def app_settings() -> Settings:
    return Settings(database_url="sqlite://", secret_key="x" * 40)


@pytest.fixture
def follow_redirects() -> bool:
    return False


@pytest.fixture
def client(client: TestClient) -> TestClient:
    """The module's client, with the editor signed in."""
    sign_in(client, "editor")
    return client


def _post(client: TestClient, path: str, fields: dict[str, str], lang: str = "zh") -> Any:
    token = csrf(client.get(path, params={"lang": lang}).text)
    return client.post(path, data=fields | {"csrf": token}, params={"lang": lang})


def _route_fields(**change: str) -> dict[str, str]:
    base = {"name": "武昌半日", "description": "", "mode": "walk", "theme": "", "status": "draft"}
    return base | {"stops": f"{SITE} | 讲会议"} | change


ROUTE_CASES = [
    ({"description": BIG}, "简介：最多 2000 个字符", "Description: at most 2000 characters"),
    ({"description": "a\x00b"}, "简介：文字中不能含有控制字符", "must not contain control"),
    ({"name": "x\x00"}, "线路名称：文字中不能含有控制字符", "must not contain control"),
    ({"stops": f"{SITE} | 讲\x00会议"}, "站点（第 1 天第 1 站）", "Stops (day 1, stop 1)"),
    ({"name": "x" * 201}, "线路名称：最多 200 个字符", "at most 200 characters"),
    ({"name": " "}, "线路名称：必填", "required"),
    ({"stops": "Not A Slug"}, "站点（第 1 天第 1 站）：格式不对", "not in the expected form"),
    ({"stops": "no-such-site"}, "站点“no-such-site”不存在", "unknown site &#39;no-such-site"),
    ({"mode": "rocket"}, "请从列出的选项中选择", "choose one of the listed values"),
    ({"stops": ""}, "站点：必填", "Stops: required"),
]


@pytest.mark.parametrize(("change", "zh", "en"), ROUTE_CASES)
def test_the_route_form_refuses_what_the_api_refuses(
    client: TestClient, session: Session, change: dict[str, str], zh: str, en: str
) -> None:
    route = session.exec(select(Route)).one()
    path = f"/editor/routes/{route.slug}"
    before = session.exec(select(AuditLog)).all()
    for lang, message in (("zh", zh), ("en", en)):
        fields = _route_fields(**change)
        fields["name"] = fields["name"] if "name" in change else f"{HOSTILE}{fields['name']}"
        r = _post(client, path, fields, lang)
        assert r.status_code == 422, r.text[:300]
        assert r.headers["content-type"].startswith("text/html")
        assert message in r.text
        assert HOSTILE not in r.text
        if "name" not in change:
            assert f'value="&lt;script&gt;alert(1)&lt;/script&gt;{"武昌半日"}"' in r.text
    session.expire_all()
    assert session.exec(select(AuditLog)).all() == before  # nothing stored
    stored = session.exec(select(Route)).one()
    assert (stored.name, stored.description) == ("武昌半日", None)


def test_the_route_form_still_saves_good_input(client: TestClient, session: Session) -> None:
    route = session.exec(select(Route)).one()
    fields = _route_fields(description="二〇二五年修订")
    r = _post(client, f"/editor/routes/{route.slug}", fields)
    assert r.status_code == 303
    session.expire_all()
    assert session.exec(select(Route)).one().description == "二〇二五年修订"


@pytest.mark.parametrize(
    ("fields", "zh"),
    [
        ({"summary": BIG}, "简介：最多 2000 个字符"),
        ({"summary": "a\x00b"}, "简介：文字中不能含有控制字符"),
        ({"name": "a\x00b"}, "名称：文字中不能含有控制字符"),
        ({"capacity": "很多"}, "最大接待量：须为整数"),
        ({"lon": "200", "lat": "30"}, "经度 200.0 超出 -180 到 180 的范围"),
        ({"lon": "114.3"}, "经度和纬度须同时填写"),
    ],
)
def test_the_site_forms_refuse_what_the_api_refuses(
    client: TestClient, session: Session, fields: dict[str, str], zh: str
) -> None:
    count = len(session.exec(select(Site)).all())
    new = {"name": f"{HOSTILE}新馆", "category": "museum"} | fields
    r = _post(client, "/editor/sites/new", new)
    assert r.status_code == 422
    assert zh in r.text
    assert HOSTILE not in r.text
    r = _post(
        client,
        f"/editor/sites/{SITE}",
        {"name": "八七会议会址", "category": "former_site"} | fields,
    )
    assert r.status_code == 422
    assert zh in r.text
    session.expire_all()
    assert len(session.exec(select(Site)).all()) == count
    site = session.exec(select(Site).where(Site.slug == SITE)).one()
    assert (site.summary, site.status) == (None, Status.published)


@pytest.mark.parametrize(
    ("fields", "zh"),
    [
        ({"body": "长" * 50_001}, "正文（Markdown）：最多 50000 个字符"),
        ({"title": "a\x00b"}, "标题：文字中不能含有控制字符"),
        ({"sites": "no-such-site"}, "no-such-site"),
    ],
)
def test_the_story_form_refuses_what_the_api_refuses(
    client: TestClient, session: Session, fields: dict[str, str], zh: str
) -> None:
    base = {"title": f"{HOSTILE}故事", "body": "正文", "status": "draft", "action": "save"}
    r = _post(client, "/editor/stories/a-story", base | fields)
    assert r.status_code == 422
    assert zh in r.text
    assert HOSTILE not in r.text
    session.expire_all()
    assert session.exec(select(Story)).one().title == "一个故事"
