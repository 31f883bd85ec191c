"""Every format round-trips the registry: coordinates, Chinese text, lists, themes and nulls survive.

Over a table of (format, extension) pairs, on SQLite and PostgreSQL: export; re-import into the
same registry (changes nothing, in every --on-duplicate mode); import into an emptied registry
and compare the export records field by field.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from redres.catalog.enums import Status
from redres.catalog.io import ImportOptions, OnDuplicate, export_file, import_file
from tests.catalog.test_io_helpers import add_catalogue, clear_sites, counts, records

FORMATS = [
    ("csv", ".csv"),
    ("xlsx", ".xlsx"),
    ("geojson", ".geojson"),
    ("gpkg", ".gpkg"),
    ("kml", ".kml"),
    ("kmz", ".kmz"),
    ("shapefile", ".zip"),
]
LOSSY = {"shapefile": {"footprint"}}
"""Fields a format cannot carry: a DBF text field is too short for a footprint."""


@pytest.mark.parametrize(("fmt", "ext"), FORMATS, ids=[f for f, _ in FORMATS])
def test_export_import_round_trip(session: Session, tmp_path: Path, fmt: str, ext: str) -> None:
    add_catalogue(session)
    before = records(session)
    path = tmp_path / f"sites{ext}"
    exported = export_file(session, path, statuses=tuple(Status))
    assert exported.format == fmt
    assert exported.sites == len(before)

    unchanged = counts(session)
    for mode in OnDuplicate:  # re-importing an export changes nothing, whatever the mode
        again = import_file(session, path, ImportOptions(on_duplicate=mode))
        session.commit()
        assert again.ok, again.errors
        assert (again.created, again.updated, again.unchanged) == (0, 0, len(before))
        assert not again.written
    assert counts(session) == unchanged

    clear_sites(session)
    report = import_file(session, path, ImportOptions(status=Status.published))
    session.commit()
    assert report.ok, report.errors
    assert report.created == len(before)
    after = records(session)
    lossy = LOSSY.get(fmt, set())
    for old, new in zip(before, after, strict=True):
        for field, value in old.items():
            if field in lossy:
                continue
            if field in ("lon", "lat") and value is not None:
                assert new[field] == pytest.approx(value, abs=1e-7)
            else:
                assert new[field] == value, (fmt, field)


@pytest.mark.parametrize("crs", ["gcj02", "bd09", "EPSG:4490"])
def test_export_in_another_crs_and_back(session: Session, tmp_path: Path, crs: str) -> None:
    add_catalogue(session)
    before = records(session)
    path = tmp_path / "sites.csv"
    export_file(session, path, crs=crs)
    clear_sites(session)
    report = import_file(session, path, ImportOptions(crs=crs, status=Status.published))
    session.commit()
    assert report.ok, report.errors
    for old, new in zip(before, records(session), strict=True):
        if old["lon"] is not None:
            assert new["lon"] == pytest.approx(old["lon"], abs=2e-7)
            assert new["lat"] == pytest.approx(old["lat"], abs=2e-7)


def test_export_filters_by_status_and_theme(session: Session, tmp_path: Path) -> None:
    add_catalogue(session)
    assert export_file(session, tmp_path / "a.csv", theme="martyrs").sites == 2
    assert export_file(session, tmp_path / "b.csv", statuses=(Status.draft,)).sites == 0
