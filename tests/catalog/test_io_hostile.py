"""Uploads that are not what their name says are refused before anything reads them (security).

A GDAL VRT document named as any accepted type, bare or inside a zip in any layout, aimed at a
secret file or at a URL, must be refused with an `InterchangeError`: nothing read from the file,
no request to the server, no site written. The same for real files of formats GDAL would
recognise by their content (GeoJSON, KML) under another type's name. On both engines.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from redres.catalog.io import InterchangeError, import_file
from redres.catalog.models import Site
from tests.catalog.hostile import AIMS, SECRET, disguise, foreign_files, front_door_layouts, trap


def _site_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Site)).one()


@pytest.mark.parametrize("aim", AIMS)
@pytest.mark.parametrize("layout", front_door_layouts())
def test_a_vrt_in_any_disguise_is_refused_unread(
    session: Session, tmp_path: Path, layout: str, aim: str
) -> None:
    with trap(tmp_path) as t:
        name, data = disguise(layout, t.vrt(aim))
        path = tmp_path / "upload" / name
        path.parent.mkdir()
        path.write_bytes(data)
        with pytest.raises(InterchangeError) as refused:
            import_file(session, path)
        assert t.requests == []
    assert SECRET not in str(refused.value)
    assert _site_count(session) == 0


@pytest.mark.parametrize("kind", foreign_files())
def test_files_of_other_formats_are_refused(session: Session, tmp_path: Path, kind: str) -> None:
    name, data = foreign_files()[kind]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InterchangeError):
        import_file(session, path)
    assert _site_count(session) == 0


@pytest.mark.parametrize(
    ("layout", "message"),
    [
        ("gpkg", r"'x.gpkg' is not a GeoPackage \(no SQLite header\)"),
        ("xlsx", r"'sites.xlsx' is not a readable zip archive"),
        ("xlsx-zip", r"'sites.xlsx' is not an XLSX workbook"),
        ("kml", r"'sites.kml' is not a KML document \(its root element is not <kml>\)"),
        ("kmz-vrt", r"'sites.kmz' holds no .kml document"),
        ("csv", r"'sites.csv' is an XML or HTML document, not CSV"),
        ("zip-shp", r"'sites.zip': sites.shp has no .shx"),
        ("zip-shp-set", r"'sites.zip': sites.shp is not a Shapefile \(no .shp file code 9994\)"),
        ("zip-vrt", r"'sites.zip' holds 'sites.vrt', which is not part of a Shapefile"),
        ("zip-gpkg", r"'sites.zip' holds 'x.gpkg', which is not part of a Shapefile"),
        ("zip-dbf", r"'sites.zip' holds no .shp file"),
    ],
)
def test_refusals_name_the_problem(
    session: Session, tmp_path: Path, layout: str, message: str
) -> None:
    with trap(tmp_path) as t:
        name, data = disguise(layout, t.vrt("file"))
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InterchangeError, match=message):
        import_file(session, path)
