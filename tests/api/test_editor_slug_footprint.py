"""A site's web address (slug) and footprint through the editor's form: a new slug checked
(format, taken) with the reason in Chinese and the old address still leading to the page; a
footprint pasted as GeoJSON in GCJ-02 stored in WGS-84, refused when it is no polygon, and
cleared."""

from __future__ import annotations

import html
import json
import re

import pytest
from fastapi.testclient import TestClient
from shapely.geometry import shape
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.catalog.sites import get_site
from redres.geo import distance_m, from_wgs84
from tests.api.forms import PASSWORD, bearer, sign_in
from tests.factories import add_toy_sites

SLUG = "site-of-the-august-7-conference"
URL = f"/editor/sites/{SLUG}"
RING = [(114.2925, 30.5530), (114.2935, 30.5530), (114.2935, 30.5538), (114.2925, 30.5538)]
"""A WGS-84 block around the August 7 Conference site; the editor pastes it in GCJ-02."""


@pytest.fixture
def catalogue(session: Session) -> None:
    add_toy_sites(session)
    create_user(session, "editor", PASSWORD, Role.editor)
    session.commit()


@pytest.fixture
def follow_redirects() -> bool:
    return False


def _shown(page: str) -> dict[str, str]:
    """Every box of the site form as the browser would send it back unchanged."""
    form = page[page.index('<form method="post" class="form">') :]
    form = form[: form.index("</form>")]
    values = {
        m[1]: html.unescape(m[2])
        for m in re.finditer(r'<input id="f-[^"]*" name="([^"]+)" value="([^"]*)"', form)
    }
    for m in re.finditer(
        r'<textarea id="f-[^"]*" name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S
    ):
        values[m[1]] = html.unescape(m[2])
    for m in re.finditer(r'<select id="f-[^"]*" name="([^"]+)">(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', m[2])
        values[m[1]] = chosen[1] if chosen else ""
    values["csrf"] = re.search(r'name="csrf" value="([^"]+)"', page)[1]  # type: ignore[index]
    version = re.search(r'name="version" value="([^"]+)"', page)
    if version:
        values["version"] = version[1]
    return values


def _save(client: TestClient, url: str, **changes: str) -> object:
    values = _shown(client.get(url).text) | changes
    return client.post(url, data=values)


def _alert(r: object) -> str:
    text = r.text  # type: ignore[attr-defined]
    return html.unescape(text[text.find('role="alert"') :][:600])


def test_a_new_slug_is_saved_and_the_old_address_still_leads_to_the_page(
    client: TestClient, session: Session
) -> None:
    sign_in(client, "editor")
    assert f'name="slug" value="{SLUG}"' in client.get(URL).text
    r = _save(client, URL, slug="ba-qi-hui-yi-hui-zhi")
    assert r.status_code == 303, _alert(r)
    assert r.headers["location"] == "/editor/sites/ba-qi-hui-yi-hui-zhi"  # type: ignore[attr-defined]
    session.expire_all()
    site = get_site(session, "ba-qi-hui-yi-hui-zhi")
    assert site.name == "八七会议会址"
    old = client.get(f"/sites/{SLUG}?lang=en")
    assert old.status_code == 302
    assert old.headers["location"] == "/sites/ba-qi-hui-yi-hui-zhi?lang=en"
    assert client.get(old.headers["location"]).status_code == 200
    assert client.get("/sites/no-such-site").status_code == 404
    history = client.get("/editor/sites/ba-qi-hui-yi-hui-zhi/history").text
    assert f"{SLUG} → ba-qi-hui-yi-hui-zhi" in history
    again = _save(client, "/editor/sites/ba-qi-hui-yi-hui-zhi", slug="")  # an empty box keeps it
    assert again.status_code == 303
    session.expire_all()
    assert get_site(session, "ba-qi-hui-yi-hui-zhi").id == site.id


