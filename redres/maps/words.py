"""The words a map shows (titles, buttons, popup labels, messages), in one language.

Maps are drawn below the web app, so they do not read its locale files: the app fills a
:class:`MapWords` from them in the reader's language; `redres map` and other callers get the
Chinese defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class MapWords:
    """Every string a map page shows; ``hours`` and ``unlocated`` take format fields."""

    lang: str = "zh"
    title: str = "红色资源地图"
    search: str = "搜索站点名称"
    failed: str = "站点数据加载失败"
    legend: str = "图例"
    locate: str = "定位我的位置"
    fullscreen: str = "全屏"
    fullscreen_glyph: str = "全"
    hours: str = "开放时间（{day}）"
    hours_unknown: str = "未知，请提前咨询"
    closed: str = "闭馆"
    more: str = "查看详情"
    no_theme: str = "其他站点"
    unlocated: str = "另有 {count} 处位置待考，地图上无法显示"
    unlocated_link: str = "查看列表"
    geo_denied: str = "无法定位：您没有允许本页使用位置。"
    geo_unavailable: str = "暂时无法获得您的位置，请稍后再试。"
    geo_unsupported: str = "这个浏览器不能提供位置。"
    # route maps
    route_title: str = "研学线路"
    day: str = "第{n}天（{date}）"
    stops_count: str = "{count} 站"
    stops_count_one: str = "{count} 站"
    """One stop: the singular where the language has one (English "1 stop")."""
    km: str = "{km} 公里"
    stop_n: str = "第{n}站"
    arrive: str = "到达"
    start: str = "开始参观"
    leave: str = "离开"
    visit: str = "参观约 {minutes} 分钟"
    next_leg: str = "前往下一站：{minutes} 分钟 · {km} 公里"
    ends: str = "起点和终点"
    start_point: str = "起点"
    end_point: str = "终点"
    colon: str = "："
    no_translation: str = "暂无中文说明"

    @classmethod
    def from_table(cls, lang: str, table: dict[str, Any]) -> MapWords:
        """Words from a locale table's ``map.<field>`` entries; missing ones keep the default."""
        found = {
            f.name: str(table[f"map.{f.name}"])
            for f in fields(cls)
            if f.name != "lang" and f"map.{f.name}" in table
        }
        return cls(lang=lang, **found)

    def basemap_title(self, key: str, title: str) -> str:
        """A basemap's name in the layer control: the product's English name on English maps."""
        return BASEMAP_TITLES_EN.get(key, title) if self.lang == "en" else title

    def stops(self, count: int) -> str:
        """How many stops a day has, in the singular for one where the language says so."""
        return (self.stops_count_one if count == 1 else self.stops_count).format(count=count)

    def geo_messages(self) -> dict[str, str]:
        """What the locate button says when the browser gives no position, by reason."""
        return {
            "denied": self.geo_denied,
            "unavailable": self.geo_unavailable,
            "unsupported": self.geo_unsupported,
        }


CHINESE = MapWords()

BASEMAP_TITLES_EN = {"amap": "Amap", "tencent": "Tencent Maps", "tianditu": "Tianditu"}
"""The map products' own English names, for the layer control of English pages."""
