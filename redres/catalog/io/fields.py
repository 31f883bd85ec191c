"""The columns of an interchange file: their order, their Chinese and short names, list encoding.

Export writes `EXPORT_FIELDS` (the fields of `catalog.site_fields`, then themes, parent,
footprint, sources, slug and status) under their English names; import recognises those, the
Chinese headers survey sheets use, and the 10-character names a Shapefile forces, case- and
whitespace-insensitively. Lists travel as `a;b;c` with `\\;` escaping a literal semicolon, and
themes as `slug=weight;...`, so every tabular format round-trips them. Closures travel in their
text form (`2027-02-01至2027-03-31 闭馆维修；...`, see `hours.closures`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from redres.catalog.site_fields import SITE_FIELDS
from redres.messages import Message

EXPORT_FIELDS: tuple[str, ...] = (
    *SITE_FIELDS,
    "themes",
    "parent",
    "footprint",
    "sources",
    "slug",
    "status",
)
"""Every column an export writes, in order; import accepts each of them back."""

LIST_FIELDS = frozenset({"aliases", "designations"})
INT_FIELDS = frozenset({"last_entry_minutes", "reservation_days", "capacity", "visit_minutes"})
BOOL_FIELDS = frozenset({"point_approximate"})
PRICE_FIELDS = frozenset({"ticket_price"})

SHAPEFILE_NAMES: dict[str, str] = {
    "designations": "designat",
    "opening_hours": "open_hours",
    "last_entry_minutes": "last_entry",
    "reservation": "reserve",
    "reservation_days": "resv_days",
    "visit_minutes": "visit_min",
    "accessibility": "access",
    "survey_date": "survey_dt",
    "point_source": "pt_source",
    "point_crs": "pt_crs",
    "point_note": "pt_note",
    "point_approximate": "pt_approx",
    "hours_note_en": "hours_en",
    "ticket_price": "ticket",
}
"""DBF field names are at most 10 characters; these are the ones that need shortening."""

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("名称", "名录名称", "资源名称", "旧址名称", "name_zh", "中文名称"),
    "name_en": ("英文名称", "英文名", "english name"),
    "aliases": ("别名", "又名", "曾用名", "alias"),
    "code": ("编号", "名录编号", "资源编号", "registry code"),
    "category": ("类别", "类型", "资源类别", "资源类型", "type"),
    "period": ("时期", "历史时期", "所属时期"),
    "years": ("年代", "年份"),
    "protection": ("保护级别", "文物保护级别", "文保级别", "级别"),
    "designations": ("称号", "荣誉称号", "命名"),
    "district": ("区", "区县", "所在区", "所在区县", "县区", "行政区", "县(市、区)"),
    "address": ("地址", "详细地址", "所在地址", "位置"),
    "lon": ("经度", "longitude", "lng", "long", "x"),
    "lat": ("纬度", "latitude", "y"),
    "point_source": ("坐标来源", "位置来源"),
    "point_note": ("坐标说明", "位置说明"),
    "point_approximate": ("近似位置", "坐标为近似"),
    "opening_hours": ("开放时间", "open hours"),
    "hours_note": ("开放说明", "开放时间说明"),
    "hours_note_en": ("英文开放说明", "english hours note"),
    "closures": ("临时闭馆", "闭馆安排", "临时闭馆时间", "temporary closures"),
    "last_entry_minutes": ("停止入场", "停止入场时间"),
    "reservation": ("预约", "是否预约", "预约要求", "预约方式"),
    "reservation_days": ("提前预约天数", "预约天数"),
    "capacity": ("最大接待量", "容量", "接待量", "最大承载量"),
    "visit_minutes": ("参观时长", "建议参观时长", "参观时间"),
    "ticket_price": ("票价", "门票价格", "门票票价", "票价（元）"),
    "admission": ("门票", "门票说明", "入场须知"),
    "accessibility": ("无障碍", "无障碍设施"),
    "contact": ("联系方式", "联系电话", "电话"),
    "condition": ("保存状况", "现状"),
    "survey_date": ("调查日期", "普查日期"),
    "surveyor": ("调查人", "普查人"),
    "ownership": ("产权", "产权单位", "权属"),
    "themes": ("主题", "theme"),
    "parent": ("上级", "所属", "所属名录"),
    "footprint": ("范围", "保护范围"),
    "status": ("状态",),
    "summary": ("简介", "描述", "概况", "description"),
    "summary_en": ("英文简介", "english summary", "description_en"),
    "sources": ("来源", "资料来源", "出处", "source"),
}

_HEADER_JUNK = re.compile(r"[\s*_\-:：]+|[(（][^)）]*[)）]$")
_LIST_SPLIT = re.compile(r"(?<!\\)[;；]")


def header_key(header: str) -> str:
    """The form headers are matched in: NFKC, lower case, no spaces, `*` or trailing `(unit)`.

    Examples
    --------
    >>> header_key(" 参观时长（分钟） "), header_key("Name_EN"), header_key("名称*")
    ('参观时长', 'nameen', '名称')
    """
    text = unicodedata.normalize("NFKC", str(header)).strip().lower()
    text = re.sub(r"[(（][^)）]*[)）]\s*$", "", text)
    return _HEADER_JUNK.sub("", text)


def _build_lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for field in EXPORT_FIELDS:
        table[header_key(field)] = field
    for field, short in SHAPEFILE_NAMES.items():
        table[header_key(short)] = field
    for field, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            table.setdefault(header_key(alias), field)
    return table


_LOOKUP = _build_lookup()


def field_for(header: str) -> str | None:
    """The registry field a column header names, or None for an unknown column.

    Examples
    --------
    >>> field_for("名录名称"), field_for(" LAT "), field_for("resv_days"), field_for("备注")
    ('name', 'lat', 'reservation_days', None)
    """
    return _LOOKUP.get(header_key(header))


def map_headers(headers: Iterable[str]) -> dict[str, str]:
    """Each recognised header with its field, in file order.

    Two headers may name one field (a KML with both 类别 and category); rows take the first
    that is filled in.
    """
    out: dict[str, str] = {}
    for header in headers:
        field = field_for(header)
        if field is not None:
            out[header] = field
    return out


def encode_list(values: Iterable[str]) -> str | None:
    """A list as one cell: `a;b`, with `\\` and `;` escaped; None for an empty list.

    Examples
    --------
    >>> encode_list(["八七会议会址纪念馆", "a;b"])
    '八七会议会址纪念馆;a\\\\;b'
    >>> decode_list(encode_list(["八七会议会址纪念馆", "a;b", "c\\\\"]) or "")
    ['八七会议会址纪念馆', 'a;b', 'c\\\\']
    """
    items = [v.replace("\\", "\\\\").replace(";", "\\;") for v in values]
    return ";".join(items) if items else None


def decode_list(cell: str) -> list[str]:
    """The inverse of `encode_list`; `；` (full-width) separates too, as Chinese sheets write it."""
    parts: list[str] = []
    buf: list[str] = []
    chars = iter(cell)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, "")
            buf.append(nxt if nxt in ("\\", ";", "；") else ch + nxt)
        elif ch in (";", "；"):
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return [p.strip() for p in parts if p.strip()]


def encode_themes(weights: Mapping[str, float]) -> str | None:
    """Theme weights as `slug=weight;...` in slug order; None when a site has none.

    Examples
    --------
    >>> encode_themes({"martyrs": 1.0, "great-revolution": 0.8})
    'great-revolution=0.8;martyrs=1'
    """
    if not weights:
        return None
    return ";".join(f"{slug}={weights[slug]:g}" for slug in sorted(weights))


def decode_themes(cell: str) -> dict[str, float]:
    """The inverse of `encode_themes`; a bare name means weight 1.

    Raises
    ------
    ValueError
        When a weight is not a number.
    """
    out: dict[str, float] = {}
    for part in decode_list(cell.replace("，", ";").replace("、", ";")):
        key, sep, weight = part.partition("=")
        if not sep:
            key, sep, weight = part.partition(":")
        try:
            out[key.strip()] = float(weight) if sep else 1.0
        except ValueError:
            said = Message("cell_theme_weight", weight=weight, theme=key.strip())
            raise ValueError(said) from None
    return out
