"""Bundled public lists (`redres datasets`): the national key units load as sites, once, with
points from a third-party file recorded as such."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from redres.catalog.datasets import DATASETS, category_of, load_dataset
from redres.catalog.enums import Category, Protection, Status
from redres.catalog.io.third_party_points import PointsFileError, read_points
from redres.catalog.models import Site
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from redres.cli import app
from redres.geo import gcj02_to_wgs84

NATIONAL = DATASETS["national-key-units"]


def _rows() -> list[dict[str, str]]:
    with NATIONAL.path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def small_list(tmp_path: Path) -> list[dict[str, str]]:
    """The first 40 units of the bundled list, as its own dataset file."""
    rows = _rows()[:40]
    with (tmp_path / "units.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return rows


def test_the_bundled_list_holds_the_eight_batches() -> None:
    rows = _rows()
    assert len(rows) == 5066  # 5,058 units, the Great Wall and a few others listed by part
    assert {r["批次"] for r in rows} == {f"第{n}批" for n in "一二三四五六七八"}
    assert any(r["名称"] == "八七会议会址" and r["省份"] == "湖北省" for r in rows)
    assert all(r["名称"] and r["省份"] and r["类型"] for r in rows)


def test_units_load_once_as_national_drafts(
    session: Session, small_list: list[dict[str, str]], tmp_path: Path
) -> None:
    dataset = replace(NATIONAL, path=tmp_path / "units.csv")
    first = load_dataset(session, dataset)
    session.commit()
    assert (first.added, first.updated, first.unchanged) == (40, 0, 0)
    sites = session.exec(select(Site).where(col(Site.code).startswith("nku-"))).all()
    assert len(sites) == 40
    assert {s.protection for s in sites} == {Protection.national}
    assert {s.status for s in sites} == {Status.draft}
    assert all(s.lon is None for s in sites)  # no points shipped: 位置待考
    hongqiao = next(s for s in sites if s.name == small_list[0]["名称"])
    assert f"全国重点文物保护单位（{small_list[0]['批次']}）" in hongqiao.designations[0]
    again = load_dataset(session, dataset)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 40)


def test_points_are_matched_converted_and_flagged(
    session: Session, small_list: list[dict[str, str]], tmp_path: Path
) -> None:
    """A GCJ-02 file in the myagipey layout: converted to WGS-84, its CRS and source kept,
    a point two units share flagged approximate, a unit the file lacks left unlocated."""
    a, b, c = small_list[0], small_list[1], small_list[2]
    points = [
        {"name": a["名称"], "province": a["省份"], "value": [113.26006, 23.160228, 1]},
        {"name": b["名称"], "province": b["省份"], "value": [110.0, 23.0, 1]},
        {"name": c["名称"], "province": c["省份"], "value": [110.0, 23.0, 1]},
        {"name": "没有这个单位", "province": "湖北省", "value": [114.3, 30.5, 1]},
    ]
    path = tmp_path / "relics.json"
    path.write_text(json.dumps(points, ensure_ascii=False), encoding="utf-8")
    located = read_points(path)
    assert (located.crs, located.crs_inferred) == ("gcj02", True)
    report = load_dataset(
        session,
        replace(NATIONAL, path=tmp_path / "units.csv"),
        points=located,
        points_label=path.name,
    )
    assert (report.located, report.approximate, report.unmatched_points) == (3, 2, 1)
    by_name = {s.name: s for s in session.exec(select(Site))}
    first = by_name[a["名称"]]
    expected = gcj02_to_wgs84(113.26006, 23.160228)
    assert first.lon == pytest.approx(expected.lon, abs=1e-6)
    assert first.lat == pytest.approx(expected.lat, abs=1e-6)
    assert (first.point_crs, first.point_approximate) == ("gcj02", False)
    assert "relics.json" in (first.point_source or "")
    assert by_name[b["名称"]].point_approximate
    assert by_name[c["名称"]].point_approximate
    assert by_name[small_list[3]["名称"]].lon is None


def test_a_unit_already_in_the_catalogue_is_left_to_its_editors(
    session: Session, small_list: list[dict[str, str]], tmp_path: Path
) -> None:
    unit = small_list[5]["名称"]
    create_site(
        session,
        SiteCreate(name="本地名称", aliases=[unit], category=Category.former_site, code="L-1"),
        actor="editor",
    )
    report = load_dataset(session, replace(NATIONAL, path=tmp_path / "units.csv"))
    assert report.held_elsewhere == [unit]
    assert report.added == 39
    assert session.exec(select(Site).where(Site.name == unit)).first() is None


@pytest.mark.parametrize(
    ("name", "kind", "category"),
    [
        ("八七会议会址", "近现代重要史迹及代表性建筑", Category.former_site),
        ("雨花台烈士陵园", "近现代重要史迹及代表性建筑", Category.martyrs_cemetery),
        ("刘少奇故居", "近现代重要史迹及代表性建筑", Category.former_residence),
        ("人民英雄纪念碑", "近现代重要史迹及代表性建筑", Category.monument),
        ("周口店遗址", "古遗址", Category.other),  # an ancient 遗址 is not a former site
        ("秦始皇陵", "古墓葬", Category.other),
    ],
)
def test_categories_from_names(name: str, kind: str, category: Category) -> None:
    assert category_of(name, kind) is category


def test_an_unknown_layout_needs_its_coordinate_system(tmp_path: Path) -> None:
    path = tmp_path / "pts.csv"
    path.write_text("名称,省份,经度,纬度\n八七会议会址,湖北省,114.29,30.58\n", encoding="utf-8")
    with pytest.raises(PointsFileError, match="--points-crs"):
        read_points(path)
    located = read_points(path, "WGS-84")
    assert located.crs == "wgs84"
    assert located.points[0].lon == pytest.approx(114.29)


def test_the_command_reports_and_refuses_clearly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    runner = CliRunner()
    assert runner.invoke(app, ["init", "--db", url]).exit_code == 0
    listed = runner.invoke(app, ["datasets", "list", "--lang", "en"])
    assert "national-key-units" in listed.output
    assert "5066 rows" in listed.output
    missing = runner.invoke(app, ["datasets", "load", "no-such-list", "--db", url, "--lang", "en"])
    assert missing.exit_code != 0
    assert "national-key-units" in str(missing.exception or "") + (missing.output)


def test_the_command_speaks_chinese_to_a_chinese_reader(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    runner = CliRunner()
    assert runner.invoke(app, ["init", "--db", url]).exit_code == 0
    listed = runner.invoke(app, ["datasets", "list"], env={"LANG": "zh_CN.UTF-8", "LC_ALL": ""})
    assert "5066 行" in listed.output
    assert "来源：" in listed.output
    assert "rows" not in listed.output
    missing = runner.invoke(app, ["datasets", "load", "no-such-list", "--db", url, "--lang", "zh"])
    said = str(missing.exception or "") + missing.output
    assert missing.exit_code != 0
    assert "没有名为“no-such-list”的数据集" in said
    assert "no dataset" not in said
