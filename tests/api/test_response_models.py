"""The response models of /openapi.json say what the API answers: every documented read of the
demo catalogue is exactly its model (no undeclared key, none missing), and the schema names it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from redres.api.itinerary_bodies import ScheduleBody
from redres.api.library_bodies import CalendarBody, CourseList, FeedbackList, InstructorList
from redres.api.record_bodies import (
    EventBody,
    EventList,
    PersonBody,
    PersonList,
    StoryBody,
    StoryList,
)
from redres.api.route_bodies import RouteBody, RouteList
from redres.api.site_bodies import SiteCollection, SiteDetailFeature
from redres.api.theme_bodies import ThemeList, ThemeWithSites
from tests.api.bodies import exactly


def _first(demo: TestClient, url: str, key: str) -> str:
    items = demo.get(url).json()[key]
    assert items, f"the demo has nothing at {url}"
    slug: str = items[0]["slug"] if key != "features" else items[0]["properties"]["slug"]
    return slug


def test_every_documented_read_is_exactly_its_model(demo: TestClient) -> None:
    site = _first(demo, "/api/sites", "features")
    story = _first(demo, "/api/stories", "stories")
    person = _first(demo, "/api/people", "people")
    event = _first(demo, "/api/events", "events")
    theme = _first(demo, "/api/themes", "data")
    route = _first(demo, "/api/routes", "data")
    reads: list[tuple[str, type[BaseModel]]] = [
        ("/api/sites?limit=20", SiteCollection),
        ("/api/sites?near=114.3,30.55&radius_m=5000", SiteCollection),
        (f"/api/sites/{site}", SiteDetailFeature),
        ("/api/stories", StoryList),
        (f"/api/stories/{story}", StoryBody),
        ("/api/people", PersonList),
        (f"/api/people/{person}", PersonBody),
        ("/api/events", EventList),
        (f"/api/events/{event}", EventBody),
        ("/api/themes", ThemeList),
        (f"/api/themes/{theme}", ThemeWithSites),
        ("/api/routes", RouteList),
        (f"/api/routes/{route}", RouteBody),
        ("/api/courses", CourseList),
        ("/api/instructors", InstructorList),
        ("/api/feedback", FeedbackList),
        ("/api/calendar?year=2027", CalendarBody),
        (f"/api/routes/{route}/schedule", ScheduleBody),
        (f"/api/routes/{route}/schedule?date=2027-03-01", ScheduleBody),
    ]
    for url, model in reads:
        answer = demo.get(url)
        assert answer.status_code == 200, url
        exactly(model, answer.json())


def test_a_model_that_drops_a_key_is_caught() -> None:
    class Narrow(BaseModel):
        slug: str

    with pytest.raises(AssertionError):
        exactly(Narrow, {"slug": "a", "name": "b"})


@pytest.fixture(scope="module")
def openapi(demo: TestClient) -> dict[str, Any]:
    """/openapi.json of the module's app, fetched once: each answer is a large document."""
    r = demo.get("/openapi.json")
    assert r.status_code == 200
    doc: dict[str, Any] = r.json()
    return doc


@pytest.mark.parametrize(
    ("path", "method", "model"),
    [
        ("/api/sites", "get", "SiteCollection"),
        ("/api/sites/{id_or_slug}", "get", "SiteDetailFeature"),
        ("/api/sites/{id_or_slug}", "patch", "StaffSiteFeature"),
        ("/api/sites/{id_or_slug}/history/{entry_id}/restore", "post", "StaffSiteFeature"),
        ("/api/stories/{slug}", "get", "StoryBody"),
        ("/api/people", "get", "PersonList"),
        ("/api/people/{slug}", "patch", "PersonBody"),
        ("/api/events/{slug}/history", "get", "EventHistory"),
        ("/api/routes/{id_or_slug}", "get", "RouteBody"),
        ("/api/themes", "get", "ThemeList"),
        ("/api/instructors", "get", "InstructorList"),
        ("/api/calendar", "get", "CalendarBody"),
        ("/api/routes/{id_or_slug}/schedule", "get", "ScheduleBody"),
        ("/api/plan", "post", "ItineraryBody"),
        ("/api/import", "post", "ImportReportBody"),
        ("/api/classes/{slug}/evaluations/summary", "get", "EvaluationSummary"),
    ],
)
def test_openapi_names_the_model(
    openapi: dict[str, Any], path: str, method: str, model: str
) -> None:
    answers = openapi["paths"][path][method]["responses"]
    ok = answers.get("200") or answers["201"]
    assert ok["content"]["application/json"]["schema"] == {"$ref": f"#/components/schemas/{model}"}
