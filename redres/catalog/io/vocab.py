"""Chinese names of the registry's closed vocabularies, as survey sheets write them.

A tourism office's spreadsheet says 全国重点文物保护单位, not `national`; the importer accepts
either, so files from the office and files exported by redres read the same way.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import Any, TypeVar

from redres.catalog.enums import Category, Condition, Period, Protection, Reservation, Status
from redres.labels import label
from redres.messages import Message

E = TypeVar("E", bound=StrEnum)

_JUNK = re.compile(r"[\s_\-·•、,，;；:：()（）\[\]【】\"'“”]+")

CATEGORY_ZH: dict[str, Category] = {
    "旧址": Category.former_site,
    "革命旧址": Category.former_site,
    "遗址": Category.former_site,
    "革命遗址": Category.former_site,
    "会址": Category.former_site,
    "故居": Category.former_residence,
    "旧居": Category.former_residence,
    "名人故居": Category.former_residence,
    "纪念馆": Category.memorial_hall,
    "陈列馆": Category.memorial_hall,
    "博物馆": Category.museum,
    "烈士陵园": Category.martyrs_cemetery,
    "烈士墓": Category.martyrs_cemetery,
    "陵园": Category.martyrs_cemetery,
    "烈士纪念设施": Category.martyrs_cemetery,
    "纪念碑": Category.monument,
    "纪念设施": Category.monument,
    "纪念地": Category.monument,
    "雕塑": Category.monument,
    "教育基地": Category.education_base,
    "爱国主义教育基地": Category.education_base,
    "其他": Category.other,
    "其它": Category.other,
}

PERIOD_ZH: dict[str, Period] = {
    "旧民主主义革命时期": Period.old_democratic,
    "旧民主主义革命": Period.old_democratic,
    "辛亥革命时期": Period.old_democratic,
    "建党时期": Period.founding,
    "中国共产党创建时期": Period.founding,
    "党的创建时期": Period.founding,
    "大革命时期": Period.great_revolution,
    "国民革命时期": Period.great_revolution,
    "土地革命战争时期": Period.agrarian_revolution,
    "土地革命时期": Period.agrarian_revolution,
    "抗日战争时期": Period.anti_japanese_war,
    "抗战时期": Period.anti_japanese_war,
    "解放战争时期": Period.liberation_war,
    "社会主义革命和建设时期": Period.socialist_construction,
    "社会主义建设时期": Period.socialist_construction,
    "改革开放和社会主义现代化建设新时期": Period.reform_opening,
    "改革开放时期": Period.reform_opening,
    "改革开放新时期": Period.reform_opening,
    "中国特色社会主义新时代": Period.new_era,
    "新时代": Period.new_era,
}

PROTECTION_ZH: dict[str, Protection] = {
    "全国重点文物保护单位": Protection.national,
    "国家级文物保护单位": Protection.national,
    "国保": Protection.national,
    "国家级": Protection.national,
    "省级文物保护单位": Protection.provincial,
    "省级": Protection.provincial,
    "省保": Protection.provincial,
    "市级文物保护单位": Protection.municipal,
    "市级": Protection.municipal,
    "市保": Protection.municipal,
    "县级文物保护单位": Protection.county,
    "区级文物保护单位": Protection.county,
    "县区级文物保护单位": Protection.county,
    "县级": Protection.county,
    "区级": Protection.county,
    "县保": Protection.county,
    "尚未核定公布为文物保护单位的不可移动文物": Protection.registered,
    "登记不可移动文物": Protection.registered,
    "不可移动文物": Protection.registered,
    "一般不可移动文物": Protection.registered,
    "未定级": Protection.none,
    "无": Protection.none,
}

RESERVATION_ZH: dict[str, Reservation] = {
    "无需预约": Reservation.none,
    "不需预约": Reservation.none,
    "免预约": Reservation.none,
    "否": Reservation.none,
    "无": Reservation.none,
    "建议预约": Reservation.recommended,
    "需预约": Reservation.required,
    "须预约": Reservation.required,
    "需要预约": Reservation.required,
    "必须预约": Reservation.required,
    "预约": Reservation.required,
    "是": Reservation.required,
}

CONDITION_ZH: dict[str, Condition] = {
    "好": Condition.good,
    "良好": Condition.good,
    "较好": Condition.fair,
    "一般": Condition.fair,
    "较差": Condition.poor,
    "差": Condition.poor,
    "危险": Condition.critical,
    "濒危": Condition.critical,
}

STATUS_ZH: dict[str, Status] = {
    "草稿": Status.draft,
    "已发布": Status.published,
    "发布": Status.published,
    "已归档": Status.archived,
}


def normalise_term(text: str) -> str:
    """Lower-case NFKC text without spaces and punctuation, the form vocabularies are keyed by.

    Examples
    --------
    >>> normalise_term(" Memorial Hall ")
    'memorialhall'
    >>> normalise_term("全国重点文物保护单位（第七批）")
    '全国重点文物保护单位第七批'
    """
    return _JUNK.sub("", unicodedata.normalize("NFKC", text).lower())


def lookup(enum: type[E], raw: str) -> E:
    """The member of `enum` that `raw` names, by English code or Chinese name.

    A Chinese name may carry a suffix the sheet added ("全国重点文物保护单位（第七批）").

    Raises
    ------
    ValueError
        Naming the value and the accepted codes when nothing matches.

    Examples
    --------
    >>> lookup(Protection, "全国重点文物保护单位")
    <Protection.national: 'national'>
    >>> lookup(Category, "Memorial hall")
    <Category.memorial_hall: 'memorial_hall'>
    """
    key = normalise_term(raw)
    table: dict[str, E] = _TABLES[enum]
    if key in table:
        return table[key]
    for name in sorted(table, key=len, reverse=True):
        if len(name) >= 2 and not name.isascii() and key.startswith(name):
            return table[name]
    accepted = ", ".join(m.value for m in enum)
    field = _FIELD_OF.get(enum.__name__, "")
    names = "、".join(label(field, m.value) for m in enum)
    raise ValueError(Message("e_unknown_term", value=raw, accepted=accepted, names=names))


_FIELD_OF = {
    "Category": "category",
    "Period": "period",
    "Protection": "protection",
    "Reservation": "reservation",
    "Condition": "condition",
}
"""The field whose labels (`redres.labels`) name an enum's members in Chinese."""


def _table(enum: type[StrEnum], zh: dict[str, E]) -> dict[str, StrEnum]:
    table: dict[str, StrEnum] = {normalise_term(k): v for k, v in zh.items()}
    for member in enum:
        table[normalise_term(member.value)] = member
    return table


_TABLES: dict[type[StrEnum], Any] = {
    Category: _table(Category, CATEGORY_ZH),
    Period: _table(Period, PERIOD_ZH),
    Protection: _table(Protection, PROTECTION_ZH),
    Reservation: _table(Reservation, RESERVATION_ZH),
    Condition: _table(Condition, CONDITION_ZH),
    Status: _table(Status, STATUS_ZH),
}
