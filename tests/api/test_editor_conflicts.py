"""Editor forms carry the version they were opened at: a save after someone else's change shows a
conflict in the reader's language, keeps the editor's input, and overwrites nothing."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.config import Settings
from tests.api.conftest import MakeClient
from tests.api.forms import PASSWORD, bearer, sign_in
from tests.factories import add_toy_sites

# On both engines in every run: a save checks versions in each engine's transactions.
pytestmark = pytest.mark.both_engines

AUG7 = "site-of-the-august-7-conference"
ZH = "修改了这条记录"
EN = "changed this record"


@pytest.fixture
def app_and_token(
    engine: Engine, session: Session, make_client: MakeClient
) -> tuple[TestClient, dict[str, str]]:
    """Editor `editor` signs in to the pages; `rival`, another editor, writes through the API."""
    add_toy_sites(session)
    create_user(session, "editor", PASSWORD, Role.editor)
    create_user(session, "rival", PASSWORD, Role.editor)
    session.commit()
    settings = Settings(database_url="sqlite://", secret_key="x" * 40)
    client = make_client(engine, settings, follow_redirects=False)
    rival = bearer(client, "rival")
    sign_in(client, "editor")
    return client, rival


class _Form(HTMLParser):
    """The fields of the first `class="form"` form of a page (the record's own form; the media
    forms come after it), as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._state = "before"  # before the record's form, inside it, after it

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("class") == "form" and self._state == "before":
            self._state = "inside"
        elif self._state != "inside":
            return
        elif tag == "input" and a.get("name"):
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]
            self.fields.setdefault(a["name"], "")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._state == "inside":
            self._state = "after"
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data


def form_of(html: str) -> dict[str, str]:
    parser = _Form()
    parser.feed(html)
    return parser.fields


def test_site_form_conflict_keeps_the_input(
    app_and_token: tuple[TestClient, dict[str, str]],
) -> None:
    client, rival = app_and_token
    opened = form_of(client.get(f"/editor/sites/{AUG7}").text)
    assert opened["version"].isdigit()
    changed = client.patch(f"/api/sites/{AUG7}", json={"district": "江汉区"}, headers=rival)
    assert changed.status_code == 200

    mine = opened | {"district": "我的输入", "address": "我写的地址"}
    r = client.post(f"/editor/sites/{AUG7}", data=mine)
    assert r.status_code == 409
    assert ZH in r.text
    assert "rival" in r.text
    again = form_of(r.text)
    assert again["district"] == "我的输入"  # the editor's input, not the stored value
    assert again["address"] == "我写的地址"
    assert again["version"] != opened["version"]
    stored = client.get(f"/api/sites/{AUG7}", headers=rival).json()["properties"]
    assert stored["district"] == "江汉区"  # nothing overwritten

    saved = client.post(f"/editor/sites/{AUG7}", data=again)  # a second, informed save
    assert saved.status_code == 303
    stored = client.get(f"/api/sites/{AUG7}", headers=rival).json()["properties"]
    assert stored["district"] == "我的输入"


def test_site_form_without_a_change_in_between_saves(
    app_and_token: tuple[TestClient, dict[str, str]],
) -> None:
    client, _rival = app_and_token
    opened = form_of(client.get(f"/editor/sites/{AUG7}").text)
    r = client.post(f"/editor/sites/{AUG7}", data=opened | {"district": "江汉区"})
    assert r.status_code == 303
    assert client.get(f"/api/sites/{AUG7}").json()["properties"]["district"] == "江汉区"


def test_conflict_message_in_english(app_and_token: tuple[TestClient, dict[str, str]]) -> None:
    client, rival = app_and_token
    client.cookies.set("lang", "en")
    opened = form_of(client.get(f"/editor/sites/{AUG7}").text)
    client.patch(f"/api/sites/{AUG7}", json={"district": "江汉区"}, headers=rival)
    r = client.post(f"/editor/sites/{AUG7}", data=opened | {"district": "mine"})
    assert r.status_code == 409
    assert EN in r.text
    assert ZH not in r.text


def test_story_form_conflict_keeps_the_input(
    app_and_token: tuple[TestClient, dict[str, str]],
) -> None:
    client, rival = app_and_token
    made = client.post("/api/stories", json={"title": "八七会议", "sites": [AUG7]}, headers=rival)
    slug = made.json()["slug"]
    opened = form_of(client.get(f"/editor/stories/{slug}").text)
    assert opened["version"].isdigit()
    preview = client.post(
        f"/editor/stories/{slug}", data=opened | {"body": "草稿正文", "action": "preview"}
    )
    assert form_of(preview.text)["version"] == opened["version"]  # still the opened version
    client.patch(f"/api/stories/{slug}", json={"summary": "对方的摘要"}, headers=rival)

    mine = opened | {"body": "我写的正文", "action": "save"}
    r = client.post(f"/editor/stories/{slug}", data=mine)
    assert r.status_code == 409
    assert ZH in r.text
    assert form_of(r.text)["body"] == "我写的正文"
    stored = client.get(f"/api/stories/{slug}", headers=rival).json()
    assert stored["summary"] == "对方的摘要"
    assert stored["body"] == ""


def test_route_form_conflict_keeps_the_input(
    app_and_token: tuple[TestClient, dict[str, str]],
) -> None:
    client, rival = app_and_token
    made = client.post(
        "/api/routes", json={"name": "汉口半日", "days": [[{"site": AUG7}]]}, headers=rival
    )
    slug = made.json()["properties"]["slug"]
    opened = form_of(client.get(f"/editor/routes/{slug}").text)
    assert opened["version"].isdigit()
    client.patch(f"/api/routes/{slug}", json={"description": "对方的说明"}, headers=rival)

    r = client.post(f"/editor/routes/{slug}", data=opened | {"description": "我的说明"})
    assert r.status_code == 409
    assert ZH in r.text
    assert form_of(r.text)["description"] == "我的说明"
    stored = client.get(f"/api/routes/{slug}", headers=rival).json()["properties"]
    assert stored["description"] == "对方的说明"


def test_a_mangled_version_never_overwrites(
    app_and_token: tuple[TestClient, dict[str, str]],
) -> None:
    client, _rival = app_and_token
    opened = form_of(client.get(f"/editor/sites/{AUG7}").text)
    r = client.post(f"/editor/sites/{AUG7}", data=opened | {"version": "x", "district": "y"})
    assert r.status_code == 409
    assert re.search(r'name="version" value="\d+"', r.text)
    assert client.get(f"/api/sites/{AUG7}").json()["properties"]["district"] == "江岸区"
