"""Polls over the API, on both engines: who attaches them, learners' answers with the class
token (once each, revocation, drafts unseen), results, retention, and XLSX read back."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session, select

from redres.catalog.poll_tables import Poll, PollAnswer
from redres.config import Settings
from tests.api.conftest import MakeClient
from tests.api.forms import sign_in
from tests.api.test_classes_api import World, make_world

QUESTIONS: list[dict[str, Any]] = [
    {
        "kind": "single",
        "text": "本次教学最打动你的是？",
        "text_en": "What moved you most?",
        "options": [{"text": "讲解"}, {"text": "现场", "text_en": "The site"}, {"text": "文物"}],
    },
    {
        "kind": "multiple",
        "text": "你还想去哪些地方？",
        "options": [{"text": "甲"}, {"text": "乙"}, {"text": "丙"}],
    },
    {"kind": "rating", "text": "总体满意度"},
    {"kind": "text", "text": "意见和建议", "required": False},
]


@pytest.fixture
def world(engine: Engine, session: Session, make_client: MakeClient) -> World:
    settings = Settings(database_url="sqlite://", secret_key="s" * 40)
    return make_world(engine, session, settings, make_client)


def _poll(w: World, fc: dict[str, Any], status: str = "open", **extra: Any) -> dict[str, Any]:
    body = {"title": "课后问卷", "status": status, "questions": QUESTIONS, **extra}
    r = w.client.post(f"/api/classes/{fc['slug']}/polls", json=body, headers=w.teacher)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def _answer(
    w: World, fc: dict[str, Any], poll: dict[str, Any], learner: str = "学员甲", **answers: Any
) -> Any:
    given = answers or {"q1": 1, "q2": [0, 2], "q3": 4, "q4": "讲解生动"}
    url = f"/api/classes/{fc['slug']}/polls/{poll['id']}/answers"
    return w.client.post(
        url, params={"token": fc["checkin_token"]}, json={"learner": learner, "answers": given}
    )


def test_learners_answer_once_and_the_teacher_reads_counts_means_and_texts(world: World) -> None:
    w = world
    fc = w.new_class()
    poll = _poll(w, fc)
    assert [q["key"] for q in poll["questions"]] == ["q1", "q2", "q3", "q4"]
    listed = w.client.get(f"/api/classes/{fc['slug']}/polls", params={"token": fc["checkin_token"]})
    assert [p["id"] for p in listed.json()["data"]] == [poll["id"]]
    assert _answer(w, fc, poll).status_code == 201
    again = _answer(w, fc, poll, learner="  学员甲 ", q1=0, q2=[1], q3=1)
    assert again.status_code == 409
    assert _answer(w, fc, poll, learner="学员乙", q1=1, q2=[2], q3=5).status_code == 201
    r = w.client.get(f"/api/polls/{poll['id']}/results", headers=w.teacher)
    assert r.status_code == 200
    assert r.headers["cache-control"].startswith("private")
    res = r.json()
    assert res["answers"] == 2
    single, multiple, rating, text = res["questions"]
    assert [o["count"] for o in single["options"]] == [0, 2, 0]
    assert [o["count"] for o in multiple["options"]] == [1, 0, 2]
    assert rating["mean"] == 4.5
    assert [d["count"] for d in rating["distribution"]] == [0, 0, 0, 1, 1]
    assert text["texts"] == ["讲解生动"]
    assert "学员" not in r.text  # who answered is never shown
    assert w.client.get(f"/api/polls/{poll['id']}/results", headers=w.editor).status_code == 200
    assert w.client.get(f"/api/polls/{poll['id']}/results", headers=w.other).status_code == 404
    assert w.client.get(f"/api/polls/{poll['id']}/results").status_code == 401


def test_who_may_attach_a_poll(world: World) -> None:
    w = world
    fc = w.new_class()
    body = {"title": "问卷", "questions": QUESTIONS}
    url = f"/api/classes/{fc['slug']}/polls"
    assert w.client.post(url, json=body).status_code == 401
    assert w.client.post(url, json=body, headers=w.other).status_code == 404
    assert w.client.post(url, json=body, headers=w.editor).status_code == 201
    route = "/api/routes/red-walk/polls"
    assert w.client.post(route, json=body).status_code == 401
    assert w.client.post(route, json=body, headers=w.teacher).status_code == 403
    assert w.client.post(route, json=body, headers=w.editor).status_code == 201
    assert w.client.get(route, headers=w.teacher).status_code == 403


def test_a_route_poll_is_asked_of_every_class_on_the_route(world: World) -> None:
    w = world
    mine = w.new_class(instructors=[])
    body = {"name": "二班", "route": "red-walk", "start_date": mine["start_date"], "group_size": 9}
    theirs = w.client.post("/api/classes", json=body, headers=w.other).json()
    created = w.client.post(
        "/api/routes/red-walk/polls",
        json={"title": "线路问卷", "status": "open", "questions": QUESTIONS[2:3]},
        headers=w.editor,
    )
    poll = created.json()
    for fc in (mine, theirs):
        assert _answer(w, fc, poll, q1=5 if fc is mine else 1).status_code == 201  # keys renumber
    url = f"/api/polls/{poll['id']}/results"
    everyone = w.client.get(url, headers=w.editor).json()
    assert everyone["answers"] == 2
    own = w.client.get(url, params={"class": mine["slug"]}, headers=w.teacher).json()
    assert (own["answers"], own["questions"][0]["mean"]) == (1, 5.0)
    assert w.client.get(url, headers=w.teacher).status_code == 404  # all classes: staff only
    other = w.client.get(url, params={"class": theirs["slug"]}, headers=w.teacher)
    assert other.status_code == 404
    assert (
        w.client.patch(
            f"/api/polls/{poll['id']}", json={"status": "closed"}, headers=w.teacher
        ).status_code
        == 404
    )


def test_drafts_and_closed_polls_are_not_answered_and_drafts_not_shown(world: World) -> None:
    w = world
    fc = w.new_class()
    draft = _poll(w, fc, status="draft")
    route_draft = w.client.post(
        "/api/routes/red-walk/polls",
        json={"title": "线路草稿", "questions": QUESTIONS},
        headers=w.editor,
    ).json()
    token = {"token": fc["checkin_token"]}
    seen = w.client.get(f"/api/classes/{fc['slug']}/polls", params=token).json()
    assert seen["data"] == []
    assert "线路草稿" not in w.client.get(f"/api/classes/{fc['slug']}/polls", params=token).text
    assert _answer(w, fc, draft).status_code == 404
    assert _answer(w, fc, route_draft).status_code == 404
    teacher = w.client.get(f"/api/classes/{fc['slug']}/polls", headers=w.teacher).json()
    assert [p["id"] for p in teacher["data"]] == [draft["id"]]  # not the editors' route draft
    editor = w.client.get(f"/api/classes/{fc['slug']}/polls", headers=w.editor).json()
    assert {p["id"] for p in editor["data"]} == {draft["id"], route_draft["id"]}
    closed = _poll(w, fc, status="closed")
    assert _answer(w, fc, closed).status_code == 404


def test_missing_wrong_and_revoked_tokens_are_refused(world: World) -> None:
    w = world
    fc = w.new_class()
    poll = _poll(w, fc)
    url = f"/api/classes/{fc['slug']}/polls/{poll['id']}/answers"
    body = {"learner": "甲", "answers": {"q1": 0, "q2": [1], "q3": 3}}
    assert w.client.post(url, json=body).status_code == 401
    assert w.client.post(url, params={"token": "x" * 24}, json=body).status_code == 404
    assert w.client.delete(f"/api/classes/{fc['slug']}/token", headers=w.teacher).status_code == 204
    assert w.client.post(url, params={"token": fc["checkin_token"]}, json=body).status_code == 404
    listed = w.client.get(f"/api/classes/{fc['slug']}/polls", params={"token": fc["checkin_token"]})
    assert listed.status_code == 404


def test_answers_that_do_not_fit_their_questions_are_422(world: World) -> None:
    w = world
    fc = w.new_class()
    poll = _poll(w, fc)
    for answers in (
        {"q1": 3, "q2": [0], "q3": 3},  # no option 3
        {"q1": 0, "q2": [0, 9], "q3": 3},
        {"q1": 0, "q2": [0], "q3": 6},
        {"q1": 0, "q2": [0]},  # the rating is required
        {"q1": 0, "q2": [0], "q3": 3, "q9": "x"},
        {"q1": "讲解", "q2": [0], "q3": 3},
    ):
        r = _answer(w, fc, poll, **answers)
        assert r.status_code == 422, (answers, r.text)
    assert _answer(w, fc, poll).status_code == 201  # nothing was stored under that name


def test_malformed_polls_are_422(world: World) -> None:
    w = world
    fc = w.new_class()
    url = f"/api/classes/{fc['slug']}/polls"
    for questions in (
        [],
        [{"kind": "single", "text": "一个选项", "options": [{"text": "甲"}]}],
        [{"kind": "rating", "text": "打分", "options": [{"text": "甲"}, {"text": "乙"}]}],
        [{"kind": "essay", "text": "题"}],
        [{"kind": "text", "text": ""}],
    ):
        r = w.client.post(url, json={"title": "问卷", "questions": questions}, headers=w.teacher)
        assert r.status_code == 422, questions


def test_questions_freeze_once_answered_and_if_match_guards_changes(world: World) -> None:
    w = world
    fc = w.new_class()
    poll = _poll(w, fc)
    url = f"/api/polls/{poll['id']}"
    read = w.client.get(url, headers=w.teacher)
    etag = read.headers["etag"]
    changed = w.client.patch(
        url, json={"title": "改过的问卷"}, headers={**w.teacher, "If-Match": etag}
    )
    assert changed.status_code == 200
    stale = w.client.patch(url, json={"title": "又改"}, headers={**w.teacher, "If-Match": etag})
    assert stale.status_code == 412
    assert _answer(w, fc, poll).status_code == 201
    frozen = w.client.patch(url, json={"questions": QUESTIONS[:1]}, headers=w.teacher)
    assert frozen.status_code == 409
    closed = w.client.patch(url, json={"status": "closed"}, headers=w.teacher)
    assert closed.json()["status"] == "closed"
    assert _answer(w, fc, poll, learner="乙").status_code == 404
    assert w.client.delete(url, headers=w.other).status_code == 404
    assert w.client.delete(url, headers=w.teacher).status_code == 204
    assert w.client.get(url, headers=w.teacher).status_code == 404


def test_retention_erases_who_answered_and_free_text_deletion_erases_all(
    world: World, session: Session
) -> None:
    w = world
    past = w.new_class(name="旧班", start_date="2020-03-02", retention_days=30, instructors=[])
    old = _poll(w, past)
    assert _answer(w, past, old).status_code == 201
    keep = w.new_class(name="新班", retention_days=30, instructors=[])
    new = _poll(w, keep)
    assert _answer(w, keep, new).status_code == 201
    res = w.client.get(f"/api/polls/{old['id']}/results", headers=w.teacher).json()
    assert res["questions"][3]["texts"] == []  # erased
    assert res["questions"][2]["mean"] == 4.0  # ratings stay
    rows = {r.class_id: r for r in session.exec(select(PollAnswer)).all()}
    assert len(rows) == 2
    erased = [r for r in rows.values() if r.rater_key is None]
    assert len(erased) == 1
    assert "q4" not in erased[0].answers
    assert w.client.delete(f"/api/classes/{keep['slug']}", headers=w.teacher).status_code == 204
    session.expire_all()
    assert session.get(Poll, new["id"]) is None
    assert len(session.exec(select(PollAnswer)).all()) == 1


def test_poll_answers_count_toward_the_class_limit(
    engine: Engine, session: Session, make_client: MakeClient
) -> None:
    settings = Settings(database_url="sqlite://", secret_key="s" * 40, class_submissions_per_hour=2)
    w = make_world(engine, session, settings, make_client)
    fc = w.new_class()
    poll = _poll(w, fc)
    assert _answer(w, fc, poll, learner="一").status_code == 201
    assert _answer(w, fc, poll, learner="二").status_code == 201
    third = _answer(w, fc, poll, learner="三")
    assert third.status_code == 429
    assert "retry-after" in third.headers


def _workbook(client: TestClient, url: str, headers: dict[str, str], **params: Any) -> Any:
    r = client.get(url, headers=headers, params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    disposition = r.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="')
    star = disposition.split("filename*=UTF-8''", 1)[1]
    return load_workbook(io.BytesIO(r.content)), unquote(star), disposition


def test_evaluations_export_as_xlsx_with_names_only_when_asked(world: World) -> None:
    w = world
    fc = w.new_class()
    url = f"/api/classes/{fc['slug']}/evaluations"
    token = {"token": fc["checkin_token"]}
    for learner, score in (("王五", 5), ("赵六", 3)):
        body = {"site": w.sites[0], "scores": {"theme": score}, "learner": learner, "comment": "好"}
        assert w.client.post(url, params=token, json=body).status_code == 201
    staff = {"rater_role": "teaching_office", "site": w.sites[0], "scores": {"theme": 2}}
    assert w.client.post(url, json=staff, headers=w.editor).status_code == 201
    book, name, header = _workbook(w.client, f"{url}.xlsx", w.teacher)
    assert name == "2026年秋季班-评价汇总.xlsx"
    assert header.isascii()
    summary, raw = book.worksheets
    rows = list(summary.iter_rows(values_only=True))
    theme = next(r for r in rows[1:] if r[1] == rows[1][1] and r[2] == "主题鲜明")
    assert theme[3:5] == (2, 4)  # learners: count 2, mean 4
    assert theme[9:11] == (1, 2)  # teaching office: count 1, mean 2
    raw_rows = list(raw.iter_rows(values_only=True))
    assert len(raw_rows) == 4
    assert not any("王五" in str(c) for r in raw_rows for c in r)
    named, _, _ = _workbook(w.client, f"{url}.xlsx", w.teacher, names="true")
    assert any("王五" in str(c) for r in named.worksheets[1].iter_rows(values_only=True) for c in r)
    english, name_en, _ = _workbook(w.client, f"{url}.xlsx", w.teacher, lang="en")
    assert name_en.endswith(".xlsx")
    assert english.worksheets[0]["C1"].value == "Criterion"
    assert w.client.get(f"{url}.xlsx", headers=w.other).status_code == 404
    assert w.client.get(f"{url}.xlsx").status_code == 401


def test_poll_results_export_as_xlsx(world: World) -> None:
    w = world
    fc = w.new_class()
    poll = _poll(w, fc)
    assert _answer(w, fc, poll).status_code == 201
    assert _answer(w, fc, poll, learner="乙", q1=0, q2=[0], q3=2, q4="=1+1").status_code == 201
    book, name, _ = _workbook(w.client, f"/api/polls/{poll['id']}/results.xlsx", w.teacher)
    assert name == "课后问卷-问卷结果.xlsx"
    tally = list(book.worksheets[0].iter_rows(values_only=True))
    assert (1, "本次教学最打动你的是？", "现场", 1) in tally
    assert (3, "总体满意度", "平均分", 3.0) in tally
    texts = [r[2] for r in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert "讲解生动" in texts
    assert "=1+1" not in texts  # a formula is kept as text, never evaluated
    assert w.client.get(f"/api/polls/{poll['id']}/results.xlsx", headers=w.other).status_code == 404


def test_the_dashboard_gives_teaching_effect_per_site_over_classes(world: World) -> None:
    w = world
    first = w.new_class(instructors=[])
    body = {"name": "二班", "route": "red-walk", "start_date": first["start_date"], "group_size": 9}
    second = w.client.post("/api/classes", json=body, headers=w.other).json()
    for fc, score in ((first, 5), (second, 3)):
        r = w.client.post(
            f"/api/classes/{fc['slug']}/evaluations",
            params={"token": fc["checkin_token"]},
            json={"site": w.sites[0], "scores": {"theme": score, "gains": 4}},
        )
        assert r.status_code == 201
    assert w.client.get("/api/dashboard", headers=w.teacher).status_code == 403
    teaching = w.client.get("/api/dashboard", headers=w.editor).json()["teaching"]
    assert len(teaching) == 1
    site = teaching[0]
    assert (site["site"], site["classes"], site["ratings"]) == (w.sites[0], 2, 2)
    assert site["criteria"]["theme"] == 4.0
    assert site["criteria"]["gains"] == 4.0
    assert site["criteria"]["appeal"] is None
    assert site["mean"] == 4.0
    sign_in(w.client, "ed", to="/")
    page = w.client.get("/editor/dashboard?lang=zh")
    assert "教学效果" in page.text
    book, name, _ = _workbook(w.client, "/editor/dashboard/teaching.xlsx", {})
    assert name == "teaching.xlsx"
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:5] == ("教学点", "slug", "教学班数", "评价份数", "总平均分")
    assert rows[1][1:5] == (w.sites[0], 2, 2, 4.0)
