"""Field classes over the API: booking instructors, learners' tokens, evaluations and summary."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from redres.api.class_bodies import EvaluationSummary
from redres.catalog.accounts import create_user
from redres.catalog.class_evaluations import summary
from redres.catalog.class_tables import ClassCheckin, ClassEvaluation, FieldClass
from redres.catalog.enums import Role, Status
from redres.catalog.models import Instructor, Route, RouteStop, pk
from redres.config import Settings
from tests.api.bodies import exactly
from tests.api.conftest import MakeClient
from tests.api.forms import PASSWORD, bearer
from tests.factories import add_toy_sites

START = dt.date.today() + dt.timedelta(days=60)
"""Classes start in the future, so their learners' names and comments are still kept."""


def day(n: int) -> str:
    """The date of day `n` of a class starting at START."""
    return (START + dt.timedelta(days=n - 1)).isoformat()


@dataclass
class World:
    client: TestClient
    sites: list[str]
    instructors: list[int]
    teacher: dict[str, str]
    other: dict[str, str]
    editor: dict[str, str]

    def new_class(self, **extra: Any) -> dict[str, Any]:
        body = {
            "name": "2026年秋季班",
            "route": "red-walk",
            "start_date": day(1),
            "group_size": 60,
            "instructors": [{"site": self.sites[0], "instructor": self.instructors[0]}],
            **extra,
        }
        r = self.client.post("/api/classes", json=body, headers=self.teacher)
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]


def make_world(
    engine: Engine, session: Session, settings: Settings, make_client: MakeClient
) -> World:
    """Published sites on a two-day published route, a teacher's draft, instructors, accounts."""
    sites = add_toy_sites(session)[:3]
    users = {
        name: create_user(session, name, PASSWORD, role)
        for name, role in [("t1", Role.teacher), ("t2", Role.teacher), ("ed", Role.editor)]
    }
    route = Route(slug="red-walk", name="红色步行线", status=Status.published, days=2)
    draft = Route(slug="t2-draft", name="草稿", status=Status.draft, days=1)
    session.flush()
    draft.owner_id = pk(users["t2"])
    session.add_all([route, draft])
    people = [Instructor(name="张老师"), Instructor(name="李老师")]
    session.add_all(people)
    session.flush()
    for i, (day, site) in enumerate([(1, sites[0]), (1, sites[1]), (2, sites[2])], start=1):
        session.add(RouteStop(route_id=pk(route), day=day, position=i, site_id=pk(site)))
    session.add(RouteStop(route_id=pk(draft), day=1, position=1, site_id=pk(sites[0])))
    session.commit()
    c = make_client(engine, settings, follow_redirects=False)
    auth = [bearer(c, name) for name in ("t1", "t2", "ed")]
    return World(c, [s.slug for s in sites], [pk(p) for p in people], *auth)


@pytest.fixture
def world(engine: Engine, session: Session, make_client: MakeClient) -> World:
    settings = Settings(database_url="sqlite://", secret_key="s" * 40)
    return make_world(engine, session, settings, make_client)


def test_a_teacher_makes_a_class_and_only_they_and_editors_read_it(world: World) -> None:
    w = world
    fc = w.new_class()
    assert fc["slug"]
    assert len(fc["checkin_token"]) >= 20
    assert (fc["start_date"], fc["end_date"]) == (day(1), day(2))
    assert [s["date"] for s in fc["stops"]] == [day(1), day(1), day(2)]
    assert fc["stops"][0]["instructor"]["name"] == "张老师"
    slug = fc["slug"]
    assert w.client.get(f"/api/classes/{slug}", headers=w.teacher).status_code == 200
    assert w.client.get(f"/api/classes/{slug}", headers=w.editor).status_code == 200
    assert w.client.get(f"/api/classes/{slug}", headers=w.other).status_code in (403, 404)
    anonymous = w.client.get(f"/api/classes/{slug}")
    assert anonymous.status_code in (401, 403, 404)
    assert fc["checkin_token"] not in anonymous.text


def test_the_route_must_be_readable_by_the_maker(world: World) -> None:
    w = world
    body = {"name": "班", "route": "t2-draft", "start_date": day(1), "group_size": 30}
    assert w.client.post("/api/classes", json=body, headers=w.teacher).status_code == 404
    assert w.client.post("/api/classes", json=body, headers=w.other).status_code == 201
    assert w.client.post("/api/classes", json=body).status_code == 401


def test_bad_bookings_are_422_and_write_nothing(world: World) -> None:
    w = world
    base = {"name": "班", "route": "red-walk", "start_date": day(1), "group_size": 30}
    for instructors in (
        [{"site": "not-a-stop", "instructor": w.instructors[0]}],
        [{"site": w.sites[0], "instructor": 999999}],
        [{"site": w.sites[0], "instructor": "无此人"}],
    ):
        r = w.client.post(
            "/api/classes", json={**base, "instructors": instructors}, headers=w.teacher
        )
        assert r.status_code == 422, r.text
    r = w.client.post("/api/classes", json={**base, "group_size": 0}, headers=w.teacher)
    assert r.status_code == 422


