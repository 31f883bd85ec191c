"""Zipped Shapefiles: what real archives hold imports; what a hostile archive holds is refused.

Real archives come from ArcGIS, QGIS and macOS with sidecars (.sbn, .shp.xml), a folder, and
`__MACOSX/` junk; the Shapefile in them may be in another CRS, have polygons or deleted records.
Hostile archives name members outside themselves, hold links, encrypted or extra datasets.
"""

from __future__ import annotations

import io
import stat
import struct
import zipfile
from pathlib import Path

import pytest
from sqlmodel import Session, select

from redres.catalog.io import (
    ImportLimits,
    ImportOptions,
    InterchangeError,
    LimitExceeded,
    import_file,
)
from redres.catalog.io.shp import cpg_codec
from redres.catalog.models import Site
from redres.geo import distance_m

BAQI = (114.2944, 30.58899)


def _shapefile(folder: Path, crs: object = 4326, geometry: object = None) -> dict[str, bytes]:
    """The files of a one-site Shapefile written by GDAL, by name."""
    import geopandas as gpd
    from shapely.geometry import Point

    folder.mkdir(exist_ok=True)
    frame = gpd.GeoDataFrame(
        {"名称": ["八七会议会址"], "类别": ["旧址"]}, geometry=[geometry or Point(*BAQI)], crs=4326
    ).to_crs(crs)
    frame.to_file(folder / "sites.shp", encoding="UTF-8")
    return {f.name: f.read_bytes() for f in folder.iterdir()}


def _zip(path: Path, members: dict[str | zipfile.ZipInfo, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    _mark_encrypted(path)
    return path


def test_a_real_archive_with_sidecars_folder_and_junk_imports(
    session: Session, tmp_path: Path
) -> None:
    parts = _shapefile(tmp_path / "shp")
    members: dict[str | zipfile.ZipInfo, bytes] = {f"导出/{n}": d for n, d in parts.items()}
    members |= {
        "导出/sites.shp.xml": b"<metadata/>",
        "导出/sites.sbn": b"\0" * 100,
        "__MACOSX/导出/._sites.shp": b"\0\5\26\7",
        "导出/.DS_Store": b"\0",
        "说明.txt": "数据说明".encode(),
    }
    report = import_file(session, _zip(tmp_path / "sites.zip", members))
    session.commit()
    assert report.ok, report.errors
    assert (report.created, report.crs) == (1, "wgs84")
    site = session.exec(select(Site)).one()
    assert site.name == "八七会议会址"


def test_polygons_in_an_unnamed_crs_come_out_in_wgs84(session: Session, tmp_path: Path) -> None:
    """A .prj no EPSG code matches (a local transverse Mercator) is converted here."""
    from pyproj import CRS
    from shapely.geometry import box

    local = CRS.from_proj4(
        "+proj=tmerc +lat_0=30 +lon_0=114.3 +k=1 +x_0=500123 +y_0=0 +ellps=GRS80"
    )
    assert local.to_epsg() is None
    square = box(BAQI[0] - 0.001, BAQI[1] - 0.001, BAQI[0] + 0.001, BAQI[1] + 0.001)
    parts = _shapefile(tmp_path / "shp", crs=local, geometry=square)
    report = import_file(session, _zip(tmp_path / "sites.zip", parts))
    session.commit()
    assert report.ok, report.errors
    assert report.crs == "wgs84"
    site = session.exec(select(Site)).one()
    assert site.lon is not None
    assert site.lat is not None
    assert distance_m(site.lon, site.lat, *BAQI) < 1.0
    assert site.footprint is not None


def _written_by_pyshp(names: list[str]) -> dict[str, bytes]:
    """A point Shapefile with one record per name (UTF-8), by part name."""
    import shapefile

    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POINT) as w:
        w.field("名称", "C", size=60)
        w.field("类别", "C", size=20)
        for name in names:
            w.point(114.3004, 30.5336)
            w.record(name, "旧址")
    return {"a.shp": shp.getvalue(), "a.shx": shx.getvalue(), "a.dbf": dbf.getvalue()}


def test_deleted_records_are_left_out(session: Session, tmp_path: Path) -> None:
    parts = _written_by_pyshp(["已删除", "起义门"])
    table = bytearray(parts["a.dbf"])
    table[int.from_bytes(table[8:10], "little")] = ord("*")  # the first record is deleted
    members: dict[str | zipfile.ZipInfo, bytes] = {**parts, "a.dbf": bytes(table)}
    report = import_file(session, _zip(tmp_path / "a.zip", {**members, "a.cpg": b"UTF-8"}))
    session.commit()
    assert report.ok, report.errors
    assert (report.rows, report.created) == (1, 1)
    assert session.exec(select(Site.name)).all() == ["起义门"]


def _link(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def _encrypted(name: str) -> zipfile.ZipInfo:
    """A member `_zip` marks as encrypted (`zipfile` clears the flag when writing)."""
    info = zipfile.ZipInfo(name)
    info.comment = b"encrypted"
    return info


def _mark_encrypted(path: Path) -> None:
    """Set the encryption flag in the central directory of members commented "encrypted"."""
    raw = bytearray(path.read_bytes())
    at = raw.find(b"PK\x01\x02")
    while at >= 0:
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", raw, at + 28)
        comment = raw[at + 46 + name_len + extra_len : at + 46 + name_len + extra_len + comment_len]
        if comment == b"encrypted":
            struct.pack_into("<H", raw, at + 8, struct.unpack_from("<H", raw, at + 8)[0] | 0x1)
        at = raw.find(b"PK\x01\x02", at + 46)
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"/tmp/sites.prj": b"x"}, r"'/tmp/sites.prj', a path outside the archive"),
        ({"../sites.cpg": b"UTF-8"}, r"'../sites.cpg', a path outside the archive"),
        ({"a/../../b.txt": b"x"}, r"'a/../../b.txt', a path outside the archive"),
        ({_link("sites.cpg"): b"/etc/passwd"}, r"'sites.cpg', a symbolic link"),
        ({_encrypted("sites.prj"): b"x"}, r"'sites.prj', which is encrypted"),
        ({"other.shp": b"x"}, r"holds 2 Shapefiles \(other.shp, sites.shp\); one per zip"),
        ({"other.dbf": b"x"}, r"holds 'other.dbf', which is not part of 'sites.shp'"),
        ({"SITES.SHX": b"x"}, r"holds both 'sites.shx' and 'SITES.SHX'"),
        ({"sites.vrt": b"<OGRVRTDataSource/>"}, r"'sites.vrt', which is not part of a Shapefile"),
        ({"readme": b"x"}, r"'readme', which is not part of a Shapefile"),
    ],
)
def test_hostile_members_are_refused(
    session: Session, tmp_path: Path, extra: dict[str | zipfile.ZipInfo, bytes], message: str
) -> None:
    replaced = {getattr(name, "filename", name) for name in extra}
    parts = {n: d for n, d in _shapefile(tmp_path / "shp").items() if n not in replaced}
    with pytest.raises(InterchangeError, match=message):
        import_file(session, _zip(tmp_path / "sites.zip", {**parts, **extra}))
    assert not session.exec(select(Site)).all()


