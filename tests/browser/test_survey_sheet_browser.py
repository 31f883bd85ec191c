"""A new tourism-office editor's first survey sheet, in Chinese, in Chromium: a GBK CSV with
errors read back row by row in Chinese, then the same sheet as XLSX with the errors fixed (hours
as notices write them, years as `1927年` and `民国十六年`, a temporary closure, GCJ-02 points
copied from Amap), a site fixed in the form (slug, footprint) and its history in Beijing time.

The sites, their GCJ-02 points, hours and years are those of `../shared/data/wuhan/sites-facts.csv`
(WH02, WH06, WH19, WH20: Tue-Sun 9:00-17:00, last entry 16:30 or 16:00, closed Mondays); the
closure row and the bad rows are test values, not facts. Screenshots at 1280 and 390 px go to
/tmp/shots-survey/ for a person to look at.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlmodel import Session

from redres.api.app import create_app
from redres.catalog.accounts import create_user
from redres.catalog.enums import Role, Status
from redres.catalog.sites import get_site
from redres.config import Settings
from redres.db import init_db, make_engine
from redres.geo import distance_m, to_wgs84
from tests.api.test_import_language import english_in
from tests.browser.conftest import EDITOR, PASSWORD, assert_stayed_home
from tests.browser.serving import serving

pytestmark = pytest.mark.slow

SHOTS = Path("/tmp/shots-survey")
HEADER = ["名称", "类别", "经度", "纬度", "地址", "年代", "开放时间", "临时闭馆", "备注"]
GOOD = [
    [
        "八七会议会址",
        "革命旧址",
        "114.299762",
        "30.586469",
        "武汉市江岸区鄱阳街139号",
        "1927年",
        "周二至周日 9:00-17:00，16:30停止入馆，周一闭馆",
        "",
        "",
    ],
    [
        "毛泽东同志旧居（武昌）",
        "故居",
        "114.299294",
        "30.551012",
        "武汉市武昌区都府堤41号",
        "民国十六年",
        "周二至周日 9:00—17:00（16:30停止入馆），周一闭馆（法定节假日照常开放）",
        "2027-02-01至2027-03-31 闭馆维修",  # a test value
        "",
    ],
    [
        "武昌起义军政府旧址",
        "革命旧址",
        "114.305470",
        "30.537479",
        "武汉市武昌区武珞路1号",
        "1911年",
        "周二至周日 9:00-17:00，16:00停止入馆，周一闭馆（法定节假日除外）",
        "",
        "",
    ],
]
BAD = [
    ["武汉中共中央机关旧址", "寺庙", "114.298473", "30.587701", "", "1927年", "", "", ""],
    ["中共五大会址纪念馆", "纪念馆", "30.550933", "114.298459", "", "1927年", "", "", ""],
    ["武汉二七纪念馆", "纪念馆", "", "", "", "大约民国初年左右", "逢双日开放", "", ""],
]
"""An unknown category, a swapped point, unreadable years and hours (test values)."""


def _gbk_csv(path: Path, rows: list[list[str]]) -> Path:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path.write_bytes(out.getvalue().encode("gbk"))
    return path


def _xlsx(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["武汉市红色资源普查表（第一批）"])  # a title row above the header, as offices do
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('survey') / 'redres.db'}"
    engine = make_engine(url)
    init_db(engine)
    with Session(engine) as session:
        create_user(session, EDITOR, PASSWORD, Role.editor)
        session.commit()
    app = create_app(Settings(database_url=url, secret_key="s" * 40), engine=engine)
    with serving(app) as base:
        yield base, engine
    engine.dispose()


def _shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(300)
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _import(page: Any, path: Path, *, skip_invalid: bool = False) -> str:
    page.set_input_files("#file", str(path))
    page.select_option("#crs", "gcj02")
    if skip_invalid:
        page.check("input[name=skip_invalid]")
    page.click("form.form button[type=submit]")
    report = page.locator("section[role=status]")
    report.wait_for()
    return str(report.inner_text())


def test_a_survey_sheet_from_csv_to_history(
    app_url: tuple[str, Any], open_page: Any, tmp_path: Path
) -> None:
    base, engine = app_url
    page, traffic = open_page(f"{base}/editor/import", locale="zh-CN")
    page.wait_for_url("**/login**")
    page.fill("#username", EDITOR)
    page.fill("#password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/editor/import")

    text = _import(page, _gbk_csv(tmp_path / "普查表.csv", [HEADER, *GOOD, *BAD]))
    assert "存在错误行，未写入任何数据。" in text
    assert "共 6 行" in text
    assert "有错误的 3 行" in text
    rows = page.locator("section[role=status] tbody tr").all_inner_texts()
    assert [r.split("\t")[0] for r in rows] == ["5", "6", "7", "7"]
    assert "无法识别“寺庙”" in rows[0]
    assert "经纬度似乎填反了" in rows[1]
    assert "“大约民国初年左右”" in rows[2]
    assert "“逢双日开放”" in rows[3]
    assert not english_in(text), english_in(text)
    _shoot(page, "1-csv-report")

    fixed = [*GOOD, ["武汉中共中央机关旧址", "革命旧址", "114.298473", "30.587701", "", "1927年"]]
    assert page.input_value("#crs") == "gcj02"  # the system chosen is kept for the next upload
    text = _import(page, _xlsx(tmp_path / "普查表.xlsx", [HEADER, *fixed]))
    assert "新增 4" in text, text
    assert "有错误" not in text
    assert page.locator("text=查看导入的草稿").count() == 1
    assert not english_in(text), english_in(text)
    _shoot(page, "2-xlsx-imported")

    with Session(engine) as session:
        site = get_site(session, "ba-qi-hui-yi-hui-zhi", visible=(Status.draft,))
        assert (site.opening_hours, site.last_entry_minutes) == ("Tu-Su 09:00-17:00", 30)
        assert site.years == "1927"
        assert site.point_crs == "gcj02"
        want = to_wgs84(114.299762, 30.586469, "gcj02")
        assert site.lon is not None
        assert site.lat is not None
        assert distance_m(site.lon, site.lat, want.lon, want.lat) < 0.05
        home = get_site(session, "mao-ze-dong-tong-zhi-jiu-ju-wu-chang", visible=(Status.draft,))
        assert home.years == "1927"  # 民国十六年
        assert home.opening_hours == "Tu-Su,PH 09:00-17:00"
        assert home.closures
        assert home.closures[0]["note"] == "闭馆维修"

    page.goto(f"{base}/editor?status=draft")
    page.click("text=八七会议会址")
    page.wait_for_url("**/editor/sites/**")
    reading = page.locator("#hours-reading").inner_text()
    assert reading.startswith("系统理解为：周二至周日 09:00–17:00"), reading
    assert "16:30 停止入馆" in reading
    page.fill("#f-slug", "87-hui-yi-hui-zhi")
    ring = [[114.2995, 30.5863], [114.3000, 30.5867], [114.3000, 30.5863], [114.2995, 30.5867]]
    crossed = {"type": "Polygon", "coordinates": [ring]}  # a test outline drawn as a bow tie
    page.select_option("#f-footprint_crs", "gcj02")
    page.fill("#f-footprint", json.dumps(crossed))
    page.click("form.form >> button[type=submit]:has-text('保存')")
    alert = page.locator("div.error[role=alert]").inner_text()
    assert "范围必须是有效的面" in alert, alert
    assert not english_in(alert), alert
    assert page.input_value("#f-slug") == "87-hui-yi-hui-zhi"  # the input is kept
    _shoot(page, "3-form-refused")
    outline = {"type": "Polygon", "coordinates": [[ring[0], ring[2], ring[1], ring[3]]]}  # unclosed
    page.select_option("#f-footprint_crs", "gcj02")
    page.fill("#f-footprint", json.dumps(outline))
    page.click("form.form >> button[type=submit]:has-text('保存')")
    page.wait_for_url("**/editor/sites/87-hui-yi-hui-zhi")
    _shoot(page, "4-form-saved")
    with Session(engine) as session:
        stored = json.loads(
            get_site(session, "87-hui-yi-hui-zhi", visible=(Status.draft,)).footprint or "{}"
        )
    assert len(stored["coordinates"][0]) == 5  # closed on saving
    first = to_wgs84(*ring[0], "gcj02")
    assert distance_m(*stored["coordinates"][0][0], first.lon, first.lat) < 0.05

    page.goto(f"{base}/editor/sites/87-hui-yi-hui-zhi/history")
    history = page.locator("main").inner_text()
    assert "时间（北京时间）" in history
    assert "ba-qi-hui-yi-hui-zhi → 87-hui-yi-hui-zhi" in history
    assert "范围（GeoJSON）：— → 面，5 个点，约" in history  # words, not GeoJSON
    assert not re.search(r"\b(slug|footprint|status|opening_hours)\b", history), history
    _shoot(page, "5-history")
    page.goto(f"{base}/editor/import?lang=en")
    text = _import(page, tmp_path / "普查表.csv")
    assert "Some rows are bad; nothing was written." in text
    assert "unknown value '寺庙'" in text
    _shoot(page, "6-csv-report-en")
    assert_stayed_home(traffic)
