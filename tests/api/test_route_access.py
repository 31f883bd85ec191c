"""Who may change a route, and what saving one tells a teacher about sites they may not see."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from redres.catalog.enums import Status
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from tests.api.forms import csrf, sign_in
from tests.api.test_route_sharing import World, _new_route, world

__all__ = ["world"]  # the fixture, shared with the sharing tests


def _body(site: str) -> dict[str, object]:
    return {"name": "探路", "days": [[{"site": site}]]}


@pytest.mark.parametrize("status", [Status.draft, Status.archived])
def test_a_hidden_site_is_answered_like_a_missing_one(
    world: World, session: Session, status: Status
) -> None:
    hidden = SiteCreate(
        slug="secret-hall", name="未公开纪念馆", category="memorial_hall", status=status
    )
    create_site(session, hidden)
    session.commit()
    w = world
    missing = w.client.post("/api/routes", json=_body("no-such-hall"), headers=w.teacher)
    probed = w.client.post("/api/routes", json=_body("secret-hall"), headers=w.teacher)
    assert missing.status_code == probed.status_code == 409
    assert probed.json()["detail"] == missing.json()["detail"].replace(
        "no-such-hall", "secret-hall"
    )
    slug = _new_route(w)["properties"]["slug"]  # type: ignore[index]
    for body in (_body("secret-hall"), _body("no-such-hall")):
        r = w.client.patch(f"/api/routes/{slug}", json=body, headers=w.teacher)
        assert r.status_code == 409
    assert (
        w.client.get("/api/routes", params={"mine": True}, headers=w.teacher).json()["total"] == 1
    )  # only the route made above; nothing was written by the refused ones
    by_editor = w.client.post("/api/routes", json=_body("secret-hall"), headers=w.editor)
    assert by_editor.status_code == 201  # editors see drafts, so they may route through them


def test_a_stop_that_was_hidden_later_stays_on_the_owners_route(
    world: World, session: Session
) -> None:
    w = world
    route = _new_route(w)
    slug = route["properties"]["slug"]  # type: ignore[index]
    first = route["features"][0]["properties"]["slug"]  # type: ignore[index]
    assert w.client.patch(
        f"/api/sites/{first}", json={"status": "draft"}, headers=w.editor
    ).is_success
    renamed = w.client.patch(f"/api/routes/{slug}", json={"name": "改名"}, headers=w.teacher)
    assert renamed.status_code == 200, renamed.text
    staff_view = w.client.get(f"/api/routes/{slug}", headers=w.editor).json()
    assert staff_view["features"][0]["properties"]["slug"] == first


def test_a_published_route_is_the_editors_word(world: World) -> None:
    w = world
    slug = _new_route(w)["properties"]["slug"]  # type: ignore[index]
    token = w.client.post(f"/api/routes/{slug}/share", headers=w.teacher).json()["token"]
    entries = w.client.get(f"/api/routes/{slug}/history", headers=w.teacher).json()["entries"]
    assert w.client.post(f"/api/routes/{slug}/publish", headers=w.editor).status_code == 200
    for method, path in [
        ("DELETE", f"/api/routes/{slug}"),
        ("PATCH", f"/api/routes/{slug}"),
        ("POST", f"/api/routes/{slug}/share"),
        ("DELETE", f"/api/routes/{slug}/share"),
        ("POST", f"/api/routes/{slug}/history/{entries[0]['id']}/restore"),
    ]:
        body = {"name": "改掉"} if method == "PATCH" else None
        r = w.client.request(method, path, json=body, headers=w.teacher)
        assert r.status_code == 403, (method, path, r.text)
        assert "detail" in r.json()
    shown = w.client.get(f"/api/routes/{slug}").json()["properties"]
    assert (shown["status"], shown["name"]) == ("published", "我的半日行")
    assert w.client.get(f"/api/routes/shared/{token}").status_code == 200  # link not revoked
    history = w.client.get(f"/api/routes/{slug}/history", headers=w.teacher)
    assert history.status_code == 200  # reading the history is no change
    assert w.client.get(f"/api/routes/{slug}/history", headers=w.other).status_code == 403
    assert w.client.delete(f"/api/routes/{slug}", headers=w.editor).status_code == 200


def test_the_my_routes_page_cannot_archive_a_published_route(world: World) -> None:
    w = world
    slug = _new_route(w)["properties"]["slug"]  # type: ignore[index]
    assert w.client.post(f"/api/routes/{slug}/publish", headers=w.editor).status_code == 200
    draft = _new_route(w, "草稿路线")["properties"]["slug"]  # type: ignore[index]
    sign_in(w.client, "t1", to="/plan/mine")
    page = w.client.get("/plan/mine")
    assert f"/plan/mine/{slug}/archive" not in page.text  # no button for it
    assert f"/plan/mine/{draft}/archive" in page.text
    token = csrf(page.text)
    for action in ("archive", "share"):
        r = w.client.post(f"/plan/mine/{slug}/{action}", data={"csrf": token})
        assert r.status_code == 403
    assert w.client.get(f"/api/routes/{slug}").json()["properties"]["status"] == "published"
