"""Limits: file size, row count, and zip bombs in XLSX, KMZ and zipped Shapefiles fail fast."""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path

import pytest
from sqlmodel import Session

from redres.catalog.io import (
    ImportLimits,
    ImportOptions,
    InterchangeError,
    LimitExceeded,
    import_file,
)
from redres.catalog.io.limits import MiB
from redres.catalog.io.zips import extract
from tests.catalog.test_io_helpers import write_csv


def _bomb(path: Path, member: str, mib: int) -> Path:
    """A zip whose one member is `mib` MiB of zeros: ~1000x compression, a few KB on disk."""
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open(member, "w") as fh,
    ):
        chunk = b"\0" * MiB
        for _ in range(mib):
            fh.write(chunk)
    return path


@pytest.mark.parametrize(
    ("name", "member"),
    [("a.xlsx", "xl/worksheets/sheet1.xml"), ("a.kmz", "doc.kml"), ("a.zip", "sites.dbf")],
)
def test_zip_bomb_fails_before_expanding(
    session: Session, tmp_path: Path, name: str, member: str
) -> None:
    path = _bomb(tmp_path / name, member, 16)
    assert path.stat().st_size < 100_000
    start = time.perf_counter()
    with pytest.raises(LimitExceeded, match=r"expands .*x .*zip bomb"):
        import_file(session, path)
    assert time.perf_counter() - start < 2.0
    assert not any(p.name == "sites.dbf" for p in tmp_path.rglob("*"))


def test_declared_total_over_the_limit_fails(session: Session, tmp_path: Path) -> None:
    path = _bomb(tmp_path / "a.kmz", "doc.kml", 3)
    limits = ImportLimits(max_expanded_bytes=2 * MiB)
    with pytest.raises(LimitExceeded, match=r"would expand to \d+ bytes"):
        import_file(session, path, ImportOptions(limits=limits))


def test_extraction_stops_at_the_cap_whatever_the_headers_say(tmp_path: Path) -> None:
    path = _bomb(tmp_path / "a.zip", "x.dbf", 3)
    target = tmp_path / "out"
    target.mkdir()
    with zipfile.ZipFile(path) as archive:
        member = archive.infolist()[0]
        assert member.file_size == 3 * MiB
    limits = ImportLimits(max_expanded_bytes=3 * MiB - 1, max_ratio=10_000)
    with pytest.raises(LimitExceeded):
        extract(path, {"x.dbf": member}, target, limits)
    assert sum(f.stat().st_size for f in target.iterdir()) <= 3 * MiB


def test_file_size_limit(session: Session, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [["名称", "类别"], *[["x", "旧址"]] * 50])
    with pytest.raises(LimitExceeded, match=r"'a.csv' is \d+ bytes; the import limit is 100 bytes"):
        import_file(session, path, ImportOptions(limits=ImportLimits(max_file_bytes=100)))


@pytest.mark.parametrize("ext", [".csv", ".geojson"])
def test_row_limit(session: Session, tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"a{ext}"
    if ext == ".csv":
        write_csv(path, [["名称", "类别"], *[[f"x{i}", "旧址"] for i in range(5)]])
    else:
        features = [
            {
                "type": "Feature",
                "geometry": None,
                "properties": {"name": f"x{i}", "category": "other"},
            }
            for i in range(5)
        ]
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    with pytest.raises(LimitExceeded, match="more than 3 rows"):
        import_file(session, path, ImportOptions(limits=ImportLimits(max_rows=3)))


def test_kml_with_entities_is_refused(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "a.kml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaa">]><kml><Placemark><name>&a;</name></Placemark></kml>'
    )
    with pytest.raises(InterchangeError, match="DOCTYPE"):
        import_file(session, path)


def test_limits_validate_themselves() -> None:
    with pytest.raises(ValueError, match="max_rows must be a positive integer, not 0"):
        ImportLimits(max_rows=0)
