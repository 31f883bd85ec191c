"""The commemoration calendar on the demo data: statutory days, anniversaries, the ICS feed."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_statutory_days_and_qingming(demo: TestClient) -> None:
    entries = demo.get("/api/calendar", params={"year": 2026}).json()["entries"]
    by_key = {e["key"]: e for e in entries}
    assert by_key["martyrs-day"]["date"] == "2026-09-30"
    assert by_key["national-memorial-day"]["date"] == "2026-12-13"
    assert by_key["party-founding"]["date"] == "2026-07-01"
    assert (
        by_key["qingming"]["date"] == "2026-04-05"
    )  # the solar term, not the rest period (4-6 April)
    assert {f["kind"] for f in by_key["martyrs-day"]["features"]} == {"site"}
    assert by_key["martyrs-day"]["features"]


def test_round_anniversaries_are_flagged(demo: TestClient) -> None:
    entries = demo.get("/api/calendar", params={"year": 2027}).json()["entries"]
    aug7 = next(e for e in entries if e["key"] == "event:august-7-conference")
    assert aug7["date"] == "2027-08-07"
    assert (aug7["years"], aug7["round"], aug7["major"]) == (100, True, True)
    assert aug7["features"][0]["slug"] == "august-7-conference-site"
    undated = [e for e in entries if e["date"] is None]
    assert all(e["round"] for e in undated)
    dates = [e["date"] for e in entries if e["date"]]
    assert dates == sorted(dates)


def test_ics_feed(demo: TestClient) -> None:
    r = demo.get("/api/calendar.ics", params={"year": 2027})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/calendar")
    text = r.text
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert "DTSTART;VALUE=DATE:20270807" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert text.count("BEGIN:VEVENT") == text.count("END:VEVENT") > 5


def test_year_is_validated(demo: TestClient) -> None:
    assert demo.get("/api/calendar", params={"year": 1800}).status_code == 422


def test_anniversaries_feature_the_stories_told_at_published_sites(demo: TestClient) -> None:
    entries = demo.get("/api/calendar", params={"year": 2027}).json()["entries"]
    aug7 = next(e for e in entries if e["key"] == "event:august-7-conference")
    stories = [f for f in aug7["features"] if f["kind"] == "story"]
    assert stories
    page = demo.get("/calendar", params={"year": 2027}).text
    story = stories[0]
    assert f'href="/sites/{story["site"]}#story-{story["slug"]}"' in page
    site_page = demo.get(f"/sites/{story['site']}").text
    assert f'id="story-{story["slug"]}"' in site_page
    in_2026 = demo.get("/api/calendar", params={"year": 2026}).json()["entries"]
    people = [e for e in in_2026 if e["key"].startswith(("birth:", "death:")) and e["features"]]
    assert people  # a person's round anniversary features the stories about them
    assert all(f["kind"] == "story" and f["site"] for e in people for f in e["features"])
