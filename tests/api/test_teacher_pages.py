"""Signed-in teachers see where they are: the header, 我的线路, saving from the plan result,
re-checks of a new order, one solve per plan request, and the handout."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from redres.api.routers import planner_pages
from redres.catalog.accounts import create_user
from redres.catalog.enums import STAFF, Role
from redres.catalog.schemas import SiteUpdate
from redres.catalog.sites import get_site, update_site
from redres.config import Settings
from redres.maps.route_png import MissingCJKFont, cjk_family, find_cjk_font, route_png
from redres.routes.answer import Itinerary
from tests.api.conftest import MakeClient

PASSWORD = "correct horse battery"
TUESDAY = "2025-06-10"
QUERY = f"theme=great-revolution&date={TUESDAY}&lunch=12:00-13:00&start=114.2944,30.58899"


@dataclass
class Teachers:
    client: TestClient
    solves: list[str]


@pytest.fixture
def teachers(
    engine: Engine,
    session: Session,
    demo_copy: None,
    monkeypatch: pytest.MonkeyPatch,
    make_client: MakeClient,
) -> Teachers:
    """The writable demo catalogue (a copy), two teachers, and a count of the planner pages'
    solves."""
    create_user(session, "wang", PASSWORD, Role.teacher)
    create_user(session, "li", PASSWORD, Role.teacher)
    session.commit()
    solves: list[str] = []
    real = planner_pages.plan_catalog

    def counted(*args: Any, **kwargs: Any) -> Itinerary:
        solves.append("solve")
        return real(*args, **kwargs)

    monkeypatch.setattr(planner_pages, "plan_catalog", counted)
    settings = Settings(database_url="sqlite://", secret_key="s" * 40)
    return Teachers(make_client(engine, settings, follow_redirects=False), solves)


def sign_in(c: TestClient, username: str) -> None:
    """Sign in through the login form, as a browser does."""
    c.cookies.clear()
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text)
    assert token
    r = c.post("/login", data={"username": username, "password": PASSWORD, "csrf": token[1]})
    assert r.status_code == 303


def header(html: str) -> str:
    return html.split('<header class="top"', 1)[1].split("</header>", 1)[0]


def save_from_plan_page(c: TestClient, name: str) -> str:
    """Save the plan result through the form the page shows at once; the saved route's slug."""
    page = c.get(f"/plan?{QUERY}").text
    form = page.split('id="save-plan"', 1)[1].split("</form>", 1)[0]
    fields = dict(re.findall(r'<input type="hidden" name="([a-z]+)" value="([^"]*)"', form))
    saved = c.post("/plan/save", data=fields | {"name": name})
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"].startswith("/plan/saved/")
    return saved.headers["location"].rsplit("/", 1)[1]


def test_the_header_signs_in_greets_and_signs_out(teachers: Teachers) -> None:
    c = teachers.client
    for path in ("/", "/themes", f"/plan?{QUERY}"):
        top = header(c.get(path).text)
        assert "/login?next=" in top, path
        assert "我的线路" not in top
    assert 'href="/login?next=/themes"' in header(c.get("/themes").text)
    sign_in(c, "wang")
    top = header(c.get("/themes").text)
    assert "<strong>wang</strong>" in top
    assert 'href="/plan/mine"' in top
    assert "我的线路" in top
    token = re.search(r'action="/logout".*?name="csrf" value="([^"]+)"', top, re.S)
    assert token
    assert "/login?next=" not in top
    assert c.post("/logout", data={"csrf": "forged"}).status_code == 403
    out = c.post("/logout", data={"csrf": token[1]})
    assert out.status_code == 303
    assert "/login?next=" in header(c.get("/themes").text)