@pytest.mark.parametrize(
    ("part", "data", "message"),
    [
        ("sites.prj", b"GEOGCS[nonsense", r"sites.prj is not a WKT coordinate reference system"),
        ("sites.dbf", b"\x03" + b"\0" * 40, r"sites.dbf is damaged"),
        ("sites.dbf", b"<OGRVRTDataSource/>" * 3, r"sites.dbf is not a dBASE table"),
        ("sites.shx", b"\0" * 100, r"sites.shx is not a Shapefile \(no .shx file code 9994\)"),
    ],
)
def test_damaged_parts_are_refused(
    session: Session, tmp_path: Path, part: str, data: bytes, message: str
) -> None:
    members: dict[str | zipfile.ZipInfo, bytes] = {**_shapefile(tmp_path / "shp"), part: data}
    with pytest.raises(InterchangeError, match=message):
        import_file(session, _zip(tmp_path / "sites.zip", members))


def test_too_many_members_or_records(session: Session, tmp_path: Path) -> None:
    parts: dict[str | zipfile.ZipInfo, bytes] = {**_written_by_pyshp(["甲", "乙", "丙"])}
    many = _zip(tmp_path / "many.zip", {**parts, **{f"{i}.txt": b"" for i in range(20)}})
    with pytest.raises(LimitExceeded, match=r"holds 23 files; the limit is 10"):
        import_file(session, many, ImportOptions(limits=ImportLimits(max_members=10)))
    rows = _zip(tmp_path / "rows.zip", parts)
    with pytest.raises(LimitExceeded, match=r"'rows.zip' has 3 features; the import limit is 2"):
        import_file(session, rows, ImportOptions(limits=ImportLimits(max_rows=2)))


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("UTF-8", "utf-8"),
        ("65001", "utf-8"),
        ("GBK", "gb18030"),
        ("936", "gb18030"),
        ("ANSI 936", "gb18030"),
        ("1252", "cp1252"),
        ("ANSI 1252", "cp1252"),
        ("ISO-8859-1", "iso8859-1"),
        ("klingon", None),
    ],
)
def test_cpg_names_map_to_codecs(text: str, codec: str | None) -> None:
    assert cpg_codec(text) == codec
