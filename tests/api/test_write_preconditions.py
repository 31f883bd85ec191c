"""Lost updates: single-record reads send an ETag, PATCH and DELETE honour If-Match (412 when the
record changed since), and of two saves from the same version exactly one wins."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from tests.api.forms import PASSWORD, bearer
from tests.factories import add_toy_sites

AUG7 = "site-of-the-august-7-conference"
CONGRESS = "site-of-the-5th-national-congress-of-the-cpc"
SITE_UPDATE = re.compile(r'\s*UPDATE\s+"?site"?\s', re.IGNORECASE)


@pytest.fixture
def catalogue(session: Session) -> None:
    """The toy catalogue (published) with an editor and a teacher."""
    add_toy_sites(session)
    create_user(session, "editor", PASSWORD, Role.editor)
    create_user(session, "teacher", PASSWORD, Role.teacher)
    session.commit()


@dataclass(frozen=True)
class Kind:
    """One kind of versioned record: how to make one and two different changes to it."""

    base: str
    new: dict[str, Any]
    first: dict[str, Any]
    second: dict[str, Any]
    field: str
    deletes: bool = True
    key: str = "slug"
    """What addresses a record: its slug, or its id (courses, instructors)."""

    def slug(self, created: dict[str, Any]) -> str:
        props = created.get("properties", created)
        return str(props[self.key])

    def value(self, body: dict[str, Any]) -> Any:
        return body.get("properties", body)[self.field]


KINDS = {
    "sites": Kind(
        "/api/sites",
        {"name": "施洋烈士墓", "category": "martyrs_cemetery", "lon": 114.3358, "lat": 30.5397},
        {"district": "洪山区"},
        {"district": "武昌区"},
        "district",
    ),
    "stories": Kind(
        "/api/stories",
        {"title": "八七会议", "sites": [AUG7]},
        {"summary": "第一次修改"},
        {"summary": "第二次修改"},
        "summary",
    ),
    "people": Kind(
        "/api/people",
        {"slug": "shi-yang", "name": "施洋"},
        {"born": "1889"},
        {"born": "1890"},
        "born",
        deletes=False,
    ),
    "events": Kind(
        "/api/events",
        {"slug": "aug7-meeting", "name": "八七会议", "sites": [AUG7]},
        {"date": "1927-08-07"},
        {"date": "1927-08"},
        "date",
        deletes=False,
    ),
    "themes": Kind(
        "/api/themes",
        {"slug": "founding", "name": "建党"},
        {"name_en": "Founding"},
        {"name_en": "Founding of the Party"},
        "name_en",
        deletes=False,
    ),
    "routes": Kind(
        "/api/routes",
        {"name": "汉口半日", "days": [[{"site": AUG7}]]},
        {"description": "第一次修改"},
        {"description": "第二次修改"},
        "description",
    ),
    "courses": Kind(
        "/api/courses",
        {"title": "八七会议的转折", "site": AUG7},
        {"audience": "党员干部"},
        {"audience": "青年学生"},
        "audience",
        deletes=False,
        key="id",
    ),
    "instructors": Kind(
        "/api/instructors",
        {"name": "王老师"},
        {"unit": "武汉市委党校"},
        {"unit": "湖北省委党校"},
        "unit",
        deletes=False,
        key="id",
    ),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_if_match_round_trip(client: TestClient, kind: str) -> None:
    k = KINDS[kind]
    editor = bearer(client, "editor")
    created = client.post(k.base, json=k.new, headers=editor)
    assert created.status_code == 201, created.text
    path = f"{k.base}/{k.slug(created.json())}"

    read = client.get(path, headers=editor)
    assert read.status_code == 200
    tag = read.headers["etag"]
    assert re.fullmatch(r'"\d+-[0-9a-f]+"', tag), tag

    first = client.patch(path, json=k.first, headers=editor | {"If-Match": tag})
    assert first.status_code == 200, first.text
    assert first.headers["etag"] != tag
    assert client.get(path, headers=editor).headers["etag"] == first.headers["etag"]

    stale = client.patch(path, json=k.second, headers=editor | {"If-Match": tag})
    assert stale.status_code == 412
    assert "changed" in stale.json()["detail"]
    after = client.get(path, headers=editor)
    assert k.value(after.json()) == k.first[k.field]  # the first change stands
    assert after.headers["etag"] == first.headers["etag"]

    if k.deletes:
        gone = client.delete(path, headers=editor | {"If-Match": tag})
        assert gone.status_code == 412
        assert client.get(path, headers=editor).json() == after.json()
        fresh = client.delete(path, headers=editor | {"If-Match": first.headers["etag"]})
        assert fresh.status_code == 200, fresh.text


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, 200),  # If-Match stays optional for existing clients
        ("*", 200),  # any existing record
        ('W/"1-abc"', 412),  # a weak tag never matches a strong comparison
        ('"not-ours"', 412),
        ("", 412),
    ],
)
def test_if_match_forms(client: TestClient, header: str | None, code: int) -> None:
    editor = bearer(client, "editor")
    extra = {} if header is None else {"If-Match": header}
    r = client.patch(f"/api/sites/{AUG7}", json={"district": "x"}, headers=editor | extra)
    assert r.status_code == code, r.text
    district = client.get(f"/api/sites/{AUG7}").json()["properties"]["district"]
    assert district == ("x" if code == 200 else "江岸区")


def test_one_of_several_listed_tags_matches(client: TestClient) -> None:
    editor = bearer(client, "editor")
    tag = client.get(f"/api/sites/{AUG7}").headers["etag"]
    both = editor | {"If-Match": f'"99-00", {tag}'}
    r = client.patch(f"/api/sites/{AUG7}", json={"district": "x"}, headers=both)
    assert r.status_code == 200


def test_missing_record_is_404_before_412(client: TestClient) -> None:
    editor = bearer(client, "editor")
    anything = editor | {"If-Match": "*"}
    r = client.patch("/api/sites/nowhere", json={"district": "x"}, headers=anything)
    assert r.status_code == 404


def test_etag_is_the_same_for_the_same_bytes_whoever_reads(client: TestClient) -> None:
    """A published person read by anyone: same bytes, same tag; a draft story linked to them
    shows only to staff, so staff are sent other bytes under another tag."""
    editor = bearer(client, "editor")
    assert client.post("/api/people", json={"slug": "qu", "name": "瞿秋白"}, headers=editor)
    anonymous, staff = client.get("/api/people/qu"), client.get("/api/people/qu", headers=editor)
    assert anonymous.content == staff.content
    assert anonymous.headers["etag"] == staff.headers["etag"]
    story = {"title": "草稿", "people": ["qu"], "sites": []}
    assert client.post("/api/stories", json=story, headers=editor).status_code == 201
    anonymous, staff = client.get("/api/people/qu"), client.get("/api/people/qu", headers=editor)
    assert anonymous.content != staff.content
    assert anonymous.headers["etag"] != staff.headers["etag"]


def test_a_linked_change_changes_the_tag_but_not_the_version(client: TestClient) -> None:
    """A story added to a site changes what the site read shows (so its ETag), yet a save of the
    site from before it is not a lost update: the site's own fields did not change."""
    editor = bearer(client, "editor")
    before = client.get(f"/api/sites/{AUG7}", headers=editor).headers["etag"]
    story = {"title": "新的故事", "sites": [AUG7], "status": "published"}
    assert client.post("/api/stories", json=story, headers=editor).status_code == 201
    now = client.get(f"/api/sites/{AUG7}", headers=editor).headers["etag"]
    assert now != before
    old = editor | {"If-Match": before}
    r = client.patch(f"/api/sites/{AUG7}", json={"district": "x"}, headers=old)
    assert r.status_code == 200