def test_my_routes_lists_only_the_users_own_and_saving_links_the_route(
    teachers: Teachers,
) -> None:
    c = teachers.client
    sign_in(c, "wang")
    mine = save_from_plan_page(c, "王老师的大革命线路")
    done = c.get(f"/plan/saved/{mine}").text
    assert f'href="/routes/{mine}"' in done
    assert "王老师的大革命线路" in done
    route = c.get(f"/routes/{mine}")
    assert route.status_code == 200  # the link opens for its owner
    kept = c.get(f"/api/routes/{mine}").json()["plan"]
    assert (kept["date"], kept["lunch"]) == (TUESDAY, "12:00-13:00")
    sign_in(c, "li")
    theirs = save_from_plan_page(c, "李老师的线路")
    listed = c.get("/plan/mine").text
    assert f'href="/routes/{theirs}"' in listed
    assert f'href="/routes/{mine}"' not in listed
    assert "王老师的大革命线路" not in listed
    c.cookies.clear()
    assert c.get("/plan/mine").headers["location"].startswith("/login")


def test_the_plan_result_offers_saving_at_once(teachers: Teachers) -> None:
    c = teachers.client
    anonymous = c.get(f"/plan?{QUERY}").text
    assert 'action="/plan/save"' not in anonymous
    save = anonymous.split('class="save-plan"', 1)[1].split("</section>", 1)[0]
    assert 'href="/login?next=/plan%3Ftheme%3Dgreat-revolution' in save
    sign_in(c, "wang")
    page = c.get(f"/plan?{QUERY}").text
    form = page.split('id="save-plan"', 1)[1].split("</form>", 1)[0]
    assert 'name="csrf"' in form
    first = re.search(
        r'<ol class="schedule">.*?<li value="1">.*?href="/sites/([a-z0-9-]+)', page, re.S
    )
    assert first
    assert f'name="stops" value="{first[1]}\n' in form  # the stops as planned, in order
    assert "重新检查行程" not in page.split('id="save-plan"', 1)[0].rsplit("<section", 1)[1]


def test_a_new_order_is_rechecked_at_once_in_the_readers_language(teachers: Teachers) -> None:
    c = teachers.client
    page = c.get(f"/plan?{QUERY}").text
    panel = page.split('id="reorder"', 1)[1].split("</section>", 1)[0]
    order = re.findall(r'<li draggable="true" data-slug="([a-z0-9-]+)"', panel)
    assert len(order) >= 3
    assert 'data-act="up"' in panel
    assert 'data-act="down"' in panel
    reversed_ = "\n".join(reversed(order))
    params = {"part": "result", "date": TUESDAY, "stops": reversed_, "lunch": "12:00-13:00"}
    params |= {"start": "114.2944,30.58899"}
    r = c.get("/plan/check", params=params)
    assert r.status_code == 200
    assert "<html" not in r.text  # a fragment for the page to swap in
    got = re.findall(
        r'<li value="\d+"><time>[0-9:]+</time>.*?href="/sites/([a-z0-9-]+)"', r.text, re.S
    )
    assert got == list(reversed(order))
    monday = c.get("/plan/check", params=params | {"date": "2025-06-09"})
    assert "有以下问题" in monday.text
    assert "闭馆" in monday.text
    english = c.get("/plan/check", params=params | {"date": "2025-06-09", "lang": "en"})
    assert "closed" in english.text
    assert "闭馆" not in english.text
    bad = c.get("/plan/check", params=params | {"stops": "no-such-site"})
    assert bad.status_code == 422
    assert "no-such-site" in bad.text


def test_the_map_frame_and_handout_reuse_the_pages_solve(teachers: Teachers) -> None:
    c = teachers.client
    page = c.get(f"/plan?{QUERY}")
    assert page.status_code == 200
    assert teachers.solves == ["solve"]
    frame = re.search(r'<iframe class="map"[^>]*src="([^"]+)"', page.text)
    assert frame
    assert c.get(frame[1].replace("&amp;", "&")).status_code == 200
    assert c.get(f"/plan/export.html?{QUERY}").status_code == 200
    assert c.get(f"/plan/export.gpx?{QUERY}").status_code == 200
    assert teachers.solves == ["solve"]  # the map and the downloads reused it
    assert c.app.state.plan_cache.hits == 3  # type: ignore[attr-defined]
    c.get(f"/plan?{QUERY}&group=30")  # another request is solved anew
    assert teachers.solves == ["solve", "solve"]


