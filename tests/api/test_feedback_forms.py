"""The feedback form on site pages: open to everyone, answered with the page, limited per client."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import STAFF, FeedbackStatus, Role
from redres.catalog.feedback import list_feedback
from redres.config import Settings
from tests.api.forms import PASSWORD, csrf, sign_in
from tests.factories import add_toy_sites

SITE = "site-of-the-august-7-conference"
OTHERS = ["site-of-the-5th-national-congress-of-the-cpc", "tomb-of-martyr-shi-yang"]


@pytest.fixture
def catalogue(session: Session) -> None:
    """The toy catalogue, a teacher and an editor."""
    add_toy_sites(session)
    create_user(session, "teacher", PASSWORD, Role.teacher)
    create_user(session, "editor", PASSWORD, Role.editor)
    session.commit()


@pytest.fixture
def app_settings() -> Settings:
    return Settings(database_url="sqlite://", secret_key="s" * 40, feedback_per_hour=3)


@pytest.fixture
def follow_redirects() -> bool:
    return False


def _send(client: TestClient, slug: str, comment: str, **extra: str) -> Any:
    token = csrf(client.get(f"/sites/{slug}", params=extra).text)
    data = {"rating": "4", "comment": comment, "csrf": token}
    return client.post(f"/sites/{slug}/feedback", data=data, params=extra)


def _pending(session: Session) -> list[str]:
    items = list_feedback(session, status=FeedbackStatus.pending, visible=STAFF)
    return [f["comment"] for f in items]


@pytest.mark.parametrize("who", ["teacher", "editor", None])
def test_anyone_signed_in_or_not_sends_feedback_from_a_site_page(
    client: TestClient, session: Session, who: str | None
) -> None:
    if who:
        sign_in(client, who)
    r = _send(client, SITE, f"讲解清楚（{who}）")
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"/sites/{SITE}?sent=1#feedback"
    assert _pending(session) == [f"讲解清楚（{who}）"]


@pytest.mark.parametrize(
    ("lang", "message"), [("zh", "留言中不能含有链接"), ("en", "comments may not contain links")]
)
def test_refused_feedback_comes_back_on_the_page_with_the_input(
    client: TestClient, session: Session, lang: str, message: str
) -> None:
    sign_in(client, "teacher")
    comment = "<script>alert(1)</script> 见 http://spam.example"
    r = _send(client, SITE, comment, lang=lang)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("text/html")
    assert message in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 见 http://spam.example</textarea>" in r.text
    assert "<script>alert(1)</script>" not in r.text
    assert '<option value="4" selected>' in r.text
    assert _pending(session) == []


def test_a_stale_form_is_answered_with_the_page(client: TestClient, session: Session) -> None:
    sign_in(client, "editor")
    data = {"rating": "5", "comment": "很好", "csrf": "forged"}
    r = client.post(f"/sites/{SITE}/feedback", data=data)
    assert r.status_code == 403
    assert r.headers["content-type"].startswith("text/html")
    assert "表单已过期" in r.text
    assert "很好</textarea>" in r.text
    assert _pending(session) == []
    again = client.post(f"/sites/{SITE}/feedback", data=data | {"csrf": csrf(r.text)})
    assert again.status_code == 303  # the page it came back on carries a good token


def test_the_limit_counts_per_client_across_pages_and_the_api(
    client: TestClient, session: Session
) -> None:
    assert _send(client, SITE, "一").status_code == 303
    assert _send(client, OTHERS[0], "二").status_code == 303
    body = {"target": "site", "slug": OTHERS[1], "rating": 3}
    assert client.post("/api/feedback", json=body).status_code == 202
    over = _send(client, OTHERS[1], "第四条，保留", lang="en")
    assert over.status_code == 429
    assert int(over.headers["retry-after"]) > 0
    assert "Too many submissions" in over.text
    assert "第四条，保留</textarea>" in over.text
    api = client.post("/api/feedback", json=body)
    assert api.status_code == 429
    assert int(api.headers["retry-after"]) > 0
    assert "detail" in api.json()
    zh = _send(client, SITE, "第五条", lang="zh")
    assert zh.status_code == 429
    assert "提交过于频繁" in zh.text
    assert sorted(c or "" for c in _pending(session)) == ["", "一", "二"]
