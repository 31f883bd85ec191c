"""GeoPackage uploads: checked as SQLite before GDAL opens them with the GeoPackage driver only.

A real GeoPackage imports (also from a folder whose name has a colon, which GDAL's `GPKG:`
syntax would misread); an SQLite file that is not a GeoPackage, or a GeoPackage that would run
its own SQL when read (a view, a virtual table other than the R*Tree index), is refused.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlmodel import Session, select

from redres.catalog.io import InterchangeError, import_file
from redres.catalog.models import Site


def _gpkg(path: Path) -> Path:
    import geopandas as gpd
    from shapely.geometry import Point

    path.parent.mkdir(parents=True, exist_ok=True)
    frame = gpd.GeoDataFrame(
        {"名称": ["起义门"], "类别": ["旧址"]}, geometry=[Point(114.3004, 30.5336)], crs=4326
    )
    frame.to_file(path, layer="sites", driver="GPKG")
    return path


def _sql(path: Path, *statements: str) -> Path:
    with sqlite3.connect(path) as con:
        for statement in statements:
            con.execute(statement)
    return path


def test_a_real_geopackage_imports_even_from_a_folder_with_a_colon(
    session: Session, tmp_path: Path
) -> None:
    path = _gpkg(tmp_path / "2024:调查" / "sites.gpkg")
    with sqlite3.connect(path) as con:
        virtual = con.execute("SELECT sql FROM sqlite_master WHERE sql LIKE '%VIRTUAL%'").fetchall()
    assert any("rtree" in sql for (sql,) in virtual)  # GDAL's spatial index is allowed
    report = import_file(session, path)
    session.commit()
    assert report.ok, report.errors
    assert session.exec(select(Site.name)).all() == ["起义门"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ["PRAGMA application_id = 0"],
            r"'sites.gpkg' is an SQLite database but not a GeoPackage \(no GPKG application id\)",
        ),
        (
            ["DROP TABLE gpkg_contents"],
            r"'sites.gpkg' is not a GeoPackage \(no gpkg_contents table\)",
        ),
        (
            ["CREATE VIEW names AS SELECT 名称 FROM sites"],
            r"'sites.gpkg' holds SQL views \(names\), which redres does not read",
        ),
        (
            ["CREATE TABLE t (a TEXT, b TEXT AS (upper(a)))"],
            r"'sites.gpkg' table 't' has generated columns, which redres does not read",
        ),
        (
            ["CREATE VIRTUAL TABLE notes USING fts5(body)"],
            r"'sites.gpkg' holds the virtual table 'notes', which redres does not read",
        ),
    ],
)
def test_geopackages_that_would_run_sql_or_are_not_geopackages_are_refused(
    session: Session, tmp_path: Path, change: list[str], message: str
) -> None:
    path = _sql(_gpkg(tmp_path / "sites.gpkg"), *change)
    with pytest.raises(InterchangeError, match=message):
        import_file(session, path)
    assert not session.exec(select(Site)).all()
