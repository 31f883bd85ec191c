"""The learners' page on a phone (390 px wide): no sideways scrolling, forms work without script."""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
import urllib.request
from typing import Any

from tests.browser.conftest import EDITOR, PASSWORD, assert_stayed_home

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= 390"
"""Nothing wider than the phone (compared with its width: a mobile browser may widen its
layout viewport to fit content that overflows)."""


def _new_class(server: str) -> dict[str, Any]:
    """A class on the server's published route, made by its editor through the API."""
    form = urllib.parse.urlencode({"username": EDITOR, "password": PASSWORD}).encode()
    with urllib.request.urlopen(f"{server}/api/auth/token", data=form) as r:
        token = json.load(r)["access_token"]
    start = dt.date.today() + dt.timedelta(days=30)
    body = {
        "name": "秋季现场教学一班（共六十名学员）",
        "route": "red-walk",
        "start_date": start.isoformat(),
        "group_size": 60,
    }
    request = urllib.request.Request(
        f"{server}/api/classes",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as r:
        assert r.status == 201
        return json.load(r)  # type: ignore[no-any-return]


def test_the_learner_page_fits_a_phone_and_its_forms_work(server: str, open_page: Any) -> None:
    fc = _new_class(server)
    url = f"{server}/classes/{fc['slug']}/learn?token={fc['checkin_token']}"
    page, traffic = open_page(url, **PHONE)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.select_option("#checkin-site", index=2)  # the stop with a hostile name, shown as text
    page.fill("#checkin-name", "王小明")
    page.click("#checkin ~ form button[type=submit]")
    page.wait_for_url("**done=checkin**")
    assert page.locator("#checkin ~ p[role=status]").is_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.fill("#eval-learner", "王小明")
    for key in ("theme", "accuracy", "appeal", "organisation", "conditions", "gains"):
        page.check(f"input[name=score_{key}][value='5']")
    page.fill("#eval-comment", "讲解生动，很受教育。")
    page.click("#evaluation ~ form button[type=submit]")
    page.wait_for_url("**done=evaluation**")
    assert page.locator("#evaluation ~ p[role=status]").is_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert "讲解生动" not in page.content()
    assert page.locator("fieldset.score legend").first.inner_text() == "主题鲜明"
    page.click(".lang-switch a")
    page.wait_for_url("**lang=en**")
    assert page.locator("fieldset.score legend").first.inner_text() == "Clear theme"
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert_stayed_home(traffic)