def test_an_instructor_booked_twice_on_overlapping_dates_is_409_naming_the_other(
    world: World,
) -> None:
    w = world
    first = w.new_class(name="一班")
    # The second class starts on the first one's second day: the spans overlap.
    body = {
        "name": "二班",
        "route": "red-walk",
        "start_date": day(2),
        "group_size": 40,
        "instructors": [{"site": w.sites[2], "instructor": "张老师"}],
    }
    r = w.client.post("/api/classes", json=body, headers=w.other)
    assert r.status_code == 409
    assert first["slug"] in r.json()["detail"]
    assert "一班" in r.json()["detail"]
    assert w.client.get("/api/classes/er-ban", headers=w.editor).status_code == 404
    # The day after the first class ends, or another instructor, is fine.
    later = {**body, "start_date": day(3)}
    assert w.client.post("/api/classes", json=later, headers=w.other).status_code == 201
    other = {**body, "instructors": [{"site": w.sites[2], "instructor": w.instructors[1]}]}
    assert w.client.post("/api/classes", json=other, headers=w.other).status_code == 201
    # The instructor named by the slug of their name, or by id as text, is the same person.
    for key in ("zhang-lao-shi", str(w.instructors[0])):
        again = {**body, "instructors": [{"site": w.sites[2], "instructor": key}]}
        assert w.client.post("/api/classes", json=again, headers=w.other).status_code == 409


def test_the_evaluation_form_wants_the_class_token(world: World) -> None:
    w = world
    fc = w.new_class()
    url = f"/api/classes/{fc['slug']}/evaluation"
    form = w.client.get(url, params={"token": fc["checkin_token"]})
    assert form.status_code == 200
    body = form.json()
    assert [c["key"] for c in body["criteria"]] == [
        "theme",
        "accuracy",
        "appeal",
        "organisation",
        "conditions",
        "gains",
    ]
    assert [c["label"] for c in body["criteria"]] == [
        "主题鲜明",
        "内容准确",
        "讲解感染力",
        "组织有序",
        "现场条件",
        "收获",
    ]
    assert body["criteria"][0]["label_en"] == "Clear theme"
    assert set(body["roles"]) == {"learner", "teacher", "class_manager", "teaching_office"}
    english = w.client.get(url, params={"token": fc["checkin_token"], "lang": "en"})
    assert english.json()["criteria"][2]["label"] == "Engaging delivery"
    assert w.client.get(url).status_code in (401, 403, 404, 422)
    assert w.client.get(url, params={"token": "x" * 24}).status_code in (401, 403, 404)
    assert (
        w.client.get(
            "/api/classes/nope/evaluation", params={"token": fc["checkin_token"]}
        ).status_code
        == 404
    )


def _rate(w: World, fc: dict[str, Any], **body: Any) -> Any:
    payload = {"site": w.sites[0], "scores": {"theme": 5}, **body}
    return w.client.post(
        f"/api/classes/{fc['slug']}/evaluations",
        params={"token": fc["checkin_token"]},
        json=payload,
    )


def test_the_token_rates_as_learner_only_and_staff_rate_signed_in(world: World) -> None:
    w = world
    fc = w.new_class()
    url = f"/api/classes/{fc['slug']}/evaluations"
    assert _rate(w, fc, rater_role="learner", learner="学员01").status_code == 201
    assert _rate(w, fc).status_code == 201  # no name: anonymous, rater_role defaults to learner
    for role in ("teacher", "class_manager", "teaching_office"):
        assert _rate(w, fc, rater_role=role).status_code in (401, 403)
    body = {"site": w.sites[0], "scores": {"theme": 4}}
    assert (
        w.client.post(url, json={**body, "rater_role": "teacher"}, headers=w.teacher).status_code
        == 201
    )
    ed = {**body, "rater_role": "teaching_office"}
    assert w.client.post(url, json=ed, headers=w.editor).status_code == 201
    # Another teacher's account is not staff of this class.
    manager = {**body, "rater_role": "class_manager"}
    assert w.client.post(url, json=manager, headers=w.other).status_code in (403, 404)
    # Signed in without the token, nobody rates as a learner.
    learner = {**body, "rater_role": "learner"}
    assert w.client.post(url, json=learner, headers=w.teacher).status_code in (401, 403)
    assert w.client.post(url, json={**body, "rater_role": "pupil"}).status_code == 422


