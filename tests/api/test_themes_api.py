"""`GET /api/themes`: every theme with the number of published sites in it."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session

from redres.catalog.enums import Status
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from tests.api.conftest import MakeClient
from tests.factories import add_toy_sites


def test_themes_with_counts_of_published_sites(
    engine: Engine, session: Session, make_client: MakeClient
) -> None:
    add_toy_sites(session)
    create_site(
        session,
        SiteCreate(name="草稿", category="other", themes={"martyrs": 1.0}, status=Status.draft),
    )
    session.commit()
    client = make_client(engine)
    r = client.get("/api/themes")
    assert r.status_code == 200
    data = r.json()
    counts = {t["slug"]: t["sites"] for t in data["data"]}
    assert counts == {"great-revolution": 3, "martyrs": 1}
    assert data["total"] == 2
    assert data["data"][0]["name"] == "大革命"


def test_editors_manage_themes_and_every_change_is_audited(
    engine: Engine, session: Session, make_client: MakeClient
) -> None:
    from redres.catalog.accounts import create_user
    from redres.catalog.enums import Role

    create_user(session, "ed", "correct horse battery", Role.editor)
    create_user(session, "te", "correct horse battery", Role.teacher)
    session.commit()
    client = make_client(engine)

    def auth(name: str) -> dict[str, str]:
        r = client.post(
            "/api/auth/token", data={"username": name, "password": "correct horse battery"}
        )
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    editor, teacher = auth("ed"), auth("te")
    body = {"slug": "flood-fighting", "name": "<b>抗洪精神</b>", "name_en": "Flood fighting"}
    assert client.post("/api/themes", json=body).status_code == 401
    assert client.post("/api/themes", json=body, headers=teacher).status_code == 403
    created = client.post("/api/themes", json=body, headers=editor)
    assert created.status_code == 201
    assert created.json()["name"] == "<b>抗洪精神</b>"
    assert client.post("/api/themes", json=body, headers=editor).status_code == 409
    for bad in ({"slug": "Bad Slug", "name": "x"}, {"slug": "ok", "name": ""},
                {"slug": "ok", "name": "x", "owner": 1}, {"slug": "ok", "name": "a\u0000"}):  # fmt: skip
        assert client.post("/api/themes", json=bad, headers=editor).status_code == 422
    changed = client.patch(
        "/api/themes/flood-fighting", json={"description": "1998年抗洪"}, headers=editor
    )
    assert changed.json()["description"] == "1998年抗洪"
    assert changed.json()["name"] == "<b>抗洪精神</b>"
    assert client.patch("/api/themes/nope", json={}, headers=editor).status_code == 404
    assert client.patch("/api/themes/flood-fighting", json={}, headers=teacher).status_code == 403
    entries = client.get("/api/themes/flood-fighting/history", headers=editor).json()["entries"]
    assert [e["action"] for e in entries] == ["create", "update"]
    assert entries[1]["after"] == {"description": "1998年抗洪"}
    assert "flood-fighting" in {t["slug"] for t in client.get("/api/themes").json()["data"]}
    page = client.get("/themes").text
    assert "<b>抗洪精神</b>" not in page
    assert "&lt;b&gt;抗洪精神&lt;/b&gt;" in page
