"""Sentences in the reader's language all the way down: a record's name in a sentence is the
reader's, and Chinese sentences hold no space between Chinese words (spaces are for English)."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import re

from redres.api.i18n import LOCALES, MESSAGES, map_words, translator
from redres.messages import Message, Name, Sentences, message_from_json, message_json

AUGUST_7 = Name("八七会议会址", "Site of the August 7 Conference")
MONDAY = dt.date(2025, 6, 9)

HAN = "\u3400-\u9fff"
FULL_OPEN = "（「“《【"
FULL_CLOSE = "）」”》】，。；：、"
WORDS_BOTH_ENDS = {"name", "site", "earlier", "later", "field", "kind", "closure", "reason"}
"""Fields that hold Chinese words (names, labels, nested sentences): no space on either side."""
ENDS_FULLWIDTH = {"date", "dates", "by"}
"""Dates: ``2025-06-09（周一）`` starts with a digit (a space before is fine) and ends with a
full-width bracket (no space after)."""
LATIN_VALUED = {
    ("err.api_query", "name"),
    ("err.api_path", "name"),
    ("err.api_header", "name"),
    ("reset_link_once", "name"),
    ("set_password_for", "name"),
    ("msg.feature_coordinates", "kind"),
    ("msg.e_plan_dates", "date"),
}
"""Fields of these names that hold Latin text here: a parameter, a username, a GeoJSON type,
an ISO date without its weekday."""
DATES_HERE = {"msg.closure_now_until", "msg.closure_soon_span", "msg.closure_soon_open"}
"""Sentences whose `start`/`end` are dates (elsewhere they are times or ISO dates)."""


def test_a_sentence_names_a_site_in_the_readers_language() -> None:
    closed = Message("v_closed", name=AUGUST_7, date=MONDAY)
    assert str(closed) == "Site of the August 7 Conference is closed on 2025-06-09 (Mon)"
    assert translator("en")(closed) == str(closed)
    assert translator("zh")(closed) == "八七会议会址在 2025-06-09（周一）闭馆"
    unnamed = Message("v_closed", name=Name("施洋烈士墓"), date=MONDAY)
    assert str(unnamed) == "施洋烈士墓 is closed on 2025-06-09 (Mon)"  # no English name yet
    refused = Message("e_edit_infeasible", reasons=Sentences([closed, unnamed]))
    assert translator("zh")(refused) == (
        "修改后的站点不符合线路保存的计划：八七会议会址在 2025-06-09（周一）闭馆；"
        "施洋烈士墓在 2025-06-09（周一）闭馆"
    )
    assert "Site of the August 7 Conference is closed" in translator("en")(refused)


def test_a_name_survives_storage_and_pickling() -> None:
    said = Message("site_reason", site=AUGUST_7, reason=Message("excluded"))
    stored = message_from_json(json.loads(json.dumps(message_json(said))))
    assert stored.fields["site"] == AUGUST_7
    assert translator("zh")(stored) == "八七会议会址：已按要求排除"
    assert pickle.loads(pickle.dumps(said)).fields == said.fields


def _spaced(key: str, template: str) -> list[str]:
    """The fields of `template` that a space separates from Chinese text."""
    out = []
    han_before = f"[{HAN}{FULL_CLOSE}] "
    for m in re.finditer(r"\{(\w+)\}", template):
        field = m.group(1)
        if (key, field) in LATIN_VALUED:
            continue
        before = template[max(0, m.start() - 2) : m.start()]
        after = template[m.end() : m.end() + 2]
        dated = field in ENDS_FULLWIDTH or (key in DATES_HERE and field in ("start", "end"))
        if field in WORDS_BOTH_ENDS and re.fullmatch(han_before, before):
            out.append(field)
        if (field in WORDS_BOTH_ENDS or dated) and re.fullmatch(f" [{HAN}{FULL_OPEN}]", after):
            out.append(field)
    return out


def test_no_space_between_chinese_words() -> None:
    spaced = {key: _spaced(key, text) for key, text in MESSAGES["zh"].items()}
    assert {key: fields for key, fields in spaced.items() if fields} == {}


def test_the_space_check_finds_the_english_joins() -> None:
    assert _spaced("msg.v_closed", "{name} 在 {date} 闭馆") == ["name", "date"]
    assert _spaced("msg.v_closed", "{name}在 {date}闭馆") == []
    assert _spaced("msg.closure_soon_span", "{start} 至 {end} 临时闭馆") == ["start", "end"]
    assert _spaced("msg.e_yes_no", "{field} 应填") == ["field"]


def test_one_is_singular_in_english_and_chinese_has_no_plural() -> None:
    en, zh = translator("en"), translator("zh")
    assert [en("stop_count", count=n) for n in (1, 2)] == ["1 stop", "2 stops"]
    assert [zh("stop_count", count=n) for n in (1, 2)] == ["1 站", "2 站"]
    assert [en("results", count=n) for n in (1, 3)] == ["1 site", "3 sites"]
    assert [zh("results", count=n) for n in (1, 3)] == ["共 1 处", "共 3 处"]
    assert [map_words("en").stops(n) for n in (1, 2)] == ["1 stop", "2 stops"]
    assert map_words("zh").stops(1) == "1 站"
    by = dt.date(2025, 6, 8)
    assert str(Message("reservation_required", days=1, by=by)) == (
        "reservation required 1 day ahead: book by 2025-06-08 (Sun)"
    )
    assert str(Message("reservation_required", days=3, by=by)).startswith(
        "reservation required 3 days"
    )
    assert (
        zh(Message("reservation_required", days=1, by=by))
        == "须提前 1 天预约：请在 2025-06-08（周日）前预约"
    )
    templates = LOCALES.parent / "templates"
    for path in templates.glob("*.html"):  # a count then a word: no plural for one
        assert not re.search(r"\}\} \{\{ _\('(stops|days|sites)'\) \}\}", path.read_text()), path


def test_an_early_arrival_is_bracketed_as_each_language_does() -> None:
    assert translator("zh")("arrive_at", time="11:59") == "（11:59 到达）"
    assert translator("en")("arrive_at", time="11:59") == "(arrive 11:59)"
    templates = LOCALES.parent / "templates"
    for name in ("_itinerary.html", "route.html"):
        assert "({{ _('arrive') }}" not in (templates / name).read_text(encoding="utf-8")
