"""Importing survey files as tourism offices hold them: encodings, Chinese headers, DMS, CRSs, errors."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import Session, select

from redres.catalog.audit import history
from redres.catalog.enums import Status
from redres.catalog.io import ImportOptions, InterchangeError, import_file
from redres.catalog.models import Site
from redres.catalog.search import SearchText, index_terms
from redres.catalog.sites import site_theme_weights
from redres.geo import distance_m, wgs84_to_bd09, wgs84_to_gcj02
from tests.catalog.test_io_helpers import counts, write_csv
from tests.factories import add_themes

ZH_HEADER = [
    "名录编号",
    "名称",
    "英文名称",
    "别名",
    "类别",
    "历史时期",
    "保护级别",
    "所在区",
    "详细地址",
    "经度",
    "纬度",
    "开放时间",
    "预约",
    "最大接待量",
    "参观时长(分钟)",
    "主题",
    "简介",
]
BAQI = (114.2944, 30.58899)
WUDA = (114.29302, 30.55339)


def _zh_rows() -> list[list[object]]:
    return [
        ZH_HEADER,
        [
            "WH19",
            "八七会议会址",
            "Site of the August 7 Conference",
            "八七会议会址纪念馆；八七会址",
            "纪念馆",
            "大革命时期",
            "全国重点文物保护单位",
            "江岸区",
            "武汉市江岸区鄱阳街139号",
            BAQI[0],
            BAQI[1],
            "Tu-Su 09:00-17:00",
            "需提前1天预约",
            "200人",
            "60",
            "大革命=1",
            "八七会议在此召开",
        ],
        [
            "WH01",
            "中共五大会址纪念馆",
            "",
            "",
            "旧址",
            "great_revolution",
            "national",
            "武昌区",
            "",
            WUDA[0],
            WUDA[1],
            "",
            "无需预约",
            "",
            "1.5小时",
            "",
            "",
        ],
    ]


def _site(session: Session, code: str) -> Site:
    site = session.exec(select(Site).where(Site.code == code)).one()
    return site


def test_gbk_csv_with_chinese_headers(session: Session, tmp_path: Path) -> None:
    add_themes(session)
    path = write_csv(tmp_path / "名录.csv", _zh_rows(), encoding="gbk")
    report = import_file(session, path)
    session.commit()
    assert report.ok, report.errors
    assert report.created == 2
    assert not any("简介" in w for w in report.warnings)
    baqi = _site(session, "WH19")
    assert baqi.name == "八七会议会址"
    assert baqi.summary == "八七会议在此召开"
    assert _site(session, "WH01").summary is None
    assert baqi.aliases == ["八七会议会址纪念馆", "八七会址"]
    assert (baqi.category, baqi.period, baqi.protection) == (
        "memorial_hall",
        "great_revolution",
        "national",
    )
    assert (baqi.reservation, baqi.reservation_days, baqi.capacity, baqi.visit_minutes) == (
        "required",
        1,
        200,
        60,
    )
    assert (baqi.lon, baqi.lat) == BAQI
    assert baqi.status == Status.draft
    assert site_theme_weights(session, baqi.id or 0) == {"great-revolution": 1.0}
    wuda = _site(session, "WH01")
    assert (wuda.category, wuda.visit_minutes, wuda.reservation, wuda.name_en) == (
        "former_site",
        90,
        "none",
        None,
    )
    entries = history(session, entity="site", entity_id=baqi.id or 0)
    assert [(e.action, e.actor) for e in entries] == [("create", "import")]
    assert entries[0].after is not None
    assert entries[0].after["name"] == "八七会议会址"
    terms = index_terms(
        SearchText(
            name=baqi.name,
            aliases=tuple(baqi.aliases),
            name_en=baqi.name_en,
            address=baqi.address,
            code=baqi.code,
        )
    )
    from redres.catalog import search_index

    assert search_index.terms_of(session.connection(), baqi.id or 0) == terms


def test_csv_encodings_are_detected(session: Session, tmp_path: Path) -> None:
    for encoding in ("utf-8", "utf-8-sig", "gb18030", "gbk"):
        path = write_csv(
            tmp_path / f"{encoding}.csv",
            [["名称", "类别"], ["施洋烈士墓", "烈士陵园"]],
            encoding=encoding,
        )
        report = import_file(session, path, ImportOptions(dry_run=True))
        assert report.ok, (encoding, report.errors)
        assert report.created == 1


def test_xlsx_with_title_row_chinese_headers_and_dms(session: Session, tmp_path: Path) -> None:
    add_themes(session)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["武汉市红色资源名录（2024年普查）"])
    sheet.append(["名称", "类别", "经度", "纬度", "调查日期", "编号"])
    sheet.append(
        ["八七会议会址", "纪念馆", "114°17'39.84\"E", "30°35'20.36\"N", "2024年5月1日", 19]
    )
    sheet.append([None, None, None, None, None, None])
    sheet.append(["施洋烈士墓", "烈士陵园", "东经114度20分9秒", "北纬30度32分23秒", None, "WH14"])
    path = tmp_path / "名录.xlsx"
    book.save(path)
    report = import_file(session, path, ImportOptions(status=Status.published))
    session.commit()
    assert report.ok, report.errors
    baqi = _site(session, "19")
    assert baqi.lon == pytest.approx(114 + 17 / 60 + 39.84 / 3600)
    assert baqi.lat == pytest.approx(30 + 35 / 60 + 20.36 / 3600)
    assert str(baqi.survey_date) == "2024-05-01"
    assert baqi.status == Status.published
    assert _site(session, "WH14").lon == pytest.approx(114 + 20 / 60 + 9 / 3600)


@pytest.mark.parametrize(("crs", "shift"), [("gcj02", wgs84_to_gcj02), ("bd09", wgs84_to_bd09)])
def test_gcj02_and_bd09_input_is_converted(
    session: Session, tmp_path: Path, crs: str, shift: object
) -> None:
    shifted = shift(*BAQI)  # type: ignore[operator]
    path = write_csv(
        tmp_path / "a.csv",
        [["名称", "类别", "经度", "纬度"], ["八七会议会址", "旧址", shifted.lon, shifted.lat]],
    )
    report = import_file(session, path, ImportOptions(crs=crs))
    session.commit()
    assert report.ok, report.errors
    site = session.exec(select(Site)).one()
    assert site.lon is not None
    assert site.lat is not None
    assert distance_m(site.lon, site.lat, *BAQI) < 0.5
    assert distance_m(shifted.lon, shifted.lat, *BAQI) > 100


def test_geojson_with_cgcs2000_crs_member_and_polygon(session: Session, tmp_path: Path) -> None:
    ring = [[114.29, 30.58], [114.30, 30.58], [114.30, 30.59], [114.29, 30.58]]
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4490"}},
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {"名称": "保护范围", "类型": "旧址"},
            },
        ],
    }
    path = tmp_path / "a.geojson"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    report = import_file(session, path)
    session.commit()
    assert report.ok, report.errors
    assert report.crs == "EPSG:4490"
    site = session.exec(select(Site)).one()
    assert site.footprint is not None
    assert json.loads(site.footprint)["type"] == "Polygon"
    assert site.lon is not None
    assert 114.29 < site.lon < 114.30


def test_shapefile_honours_prj_and_cpg(session: Session, tmp_path: Path) -> None:
    import geopandas as gpd
    import pyogrio
    from shapely.geometry import Point

    frame = gpd.GeoDataFrame(
        {"名称": ["八七会议会址"], "类别": ["旧址"]}, geometry=[Point(*BAQI)], crs=4326
    ).to_crs(3857)
    shp = tmp_path / "shp" / "sites.shp"
    shp.parent.mkdir()
    pyogrio.write_dataframe(frame, shp, encoding="GB18030")
    assert shp.with_suffix(".cpg").exists()
    path = tmp_path / "sites.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for f in shp.parent.iterdir():
            archive.write(f, f"data/{f.name}")
    report = import_file(session, path)
    session.commit()
    assert report.ok, report.errors
    assert report.crs == "EPSG:3857"
    site = session.exec(select(Site)).one()
    assert site.name == "八七会议会址"
    assert site.lon is not None
    assert site.lat is not None
    assert distance_m(site.lon, site.lat, *BAQI) < 0.01


BAD_ROWS = [
    (["", "旧址", "114.3", "30.6"], "名称", "name is required"),
    (["甲", "寺庙", "114.3", "30.6"], "类别", "unknown value '寺庙'"),
    (["乙", "旧址", "abc", "30.6"], "经度", "neither decimal degrees"),
    (["丙", "旧址", "2.35", "48.85"], "经度/纬度", "outside China"),
    (["丁", "旧址", "30.6", "114.3"], "经度/纬度", "swapped"),
    (["戊", "旧址", "30°36'N", "30.6"], "经度", "swapped"),
    (["己", "旧址", "114.3", ""], "纬度", "latitude is missing"),
    (["庚", "旧址", "114.3", "30.6", "几百"], "容量", "whole number"),
    (["辛", "旧址", "114.3", "30.6", "", "Mx-Fr 09:00"], "开放时间", "Mx"),
    (["壬", "旧址", "114.3", "30.6", "", "", "没有的主题"], "主题", "unknown theme"),
]


def test_every_kind_of_bad_row_is_reported_and_nothing_is_written(
    session: Session, tmp_path: Path
) -> None:
    header = ["名称", "类别", "经度", "纬度", "容量", "开放时间", "主题"]
    good = ["好的旧址", "旧址", "114.31", "30.61"]
    rows = [header, good, *[r for r, _, _ in BAD_ROWS]]
    path = write_csv(tmp_path / "bad.csv", rows)
    before = counts(session)
    report = import_file(session, path)
    session.commit()
    assert not report.ok
    assert not report.written
    assert counts(session) == before
    assert len(report.errors) == len(BAD_ROWS)
    for error, (_, column, reason), number in zip(
        report.errors, BAD_ROWS, range(3, 99), strict=False
    ):
        assert error.row == number, error  # header is row 1, the good row is row 2
        assert error.column == column, error
        assert reason in error.reason, error
        assert str(error).startswith(f"row {number}")
    assert report.errors[1].value == "寺庙"


def test_skip_invalid_writes_the_good_rows(session: Session, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "a.csv", [["名称", "类别"], ["好", "旧址"], ["坏", "寺庙"], ["也好", "museum"]]
    )
    report = import_file(session, path, ImportOptions(skip_invalid=True))
    session.commit()
    assert report.written
    assert report.created == 2
    assert [e.row for e in report.errors] == [3]
    assert sorted(session.exec(select(Site.name))) == ["也好", "好"]


def test_dry_run_writes_nothing(session: Session, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [["名称", "类别"], ["好", "旧址"]])
    report = import_file(session, path, ImportOptions(dry_run=True))
    session.commit()
    assert report.created == 1
    assert not report.written
    assert counts(session) == (0, 0, 0)


def test_missing_name_column_is_a_file_error(session: Session, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [["标题", "类别"], ["x", "旧址"]])
    with pytest.raises(InterchangeError, match="no name column"):
        import_file(session, path)


def test_unknown_extension_and_crs(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("x")
    with pytest.raises(InterchangeError, match=r"unsupported file type '\.txt'"):
        import_file(session, path)
    csv_path = write_csv(tmp_path / "a.csv", [["名称", "类别"], ["x", "旧址"]])
    with pytest.raises(ValueError, match="unknown coordinate system 'mars'"):
        import_file(session, csv_path, ImportOptions(crs="mars"))


def test_xlsx_errors_carry_the_row_numbers_excel_shows(session: Session, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["普查表"])
    sheet.append(["名称", "类别", "最大接待量"])
    sheet.append(["好", "旧址", 100])
    sheet.append([None, None, None])
    sheet.append(["坏", "旧址", -5])
    path = tmp_path / "a.xlsx"
    book.save(path)
    report = import_file(session, path, ImportOptions(dry_run=True))
    assert [(e.row, e.column, e.value) for e in report.errors] == [(5, "最大接待量", -5)]
    assert "at least 1" in report.errors[0].reason


def test_third_party_kml_with_schema_data_and_polygon(session: Session, tmp_path: Path) -> None:
    kml = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder>
<Placemark><name>八七会议会址</name><description>见 &lt;b&gt;简介&lt;/b&gt;</description>
  <ExtendedData><SchemaData schemaUrl="#s"><SimpleData name="类别">纪念馆</SimpleData>
  <SimpleData name="保护级别">全国重点文物保护单位</SimpleData></SchemaData></ExtendedData>
  <Point><coordinates>114.2944,30.58899,0</coordinates></Point></Placemark>
<Placemark><name>保护范围</name><ExtendedData><Data name="category"><value>former_site</value></Data></ExtendedData>
  <Polygon><outerBoundaryIs><LinearRing><coordinates>
  114.29,30.58 114.30,30.58 114.30,30.59 114.29,30.58</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
</Folder></Document></kml>"""
    path = tmp_path / "a.kml"
    path.write_text(kml, encoding="utf-8")
    report = import_file(session, path)
    session.commit()
    assert report.ok, report.errors
    baqi = session.exec(select(Site).where(Site.name == "八七会议会址")).one()
    assert (baqi.category, baqi.protection, baqi.lon, baqi.lat) == (
        "memorial_hall",
        "national",
        *BAQI,
    )
    zone = session.exec(select(Site).where(Site.name == "保护范围")).one()
    assert zone.footprint is not None
    assert zone.lon is not None
