"""Ensembles (旧址群): a parent's page lists its members with their points on the mini-map, a
member's page links its parent, drafts stay hidden, and a loop is refused through the API."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Category, Role, Status
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from redres.config import Settings
from tests.api.forms import PASSWORD


def _site(session: Session, name: str, slug: str, **more: object) -> int:
    data = SiteCreate(name=name, slug=slug, category=Category.former_site, status=Status.published)
    site = create_site(session, data.model_copy(update=more), actor="t")
    assert site.id is not None
    return site.id


@pytest.fixture
def app_settings() -> Settings:
    return Settings(database_url="sqlite://", secret_key="k" * 40)


@pytest.fixture
def catalogue(session: Session) -> None:
    """A group of sites: a member with a point, one without, a draft member; an editor."""
    group = _site(session, "武汉国民政府旧址群", "group", lon=114.2795, lat=30.5895)
    _site(session, "南洋大楼", "nanyang", parent_id=group, lon=114.2791, lat=30.5899)
    _site(session, "陈列室", "hall", parent_id=group)  # no known point
    _site(session, "草稿附属", "draft-part", parent_id=group, status=Status.draft)
    create_user(session, "editor", PASSWORD, Role.editor)
    session.commit()


def test_the_parent_page_lists_its_published_members_with_their_points(
    client: TestClient,
) -> None:
    page = client.get("/sites/group").text
    assert "旧址群与组成部分" in page
    assert "包括 2 处" in page
    assert '<a href="/sites/nanyang"><span lang="zh-CN">南洋大楼</span></a>' in page
    assert '<a href="/sites/hall"><span lang="zh-CN">陈列室</span></a>' in page
    assert "草稿附属" not in page  # a draft member is not shown to visitors
    members = re.search(r'data-members="([^"]*)"', page)
    assert members is not None
    points = json.loads(members.group(1).replace("&#34;", '"').replace("&quot;", '"'))
    assert [p[2] for p in points] == ["南洋大楼"]  # the member without a point is listed only


def test_a_member_page_links_its_parent(client: TestClient) -> None:
    page = client.get("/sites/nanyang?lang=en").text
    parent = '<a href="/sites/group?lang=en"><span lang="zh-CN">武汉国民政府旧址群</span></a>'
    assert f"Part of: {parent}" in page  # no English name: the Chinese, marked as such
    zh = client.get("/sites/nanyang?lang=zh").text
    assert '属于：<a href="/sites/group">' in zh  # no space between Chinese words


def test_a_loop_is_refused_with_its_names(client: TestClient) -> None:
    token = client.post(
        "/api/auth/token", data={"username": "editor", "password": PASSWORD}
    ).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    member = client.get("/api/sites/nanyang", headers=auth).json()
    answer = client.patch("/api/sites/group", json={"parent_id": member["id"]}, headers=auth)
    assert answer.status_code == 422, answer.text
    assert "武汉国民政府旧址群 → 南洋大楼 → 武汉国民政府旧址群" in answer.text
