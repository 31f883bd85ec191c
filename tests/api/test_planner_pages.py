"""The teachers' planner pages on the demo data: plan, why-not list, hand checks, downloads, saving."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.config import Settings
from tests.api.conftest import MakeClient
from tests.api.forms import PASSWORD, sign_in

MONDAY = "2025-06-09"
PLAN = f"/plan?theme=great-revolution&date={MONDAY}&lunch=12:00-13:00&start=114.2944,30.58899"


@pytest.fixture(scope="module")
def demo_settings() -> Settings:
    """A rate limit no test reaches: the module plans many times."""
    return Settings(database_url="sqlite://", plan_requests_per_minute=10**6)


def test_form_and_plan_with_reasons(demo: TestClient) -> None:
    assert 'name="theme"' in demo.get("/plan").text
    html = demo.get(PLAN).text
    assert "第1天" in html
    assert "/sites/" in html
    row = next(r for r in html.split("<tr>") if "八七会议会址" in r)
    assert "当日闭馆" in row  # closed on Mondays, and the page says why it was left out
    assert "2025-06-09（周一）闭馆" in row  # the detail in Chinese too, not "closed on"
    assert "closed on" not in html
    assert 'src="/maps/plan.html?' in html


def test_lunch_is_listed_where_it_falls_in_the_day(demo: TestClient) -> None:
    for lang, word in (("en", "Lunch"), ("zh", "午餐")):  # the language sticks: Chinese last
        html = demo.get(f"{PLAN}&lang={lang}").text
        day = html.split('<ol class="schedule">', 1)[1].split("</ol>", 1)[0]
        heads = r'<li (?:value="\d+"|class="lunch-break")>'  # a stop or the break, not a note
        items = re.split(heads, day)[1:]
        times = [re.findall(r"<time>([0-9:]+)</time>", item)[:2] for item in items]
        (at,) = [i for i, item in enumerate(items) if word in item and "/sites/" not in item]
        assert times[at] == ["12:00", "13:00"]
        assert all(leave <= "12:00" for _, leave in times[:at])  # visits before the break
        assert all(start >= "13:00" for start, _ in times[at + 1 :])  # and after it
        numbers = re.findall(r'<li value="(\d+)">', day)  # the break takes no number
        assert numbers == [str(n) for n in range(1, len(items))]


def test_stops_a_day_is_a_field_of_the_form(demo: TestClient) -> None:
    assert 'name="max_stops"' in demo.get("/plan?lang=zh").text
    page = demo.get(f"{PLAN}&max_stops=2&lang=zh").text
    day = page.split('<ol class="schedule">', 1)[1].split("</ol>", 1)[0]
    assert len(re.findall(r'<li value="\d+">', day)) == 2
    assert 'id="max_stops" name="max_stops"' in page
    assert 'value="2"' in page.split('id="max_stops"', 1)[1].split(">", 1)[0]  # kept when shown
    assert "能安排它的日子已达到每日最多 2 站" in page.split('id="omitted"', 1)[1]
    refused = demo.get(f"{PLAN}&max_stops=0&lang=zh")
    assert refused.status_code == 422
    assert "每日最多站数：不能小于 1" in refused.text


def test_the_why_not_list_puts_the_sites_off_the_themes_in_one_fold(demo: TestClient) -> None:
    html = demo.get(f"{PLAN}&lang=zh").text.split('id="omitted"', 1)[1]
    table, fold = html.split('<details class="off-theme">', 1)
    assert "主题关联度低" not in table  # the table keeps the sites on the theme that did not fit
    assert "当日闭馆" in table
    off = re.findall(r'href="/sites/([a-z0-9-]+)"', fold.split("</details>", 1)[0])
    summary = re.search(r"另有 (\d+) 处资源不属于所选主题", fold)
    assert summary
    assert int(summary[1]) == len(off) > 0
    assert "未标注所选主题（大革命）" in fold


def test_plan_details_and_warnings_follow_the_page_language(demo: TestClient) -> None:
    english = demo.get(PLAN + "&lang=en").text
    omitted = english.split('id="omitted"')[1]
    row = next(r for r in omitted.split("<tr>") if "august-7-conference-site" in r)
    assert "closed on 2025-06-09 (Mon)" in row
    assert "闭馆" not in row
    chinese = demo.get(PLAN + "&lang=zh").text
    for english_only in ("tight connection", "reservation required", "not recorded", "assumed"):
        assert english_only not in chinese


def test_removing_a_stop_replans_without_it(demo: TestClient) -> None:
    html = demo.get(PLAN).text
    first = re.search(
        r'<ol class="schedule">.*?<li value="1">.*?href="/sites/([a-z0-9-]+)', html, re.S
    )
    assert first
    slug = first.group(1)
    again = demo.get(f"{PLAN}&exclude={slug}").text
    schedule = again.split("why_not")[0].split('id="omitted"')[0]
    assert f'href="/sites/{slug}"' not in schedule.split("<textarea")[0]
    row = next(r for r in again.split("<tr>") if f"/sites/{slug}" in r)
    assert "已排除" in row


def test_bad_requests_say_why(demo: TestClient) -> None:
    r = demo.get(f"/plan?theme=no-such-theme&date={MONDAY}")
    assert r.status_code == 422
    assert "no-such-theme" in r.text


@pytest.mark.parametrize(
    ("query", "kept", "message"),
    [
        (
            "date=9999-12-31&days=2",
            'value="9999-12-31"',
            "规划日期须在 1950-01-01 至 2100-12-31 之间",
        ),
        ("date=2025-06-09&days=323", 'value="323"', "天数：不能大于 7"),
        ("date=2025-06-09&days=many", 'value="many"', "天数：须为整数"),
        ("date=2025-06-09&group=0", 'value="0"', "人数：不能小于 1"),
        ("date=2025-06-09&group=99999999", 'value="99999999"', "人数：不能大于 10000"),
        ("date=2025-13-09", 'value="2025-13-09"', "日期：须为日期（YYYY-MM-DD）"),
        ("date=2025-06-09&window=25:00-26:00", 'value="25:00-26:00"', "不是结束晚于开始的"),
        (
            "date=2025-06-09&lunch=07:00-08:00",
            'value="07:00-08:00"',
            "须在每日时间 08:30-17:30 之内",
        ),
        ("date=2025-06-09&mode=rocket", 'name="mode"', "交通方式：请从列出的选项中选择"),
    ],
)
def test_bad_plans_come_back_on_the_form_in_the_readers_language(
    demo: TestClient, query: str, kept: str, message: str
) -> None:
    r = demo.get(f"/plan?theme=great-revolution&{query}&lang=zh")
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("text/html")
    alert = r.text.split('role="alert"')[1].split("</div>")[0]
    assert message in alert
    assert kept in r.text
    assert 'value="great-revolution" checked' in r.text  # the themes stay ticked too


def test_bad_plans_in_english(demo: TestClient) -> None:
    r = demo.get("/plan?theme=great-revolution=heavy&date=2025-06-09&days=323&lang=en")
    assert r.status_code == 422
    assert "Days: must be at most 7" in r.text
    assert "Themes (great-revolution): must be a number" in r.text
    demo.cookies.clear()


def test_the_map_and_downloads_refuse_what_the_form_refuses(demo: TestClient) -> None:
    query = "theme=great-revolution&date=9999-12-31&days=2"
    for path in ("/maps/plan.html", "/plan/export.gpx", "/plan/export.html"):
        r = demo.get(f"{path}?{query}")
        assert r.status_code == 422
        assert "1950-01-01" in r.json()["detail"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date": MONDAY, "stops": "\n\n".join(["qiyi-gate"] * 8)}, "站点：最多 7 项"),
        ({"date": MONDAY, "stops": "\n".join(["qiyi-gate"] * 31)}, "站点（第 1 项）：最多 30 项"),
        ({"date": "9999-12-31", "stops": "qiyi-gate\n\nqiyi-gate"}, "规划日期须在"),
        ({"date": "someday", "stops": "qiyi-gate"}, "日期：须为日期（YYYY-MM-DD）"),
        ({"date": MONDAY, "stops": " \n "}, "站点：必填"),
        ({"date": MONDAY, "stops": "qiyi-gate", "mode": "rocket"}, "交通方式"),
    ],
)
def test_hand_checks_validate_like_the_api(
    demo: TestClient, params: dict[str, str], message: str
) -> None:
    r = demo.get("/plan/check", params=params | {"lang": "zh"})
    assert r.status_code == 422
    assert message in r.text.split('role="alert"')[1]
    assert f">{params['stops']}</textarea>" in r.text  # the stops come back as typed


def test_hand_check_reports_closed_stop(demo: TestClient) -> None:
    r = demo.get(
        "/plan/check",
        params={"date": MONDAY, "stops": "august-7-conference-site\ncpc-5th-congress-site"},
    )
    assert r.status_code == 200
    assert 'role="alert"' in r.text
    assert "八七会议会址在 2025-06-09（周一）闭馆" in r.text  # no spaces between Chinese words
    fine = demo.get(
        "/plan/check", params={"date": "2025-06-10", "stops": "august-7-conference-site"}
    )
    assert "行程可行" in fine.text
    unknown = demo.get("/plan/check", params={"date": MONDAY, "stops": "no-such-site"})
    assert unknown.status_code == 422
    english = demo.get(
        "/plan/check",
        params={"date": MONDAY, "stops": "august-7-conference-site", "lang": "en"},
    )
    assert "Site of the August 7 Conference is closed on 2025-06-09 (Mon)" in english.text
    assert "八七会议会址" not in english.text.split('role="alert"')[1].split("</div>")[0]
    demo.cookies.delete("lang")


def test_a_recheck_with_the_plans_end_times_the_way_back(demo: TestClient) -> None:
    """The planner page re-checks a re-ordered plan with its end (the start, for a plan that
    returns there): the day comes back later than at its last stop, as the saved route will."""
    query = {
        "part": "result",
        "date": "2025-06-10",
        "stops": "august-7-conference-site\ncpc-5th-congress-site",
        "start": "114.2944,30.58899",
        "mode": "walk",
    }
    one_way = demo.get("/plan/check", params=query)
    back = demo.get("/plan/check", params=query | {"end": "114.2944,30.58899"})
    assert one_way.status_code == back.status_code == 200
    head = r"<small><time>2025-06-10</time> · (\d\d:\d\d)–(\d\d:\d\d)</small>"
    first, second = re.search(head, one_way.text), re.search(head, back.text)
    assert first
    assert second
    assert first.group(1) == second.group(1)  # the same departure
    assert second.group(2) > first.group(2)  # and the walk back to the start counted


def test_a_checked_plan_offers_saving_at_once_without_script(demo: TestClient) -> None:
    """Signed out: the sign-in link comes back to this very check; a plan that breaks a rule
    offers no save it would refuse."""
    params = {"date": "2025-06-10", "stops": "august-7-conference-site", "lang": "zh"}
    fine = demo.get("/plan/check", params=params)
    result = fine.text.split('class="open"', 1)[1]
    save = result.index('id="save-plan-title"')
    assert save < result.index('action="/plan/check"')  # on the result, above the re-check
    link = re.search(r'<a href="(/login\?next=[^"]+)">[^<]+</a> — ', result)
    assert link
    assert unquote(link.group(1).split("next=", 1)[1]).startswith("/plan/check?date=2025-06-10")
    closed = demo.get("/plan/check", params=params | {"date": MONDAY})
    assert 'id="save-plan-title"' not in closed.text


def test_downloads(demo: TestClient) -> None:
    query = PLAN.split("?", 1)[1]
    ics = demo.get(f"/plan/export.ics?{query}")
    assert ics.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in ics.text
    gpx = demo.get(f"/plan/export.gpx?{query}")
    assert "<gpx" in gpx.text
    assert demo.get(f"/plan/export.exe?{query}").status_code == 404


@pytest.fixture
def teacher(
    engine: Engine, session: Session, demo_copy: None, make_client: MakeClient
) -> TestClient:
    """A writable demo catalogue with a signed-in teacher."""
    create_user(session, "teacher", PASSWORD, Role.teacher)
    session.commit()
    settings = Settings(database_url="sqlite://", secret_key="s" * 40)
    c = make_client(engine, settings, follow_redirects=False)
    sign_in(c, "teacher", to="/")
    return c


def test_teacher_saves_a_checked_plan_as_a_draft(teacher: TestClient) -> None:
    check = teacher.get(
        "/plan/check",
        params={"date": "2025-06-10", "stops": "august-7-conference-site\n\ncpc-5th-congress-site"},
    )
    token = re.search(r'name="csrf" value="([^"]+)"', check.text)
    assert token
    stops = "august-7-conference-site\n\ncpc-5th-congress-site"
    forged = teacher.post("/plan/save", data={"name": "两天", "stops": stops, "csrf": "x"})
    assert forged.status_code == 403
    saved = teacher.post(
        "/plan/save",
        data={"name": "两天", "stops": stops, "date": "2025-06-10", "csrf": token.group(1)},
    )
    assert saved.status_code == 303
    assert 'id="save-plan"' in check.text  # the save form sits on the checked result
    slug = saved.headers["location"].rsplit("/", 1)[1]
    mine = teacher.get(f"/api/routes/{slug}")
    assert mine.status_code == 200  # the owner sees their draft
    assert (mine.json()["plan"]["date"], mine.json()["plan"]["days"]) == ("2025-06-10", 2)
    teacher.cookies.clear()
    assert teacher.get(f"/api/routes/{slug}").status_code == 404  # nobody else does


def test_saving_validates_the_route_like_the_api(teacher: TestClient) -> None:
    check = teacher.get("/plan/check", params={"date": "2025-06-10", "stops": "qiyi-gate"})
    token = re.search(r'name="csrf" value="([^"]+)"', check.text)
    assert token
    too_long = "\n\n".join(["qiyi-gate"] * 15)  # POST /api/routes takes at most 14 days
    r = teacher.post("/plan/save", data={"name": "两周", "stops": too_long, "csrf": token.group(1)})
    assert r.status_code == 422
    assert "天数：最多 14 项" in r.text
    assert f">{too_long}</textarea>" in r.text
    blank = teacher.post(
        "/plan/save", data={"name": "  ", "stops": "qiyi-gate", "csrf": token.group(1)}
    )
    assert blank.status_code == 422
    assert "线路名称：必填" in blank.text
    unknown = teacher.post(
        "/plan/save", data={"name": "x", "stops": "no-such-site", "csrf": token.group(1)}
    )
    assert unknown.status_code == 422
    assert "no-such-site" in unknown.text


def test_plan_map_draws_the_same_plan(demo: TestClient) -> None:
    page = demo.get(PLAN).text
    first = re.search(
        r'<ol class="schedule">.*?<li value="1">.*?href="/sites/([a-z0-9-]+)"', page, re.S
    )
    assert first
    html = demo.get("/maps/plan.html?" + PLAN.split("?", 1)[1])
    assert html.status_code == 200
    assert f'href=\\"/sites/{first.group(1)}\\"' in html.text  # the first stop's popup
    assert "https://unpkg" not in html.text
    assert demo.get("/maps/plan.html?theme=nope&date=2025-06-09").status_code == 422


def test_an_english_plan_names_its_sites_and_draws_its_map_in_english(demo: TestClient) -> None:
    page = demo.get(PLAN + "&lang=en").text
    schedule = page.split('<ol class="schedule">')[1].split("</ol>")[0]
    assert '<span lang="en">' in schedule
    assert not re.search(r'lang="zh-CN">[^<]*旧址', schedule)  # every stop has an English name
    omitted = page.split('id="omitted"')[1]
    row = next(r for r in omitted.split("<tr>") if "august-7-conference-site" in r)
    assert '<span lang="en">Site of the August 7 Conference</span>' in row
    reorder = page.split('<select id="swap-which"')[1].split("</select>")[0]
    assert not re.search(r"[\u3400-\u9fff]", reorder)
    drawn = demo.get("/maps/plan.html?" + PLAN.split("?", 1)[1] + "&lang=en").text
    assert "Day 1 (2025-06-09)" in drawn
    assert "<title>Study route</title>" in drawn
    zh = demo.get("/maps/plan.html?" + PLAN.split("?", 1)[1] + "&lang=zh").text
    assert "<title>研学线路</title>" in zh


def test_an_english_handout_lists_what_was_left_out_in_english(demo: TestClient) -> None:
    query = PLAN.split("?", 1)[1].replace(MONDAY, "2025-06-10")
    handout = demo.get(f"/plan/export.html?{query}&lang=en").text
    left_out = handout.split("<h2>")[-1]
    assert "（" not in left_out  # no Chinese brackets around an English reason
    assert "not enough time: not enough time" not in left_out
    assert re.search(r"<li>[A-Z][^<（]*: not enough time: higher-scoring stops", left_out)
    chinese = demo.get(f"/plan/export.html?{query}&lang=zh").text.split("<h2>")[-1]
    assert re.search(r"<li>[^<]*旧址：时间不够", chinese)


def test_a_route_of_one_stop_is_one_stop(teacher: TestClient) -> None:
    check = teacher.get("/plan/check", params={"date": "2025-06-10", "stops": "qiyi-gate"})
    token = re.search(r'name="csrf" value="([^"]+)"', check.text)
    assert token
    saved = teacher.post(
        "/plan/save",
        data={"name": "一站", "stops": "qiyi-gate", "date": "2025-06-10", "csrf": token.group(1)},
    )
    assert saved.status_code == 303
    english = teacher.get("/plan/mine", params={"lang": "en"}).text
    assert '<span class="meta">1 stop</span>' in english
    assert "1 stops" not in english
    chinese = teacher.get("/plan/mine", params={"lang": "zh"}).text
    assert '<span class="meta">1 站</span>' in chinese


def test_a_hand_check_says_each_violation_once(demo: TestClient) -> None:
    """The violations head the page; the itinerary under them does not repeat them."""
    params = {"date": MONDAY, "stops": "august-7-conference-site\ncpc-5th-congress-site"}
    page = demo.get("/plan/check", params=params | {"lang": "zh"})
    assert page.text.count("八七会议会址在 2025-06-09（周一）闭馆") == 1
    api = demo.post(
        "/api/plan/check",
        json={"date": MONDAY, "stops": [["august-7-conference-site", "cpc-5th-congress-site"]]},
    )
    said = [v["detail"] for v in api.json()["violations"]]
    assert said == ["Site of the August 7 Conference is closed on 2025-06-09 (Mon)"]
    assert not set(said) & set(api.json()["warnings"])
    demo.cookies.clear()
