"""Poll pages without script: a teacher writes a poll on the form, a learner answers it on the
phone page, the class page draws the results; refusals in the reader's language."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from redres.config import Settings
from tests.api.conftest import MakeClient
from tests.api.forms import csrf, sign_in
from tests.api.test_classes_api import World, make_world

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def world(engine: Engine, session: Session, make_client: MakeClient) -> World:
    settings = Settings(database_url="sqlite://", secret_key="s" * 40)
    return make_world(engine, session, settings, make_client)


def _form(token: str, **fields: str) -> dict[str, str]:
    base = {"csrf": token, "blocks": "3", "title": "课后问卷", "status": "open"}
    return base | fields


def _poll_through_the_form(w: World, slug: str) -> dict[str, str]:
    new = w.client.get(f"/classes/{slug}/polls/new")
    assert new.status_code == 200
    data = _form(
        csrf(new.text),
        q1_text="本次教学最打动你的是？",
        q1_kind="single",
        q1_options="讲解 | The talk\n现场\n" + HOSTILE,
        q1_required="1",
        q2_text="总体满意度",
        q2_kind="rating",
        q2_required="1",
        q3_text="意见和建议",
        q3_kind="text",
        q3_order="0",
    )
    r = w.client.post(f"/classes/{slug}/polls/new", data=data)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"/classes/{slug}#polls"
    return data


def test_a_teacher_writes_a_poll_and_a_learner_answers_it_without_script(world: World) -> None:
    w = world
    fc = w.new_class()
    slug = fc["slug"]
    assert w.client.get(f"/classes/{slug}/polls/new").status_code == 303  # sign in first
    sign_in(w.client, "t1", to="/")
    _poll_through_the_form(w, slug)
    learner = w.client.get(f"/classes/{slug}/learn?token={fc['checkin_token']}")
    assert learner.status_code == 200
    assert "<script" not in learner.text.split('<main id="main">', 1)[-1].split("</main>", 1)[0]
    text = learner.text
    assert text.index("意见和建议") < text.index("本次教学最打动你的是？")  # order 0 comes first
    assert "不向教师显示" in text  # the notice says what is kept
    poll_id = re.search(r'name="poll" value="(\d+)"', text)
    assert poll_id
    keys = dict(re.findall(r'name="(q\d)" value="\d+"> ([^<]+)</label>', text))
    answer = {"token": fc["checkin_token"], "action": "poll", "poll": poll_id.group(1)}
    w.client.cookies.clear()  # learners hold no session
    missing = w.client.post(f"/classes/{slug}/learn", data=answer | {"learner": "甲"})
    assert missing.status_code == 422
    assert "请回答：" in missing.text
    full = answer | {"learner": "甲", "q2": "1", "q3": "5", "q1": "讲解很好"}
    r = w.client.post(f"/classes/{slug}/learn", data=full)
    assert r.status_code == 303
    done = w.client.get(r.headers["location"])
    assert "问卷已提交，谢谢！" in done.text
    again = w.client.post(f"/classes/{slug}/learn", data=full | {"learner": " 甲 "})
    assert again.status_code == 409
    assert "已经答过本问卷" in again.text
    english = w.client.post(f"/classes/{slug}/learn?lang=en", data=full)
    assert "already answered this poll" in english.text
    assert keys  # the options are radio buttons named by question key
    sign_in(w.client, "t1", to="/")
    page = w.client.get(f"/classes/{slug}?lang=zh")  # the English answer set the cookie
    assert page.status_code == 200
    assert "<svg" in page.text
    assert "讲解很好" in page.text
    assert HOSTILE not in page.text
    assert "&lt;script&gt;" in page.text
    assert "1 人作答" in page.text


def test_the_form_adds_blocks_keeps_input_and_words_errors_in_the_readers_language(
    world: World,
) -> None:
    w = world
    fc = w.new_class()
    slug = fc["slug"]
    sign_in(w.client, "t1", to="/")
    token = csrf(w.client.get(f"/classes/{slug}/polls/new").text)
    more = w.client.post(
        f"/classes/{slug}/polls/new", data=_form(token, action="more", q1_text="第一题")
    )
    assert more.status_code == 200
    assert 'name="q9_text"' in more.text
    assert 'value="第一题"' in more.text
    bad = _form(token, q1_text="只有一个选项", q1_kind="single", q1_options="甲")
    r = w.client.post(f"/classes/{slug}/polls/new", data=bad)
    assert r.status_code == 422
    assert "选择题需要 2 至 12 个选项" in r.text
    assert 'value="只有一个选项"' in r.text
    r_en = w.client.post(f"/classes/{slug}/polls/new?lang=en", data=bad)
    assert "a choice question needs 2 to 12 options" in r_en.text
    expired = w.client.post(f"/classes/{slug}/polls/new", data=_form("forged", q1_text="题"))
    assert expired.status_code == 403


def test_a_stale_edit_shows_a_conflict_and_others_cannot_edit(world: World) -> None:
    w = world
    fc = w.new_class()
    slug = fc["slug"]
    sign_in(w.client, "t1", to="/")
    data = _poll_through_the_form(w, slug)
    poll_id = re.search(r'href="/polls/(\d+)/edit"', w.client.get(f"/classes/{slug}").text)
    assert poll_id
    edit = f"/polls/{poll_id.group(1)}/edit"
    opened = w.client.get(edit).text
    version = re.search(r'name="version" value="(\d+)"', opened)
    assert version
    base = data | {"csrf": csrf(opened), "version": version.group(1)}
    first = w.client.post(edit, data=base | {"title": "第一次修改"})
    assert first.status_code == 303
    second = w.client.post(edit, data=base | {"title": "第二次修改"})
    assert second.status_code == 409
    assert 'value="第二次修改"' in second.text
    w.client.cookies.clear()
    sign_in(w.client, "t2", to="/")
    assert w.client.get(edit).status_code == 404
    assert w.client.get("/editor/routes/red-walk/polls/new").status_code == 404


def test_an_editor_puts_a_poll_on_a_route_through_the_form(world: World) -> None:
    w = world
    sign_in(w.client, "ed", to="/")
    new = w.client.get("/editor/routes/red-walk/polls/new")
    assert new.status_code == 200
    assert "每个教学班" in new.text
    data = _form(csrf(new.text), q1_text="线路满意度", q1_kind="rating", q1_required="1")
    r = w.client.post("/editor/routes/red-walk/polls/new", data=data)
    assert r.status_code == 303
    assert re.fullmatch(r"/polls/\d+/edit\?saved=1", r.headers["location"])
    assert "问卷已保存" in w.client.get(r.headers["location"]).text
    listed = w.client.get("/editor/routes/red-walk?lang=zh").text
    assert "/editor/routes/red-walk/polls/new" in listed
    assert f'<a href="{r.headers["location"].split("?")[0]}">课后问卷</a>' in listed
    fc = w.new_class()
    learner = w.client.get(f"/classes/{fc['slug']}/learn?token={fc['checkin_token']}")
    assert "线路满意度" in learner.text


def test_a_refused_multiple_choice_answer_comes_back_with_every_box_ticked(world: World) -> None:
    w = world
    fc = w.new_class()
    slug = fc["slug"]
    sign_in(w.client, "t1", to="/")
    new = w.client.get(f"/classes/{slug}/polls/new")
    data = _form(
        csrf(new.text),
        q1_text="最打动你的是？",
        q1_kind="multiple",
        q1_options="讲解\n文物\n氛围\n歌曲",
        q1_required="1",
        q2_text="总体满意度",
        q2_kind="rating",
        q2_required="1",
    )
    assert w.client.post(f"/classes/{slug}/polls/new", data=data).status_code == 303
    w.client.cookies.clear()
    learner = w.client.get(f"/classes/{slug}/learn?token={fc['checkin_token']}").text
    poll_id = re.search(r'name="poll" value="(\d+)"', learner)
    assert poll_id
    sent = [
        ("token", fc["checkin_token"]),
        ("action", "poll"),
        ("poll", poll_id.group(1)),
        ("learner", "乙"),
        ("q1", "0"),
        ("q1", "2"),
        ("q1", "3"),
    ]  # the rating (q2, required) is missing
    r = w.client.post(f"/classes/{slug}/learn", content=_urlencoded(sent), headers=FORM)
    assert r.status_code == 422
    assert "请回答：" in r.text
    ticked = re.findall(r'name="q1" value="(\d)" checked', r.text)
    assert ticked == ["0", "2", "3"]
    assert 'value="乙"' in r.text


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _urlencoded(pairs: list[tuple[str, str]]) -> bytes:
    """A form body with a field repeated, as a browser sends ticked boxes."""
    return urlencode(pairs).encode()
