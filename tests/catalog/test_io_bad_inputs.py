"""Broken files are refused as a whole with a message that names the problem, never a crash.

Each of these once escaped as a Python exception (csv.Error, RecursionError, TypeError,
AttributeError, BadZipFile, an XML parse error deep in openpyxl), which the API turned into a 500
and the CLI into a traceback. On both engines; nothing is written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from redres.catalog.io import InterchangeError, import_file
from redres.catalog.models import Site
from tests.catalog.hostile import SECRET, bad_inputs


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", bad_inputs(Path("/nonexistent")))
def test_broken_files_are_refused_with_a_reason(
    session: Session, tmp_path: Path, secret: Path, case: str
) -> None:
    name, data, message = bad_inputs(secret)[case]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InterchangeError, match=message) as refused:
        import_file(session, path)
    assert SECRET not in str(refused.value)
    assert session.exec(select(func.count()).select_from(Site)).one() == 0


def test_a_degenerate_kml_polygon_is_a_row_error(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "a.kml"
    path.write_text(
        "<kml><Document><Placemark><name>起义门</name><ExtendedData><Data name='类别'>"
        "<value>旧址</value></Data></ExtendedData><Polygon><outerBoundaryIs><LinearRing>"
        "<coordinates>114.3,30.5</coordinates></LinearRing></outerBoundaryIs></Polygon>"
        "</Placemark></Document></kml>",
        encoding="utf-8",
    )
    report = import_file(session, path)
    assert [(e.row, e.column) for e in report.errors] == [(1, "footprint")]
    assert "at least 4 coordinates" in report.errors[0].reason
    assert not report.written


def test_a_malformed_crs_member_is_ignored(session: Session, tmp_path: Path) -> None:
    """Only a `crs` of the old `{"type": "name", "properties": {"name": ...}}` form counts."""
    path = tmp_path / "a.geojson"
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [114.3004, 30.5336]},
        "properties": {"名称": "起义门", "类别": "旧址"},
    }
    doc = {"type": "FeatureCollection", "crs": {"properties": "EPSG:3857"}, "features": [feature]}
    path.write_text(json.dumps(doc), encoding="utf-8")
    report = import_file(session, path)
    assert report.ok, report.errors
    assert (report.crs, report.created) == ("wgs84", 1)