def test_missing_wrong_and_revoked_tokens_are_refused(world: World) -> None:
    w = world
    fc = w.new_class()
    slug, token = fc["slug"], fc["checkin_token"]
    body = {"site": w.sites[0], "scores": {"theme": 5}, "rater_role": "learner"}
    url = f"/api/classes/{slug}/evaluations"
    assert w.client.post(url, json=body).status_code in (401, 422)
    wrong = token[:-1] + ("B" if token.endswith("A") else "A")
    assert w.client.post(url, params={"token": wrong}, json=body).status_code in (403, 404)
    checkin = f"/api/classes/{slug}/checkins"
    assert w.client.post(checkin, json={"name": "王", "site": w.sites[0]}).status_code in (401, 422)
    assert w.client.post(f"/api/classes/{slug}/token", headers=w.other).status_code == 404
    assert w.client.delete(f"/api/classes/{slug}/token", headers=w.teacher).status_code == 204
    assert w.client.post(url, params={"token": token}, json=body).status_code in (403, 404)
    assert w.client.post(
        checkin, params={"token": token}, json={"name": "王", "site": w.sites[0]}
    ).status_code in (403, 404)
    assert w.client.get(f"/api/classes/{slug}", headers=w.teacher).json()["checkin_token"] is None
    fresh = w.client.post(f"/api/classes/{slug}/token", headers=w.teacher)
    assert fresh.status_code == 201
    new = fresh.json()["checkin_token"]
    assert new
    assert new != token
    assert w.client.post(url, params={"token": new}, json=body).status_code == 201


def test_one_evaluation_per_learner_and_stop(world: World) -> None:
    w = world
    fc = w.new_class()
    assert _rate(w, fc, learner="学员 07").status_code == 201
    again = _rate(w, fc, learner=" 学员  07 ", scores={"theme": 1})
    assert again.status_code == 409
    assert "学员" in again.json()["detail"]
    assert _rate(w, fc, learner="学员 07", site=w.sites[1]).status_code == 201
    assert _rate(w, fc, learner="学员 08").status_code == 201


def test_scores_outside_1_to_5_or_unknown_criteria_or_stops_are_422(world: World) -> None:
    w = world
    fc = w.new_class()
    for scores in ({"theme": 0}, {"theme": 6}, {"beauty": 3}, {}, {"theme": "good"}):
        assert _rate(w, fc, scores=scores).status_code == 422, scores
    assert _rate(w, fc, site="nowhere").status_code == 422


def test_the_summary_gives_mean_and_count_by_role_for_owner_and_editors(world: World) -> None:
    w = world
    fc = w.new_class()
    slug = fc["slug"]
    for i, score in enumerate([5, 4, 3]):
        r = _rate(w, fc, learner=f"L{i}", scores={"theme": score, "gains": 5}, comment=f"很好{i}")
        assert r.status_code == 201
    url = f"/api/classes/{slug}/evaluations"
    staff = {"site": w.sites[0], "scores": {"theme": 2}, "rater_role": "teacher"}
    assert w.client.post(url, json=staff, headers=w.teacher).status_code == 201
    r = w.client.post(
        f"/api/classes/{slug}/checkins",
        params={"token": fc["checkin_token"]},
        json={"name": "王小明", "site": w.sites[0]},
    )
    assert r.status_code == 201
    summary = w.client.get(f"{url}/summary", headers=w.teacher)
    assert summary.status_code == 200
    assert "private" in summary.headers["cache-control"]
    first = summary.json()["sites"][0]
    assert first["site"] == w.sites[0]
    assert first["criteria"]["theme"]["learner"] == {"mean": 4.0, "count": 3}
    assert first["criteria"]["theme"]["teacher"] == {"mean": 2.0, "count": 1}
    assert first["criteria"]["theme"]["class_manager"]["count"] == 0
    assert first["criteria"]["gains"]["learner"] == {"mean": 5.0, "count": 3}
    assert first["checkins"] == 1
    assert {c["comment"] for c in first["comments"]} == {"很好0", "很好1", "很好2"}
    assert summary.json()["sites"][1]["evaluations"] == 0
    assert w.client.get(f"{url}/summary", headers=w.editor).status_code == 200
    for headers in ({}, w.other):
        leak = w.client.get(f"{url}/summary", headers=headers)
        assert leak.status_code in (401, 403, 404)
        assert "很好" not in leak.text
    # The learner's token opens the form, never what others wrote.
    token = {"token": fc["checkin_token"]}
    assert w.client.get(f"{url}/summary", params=token).status_code in (401, 403, 404)
    assert "很好" not in w.client.get(f"/api/classes/{slug}/evaluation", params=token).text


