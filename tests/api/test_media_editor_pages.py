"""The editor's media section works as plain forms: several files in one multipart post, each
item's fields saved, publishing refused on the page naming what is missing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from redres.api.middleware import BodyLimits
from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.config import Settings
from tests.api import media_samples as samples
from tests.api.forms import PASSWORD, csrf, sign_in
from tests.factories import add_toy_sites


@pytest.fixture
def catalogue(session: Session) -> None:
    add_toy_sites(session)
    create_user(session, "editor", PASSWORD, Role.editor)
    create_user(session, "teacher", PASSWORD, Role.teacher)
    session.commit()


@pytest.fixture
def app_settings(tmp_path: Path) -> Settings:
    return Settings(database_url="sqlite://", secret_key="x" * 40, media_dir=tmp_path / "media")


@pytest.fixture
def follow_redirects() -> bool:
    return False


def _draft_site(client: TestClient) -> tuple[str, str]:
    """A new draft site made through the editor form; its address and the page's token."""
    page = client.get("/editor/sites/new")
    r = client.post(
        "/editor/sites/new",
        data={
            "csrf": csrf(page.text),
            "name": "施洋烈士墓",
            "category": "martyrs_cemetery",
            "lon": "114.33583",
            "lat": "30.53972",
        },
    )
    assert r.status_code == 303, r.text
    return r.headers["location"], csrf(page.text)


def test_plain_form_uploads_several_files_then_publishing_waits_for_credits(
    client: TestClient,
) -> None:
    sign_in(client, "editor")
    where, token = _draft_site(client)
    page = client.get(where).text
    assert 'enctype="multipart/form-data"' in page
    assert 'src="/static/api/js/media_upload.js"' in page
    assert "<script>" not in page
    action = re.search(r'action="(/editor/sites/[^"]+/media)"', page)
    assert action
    files = [
        ("file", ("a.jpg", samples.jpeg_with_gps(), "image/jpeg")),
        ("file", ("b.png", samples.png_with_alpha(), "image/png")),
    ]
    r = client.post(action.group(1), data={"csrf": token, "caption": "墓园"}, files=files)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"{where}#media"
    page = client.get(where).text
    ids = re.findall(r'<article id="media-(\d+)"', page)
    assert len(ids) == 2
    assert page.count("发布前还需填写") == 2
    assert 'alt="墓园"' in page

    # publishing from the page: refused, the page names both items and what they lack
    r = client.post(f"{where}/status", data={"csrf": token, "status": "published"})
    assert r.status_code == 422
    assert "无法发布" in r.text
    assert f"#{ids[0]}“墓园”" in r.text
    assert "草稿" in r.text

    # fill both in through their forms, then publishing goes through
    for media_id in ids:
        r = client.post(
            f"/editor/media/{media_id}",
            data={
                "csrf": token,
                "caption": "墓园",
                "credit": "武汉市文旅局",
                "licence": "CC-BY-4.0",
                "alt": "墓园正门",
                "position": media_id,
            },
        )
        assert r.status_code == 303, r.text
    r = client.post(f"{where}/status", data={"csrf": token, "status": "published"})
    assert r.status_code == 303
    assert "已发布" in client.get(where).text


def test_refusals_are_said_in_chinese_and_nothing_is_kept(client: TestClient) -> None:
    sign_in(client, "editor")
    where, token = _draft_site(client)
    url = f"{where}/media"
    files = [
        ("file", ("a.jpg", samples.jpeg_with_gps(), "image/jpeg")),
        ("file", ("evil.jpg", samples.SVG, "image/jpeg")),
    ]
    r = client.post(url, data={"csrf": token, "caption": "墓园"}, files=files)
    assert r.status_code == 422
    assert "evil.jpg：不接受 HTML 和 SVG 文件" in r.text
    assert '<article id="media-' not in client.get(where).text  # all or none
    r = client.post(url, data={"csrf": token, "caption": " "}, files=files[:1])
    assert r.status_code == 422
    assert "说明（中文）" in r.text
    r = client.post(url, data={"csrf": token, "caption": "x", "licence": "GPL"}, files=files[:1])
    assert r.status_code == 422
    r = client.post(url, data={"csrf": "forged", "caption": "x"}, files=files[:1])
    assert r.status_code == 403
    r = client.post(
        url,
        data={"csrf": token, "caption": "墓园"},
        files=files[:1],
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 201
    (item,) = r.json()["media"]
    assert item["location_hint"] == pytest.approx({"lat": 30.544722, "lon": 114.284722})


def test_teachers_cannot_upload(client: TestClient) -> None:
    sign_in(client, "editor")
    where, token = _draft_site(client)
    client.cookies.clear()
    sign_in(client, "teacher", to="/")
    r = client.post(
        f"{where}/media",
        data={"csrf": token, "caption": "x"},
        files=[("file", ("a.jpg", samples.jpeg_with_gps(), "image/jpeg"))],
    )
    assert r.status_code in (303, 403)
    assert r.status_code == 403 or r.headers["location"].startswith("/login")


def test_the_editor_upload_takes_the_upload_size_limit() -> None:
    limits = BodyLimits()
    assert limits.for_path("/editor/sites/shi-yang/media") == 50 << 20
    assert limits.for_path("/editor/people/shi-yang/media") == 50 << 20
    assert limits.for_path("/editor/events/er-qi/media") == 50 << 20
    assert limits.for_path("/editor/media-bundle") == 50 << 20
    assert limits.for_path("/api/routes/wuhan-day/media") == 50 << 20
    assert limits.for_path("/editor/sites/shi-yang") == 1 << 20
