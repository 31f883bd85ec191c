"""An editor's history page: a restore the catalogue refuses shows the history again with the
reason in the reader's language and writes nothing; a route's entries read as words (stops by
name, the saved plan, the owner), never stored lists or ids."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from tests.api.forms import PASSWORD, bearer, csrf, sign_in
from tests.factories import add_toy_sites

PLAN = {"themes": {"great-revolution": 1.0}, "date": "2026-12-08"}
FIRST, SECOND = "site-of-the-august-7-conference", "site-of-the-5th-national-congress-of-the-cpc"


@pytest.fixture
def catalogue(session: Session) -> None:
    """The toy catalogue with a teacher and an editor."""
    add_toy_sites(session)
    create_user(session, "teacher", PASSWORD, Role.teacher)
    create_user(session, "editor", PASSWORD, Role.editor)
    session.commit()


@pytest.fixture
def follow_redirects() -> bool:
    return False


def _route_whose_first_version_no_longer_holds(client: TestClient) -> str:
    """A saved plan's route cut to one stop, then its dropped stop closed on the plan's day."""
    teacher, editor = bearer(client, "teacher"), bearer(client, "editor")
    hours = {"opening_hours": "Tu-Su 09:00-17:00"}
    assert client.patch(f"/api/sites/{SECOND}", json=hours, headers=editor).status_code == 200
    itinerary = {"days": [{"stops": [{"slug": FIRST}, {"slug": SECOND}]}]}
    saved = client.post(
        "/api/routes", json={"name": "两站", "plan": PLAN, "itinerary": itinerary}, headers=teacher
    )
    assert saved.status_code == 201, saved.text
    slug = str(saved.json()["properties"]["slug"])
    one = client.patch(f"/api/routes/{slug}", json={"days": [[{"site": FIRST}]]}, headers=teacher)
    assert one.status_code == 200, one.text
    closed = {"opening_hours": "We-Su 09:00-17:00"}  # the plan's day is a Tuesday
    assert client.patch(f"/api/sites/{SECOND}", json=closed, headers=editor).status_code == 200
    return slug


@pytest.mark.parametrize(
    ("headers", "says"),
    [
        (
            {},
            [
                "未恢复该版本，内容没有任何改动",
                "修改后的站点不符合线路保存的计划",
                "中共五大会址纪念馆在 2026-12-08（周二）闭馆",  # no spaces between Chinese words
            ],
        ),
        (
            {"Accept-Language": "en"},
            [
                "This version was not restored, and nothing was changed",
                "the changed stops do not hold for the route",
                # the site by its English name, not its Chinese one
                "Site of the 5th National Congress of the CPC is closed on 2026-12-08 (Tue)",
            ],
        ),
    ],
)
def test_a_route_version_that_no_longer_holds_is_refused_on_the_page(
    client: TestClient, headers: dict[str, str], says: list[str]
) -> None:
    slug = _route_whose_first_version_no_longer_holds(client)
    sign_in(client, "editor")
    history = client.get(f"/editor/routes/{slug}/history", headers=headers)
    first = min(
        int(i) for i in re.findall(rf'action="/editor/routes/{slug}/restore/(\d+)"', history.text)
    )
    r = client.post(
        f"/editor/routes/{slug}/restore/{first}", data={"csrf": csrf(history.text)}, headers=headers
    )
    assert r.status_code == 422, r.text
    assert 'role="alert"' in r.text
    for words in says:
        assert words in r.text, words
    assert f'action="/editor/routes/{slug}/restore/{first}"' in r.text  # the history, again
    stops = client.get(f"/api/routes/{slug}", headers=bearer(client, "editor")).json()
    assert [s["properties"]["slug"] for s in stops["features"]] == [FIRST]  # nothing written
    again = client.get(f"/editor/routes/{slug}/history", headers=headers)
    assert again.text.count("/restore/") == history.text.count("/restore/")  # no new version
    assert 'role="alert"' not in again.text


def test_a_site_version_whose_code_is_taken_is_refused_on_the_page(client: TestClient) -> None:
    editor = bearer(client, "editor")
    before = client.get(f"/api/sites/{FIRST}").json()["properties"]["code"]
    assert (
        client.patch(f"/api/sites/{FIRST}", json={"code": "NEW-1"}, headers=editor).status_code
        == 200
    )
    taken = client.patch(f"/api/sites/{SECOND}", json={"code": before}, headers=editor)
    assert taken.status_code == 200, taken.text
    sign_in(client, "editor")
    history = client.get(f"/editor/sites/{FIRST}/history")
    first = min(
        int(i) for i in re.findall(rf'action="/editor/sites/{FIRST}/restore/(\d+)"', history.text)
    )
    r = client.post(f"/editor/sites/{FIRST}/restore/{first}", data={"csrf": csrf(history.text)})
    assert r.status_code == 409, r.text
    assert "未恢复该版本" in r.text
    assert before in r.text
    assert client.get(f"/api/sites/{FIRST}").json()["properties"]["code"] == "NEW-1"


@pytest.mark.parametrize(
    ("headers", "says"),
    [
        (
            {},
            [
                "站点：第 1 天：八七会议会址、中共五大会址纪念馆 → 第 1 天：八七会议会址",
                "保存的计划：日期：2026-12-08；天数：1；主题：大革命 1",
                "所有者：teacher",
                "线路来源：由规划保存",
                "交通方式：步行",
            ],
        ),
        (
            {"Accept-Language": "en"},
            ["Saved plan: Date: 2026-12-08; Days: 1", "Owner: teacher", "Travel mode: on foot"],
        ),
    ],
)
def test_a_route_history_reads_as_words(
    client: TestClient, headers: dict[str, str], says: list[str]
) -> None:
    slug = _route_whose_first_version_no_longer_holds(client)
    sign_in(client, "editor")
    page = client.get(f"/editor/routes/{slug}/history", headers=headers).text
    for words in says:
        assert words in page, words
    for raw in ("owner_id", "theme_id", "[1, &#39;", "themes={", "kind："):
        assert raw not in page, raw


def test_a_route_history_is_titled_in_the_readers_language(client: TestClient) -> None:
    slug = _route_whose_first_version_no_longer_holds(client)
    named = {"name_en": "Two stops"}
    r = client.patch(f"/api/routes/{slug}", json=named, headers=bearer(client, "editor"))
    assert r.status_code == 200, r.text
    sign_in(client, "editor")
    en = client.get(f"/editor/routes/{slug}/history", headers={"Accept-Language": "en"}).text
    assert "<title>History · Two stops" in en
    assert '<h1>History: <span lang="en">Two stops</span></h1>' in en
    assert "两站" not in en.split("<tbody>")[0]
    zh = client.get(f"/editor/routes/{slug}/history").text
    assert '<h1>修改记录：<span lang="zh-CN">两站</span></h1>' in zh
