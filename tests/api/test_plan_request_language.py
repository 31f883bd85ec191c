"""A plan request the planner refuses is said in the reader's language, each problem once:
Chinese first with the English beside it in the API (`detail`, `detail_en`), one line a
problem on the planner form."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

GOVERNMENT = "wuhan-national-government-site"
TWO_PROBLEMS: dict[str, Any] = {
    "themes": {"great-revolution": 1.0},
    "date": "2025-06-10",
    "window": "08:30-17:30",
    "lunch": "07:00-08:00",
    "must": [GOVERNMENT],
    "exclude": [GOVERNMENT, GOVERNMENT],
    "time_limit": 0.2,
}
"""A lunch outside the day's window, and a site both a must-visit and excluded (twice)."""
LUNCH_ZH = "午休 07:00-08:00 须在每日时间 08:30-17:30 之内"
BOTH_ZH = f"同一站点不能既是必去站点又被排除：{GOVERNMENT}"
LUNCH_EN = "lunch 07:00-08:00 must lie inside the window 08:30-17:30"
BOTH_EN = f"a site cannot be both a must-visit and excluded: {GOVERNMENT}"


def test_the_api_says_each_problem_once_in_chinese_then_english(demo: TestClient) -> None:
    r = demo.post("/api/plan", json=TWO_PROBLEMS)
    assert r.status_code == 422, r.text
    assert r.json() == {"detail": f"{LUNCH_ZH}；{BOTH_ZH}", "detail_en": f"{LUNCH_EN}; {BOTH_EN}"}
    en = demo.post("/api/plan", json=TWO_PROBLEMS, headers={"Accept-Language": "en"})
    assert en.json()["detail"] == en.json()["detail_en"] == f"{LUNCH_EN}; {BOTH_EN}"


def test_one_problem_is_said_alone(demo: TestClient) -> None:
    r = demo.post("/api/plan", json=TWO_PROBLEMS | {"lunch": "12:00-13:00"})
    assert r.status_code == 422, r.text
    assert r.json() == {"detail": BOTH_ZH, "detail_en": BOTH_EN}


def _alert_lines(html: str) -> list[str]:
    alert = html.split('role="alert"')[1].split("</div>")[0]
    return re.findall(r"<li>(.*?)</li>", alert)


def test_the_form_shows_one_line_a_problem(demo: TestClient) -> None:
    query = {
        "theme": "great-revolution",
        "date": "2025-06-10",
        "lunch": "07:00-08:00",
        "must": GOVERNMENT,
        "exclude": GOVERNMENT,
    }
    zh = demo.get("/plan", params=query | {"lang": "zh"})
    assert zh.status_code == 422
    assert _alert_lines(zh.text) == [LUNCH_ZH, BOTH_ZH]
    en = demo.get("/plan", params=query | {"lang": "en"})
    assert _alert_lines(en.text) == [LUNCH_EN, BOTH_EN]
    demo.cookies.clear()
