"""People and events: public reads that never leak draft stories or sites, audited editor writes."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from redres.catalog.account_tables import AuditLog
from redres.catalog.accounts import create_user
from redres.catalog.enums import Role, Status
from redres.catalog.models import Event, EventPerson, EventSite, Person
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from redres.catalog.stories import save_story
from redres.catalog.story_schemas import StoryWrite
from tests.api.forms import PASSWORD, bearer
from tests.factories import add_toy_sites

AUG7 = "site-of-the-august-7-conference"


@pytest.fixture
def catalogue(session: Session) -> None:
    """A person and two events linked to a published and a draft site and story."""
    sites = add_toy_sites(session)
    draft_site = create_site(session, SiteCreate(name="草稿站点", category="other", slug="secret"))
    person = Person(slug="qu-qiubai", name="瞿秋白", name_en="Qu Qiubai", born="1899-01-29")
    other = Person(slug="mao-zedong", name="毛泽东", name_en="Mao Zedong")
    meeting = Event(
        slug="aug7-meeting", name="八七会议", name_en="August 7 Meeting", date="1927-08-07"
    )
    congress = Event(slug="fifth-congress", name="中共五大", date="1927-04")
    session.add_all([person, other, meeting, congress])
    session.flush()
    session.add_all(
        [
            EventSite(event_id=meeting.id or 0, site_id=sites[0].id or 0),
            EventSite(event_id=meeting.id or 0, site_id=draft_site.id or 0),
            EventPerson(event_id=meeting.id or 0, person_id=person.id or 0),
        ]
    )
    for slug, status in (("told", Status.published), ("secret-story", Status.draft)):
        save_story(
            session,
            StoryWrite(
                slug=slug,
                title=f"故事 {slug}",
                status=status,
                sites=["secret"] if status == Status.draft else [AUG7],
                people=["qu-qiubai"],
                events=["aug7-meeting"],
            ),
            actor="system",
        )
    create_user(session, "editor", PASSWORD, Role.editor)
    create_user(session, "teacher", PASSWORD, Role.teacher)
    session.commit()


# --- reads ---------------------------------------------------------------------------------


def test_people_list_is_paged_with_a_total(client: TestClient) -> None:
    body = client.get("/api/people", params={"limit": 1}).json()
    assert body["total"] == 2
    assert len(body["people"]) == 1
    assert client.get("/api/people", params={"q": "qiubai"}).json()["total"] == 1
    assert client.get("/api/people", params={"q": "瞿"}).json()["people"][0]["slug"] == "qu-qiubai"
    assert client.get("/api/people", params={"q": "x" * 101}).status_code == 422


@pytest.mark.parametrize("who", [None, "teacher"])
def test_person_shows_visible_links_only(client: TestClient, who: str | None) -> None:
    headers = bearer(client, who) if who else {}
    r = client.get("/api/people/qu-qiubai", headers=headers)
    assert r.status_code == 200
    person = r.json()
    assert person["born"] == "1899-01-29"
    assert [s["slug"] for s in person["stories"]] == ["told"]
    assert [e["slug"] for e in person["events"]] == ["aug7-meeting"]
    assert [s["slug"] for s in person["sites"]] == [AUG7]
    assert "secret" not in r.text


def test_editors_see_draft_links_of_a_person(client: TestClient) -> None:
    person = client.get("/api/people/qu-qiubai", headers=bearer(client, "editor")).json()
    assert {s["slug"] for s in person["stories"]} == {"told", "secret-story"}
    assert {s["slug"] for s in person["sites"]} == {AUG7, "secret"}


def test_events_list_in_date_order_with_filters(client: TestClient) -> None:
    body = client.get("/api/events").json()
    assert body["total"] == 2
    assert [e["slug"] for e in body["events"]] == ["fifth-congress", "aug7-meeting"]
    assert client.get("/api/events", params={"site": AUG7}).json()["total"] == 1
    assert client.get("/api/events", params={"site": "secret"}).json()["total"] == 0
    editor = bearer(client, "editor")
    assert client.get("/api/events", params={"site": "secret"}, headers=editor).json()["total"] == 1
    assert client.get("/api/events", params={"person": "qu-qiubai"}).json()["total"] == 1
    assert client.get("/api/events", params={"q": "august"}).json()["total"] == 1
    assert (
        client.get("/api/events", params={"limit": 1, "offset": 1}).json()["events"][0]["slug"]
        == "aug7-meeting"
    )


def test_event_shows_visible_links_only(client: TestClient) -> None:
    r = client.get("/api/events/aug7-meeting")
    event = r.json()
    assert event["date"] == "1927-08-07"
    assert [s["slug"] for s in event["sites"]] == [AUG7]
    assert [s["slug"] for s in event["stories"]] == ["told"]
    assert [p["slug"] for p in event["people"]] == ["qu-qiubai"]
    assert "secret" not in r.text
    assert r.headers["cache-control"].startswith("public")
    assert (
        client.get(
            "/api/events/aug7-meeting", headers={"If-None-Match": r.headers["etag"]}
        ).status_code
        == 304
    )


@pytest.mark.parametrize(
    ("path", "code"),
    [("/api/people/nobody", 404), ("/api/events/never", 404), ("/api/people/A%00", 400)],
)
def test_unknown_people_and_events_are_404(client: TestClient, path: str, code: int) -> None:
    r = client.get(path)
    assert r.status_code == code
    assert r.json()["detail"]


# --- writes --------------------------------------------------------------------------------

PERSON = {"name": "施洋", "name_en": "Shi Yang", "born": "1889", "died": "1923-02-15"}
EVENT = {"name": "二七大罢工", "date": "1923-02", "sites": [AUG7], "people": ["qu-qiubai"]}


@pytest.mark.parametrize(("who", "code"), [(None, 401), ("teacher", 403)])
def test_others_cannot_write_people_or_events(
    client: TestClient, who: str | None, code: int
) -> None:
    headers = bearer(client, who) if who else {}
    assert client.post("/api/people", json=PERSON, headers=headers).status_code == code
    assert (
        client.patch("/api/people/qu-qiubai", json={"died": "1935"}, headers=headers).status_code
        == code
    )
    assert client.post("/api/events", json=EVENT, headers=headers).status_code == code
    assert (
        client.patch("/api/events/aug7-meeting", json={"date": "1927"}, headers=headers).status_code
        == code
    )
    assert client.get("/api/people/qu-qiubai").json()["died"] is None


def test_editor_adds_and_changes_a_person_audited(client: TestClient, session: Session) -> None:
    editor = bearer(client, "editor")
    r = client.post("/api/people", json=PERSON, headers=editor)
    assert r.status_code == 201, r.text
    assert r.json()["slug"] == "shi-yang"
    r = client.patch(
        "/api/people/shi-yang", json={"died": "1923-02", "summary": "律师"}, headers=editor
    )
    assert r.status_code == 200
    assert r.json()["died"] == "1923-02"
    entries = session.exec(
        select(AuditLog).where(AuditLog.entity == "person").order_by(AuditLog.id)
    ).all()
    assert [(e.action, e.actor) for e in entries] == [("create", "editor"), ("update", "editor")]
    assert entries[1].before == {"died": "1923-02-15", "summary": None}
    assert entries[1].after == {"died": "1923-02", "summary": "律师"}


def test_editor_adds_and_relinks_an_event_audited(client: TestClient, session: Session) -> None:
    editor = bearer(client, "editor")
    r = client.post("/api/events", json={**EVENT, "slug": "feb7-strike"}, headers=editor)
    assert r.status_code == 201, r.text
    assert [p["slug"] for p in r.json()["people"]] == ["qu-qiubai"]
    r = client.patch(
        "/api/events/feb7-strike",
        json={"sites": ["secret"], "end_date": "1923-02-09"},
        headers=editor,
    )
    assert r.status_code == 200
    assert [s["slug"] for s in r.json()["sites"]] == ["secret"]  # staff see the draft
    assert client.get("/api/events/feb7-strike").json()["sites"] == []  # readers do not
    last = session.exec(
        select(AuditLog).where(AuditLog.entity == "event").order_by(AuditLog.id.desc())
    ).first()  # type: ignore[union-attr]
    assert last is not None
    assert last.before == {"end_date": None, "sites": [AUG7]}
    assert last.after == {"end_date": "1923-02-09", "sites": ["secret"]}


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        ("/api/people", {**PERSON, "born": "1889-13"}, 422),
        ("/api/people", {**PERSON, "born": "1889-02-30"}, 422),
        ("/api/people", {**PERSON, "born": "89"}, 422),
        ("/api/people", {**PERSON, "born": "1930"}, 422),  # died before born
        ("/api/people", {**PERSON, "slug": "Bad Slug"}, 422),
        ("/api/people", {**PERSON, "slug": "qu-qiubai"}, 409),
        ("/api/people", {**PERSON, "name": ""}, 422),
        ("/api/people", {**PERSON, "name": "x" * 201}, 422),
        ("/api/people", {"name_en": "no name"}, 422),
        ("/api/events", {**EVENT, "date": "1923-2"}, 422),
        ("/api/events", {**EVENT, "end_date": "1922"}, 422),
        ("/api/events", {**EVENT, "sites": ["nowhere"]}, 409),
        ("/api/events", {**EVENT, "people": ["nobody"]}, 409),
        ("/api/events", {**EVENT, "slug": "aug7-meeting"}, 409),
        ("/api/events", {**EVENT, "extra": True}, 422),
        ("/api/people", {**PERSON, "name": "施\x00洋"}, 422),
        ("/api/events", {**EVENT, "summary": "\x00"}, 422),
    ],
)
def test_invalid_people_and_events_are_refused(
    client: TestClient, session: Session, path: str, body: dict[str, object], code: int
) -> None:
    r = client.post(path, json=body, headers=bearer(client, "editor"))
    assert r.status_code == code, r.text
    assert "detail" in r.json()
    assert client.get("/api/people").json()["total"] == 2
    assert client.get("/api/events").json()["total"] == 2


def test_patch_keeps_dates_in_order_and_slugs_unique(client: TestClient) -> None:
    editor = bearer(client, "editor")
    assert (
        client.patch("/api/people/qu-qiubai", json={"died": "1898"}, headers=editor).status_code
        == 409
    )
    assert (
        client.patch(
            "/api/people/qu-qiubai", json={"slug": "mao-zedong"}, headers=editor
        ).status_code
        == 409
    )
    assert (
        client.patch(
            "/api/events/fifth-congress", json={"end_date": "1926"}, headers=editor
        ).status_code
        == 409
    )
    assert (
        client.patch("/api/events/nope", json={"date": "1926"}, headers=editor).status_code == 404
    )
    assert client.get("/api/people/qu-qiubai").json()["died"] is None


@pytest.mark.parametrize(("who", "code"), [(None, 401), ("teacher", 403), ("editor", 200)])
@pytest.mark.parametrize(
    "path", ["/api/people/qu-qiubai/history", "/api/events/aug7-meeting/history"]
)
def test_history_is_for_editors(client: TestClient, who: str | None, code: int, path: str) -> None:
    headers = bearer(client, who) if who else {}
    assert client.get(path, headers=headers).status_code == code


def test_history_shows_each_change_of_a_person_and_an_event(client: TestClient) -> None:
    editor = bearer(client, "editor")
    client.patch("/api/people/qu-qiubai", json={"died": "1935-06-18"}, headers=editor)
    client.patch("/api/events/aug7-meeting", json={"people": []}, headers=editor)
    person = client.get("/api/people/qu-qiubai/history", headers=editor).json()
    assert person["person"] == "qu-qiubai"
    [entry] = person["entries"]
    assert (entry["actor"], entry["action"]) == ("editor", "update")
    assert (entry["before"], entry["after"]) == ({"died": None}, {"died": "1935-06-18"})
    event = client.get("/api/events/aug7-meeting/history", headers=editor).json()
    assert event["entries"][-1]["after"] == {"people": []}
    assert client.get("/api/events/nope/history", headers=editor).status_code == 404