def test_a_teacher_owner_uses_if_match_on_their_route(client: TestClient) -> None:
    teacher = bearer(client, "teacher")
    made = client.post("/api/routes", json=KINDS["routes"].new, headers=teacher).json()
    path = f"/api/routes/{made['properties']['slug']}"
    read = teacher | {"If-Match": client.get(path, headers=teacher).headers["etag"]}
    assert client.patch(path, json={"name": "甲"}, headers=read).status_code == 200
    assert client.patch(path, json={"name": "乙"}, headers=read).status_code == 412
    assert client.get(path, headers=teacher).json()["properties"]["name"] == "甲"


def test_304_still_answers_for_an_unchanged_record(client: TestClient) -> None:
    first = client.get(f"/api/sites/{AUG7}")
    again = client.get(f"/api/sites/{AUG7}", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["etag"] == first.headers["etag"]


def test_two_saves_from_the_same_version_one_wins(client: TestClient, engine: Engine) -> None:
    """Both requests have read the site and hold the same If-Match; both are held just before
    their first UPDATE of the site until the other gets there too, so a check made in Python
    before writing would let both through. Exactly one may succeed."""
    editor = bearer(client, "editor")
    path = f"/api/sites/{CONGRESS}"
    tag = client.get(path, headers=editor).headers["etag"]
    gate = threading.Barrier(2, timeout=60)
    arrived: set[int] = set()
    lock = threading.Lock()

    def hold_first_site_update(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not SITE_UPDATE.match(statement):
            return
        me = threading.get_ident()
        with lock:
            first_time = me not in arrived and len(arrived) < 2
            arrived.add(me)
        if first_time:
            gate.wait()

    results: dict[str, int] = {}

    def save(district: str) -> None:
        r = client.patch(path, json={"district": district}, headers=editor | {"If-Match": tag})
        results[district] = r.status_code

    event.listen(engine, "before_cursor_execute", hold_first_site_update)
    try:
        threads = [threading.Thread(target=save, args=(d,)) for d in ("甲区", "乙区")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    finally:
        event.remove(engine, "before_cursor_execute", hold_first_site_update)
    assert sorted(results.values()) == [200, 412], results
    winner = next(d for d, code in results.items() if code == 200)
    assert client.get(path).json()["properties"]["district"] == winner
    history = client.get(f"{path}/history", headers=editor).json()["entries"]
    assert [e["action"] for e in history].count("update") == 1
