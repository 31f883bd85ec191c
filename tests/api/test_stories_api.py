"""Stories over JSON: published reads for everyone, drafts for staff, audited writes for editors."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from redres.catalog.account_tables import AuditLog
from redres.catalog.accounts import create_user
from redres.catalog.enums import Role, Status
from redres.catalog.models import Citation, Event, Person, Source
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from redres.catalog.stories import save_story
from redres.catalog.story_schemas import StoryWrite
from tests.api.forms import PASSWORD, bearer
from tests.factories import add_toy_sites

AUG7 = "site-of-the-august-7-conference"
CONGRESS = "site-of-the-5th-national-congress-of-the-cpc"


@pytest.fixture
def catalogue(session: Session) -> None:
    """Toy sites plus a draft site, a person, an event, a published and a draft story."""
    add_toy_sites(session)
    create_site(session, SiteCreate(name="草稿站点", category="other", slug="draft-site"))
    session.add_all(
        [
            Person(slug="chen-tanqiu", name="陈潭秋", name_en="Chen Tanqiu"),
            Event(slug="aug7-meeting", name="八七会议", date="1927-08-07"),
            Source(key="s1", title="湖北党史网", url="http://www.hbdsw.org.cn/"),
        ]
    )
    session.flush()
    published = StoryWrite(
        slug="aug7",
        title="八七会议",
        title_en="The August 7 Conference",
        summary="Emergency meeting, 100% urgent",
        body="一段故事。",
        status=Status.published,
        sites=[AUG7, "draft-site"],
        people=["chen-tanqiu"],
        events=["aug7-meeting"],
    )
    story = save_story(session, published, actor="system")
    session.add(Citation(source_id=1, entity="story", entity_id=story.id or 0))
    save_story(
        session,
        StoryWrite(slug="hidden", title="未发布的故事", sites=[CONGRESS], status=Status.draft),
        actor="system",
    )
    create_user(session, "editor", PASSWORD, Role.editor)
    create_user(session, "teacher", PASSWORD, Role.teacher)
    session.commit()


def _slugs(body: dict[str, object]) -> list[str]:
    stories = body["stories"]
    assert isinstance(stories, list)
    return [s["slug"] for s in stories]


# --- reads ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", [None, "teacher"])
def test_readers_see_published_stories_only(client: TestClient, who: str | None) -> None:
    headers = bearer(client, who) if who else {}
    body = client.get("/api/stories", headers=headers).json()
    assert body["total"] == 1
    assert _slugs(body) == ["aug7"]
    assert client.get("/api/stories/hidden", headers=headers).status_code == 404


def test_editors_see_every_status(client: TestClient) -> None:
    editor = bearer(client, "editor")
    body = client.get("/api/stories", headers=editor).json()
    assert body["total"] == 2
    assert client.get("/api/stories/hidden", headers=editor).json()["status"] == "draft"


def test_detail_has_text_links_and_sources_but_no_draft_site(client: TestClient) -> None:
    r = client.get("/api/stories/aug7")
    assert r.status_code == 200
    story = r.json()
    for key in ("title", "title_en", "summary", "body", "audience", "language", "status"):
        assert key in story
    assert story["body"] == "一段故事。"
    assert [s["slug"] for s in story["sites"]] == [AUG7]  # the draft site stays hidden
    assert [p["slug"] for p in story["people"]] == ["chen-tanqiu"]
    assert [e["slug"] for e in story["events"]] == ["aug7-meeting"]
    assert story["sources"][0]["title"] == "湖北党史网"
    staff = client.get("/api/stories/aug7", headers=bearer(client, "editor")).json()
    assert {s["slug"] for s in staff["sites"]} == {AUG7, "draft-site"}


def test_filters_by_site_person_event_and_text(client: TestClient) -> None:
    assert _slugs(client.get("/api/stories", params={"site": AUG7}).json()) == ["aug7"]
    assert client.get("/api/stories", params={"site": CONGRESS}).json()["total"] == 0
    assert client.get("/api/stories", params={"site": "draft-site"}).json()["total"] == 0
    assert _slugs(client.get("/api/stories", params={"person": "chen-tanqiu"}).json()) == ["aug7"]
    assert _slugs(client.get("/api/stories", params={"event": "aug7-meeting"}).json()) == ["aug7"]
    assert client.get("/api/stories", params={"event": "nope"}).json()["total"] == 0
    assert client.get("/api/stories", params={"q": "紧急"}).json()["total"] == 0
    assert client.get("/api/stories", params={"q": "八七"}).json()["total"] == 1
    assert client.get("/api/stories", params={"q": "EMERGENCY"}).json()["total"] == 1
    assert client.get("/api/stories", params={"q": "100%"}).json()["total"] == 1
    assert client.get("/api/stories", params={"q": "%"}).json()["total"] == 1
    assert client.get("/api/stories", params={"q": "_"}).json()["total"] == 0  # not a wildcard
    editor = bearer(client, "editor")
    hidden = client.get("/api/stories", params={"site": CONGRESS}, headers=editor).json()
    assert _slugs(hidden) == ["hidden"]


def test_paging_reports_the_total(client: TestClient) -> None:
    editor = bearer(client, "editor")
    first = client.get("/api/stories", params={"limit": 1}, headers=editor).json()
    second = client.get("/api/stories", params={"limit": 1, "offset": 1}, headers=editor).json()
    assert first["total"] == second["total"] == 2
    assert len(first["stories"]) == len(second["stories"]) == 1
    assert first["stories"][0]["slug"] != second["stories"][0]["slug"]


@pytest.mark.parametrize(
    "params",
    [{"q": "x" * 101}, {"limit": 0}, {"limit": 501}, {"offset": -1}, {"site": "x" * 121}],
)
def test_bad_list_parameters_are_422(client: TestClient, params: dict[str, object]) -> None:
    r = client.get("/api/stories", params=params)
    assert r.status_code == 422
    assert "detail" in r.json()


def test_odd_slugs_are_404_not_500(client: TestClient) -> None:
    for slug in ("no-such-story", "UPPER", "x" * 300):
        r = client.get(f"/api/stories/{slug}")
        assert r.status_code == 404, slug
        assert r.json()["detail"]
    assert client.get("/api/stories/a%00b").status_code == 400  # NUL: refused before any query
    assert client.get("/api/stories", params={"q": "a\x00b"}).status_code == 400


def test_published_reads_carry_an_etag(client: TestClient) -> None:
    r = client.get("/api/stories/aug7")
    assert r.headers["cache-control"].startswith("public")
    again = client.get("/api/stories/aug7", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304
    listing = client.get("/api/stories")
    assert (
        client.get("/api/stories", headers={"If-None-Match": listing.headers["etag"]}).status_code
        == 304
    )
    staff = client.get("/api/stories", headers=bearer(client, "editor"))
    assert staff.headers["cache-control"] == "private, no-store"


# --- writes --------------------------------------------------------------------------------

NEW = {"title": "中共五大", "title_en": "The Fifth Congress", "sites": [CONGRESS]}


@pytest.mark.parametrize(("who", "code"), [(None, 401), ("teacher", 403)])
def test_others_cannot_write(client: TestClient, who: str | None, code: int) -> None:
    headers = bearer(client, who) if who else {}
    assert client.post("/api/stories", json=NEW, headers=headers).status_code == code
    assert (
        client.patch("/api/stories/aug7", json={"title": "x"}, headers=headers).status_code == code
    )
    assert client.delete("/api/stories/aug7", headers=headers).status_code == code
    assert client.get("/api/stories/aug7/history", headers=headers).status_code == code
    restore = client.post("/api/stories/aug7/history/1/restore", headers=headers)
    assert restore.status_code == code
    assert client.get("/api/stories/aug7").json()["title"] == "八七会议"  # nothing changed


def test_the_page_cookie_does_not_authorise_api_writes(client: TestClient) -> None:
    client.cookies.set("redres_session", "anything")
    assert client.post("/api/stories", json=NEW).status_code == 401


def test_editor_creates_a_draft_then_publishes_it(client: TestClient) -> None:
    editor = bearer(client, "editor")
    r = client.post("/api/stories", json=NEW, headers=editor)
    assert r.status_code == 201, r.text
    story = r.json()
    assert story["slug"] == "the-fifth-congress"
    assert story["status"] == "draft"
    assert [s["slug"] for s in story["sites"]] == [CONGRESS]
    assert client.get("/api/stories/the-fifth-congress").status_code == 404
    r = client.patch(
        "/api/stories/the-fifth-congress", json={"status": "published"}, headers=editor
    )
    assert r.status_code == 200
    assert client.get("/api/stories/the-fifth-congress").json()["title"] == "中共五大"
    hits = client.get("/api/sites", params={"q": "中共五大"}).json()["features"]
    assert CONGRESS in [h["properties"]["slug"] for h in hits]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({**NEW, "sites": ["no-such-site"]}, 409),
        ({**NEW, "people": ["nobody"]}, 409),
        ({**NEW, "events": ["never"]}, 409),
        ({**NEW, "slug": "aug7"}, 409),
        ({**NEW, "slug": "Not A Slug"}, 422),
        ({**NEW, "title": ""}, 422),
        ({**NEW, "title": "x" * 301}, 422),
        ({**NEW, "language": "chinese!"}, 422),
        ({**NEW, "audience": "X" * 40}, 422),
        ({**NEW, "unknown": 1}, 422),
        ({**NEW, "sites": "aug7"}, 422),
        ({**NEW, "title": "a\x00b"}, 422),  # PostgreSQL cannot store NUL
        ({**NEW, "body": "bell \x07"}, 422),
    ],
)
def test_invalid_stories_are_refused_and_nothing_is_written(
    client: TestClient, body: dict[str, object], code: int
) -> None:
    editor = bearer(client, "editor")
    r = client.post("/api/stories", json=body, headers=editor)
    assert r.status_code == code, r.text
    assert "detail" in r.json()
    assert client.get("/api/stories", headers=editor).json()["total"] == 2


def test_oversized_body_is_413(client: TestClient) -> None:
    editor = bearer(client, "editor")
    r = client.post("/api/stories", json={**NEW, "body": "长" * 2_000_000}, headers=editor)
    assert r.status_code == 413


def test_patch_changes_fields_and_links_and_is_audited(client: TestClient) -> None:
    editor = bearer(client, "editor")
    r = client.patch(
        "/api/stories/aug7",
        json={"summary": None, "sites": [CONGRESS], "people": []},
        headers=editor,
    )
    assert r.status_code == 200, r.text
    story = r.json()
    assert story["summary"] is None
    assert story["title"] == "八七会议"  # untouched
    assert [s["slug"] for s in story["sites"]] == [CONGRESS]
    assert story["people"] == []
    assert [e["slug"] for e in story["events"]] == ["aug7-meeting"]  # left out: kept
    entries = client.get("/api/stories/aug7/history", headers=editor).json()["entries"]
    last = entries[-1]
    assert (last["actor"], last["action"]) == ("editor", "update")
    assert last["before"]["sites"] == ["draft-site", AUG7]
    assert last["after"]["sites"] == [CONGRESS]
    assert last["after"]["people"] == []
    assert "title" not in last["after"]  # only what changed


def test_patch_with_an_unknown_site_changes_nothing(client: TestClient) -> None:
    editor = bearer(client, "editor")
    before = client.get("/api/stories/aug7/history", headers=editor).json()["entries"]
    r = client.patch(
        "/api/stories/aug7", json={"title": "新标题", "sites": ["nope"]}, headers=editor
    )
    assert r.status_code == 409
    assert client.get("/api/stories/aug7").json()["title"] == "八七会议"
    assert client.get("/api/stories/aug7/history", headers=editor).json()["entries"] == before


def test_delete_archives_and_archived_stories_need_restoring(client: TestClient) -> None:
    editor = bearer(client, "editor")
    r = client.delete("/api/stories/aug7", headers=editor)
    assert r.status_code == 200
    assert r.json()["status"] == "archived"
    assert client.get("/api/stories/aug7").status_code == 404
    assert client.get("/api/stories").json()["total"] == 0
    refused = client.patch("/api/stories/aug7", json={"title": "x"}, headers=editor)
    assert refused.status_code == 409
    assert (
        client.patch("/api/stories/aug7", json={"status": "archived"}, headers=editor).status_code
        == 422
    )
    back = client.patch("/api/stories/aug7", json={"status": "published"}, headers=editor)
    assert back.json()["status"] == "published"
    actions = [
        e["action"]
        for e in client.get("/api/stories/aug7/history", headers=editor).json()["entries"]
    ]
    assert actions[-2:] == ["archive", "restore"]


def test_history_lists_who_when_action_before_after(client: TestClient) -> None:
    editor = bearer(client, "editor")
    client.patch("/api/stories/aug7", json={"title": "八七会议（汉口）"}, headers=editor)
    body = client.get("/api/stories/aug7/history", headers=editor).json()
    assert body["story"] == "aug7"
    first, last = body["entries"][0], body["entries"][-1]
    assert first["action"] == "create"
    assert first["before"] is None
    assert first["after"]["title"] == "八七会议"
    assert last["actor"] == "editor"
    assert last["before"] == {"title": "八七会议"}
    assert last["after"] == {"title": "八七会议（汉口）"}
    assert "T" in last["at"]
    assert client.get("/api/stories/nope/history", headers=editor).status_code == 404


def test_restore_brings_back_fields_and_links_but_not_status(client: TestClient) -> None:
    editor = bearer(client, "editor")
    created = client.get("/api/stories/aug7/history", headers=editor).json()["entries"][0]
    client.patch(
        "/api/stories/aug7",
        json={"title": "改过的标题", "body": "新的正文", "sites": [CONGRESS], "events": []},
        headers=editor,
    )
    client.patch("/api/stories/aug7", json={"status": "draft"}, headers=editor)
    r = client.post(f"/api/stories/aug7/history/{created['id']}/restore", headers=editor)
    assert r.status_code == 200, r.text
    story = r.json()
    assert story["title"] == "八七会议"
    assert story["body"] == "一段故事。"
    assert {s["slug"] for s in story["sites"]} == {AUG7, "draft-site"}
    assert [e["slug"] for e in story["events"]] == ["aug7-meeting"]
    assert story["status"] == "draft"  # unchanged by a restore
    last = client.get("/api/stories/aug7/history", headers=editor).json()["entries"][-1]
    assert (last["action"], last["actor"]) == ("revert", "editor")
    assert last["after"]["title"] == "八七会议"


def test_restore_refuses_an_entry_of_another_record(client: TestClient, session: Session) -> None:
    editor = bearer(client, "editor")
    other = session.exec(select(AuditLog).where(AuditLog.entity == "site")).first()
    assert other is not None
    r = client.post(f"/api/stories/aug7/history/{other.id}/restore", headers=editor)
    assert r.status_code == 404
    assert (
        client.post("/api/stories/aug7/history/999999/restore", headers=editor).status_code == 404
    )
    assert client.post("/api/stories/aug7/history/x/restore", headers=editor).status_code == 422


def test_openapi_documents_the_story_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert paths["/api/stories"]["get"]["summary"] == "List stories"
    post = paths["/api/stories"]["post"]
    assert "examples" in post["requestBody"]["content"]["application/json"]
    assert "/api/stories/{slug}/history/{entry_id}/restore" in paths
