"""The editors' dashboard page: charts as SVG, gaps, and every table as CSV and XLSX."""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role, Status
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from redres.config import Settings
from tests.api.conftest import MakeClient
from tests.api.forms import sign_in
from tests.factories import add_toy_sites


@pytest.fixture
def catalogue(session: Session) -> None:
    """The toy catalogue plus a site whose district is a spreadsheet formula; an editor."""
    add_toy_sites(session)
    create_site(
        session,
        SiteCreate(
            name='=HYPERLINK("x")',
            category="other",
            district="=1+1",
            status=Status.published,
            condition="poor",
        ),
    )
    create_user(session, "editor", "correct horse battery", Role.editor)
    session.commit()


@pytest.fixture
def app_settings() -> Settings:
    return Settings(database_url="sqlite://", secret_key="k" * 40)


@pytest.fixture
def follow_redirects() -> bool:
    return False


@pytest.fixture
def client(client: TestClient) -> TestClient:
    """The module's client, with the editor signed in."""
    sign_in(client, "editor")
    return client


def test_dashboard_page_has_charts_and_gaps(client: TestClient) -> None:
    html = client.get("/editor/dashboard").text
    assert html.count("<svg") == 5  # district, category, period, protection, condition
    assert "武昌区" in html
    assert "缺坐标" in html
    assert "/editor/dashboard/no_coordinates.xlsx" in html


def test_the_counts_are_punctuated_as_each_language_does(client: TestClient) -> None:
    """Chinese takes full-width brackets, colons and commas; English half-width ones."""
    zh = re.sub(r"<[^>]+>", "", client.get("/editor/dashboard?lang=zh").text)
    assert re.search(r"资源总数：\d+（已发布 \d+，草稿 \d+）", zh)
    assert re.search(r"普查进度：已普查 \d+，未普查 \d+", zh)
    en = re.sub(r"<[^>]+>", "", client.get("/editor/dashboard?lang=en").text)
    assert re.search(r"Sites: \d+ \(\d+ published, \d+ draft\)", en)
    assert re.search(r"Survey progress: \d+ surveyed, \d+ not yet surveyed", en)
    client.cookies.delete("lang")


def test_tables_export_as_csv_and_xlsx(client: TestClient) -> None:
    csv_body = client.get("/editor/dashboard/by_district.csv").content
    assert csv_body.startswith("\ufeff".encode())
    text = csv_body.decode("utf-8-sig")
    assert "武昌区,3" in text
    assert "'=1+1" in text  # formula neutralised
    xlsx = client.get("/editor/dashboard/needs_repair.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][0] == '\'=HYPERLINK("x")'
    assert client.get("/editor/dashboard/nope.csv").status_code == 404


def test_dashboard_needs_an_editor(
    engine: Engine, session: Session, app_settings: Settings, make_client: MakeClient
) -> None:
    anonymous = make_client(engine, app_settings, follow_redirects=False)
    assert anonymous.get("/editor/dashboard").status_code == 303
    assert anonymous.get("/editor/dashboard/by_district.csv").status_code == 303
