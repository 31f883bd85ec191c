"""Import uploads for editors and catalogue downloads over HTTP."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from redres.api.i18n import translator
from redres.api.import_bodies import ImportReportBody
from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.catalog.io.importer import ImportOptions, import_file
from redres.catalog.models import Site
from tests.api.bodies import exactly
from tests.api.forms import PASSWORD, bearer
from tests.catalog.hostile import (
    AIMS,
    SECRET,
    bad_inputs,
    disguise,
    foreign_files,
    front_door_layouts,
    trap,
)
from tests.factories import add_toy_sites

GOOD = "名称,类别,经度,纬度,区\n起义门,纪念碑,114.3004,30.5336,武昌区\n"
BAD = GOOD + "红楼,寺庙,114.30,30.54,武昌区\n"


@pytest.fixture
def catalogue(session: Session) -> None:
    """The toy catalogue and an editor."""
    add_toy_sites(session)
    create_user(session, "editor", PASSWORD, Role.editor)
    session.commit()


def _upload(client: TestClient, text: str, headers: dict[str, str], **params: object):  # type: ignore[no-untyped-def]
    files = {"file": ("调查.csv", io.BytesIO(text.encode("gb18030")), "text/csv")}
    return client.post("/api/import", files=files, params=params, headers=headers)


def test_only_editors_import(client: TestClient) -> None:
    assert _upload(client, GOOD, {}).status_code == 401


def test_all_or_nothing_with_a_row_report(client: TestClient) -> None:
    editor = bearer(client, "editor")
    r = _upload(client, BAD, editor)
    assert r.status_code == 422
    report = r.json()
    assert [(e["row"], e["value"]) for e in report["errors"]] == [(3, "寺庙")]
    assert client.get("/api/sites", params={"q": "起义门"}, headers=editor).json()["total"] == 0


def test_dry_run_then_import(client: TestClient) -> None:
    editor = bearer(client, "editor")
    dry = _upload(client, GOOD, editor, dry_run=True)
    assert dry.status_code == 200
    assert client.get("/api/sites", params={"q": "起义门"}, headers=editor).json()["total"] == 0
    done = _upload(client, BAD, editor, skip_invalid=True, status="published")
    assert done.status_code == 200
    assert done.json()["created"] == 1
    assert client.get("/api/sites", params={"q": "起义门"}).json()["total"] == 1


def test_unknown_upload_type_is_refused(client: TestClient) -> None:
    files = {"file": ("x.exe", io.BytesIO(b"MZ"), "application/octet-stream")}
    r = client.post("/api/import", files=files, headers=bearer(client, "editor"))
    assert r.status_code == 400
    assert ".exe" in r.json()["detail"]


def test_export_published_only_for_the_public(client: TestClient) -> None:
    geo = client.get("/api/export.geojson")
    assert geo.status_code == 200
    assert geo.headers["content-type"].startswith("application/geo+json")
    data = json.loads(geo.content)
    assert len(data["features"]) == 5
    csv = client.get("/api/export.csv", params={"theme": "martyrs"}).content.decode("utf-8-sig")
    assert "施洋烈士墓" in csv
    assert "八七会议会址" not in csv
    assert client.get("/api/export.csv", params={"status": "draft"}).status_code == 422
    assert client.get("/api/export.exe").status_code == 400


@pytest.mark.parametrize("crs", ["", "mars", "EPSG:999999"])
def test_export_in_an_unknown_coordinate_system_is_a_422(client: TestClient, crs: str) -> None:
    r = client.get("/api/export.geojson", params={"crs": crs})
    assert r.status_code == 422
    assert "coordinate system" in r.json()["detail"] or "EPSG" in r.json()["detail"]


def _post(client: TestClient, name: str, data: bytes, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    files = {"file": (name, io.BytesIO(data), "application/octet-stream")}
    return client.post("/api/import", files=files, headers=headers)


def _sites(session: Session) -> int:
    session.rollback()  # a fresh snapshot of what the app committed
    return session.exec(select(func.count()).select_from(Site)).one()


@pytest.mark.parametrize("aim", AIMS)
@pytest.mark.parametrize("layout", front_door_layouts())
def test_a_vrt_upload_is_refused_unread(
    client: TestClient, session: Session, tmp_path: Path, layout: str, aim: str
) -> None:
    """A GDAL VRT under any accepted name and zip layout: 4xx with a reason, the secret file it
    names unread, the URL it names never requested, no site written."""
    editor = bearer(client, "editor")
    before = _sites(session)
    with trap(tmp_path) as t:
        name, data = disguise(layout, t.vrt(aim))
        r = _post(client, name, data, editor)
        assert t.requests == []
    assert r.status_code == 400, r.text
    assert isinstance(r.json()["detail"], str)
    assert SECRET not in r.text
    assert _sites(session) == before


@pytest.mark.parametrize("kind", foreign_files())
def test_other_formats_under_a_false_name_are_refused(
    client: TestClient, session: Session, kind: str
) -> None:
    before = _sites(session)
    name, data = foreign_files()[kind]
    r = _post(client, name, data, bearer(client, "editor"))
    assert r.status_code == 400, r.text
    assert _sites(session) == before


@pytest.mark.parametrize("case", bad_inputs(Path("/nonexistent")))
def test_broken_uploads_get_a_400_that_names_the_problem(
    client: TestClient, session: Session, tmp_path: Path, case: str
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    name, data, message = bad_inputs(secret)[case]
    before = _sites(session)
    r = _post(client, name, data, bearer(client, "editor"))
    assert r.status_code == 400, r.text
    assert re.search(message, r.json()["detail_en"])  # and `detail` says it in Chinese
    assert SECRET not in r.text
    assert _sites(session) == before


def test_errors_name_the_upload_by_a_safe_form_of_its_name(client: TestClient) -> None:
    r = _post(client, "../../调查 (2).gpkg", b"<OGRVRTDataSource/>", bearer(client, "editor"))
    assert r.status_code == 400
    assert r.json()["detail_en"] == "'调查_2_.gpkg' is not a GeoPackage (no SQLite header)"
    assert r.json()["detail"] == "“调查_2_.gpkg”不是 GeoPackage（没有 SQLite 文件头）"


@pytest.mark.parametrize(
    ("text", "params", "status"),
    [
        (BAD, {}, 422),
        (GOOD, {"dry_run": True}, 200),
        (BAD, {"skip_invalid": True, "status": "published"}, 200),
    ],
)
def test_the_import_answer_is_the_importers_report_and_its_model(
    client: TestClient,
    session: Session,
    tmp_path: Path,
    text: str,
    params: dict[str, Any],
    status: int,
) -> None:
    """The response model changes nothing of the JSON: the answer is the importer's own report
    of the same file (`ImportReport.to_dict`, as the handler returned it before it had a
    model), key for key, and exactly `ImportReportBody`."""
    path = tmp_path / "调查.csv"
    path.write_bytes(text.encode("gb18030"))
    options = ImportOptions(actor="editor", **params)
    report = import_file(session, path, options)
    expected = report.to_dict(translator("zh")) | {"file": "调查.csv"}  # Chinese first
    session.rollback()
    answer = _upload(client, text, bearer(client, "editor"), **params)
    assert answer.status_code == status
    assert answer.json() == json.loads(json.dumps(expected))
    assert answer.json()["errors"] or status == 200
    exactly(ImportReportBody, answer.json())
