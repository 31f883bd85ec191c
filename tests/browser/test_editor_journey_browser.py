"""An editor's journey in Chinese, in Chromium: import a survey sheet with errors and read the
report, import the good rows, fix a site in the form (hours in Chinese read back as they are
typed, a point pasted from Amap in GCJ-02), and read its history in Beijing time.

Screenshots at 1280 and 390 px go to /tmp/shots-editors/ for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from redres.api.app import create_app
from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.config import Settings
from redres.db import init_db, make_engine
from redres.geo import distance_m, from_wgs84
from redres.hours.china_time import CHINA_TIME
from tests.browser.conftest import EDITOR, PASSWORD, assert_stayed_home
from tests.browser.serving import serving
from tests.catalog.test_io_helpers import write_csv
from tests.factories import add_toy_sites

SHOTS = Path("/tmp/shots-editors")
POINT = (114.30785, 30.54396)
"""A WGS-84 point in Wuchang; the editor pastes it as Amap shows it (GCJ-02)."""
SHEET = [
    ["名称", "类别", "经度", "纬度", "开放时间"],
    ["武昌起义军政府旧址", "旧址", "", "", "周二至周日 9:00-17:00"],
    ["红楼", "寺庙", "", "", ""],
    ["起义门", "纪念碑", "", "", "逢双日开放"],
]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('journey') / 'redres.db'}"
    engine = make_engine(url)
    init_db(engine)
    with Session(engine) as session:
        add_toy_sites(session)
        create_user(session, EDITOR, PASSWORD, Role.editor)
        create_user(session, "boss", PASSWORD, Role.admin)
        session.commit()
    app = create_app(Settings(database_url=url, secret_key="j" * 40), engine=engine)
    with serving(app) as base:
        app.state.public_url = base  # links the app hands out (REDRES_PUBLIC_URL) point here
        yield base
    engine.dispose()


def _watch(page: Any) -> list[str]:
    """Responses that failed (a missing image or script), but the import's own 422 answer."""
    failed: list[str] = []
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and not (r.status == 422 and r.url.endswith("/editor/import"))
            and failed.append(f"{r.status} {r.url}")
        ),
    )
    return failed


def _shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(300)  # let the map settle into its new size
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_editor_journey_in_chinese(app_url: str, open_page: Any, tmp_path: Path) -> None:
    page, traffic = open_page(f"{app_url}/editor/import", locale="zh-CN")
    failed = _watch(page)
    page.wait_for_url("**/login**")
    page.fill("#username", EDITOR)
    page.fill("#password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/editor/import")

    sheet = write_csv(tmp_path / "调查表.csv", SHEET)
    page.set_input_files("#file", str(sheet))
    page.click("form.form button[type=submit]")
    report = page.locator("section[role=status]")
    report.wait_for()
    text = report.inner_text()
    assert "存在错误行，未写入任何数据。" in text
    assert "共 3 行" in text
    rows = page.locator("section[role=status] tbody tr").all_inner_texts()
    assert [r.split("\t")[0] for r in rows] == ["3", "4"]  # the sheet's rows, header counted
    assert "寺庙" in rows[0]
    assert "逢双日开放" in rows[1]
    assert not re.search(r"\b(not|must|invalid|unknown)\b", text), text  # no English
    _shoot(page, "1-import-report")

    page.set_input_files("#file", str(sheet))
    page.check("input[name=skip_invalid]")
    page.click("form.form button[type=submit]")
    page.locator("section[role=status]").wait_for()
    assert "新增 1" in page.locator("section[role=status]").inner_text()

    page.goto(f"{app_url}/editor?status=draft")
    page.click("text=武昌起义军政府旧址")
    page.wait_for_url("**/editor/sites/**")
    edit_url = page.url
    assert page.input_value("#f-opening_hours") == "Tu-Su 09:00-17:00"
    page.fill(
        "#f-opening_hours", "周二至周日 9:00—17:00（16:30停止入馆），周一闭馆（法定节假日除外）"
    )
    reading = page.locator("#hours-reading")
    reading.filter(has_text="16:30 停止入馆").wait_for()
    assert reading.inner_text().startswith("系统理解为：周二至周日 09:00–17:00")
    gcj = from_wgs84(*POINT, "gcj02")
    page.select_option("#f-point_crs", "gcj02")
    page.fill("#f-coordinates", f"{gcj.lon:.6f},{gcj.lat:.6f}")
    page.fill("#f-point_source", "高德地图拾取")
    assert page.locator(".leaflet-marker-icon img").count() == 0  # no marker image to load
    _shoot(page, "2-site-form")
    page.click("form.form >> button[type=submit]:has-text('保存')")
    page.wait_for_url(edit_url)
    lon, lat = float(page.input_value("#f-lon")), float(page.input_value("#f-lat"))
    assert distance_m(lon, lat, *POINT) < 0.5  # stored in WGS-84
    assert page.input_value("#f-point_crs") == "gcj02"
    assert page.locator(".rr-pin").count() == 1  # the saved point on the picker

    page.goto(f"{edit_url}/history")
    history = page.locator("main").inner_text()
    assert "时间（北京时间）" in history
    now = dt.datetime.now(CHINA_TIME)
    shown = re.findall(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", history)
    assert shown
    assert all(
        abs((dt.datetime.fromisoformat(s).replace(tzinfo=CHINA_TIME) - now).total_seconds()) < 600
        for s in shown
    )
    assert (
        "开放时间：周二至周日 09:00–17:00，周一闭馆 → 周二至周日 09:00–17:00，周一闭馆，法定节假日照常开放"
        in history
    )
    assert "坐标系：— → GCJ-02（高德、腾讯地图）" in history
    assert "闭馆前停止入场（分钟）：— → 30" in history
    assert "名称：武昌起义军政府旧址" in history  # the new record: what was filled in
    assert "英文名称：" not in history  # not the boxes left empty
    for raw in ("status", "opening_hours", "gcj02", "id："):
        assert raw not in history
    _shoot(page, "3-history")
    assert failed == []
    assert_stayed_home(traffic)


def test_admin_adds_an_account_that_sets_its_password(app_url: str, open_page: Any) -> None:
    page, traffic = open_page(f"{app_url}/login", locale="zh-CN")
    failed = _watch(page)
    page.fill("#username", "boss")
    page.fill("#password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/editor")
    page.click("text=账号管理")
    page.wait_for_url("**/editor/accounts")
    page.fill("#username", "li.wei")
    page.select_option("#role", "editor")
    page.click("form.form button[type=submit]")
    link = page.locator("#reset-link").input_value()
    assert "/password/" in link
    _shoot(page, "4-accounts")
    page.goto(f"{app_url}/editor/accounts?lang=en")
    _shoot(page, "4-accounts-en")
    newcomer, newcomer_traffic = open_page(link, locale="zh-CN")
    newcomer.fill("#password", "a brand new passphrase")
    newcomer.fill("#again", "a brand new passphrase")
    _shoot(newcomer, "5-set-password")
    newcomer.click("form.form button[type=submit]")
    newcomer.wait_for_url("**/login?reset=1")
    assert "密码已设置" in newcomer.locator("main").inner_text()
    newcomer.fill("#username", "li.wei")
    newcomer.fill("#password", "a brand new passphrase")
    newcomer.click("form.form button[type=submit]")
    newcomer.wait_for_url("**/editor")
    assert failed == []
    assert_stayed_home(traffic)
    assert_stayed_home(newcomer_traffic)
