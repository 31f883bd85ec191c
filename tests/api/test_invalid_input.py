"""Input FastAPI refuses before a handler runs (a missing field, a wrong type, a string too long)
answers 422 like every other refusal: `detail` in the reader's language naming the field,
`detail_en` in English, and pydantic's per-field list kept as `errors`."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from tests.api.forms import PASSWORD, bearer

EN = {"Accept-Language": "en"}
PLAN = {"themes": {"great-revolution": 1.0}, "date": "2026-12-08"}


@pytest.fixture
def catalogue(session: Session) -> None:
    """A teacher, who may save routes."""
    create_user(session, "teacher", PASSWORD, Role.teacher)
    session.commit()


def test_a_missing_field_is_named_in_chinese_then_english(client: TestClient) -> None:
    r = client.post("/api/plan", json={"themes": {"great-revolution": 1.0}})
    assert r.status_code == 422, r.text
    assert r.json() == {
        "detail": "date：必填",
        "detail_en": "date: required",
        "errors": [{"loc": ["body", "date"], "msg": "Field required", "type": "missing"}],
    }
    assert client.post("/api/plan", json={}, headers=EN).json()["detail"] == (
        "themes: required; date: required"
    )


@pytest.mark.parametrize(
    ("body", "zh", "en"),
    [
        (
            PLAN | {"group_size": "thirty"},
            "group_size：须为整数",
            "group_size: must be a whole number",
        ),
        (PLAN | {"group_size": 0}, "group_size：不能小于 1", "group_size: must be at least 1"),
        (PLAN | {"themes": [1]}, "themes：须为 JSON 对象", "themes: must be a JSON object"),
        (PLAN | {"date": "2026-13-01"}, "date：须为日期", "date: must be a date"),
        (
            PLAN | {"mode": "plane"},
            "mode：可选值为 'walk'、'bike'",
            "mode: must be one of 'walk', 'bike'",
        ),
        (PLAN | {"colour": "red"}, "colour：不接受此项", "colour: not accepted here"),
        (PLAN | {"must": [{"id": 1}]}, "must[0]：须为文本", "must[0]: must be text"),
    ],
)
def test_each_kind_of_refusal_says_what_is_wrong(
    client: TestClient, body: dict[str, Any], zh: str, en: str
) -> None:
    r = client.post("/api/plan", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["detail"].startswith(zh), r.json()
    assert r.json()["detail_en"].startswith(en), r.json()
    assert client.post("/api/plan", json=body, headers=EN).json()["detail"].startswith(en)


def test_a_route_too_long_names_its_fields_not_the_union_member(client: TestClient) -> None:
    """`POST /api/routes` takes stops or a plan (a tagged union); the tag is no field."""
    teacher = bearer(client, "teacher")
    body = {"name": "线" * 201, "days": [[{"site": "Not A Slug"}]]}
    r = client.post("/api/routes", json=body, headers=teacher)
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == "name：最多 200 个字符，请缩短；days[0][0].site：格式不对"
    assert r.json()["detail_en"] == (
        "name: at most 200 characters, please shorten it; days[0][0].site: not in the expected form"
    )
    assert [e["type"] for e in r.json()["errors"]] == [
        "string_too_long",
        "string_pattern_mismatch",
    ]
    assert r.json()["errors"][1]["loc"][-4:] == ["days", 0, 0, "site"]
    unnamed = client.post("/api/routes", json={"plan": PLAN}, headers=teacher)
    assert unnamed.json()["detail"] == "name：必填"
    assert client.get("/api/routes?mine=true", headers=teacher).json()["total"] == 0


def test_a_saved_plan_names_the_plan_field_with_its_reason(client: TestClient) -> None:
    teacher = bearer(client, "teacher")
    body = {"name": "线路", "plan": PLAN | {"window": "9-5", "themes": {}}}
    r = client.post("/api/routes", json=body, headers=teacher)
    assert r.status_code == 422, r.text
    assert "plan.themes：必填" in r.json()["detail"]
    assert "plan.window：“9-5”不是" in r.json()["detail"]  # the validator's own Message
    assert "plan.window: '9-5' is not a time range" in r.json()["detail_en"]


def test_parameters_and_broken_json_are_named(client: TestClient) -> None:
    r = client.get("/api/sites", params={"q": "x" * 101, "limit": "many"})
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == "查询参数 q：最多 100 个字符，请缩短；查询参数 limit：须为整数"
    assert r.json()["detail_en"].startswith("query parameter q: at most 100 characters")
    broken = client.post(
        "/api/plan", content=b'{"date":', headers={"Content-Type": "application/json"} | EN
    )
    assert broken.status_code == 422
    assert broken.json()["detail"] == "request body: not valid JSON"
    assert broken.json()["errors"][0]["type"] == "json_invalid"


def test_a_long_list_of_problems_is_cut_short_in_the_sentence(client: TestClient) -> None:
    r = client.post("/api/plan", json=PLAN | {"must": [1] * 20})
    assert r.status_code == 422
    assert len(r.json()["errors"]) == 20
    assert r.json()["detail"].count("须为文本") == 8
    assert r.json()["detail"].endswith("另有 12 处问题，见 errors")


def test_openapi_documents_the_bilingual_422(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    shape = schema["components"]["schemas"]["HTTPValidationError"]
    assert shape["required"] == ["detail", "detail_en", "errors"]
    assert shape["properties"]["detail"]["type"] == "string"
    assert shape["properties"]["errors"]["items"] == {"$ref": "#/components/schemas/FieldError"}
    assert set(schema["components"]["schemas"]["FieldError"]["properties"]) == {
        "loc",
        "msg",
        "type",
    }
    sites = schema["paths"]["/api/sites"]["post"]["responses"]["422"]
    assert sites["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/HTTPValidationError"
    }


def test_a_page_with_a_bad_value_answers_a_page_in_the_readers_language(
    client: TestClient,
) -> None:
    """People follow links: a page's refused query parameter is said on a page, not in JSON."""
    r = client.get("/calendar", params={"year": "abc"})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("text/html")
    assert "链接或表单中有值不对" in r.text
    assert "查询参数 year：须为整数" in r.text
    english = client.get("/calendar", params={"year": "abc"}, headers=EN)
    assert "Query parameter year: must be a whole number" in english.text
    form = client.post("/login", data={"username": "a", "csrf": "x", "next": "/" * 501})
    assert form.status_code == 422
    assert "next：最多 500 个字符，请缩短" in form.text  # a form's field, by its name
    assert client.get("/api/sites", params={"limit": "x"}).headers["content-type"] == (
        "application/json"
    )