def test_an_edit_to_the_catalogue_is_planned_at_once(teachers: Teachers, engine: Engine) -> None:
    """The kept plan is keyed by the catalogue's last change: after an edit (a site closed for
    the day) the same request is solved again and no longer visits that site."""
    c = teachers.client
    first = c.get(f"/plan?{QUERY}").text
    stop = re.search(r'<a href="/sites/([a-z0-9-]+)"', first.split('id="omitted"')[0])
    assert stop
    with Session(engine) as s:
        site = get_site(s, stop[1], visible=STAFF)
        update_site(s, site, SiteUpdate(closures=f"{TUESDAY}至{TUESDAY} 临时闭馆"), actor="editor")
        s.commit()
    again = c.get(f"/plan?{QUERY}").text
    assert teachers.solves == ["solve", "solve"]
    assert f'<a href="/sites/{stop[1]}"' not in again.split('id="omitted"')[0]


def test_the_planner_handout_is_chinese_with_its_map_and_prints_on_a4(teachers: Teachers) -> None:
    c = teachers.client
    html = c.get(f"/plan/export.html?{QUERY}&lang=zh").text
    assert 'src="data:image/png;base64,' in html  # the map is drawn, not a blank slot
    assert "@page { size: A4 portrait;" in html
    assert "break-inside: avoid" in html
    assert 'name="viewport"' in html
    for blank in ("带队老师", "联系电话", "紧急联系人"):
        assert f"<dt>{blank}</dt><dd></dd>" in html
    text = re.sub(r"<style>.*?</style>|<[^>]+>", " ", html, flags=re.S)
    english = re.findall(r"[A-Za-z]{3,}(?:\s+[A-Za-z]{2,}){2,}", text)
    assert english == []  # no English sentence (English notes and summaries left out)
    assert "分钟" in html
    assert "现场教学" in html or "教学提示" in html or "八七会议" in html
    en = c.get(f"/plan/export.html?{QUERY}&lang=en").text
    assert '<html lang="en">' in en
    assert "Teacher in charge" in en
    assert "带队老师" not in en


def test_the_route_image_prints_chinese_with_a_cjk_font() -> None:
    family = cjk_family()
    assert "CJK" in family or "Han" in family or "WenQuanYi" in family
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from matplotlib import pyplot as plt

        fig, ax = plt.subplots()
        try:
            ax.set_title("八七会议会址 · 第1天 北 ↑ 公里", fontfamily=family)
            fig.canvas.draw()
        finally:
            plt.close(fig)
    glyphs = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert glyphs == []


def test_without_a_cjk_font_the_route_image_fails_loudly() -> None:
    with pytest.raises(MissingCJKFont, match="fonts-noto-cjk"):
        find_cjk_font(("No Such Font",), fontconfig=False)
    assert find_cjk_font(("No Such Font",), fontconfig=True)  # fontconfig finds Noto CJK here


def test_a_route_png_has_chinese_labels_without_missing_glyphs(teachers: Teachers) -> None:
    c = teachers.client
    page = c.get(f"/plan?{QUERY}")
    assert page.status_code == 200
    key = next(iter(c.app.state.plan_cache._kept))  # type: ignore[attr-defined]
    itinerary = c.app.state.plan_cache.get(key)  # type: ignore[attr-defined]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = route_png(itinerary, title="大革命时期武汉现场教学")
    assert png.startswith(b"\x89PNG")
    assert [str(w.message) for w in caught if "Glyph" in str(w.message)] == []


def test_the_why_not_list_names_the_themes_asked(teachers: Teachers) -> None:
    c = teachers.client
    omitted = c.get(f"/plan?{QUERY}").text.split('id="omitted"', 1)[1]
    assert "未标注所选主题（大革命）" in omitted
    page = c.get(f"/plan?{QUERY}").text
    assert "暂按 09:00-17:00 安排" in page  # the warning stays, in Chinese
    assert "The hours found in the sources" not in page  # the English note of the data goes
    assert "The hours found in the sources" in c.get(f"/plan?{QUERY}&lang=en").text
    assert "great-revolution" not in omitted
    english = c.get(f"/plan?{QUERY}&lang=en").text.split('id="omitted"', 1)[1]
    assert "(The Great Revolution)" in english