@pytest.mark.parametrize(
    ("slug", "said"),
    [
        ("八七会址", "“八七会址”不能作网址标识：只能用小写字母 a-z、数字和单个连字符"),
        ("Ba Qi", "“Ba Qi”不能作网址标识"),
        ("ba--qi", "“ba--qi”不能作网址标识"),
        ("site-of-the-5th-national-congress-of-the-cpc", "已被“中共五大会址纪念馆”使用"),
    ],
)
def test_a_bad_or_taken_slug_is_refused_in_chinese(
    client: TestClient, session: Session, slug: str, said: str
) -> None:
    sign_in(client, "editor")
    r = _save(client, URL, slug=slug)
    assert r.status_code == 422
    assert said in _alert(r), _alert(r)
    session.expire_all()
    assert get_site(session, SLUG).slug == SLUG  # nothing written


def test_a_footprint_pasted_in_gcj02_is_stored_in_wgs84_and_can_be_cleared(
    client: TestClient, session: Session
) -> None:
    sign_in(client, "editor")
    gcj = [from_wgs84(lon, lat, "gcj02") for lon, lat in RING]
    ring = [[p.lon, p.lat] for p in [*gcj, gcj[0]]]
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    r = _save(client, URL, footprint=json.dumps(feature), footprint_crs="gcj02")
    assert r.status_code == 303, _alert(r)
    session.expire_all()
    site = get_site(session, SLUG)
    assert site.footprint is not None
    stored = json.loads(site.footprint)
    assert stored["type"] == "Polygon"
    for (lon, lat), want in zip(stored["coordinates"][0], [*RING, RING[0]], strict=True):
        assert distance_m(lon, lat, *want) < 0.5  # GCJ-02 back to WGS-84
    assert shape(stored).is_valid
    page = client.get(URL).text
    assert _shown(page)["footprint_crs"] == "wgs84"  # shown as stored
    assert json.loads(_shown(page)["footprint"]) == stored
    kept = _save(client, URL, name="八七会议会址（旧址）")  # saving the rest keeps it as it was
    assert kept.status_code == 303
    session.expire_all()
    assert json.loads(get_site(session, SLUG).footprint or "null") == stored
    cleared = _save(client, URL, footprint="")
    assert cleared.status_code == 303
    session.expire_all()
    assert get_site(session, SLUG).footprint is None


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("{不是", "范围不是 GeoJSON：请粘贴 Polygon 或 MultiPolygon"),
        (
            '{"type": "LineString", "coordinates": [[114.29, 30.55], [114.30, 30.56]]}',
            "范围必须是有效的面",
        ),
        (
            '{"type": "Polygon", "coordinates": [[[114.29, 30.55], [114.30, 30.56]]]}',
            "至少需要 4 个坐标",
        ),
    ],
)
def test_a_footprint_that_is_no_polygon_is_refused_in_chinese(
    client: TestClient, session: Session, text: str, said: str
) -> None:
    sign_in(client, "editor")
    r = _save(client, URL, footprint=text)
    assert r.status_code == 422
    assert said in _alert(r), _alert(r)
    assert "{不是" in r.text or "coordinates" in r.text  # the input is kept in the box
    session.expire_all()
    assert get_site(session, SLUG).footprint is None


def test_the_api_answers_an_old_slug_with_a_redirect_to_the_new(client: TestClient) -> None:
    """As the page does (302), `/api/sites/{old}` leads to the site: 307, temporary like the
    page's, since the old slug may later go to another site."""
    editor = bearer(client, "editor")
    r = client.patch(f"/api/sites/{SLUG}", json={"slug": "ba-qi-hui-yi-hui-zhi"}, headers=editor)
    assert r.status_code == 200, r.text
    old = client.get(f"/api/sites/{SLUG}?lang=en")
    assert old.status_code == 307
    assert old.headers["location"] == "/api/sites/ba-qi-hui-yi-hui-zhi?lang=en"
    moved = client.get(old.headers["location"])
    assert moved.status_code == 200
    assert moved.json()["properties"]["name"] == "八七会议会址"
    assert client.get("/api/sites/no-such-site").status_code == 404