def test_sixty_learners_behind_one_address_check_in_and_rate(world: World) -> None:
    """The test client sends every request from one address, as a class behind one NAT."""
    w = world
    fc = w.new_class()
    params = {"token": fc["checkin_token"]}
    for n in range(60):
        name = f"学员{n:02d}"
        r = w.client.post(
            f"/api/classes/{fc['slug']}/checkins",
            params=params,
            json={"name": name, "site": w.sites[0]},
        )
        assert r.status_code == 201, (n, r.text)
        r = _rate(w, fc, learner=name, scores=dict.fromkeys(("theme", "accuracy", "gains"), 4))
        assert r.status_code == 201, (n, r.text)
    summary = w.client.get(f"/api/classes/{fc['slug']}/evaluations/summary", headers=w.teacher)
    first = summary.json()["sites"][0]
    assert first["checkins"] == 60
    assert first["criteria"]["accuracy"]["learner"] == {"mean": 4.0, "count": 60}


def test_the_limit_counts_per_class_token_not_per_address(
    engine: Engine, session: Session, make_client: MakeClient
) -> None:
    settings = Settings(database_url="sqlite://", secret_key="s" * 40, class_submissions_per_hour=3)
    w = make_world(engine, session, settings, make_client)
    a, b = w.new_class(name="甲班"), w.new_class(name="乙班", instructors=[])
    assert [_rate(w, a, learner=f"L{i}").status_code for i in range(4)] == [201, 201, 201, 429]
    assert _rate(w, b, learner="L0").status_code == 201  # another class, same address


def test_deleting_a_class_deletes_what_learners_left(world: World, session: Session) -> None:
    w = world
    fc = w.new_class()
    assert _rate(w, fc, learner="L1", comment="意见").status_code == 201
    params = {"token": fc["checkin_token"]}
    checkin = {"name": "王", "site": w.sites[0]}
    assert (
        w.client.post(
            f"/api/classes/{fc['slug']}/checkins", params=params, json=checkin
        ).status_code
        == 201
    )
    assert w.client.delete(f"/api/classes/{fc['slug']}", headers=w.other).status_code == 404
    assert w.client.delete(f"/api/classes/{fc['slug']}", headers=w.teacher).status_code == 204
    assert session.exec(select(ClassEvaluation)).all() == []
    assert session.exec(select(ClassCheckin)).all() == []
    assert w.client.get(f"/api/classes/{fc['slug']}", headers=w.teacher).status_code == 404


def test_names_and_comments_go_once_the_retention_has_passed(
    world: World, session: Session
) -> None:
    w = world
    past = w.new_class(name="旧班", start_date="2020-03-02", retention_days=30, instructors=[])
    assert _rate(w, past, learner="L1", comment="意见").status_code == 201
    keep = w.new_class(name="新班", retention_days=30, instructors=[])
    assert _rate(w, keep, learner="L2", comment="保留").status_code == 201
    summary = w.client.get(f"/api/classes/{past['slug']}/evaluations/summary", headers=w.teacher)
    first = summary.json()["sites"][0]
    assert first["comments"] == []
    assert first["criteria"]["theme"]["learner"]["count"] == 1  # scores stay, anonymous
    rows = {r.comment for r in session.exec(select(ClassEvaluation)).all()}
    assert rows == {None, "保留"}
    assert dt.date(2020, 3, 3) + dt.timedelta(days=30) < dt.date.today()


def test_a_teacher_lists_their_classes_and_editors_list_all(world: World) -> None:
    w = world
    mine = w.new_class(name="一班", instructors=[])
    body = {"name": "二班", "route": "red-walk", "start_date": day(1), "group_size": 20}
    theirs = w.client.post("/api/classes", json=body, headers=w.other).json()
    listed = w.client.get("/api/classes", headers=w.teacher).json()
    assert [c["slug"] for c in listed["data"]] == [mine["slug"]]
    assert "checkin_token" not in listed["data"][0]
    everyone = w.client.get("/api/classes", headers=w.editor).json()
    assert {c["slug"] for c in everyone["data"]} == {mine["slug"], theirs["slug"]}
    assert w.client.get("/api/classes").status_code == 401


def test_the_summary_answer_is_the_catalogues_summary_and_its_model(
    world: World, session: Session
) -> None:
    """The response model changes nothing of the JSON: the answer is `class_evaluations.summary`
    of the class (what the handler returned before it had a model), and exactly its model."""
    w = world
    fc = w.new_class()
    _rate(w, fc, learner="L1", scores={"theme": 4, "gains": 5}, comment="很好")
    _rate(w, fc, learner="L2", scores={"theme": 3})
    answer = w.client.get(f"/api/classes/{fc['slug']}/evaluations/summary", headers=w.teacher)
    assert answer.status_code == 200
    session.rollback()  # a fresh snapshot of what the app committed
    row = session.exec(select(FieldClass).where(FieldClass.slug == fc["slug"])).one()
    assert answer.json() == json.loads(json.dumps(summary(session, row)))
    assert answer.json()["sites"][0]["criteria"]["theme"]["learner"] == {"mean": 3.5, "count": 2}
    exactly(EvaluationSummary, answer.json())
