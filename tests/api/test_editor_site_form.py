"""Every site field through the editor's form: themes with weights, aliases, parent (loops
refused in Chinese), sources, survey fields, closures, the English hours note, point provenance
and coordinates pasted in GCJ-02 or BD-09; and the story form's English summary."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.catalog.io.citations import SITE, cited_refs
from redres.catalog.models import pk
from redres.catalog.sites import get_site, site_theme_weights
from redres.config import Settings
from redres.geo import distance_m, from_wgs84
from tests.api.forms import PASSWORD, csrf, sign_in
from tests.factories import add_toy_sites

PARENT = "site-of-the-august-7-conference"
WGS = (114.29302, 30.55339)
"""A WGS-84 point in Wuhan; the pasted text is this point as Amap or Baidu would give it."""


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


def _new(client: TestClient, **fields: str) -> str:
    form = client.get("/editor/sites/new").text
    r = client.post("/editor/sites/new", data={"csrf": csrf(form), **fields})
    assert r.status_code == 303, r.text[r.text.find('role="alert"') :][:600]
    return str(r.headers["location"])


def test_every_field_saves_and_shows_again(client: TestClient, session: Session) -> None:
    sign_in(client, "editor")
    gcj = from_wgs84(*WGS, "gcj02")
    url = _new(
        client,
        name="起义门",
        category="monument",
        aliases="中和门\n楚望台门",
        years="1911年",
        designations="全国爱国主义教育示范基地",
        parent="八七会议会址",
        themes="英烈纪念 0.8\ngreat-revolution",
        point_crs="gcj02",
        coordinates=f"{gcj.lon:.6f},{gcj.lat:.6f}",
        point_source="高德地图拾取",
        point_note="城门中心",
        point_approximate="true",
        opening_hours="周二至周日 9:00-17:00（16:30停止入馆），周一闭馆",
        hours_note="节假日照常开放",
        hours_note_en="Open on public holidays",
        closures="2027-01-05至2027-02-01 修缮",
        reservation_days="1",
        accessibility="有无障碍坡道",
        condition="good",
        survey_date="2026-05-01",
        surveyor="张三",
        ownership="武昌区文旅局",
        sources="《武汉革命遗址》p.12\n官网 https://example.org/qiyimen",
    )
    site = get_site(session, url.rsplit("/", 1)[1], visible={"draft"})  # type: ignore[arg-type]
    assert site.aliases == ["中和门", "楚望台门"]
    assert site.designations == ["全国爱国主义教育示范基地"]
    assert site.parent_id == get_site(session, PARENT).id
    assert site_theme_weights(session, pk(site)) == {"great-revolution": 1.0, "martyrs": 0.8}
    assert site.lon is not None
    assert site.lat is not None
    assert distance_m(site.lon, site.lat, *WGS) < 0.5  # GCJ-02 back to WGS-84
    assert (site.point_crs, site.point_source, site.point_approximate) == (
        "gcj02",
        "高德地图拾取",
        True,
    )
    assert site.opening_hours == "Tu-Su 09:00-17:00"
    assert site.last_entry_minutes == 30
    assert site.hours_note_en == "Open on public holidays"
    assert site.closures
    assert site.closures[0]["note"] == "修缮"
    assert (site.condition, str(site.survey_date), site.surveyor) == ("good", "2026-05-01", "张三")
    refs = cited_refs(session, SITE, [pk(site)])[pk(site)]
    assert [r.title for r in refs] == ["《武汉革命遗址》p.12", "官网"]
    page = client.get(url).text
    assert "中和门\n楚望台门</textarea>" in page
    assert 'value="八七会议会址"' in page
    assert "martyrs 0.8" in page
    assert "官网 https://example.org/qiyimen" in page
    assert "系统理解为：周二至周日 09:00–17:00（16:30 停止入馆），周一闭馆" in page  # in words


def test_bd09_paste_and_clearing_sources_and_themes(client: TestClient, session: Session) -> None:
    sign_in(client, "editor")
    bd = from_wgs84(*WGS, "bd09")
    url = _new(
        client,
        name="红楼",
        category="former_site",
        point_crs="bd09",
        coordinates=f"{bd.lat:.6f}, {bd.lon:.6f}",  # latitude first, as some pickers copy it
        themes="martyrs 0.5",
        sources="某志",
    )
    slug = url.rsplit("/", 1)[1]
    site = get_site(session, slug, visible={"draft"})  # type: ignore[arg-type]
    assert site.lon is not None
    assert site.lat is not None
    assert distance_m(site.lon, site.lat, *WGS) < 0.5
    page = client.get(url).text
    form = {
        "csrf": csrf(page),
        "name": "红楼",
        "category": "former_site",
        "themes": "",
        "sources": "",
    }
    for box in ("lon", "lat"):  # a browser sends every box; the point is kept as shown
        found = re.search(rf'id="f-{box}" name="{box}" value="([^"]*)"', page)
        assert found
        form[box] = found.group(1)
    assert client.post(url, data=form).status_code == 303
    session.expire_all()
    site = get_site(session, slug, visible={"draft"})  # type: ignore[arg-type]
    assert site_theme_weights(session, pk(site)) == {}
    assert cited_refs(session, SITE, [pk(site)]).get(pk(site), []) == []
    assert site.lon is not None  # no paste: the point stays
    history = client.get(f"{url}/history").text
    assert "资料来源：某志 → —" in history


def test_form_problems_are_named_in_chinese(client: TestClient) -> None:
    sign_in(client, "editor")
    form = client.get("/editor/sites/new").text
    base = {"csrf": csrf(form), "name": "甲", "category": "monument"}
    for extra, words in (
        ({"parent": "不存在的旧址"}, "没有名称或标识为“不存在的旧址”的资源"),
        ({"themes": "航天 0.5"}, "没有名为“航天”的主题"),
        ({"themes": "martyrs 2"}, "主题"),
        ({"coordinates": "114.3", "point_crs": "gcj02"}, "不是坐标"),
    ):
        r = client.post("/editor/sites/new", data=base | extra)
        assert r.status_code == 422, extra
        assert words in r.text, (extra, r.text[r.text.find('role="alert"') :][:400])


def test_parent_loop_is_refused_with_the_loop_named(client: TestClient) -> None:
    sign_in(client, "editor")
    child = _new(client, name="子址", category="monument", parent="八七会议会址")
    parent_url = f"/editor/sites/{PARENT}"
    page = client.get(parent_url).text
    r = client.post(
        parent_url,
        data={
            "csrf": csrf(page),
            "name": "八七会议会址",
            "category": "former_site",
            "parent": "子址",
        },
    )
    assert r.status_code == 422
    assert "上级单位会形成循环：八七会议会址 → 子址 → 八七会议会址" in r.text
    own = client.post(
        child,
        data={"csrf": csrf(page), "name": "子址", "category": "monument", "parent": "子址"},
    )
    assert "一处资源不能是自己的上级" in own.text


def test_story_form_keeps_the_english_summary(client: TestClient) -> None:
    sign_in(client, "editor")
    form = client.get("/editor/stories/new").text
    assert "英文一句话摘要" in form
    r = client.post(
        "/editor/stories/new",
        data={
            "csrf": csrf(form),
            "title": "八七会议",
            "summary": "确定土地革命和武装反抗的总方针",
            "summary_en": "The meeting that chose armed resistance",
            "body": "正文",
            "action": "save",
        },
    )
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "The meeting that chose armed resistance</textarea>" in page


def test_hours_are_read_back_as_they_are_typed(client: TestClient) -> None:
    assert client.get("/editor/hours-reading", params={"text": "9:00-17:00"}).status_code == 303
    sign_in(client, "editor")
    r = client.get("/editor/hours-reading", params={"text": "周二至周日 9:00-17:00，周一闭馆"})
    assert r.json() == {"words": "周二至周日 09:00–17:00，周一闭馆", "error": None}
    bad = client.get("/editor/hours-reading", params={"text": "逢双日开放"}).json()
    assert bad["words"] is None
    assert "逢双日开放" in bad["error"]  # names the part it cannot read, in Chinese


def test_map_picker_uses_the_basemap_and_no_marker_image(client: TestClient) -> None:
    sign_in(client, "editor")
    page = client.get(f"/editor/sites/{PARENT}").text
    picker = page[page.index('id="pick-map"') :].split(">", 1)[0]
    assert 'data-crs="' in picker
    assert 'data-point="1"' in picker
    assert "data-tiles=" in picker
    js = client.get("/static/api/js/editor.js").text
    assert "divIcon" in js
    assert "marker-icon" not in js
    for asset in (
        "/static/vendor/leaflet-1.9.4/leaflet.js",
        "/static/vendor/leaflet-1.9.4/leaflet.css",
    ):
        assert client.get(asset).status_code == 200
