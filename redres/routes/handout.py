"""A printable HTML handout of an itinerary: the day's schedule, legs, lesson notes, stories to
tell and the contacts a class needs on the road, in the reader's language.

Rendered with Jinja2 and autoescape, because site names and stories are user text; a story's
summary is Markdown, rendered and sanitised by `redres.markdown`. The map is a slot:
the maps room renders it and passes its URL (``map_url``, also a ``data:`` URL) or a reason it
could not (``map_error``), so this room never imports `redres.maps`.

The page is fluid on a phone and prints on A4 portrait (print CSS: page size and margins, no
stop or lesson split across pages). The words come from the pages' `translate` (locale keys
``handout.*``); text the catalogue holds in one language only (English story summaries,
English notes on a Chinese handout) is left out or replaced by its counterpart in the
reader's language, so a Chinese handout carries no English sentences.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from jinja2 import Environment, select_autoescape

from redres.markdown import render_inline
from redres.messages import Message, Name
from redres.routes.answer import Itinerary, Stop, hhmm
from redres.routes.model import Story

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORDS = re.compile(r"[A-Za-z]{3,}(?:\s+[A-Za-z]{2,}){2,}")
"""Three or more Latin words in a row: a sentence in English rather than a name or code."""

FALLBACK_WORDS: Mapping[str, str] = {
    "handout.title": "研学线路",
    "handout.map": "路线图",
    "handout.map_missing": "路线图无法生成",
    "day_n": "第{n}天",
    "handout.depart": "出发",
    "handout.back": "返回",
    "lunch": "午餐",
    "handout.no": "序号",
    "handout.time": "时间",
    "handout.place": "地点",
    "handout.leg": "路程",
    "arrive": "到达",
    "handout.leg_value": "{minutes} 分钟 · {km} 公里",
    "handout.lessons": "现场教学",
    "handout.lesson": "教学内容",
    "handout.note": "教学提示",
    "handout.omitted": "未安排的地点",
    "handout.start": "出发点",
    "handout.end": "终点",
    "handout.contacts": "联系方式（请填写）",
    "handout.leader": "带队老师",
    "handout.phone": "联系电话",
    "handout.emergency": "紧急联系人",
    "handout.meeting_point": "集合地点",
    "handout.notes_lines": "笔记",
    "handout.instructor": "主讲教员",
    "reason_closed": "当日闭馆",
    "reason_capacity": "接待量不足",
    "reason_outside_window": "不在时间范围内",
    "reason_no_time": "时间不够",
    "reason_no_location": "位置未记录",
    "reason_low_relevance": "主题关联度低",
    "reason_excluded": "已排除",
    "reason_reservation": "需提前预约",
    "reason_over_budget": "超出门票预算",
    "reason_kind_cap": "超出类别上限",
    "ticket_price": "票价",
    "ticket_free": "免费",
    "yuan_per_person": "{price} 元/人",
    "handout.tickets": "门票",
    "tickets_total": "门票合计：每人 {per_person} 元，全团 {size} 人共 {group} 元",
    "tickets_budget": "预算每人 {budget} 元",
    "tickets_unpriced": "{count} 处票价未记录（按免费计）",
    "chronology_broken": "以下站点未能按历史顺序安排：",
}
"""The handout's own words in Chinese, for callers without the pages' translator."""

TEMPLATE = """<!doctype html>
<html lang="{{ 'zh-CN' if lang == 'zh' else 'en' }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
 * { box-sizing: border-box; }
 body { font: 16px/1.55 "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
   system-ui, sans-serif; color: #111; margin: 0 auto; padding: 1rem; max-width: 52rem;
   overflow-wrap: anywhere; }
 h1 { font-size: 1.45rem; margin: 0 0 .5rem; }
 h2 { font-size: 1.2rem; margin: 1.4rem 0 .4rem; border-bottom: 2px solid #a61b1b; }
 h3 { font-size: 1.05rem; margin: 1rem 0 .3rem; }
 .meta { color: #444; }
 figure.map { margin: .8rem 0; border: 1px solid #999; }
 figure.map img { display: block; width: 100%; height: auto; }
 figure.map figcaption { font-size: .85rem; color: #444; padding: .2rem .5rem; }
 .map-missing { border: 1px dashed #a00; color: #a00; padding: .6rem; }
 table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; }
 th, td { border: 1px solid #999; padding: .3rem .45rem; text-align: left; vertical-align: top; }
 th { background: #f3f3f3; white-space: nowrap; }
 td.no { width: 2.5em; text-align: center; font-weight: 700; }
 td.time, td.leg { white-space: nowrap; }
 .warn { color: #8a0000; font-size: .9em; }
 tr.lunch td { background: #f7f7f7; color: #444; }
 .addr { color: #444; font-size: .9em; }
 .stop-photo { display: block; width: 8rem; max-width: 100%; height: auto; margin-top: .3rem; }
 .stop-notes { border-left: 3px solid #a61b1b; padding: .1rem 0 .1rem .7rem; margin: .6rem 0; }
 .lesson { margin: .25rem 0; }
 .contacts { display: grid; grid-template-columns: max-content 1fr; gap: .9rem .8rem; margin: .6rem 0; }
 .contacts dt { font-weight: 700; }
 .contacts dd { margin: 0; border-bottom: 1px solid #333; min-height: 1.5em; }
 .lines { list-style: none; padding: 0; margin: .4rem 0; }
 .lines li { border-bottom: 1px solid #999; height: 2em; }
 @media (max-width: 36rem) {
  table.stops thead { display: none; }
  table.stops, table.stops tbody, table.stops tr, table.stops td { display: block; width: auto; }
  table.stops tr { border: 1px solid #999; margin: .5rem 0; padding: .3rem .5rem; }
  table.stops td { border: 0; padding: .1rem 0; }
  table.stops td.no { width: auto; text-align: left; }
  table.stops td[data-label]::before { content: attr(data-label) "{{ colon }}"; color: #444; }
  html:lang(en) table.stops td[data-label]::before { content: attr(data-label) ": "; }
  table.stops td.leg:empty, table.stops tr.lunch td.no { display: none; }
  .contacts { grid-template-columns: 1fr; gap: .2rem; }
 }
 @page { size: A4 portrait; margin: 14mm 12mm 16mm; }
 @media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  section.day + section.day { break-before: page; }
  tr, .stop-notes, figure.map, .contacts, .lines { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
 }
</style>
</head>
<body>
<h1>{{ title }}</h1>
{% if warnings %}<ul class="warn">{% for w in warnings %}<li>{{ w }}</li>{% endfor %}</ul>{% endif %}
{% if map_url %}<figure class="map" id="map"><img src="{{ map_url }}" alt="{{ t('handout.map') }}{{ colon }}{{ title }}"><figcaption>{{ t('handout.map') }}</figcaption></figure>
{% elif map_error %}<p class="map-missing" id="map" role="alert">{{ t('handout.map_missing') }}{{ colon }}{{ map_error }}</p>{% endif %}
<section class="contacts-block" aria-labelledby="contacts">
<h2 id="contacts">{{ t('handout.contacts') }}</h2>
<dl class="contacts">
 <dt>{{ t('handout.leader') }}</dt><dd></dd>
 <dt>{{ t('handout.phone') }}</dt><dd></dd>
 <dt>{{ t('handout.emergency') }}</dt><dd></dd>
 <dt>{{ t('handout.phone') }}</dt><dd></dd>
 <dt>{{ t('handout.meeting_point') }}</dt><dd></dd>
</dl>
</section>
{% macro lunch_row(day) %}<tr class="lunch"><td class="no"></td><td class="time" data-label="{{ t('handout.time') }}">{{ hhmm(day.lunch.start) }}-{{ hhmm(day.lunch.end) }}</td><td colspan="2">{{ t('lunch') }}{{ bracketed(places.get(day.lunch.at, day.lunch.at)) }}</td></tr>{% endmacro %}
{% for day in itinerary.days %}
<section class="day">
<h2>{{ t('day_n', n=loop.index) }} · {{ day.date.isoformat() }}</h2>
<p class="meta">{{ t('handout.depart') }} {{ hhmm(day.depart) }} · {{ t('handout.back') }} {{ hhmm(day.back) }}{% if day.lunch %} · {{ t('lunch') }} {{ hhmm(day.lunch.start) }}-{{ hhmm(day.lunch.end) }}{{ bracketed(places.get(day.lunch.at, day.lunch.at)) }}{% endif %}</p>
<table class="stops">
<thead><tr><th scope="col">{{ t('handout.no') }}</th><th scope="col">{{ t('handout.time') }}</th><th scope="col">{{ t('handout.place') }}</th><th scope="col">{{ t('handout.leg') }}</th></tr></thead>
<tbody>
{% for stop in day.stops %}
{% if day.lunch and loop.index0 == day.stops_before_lunch %}{{ lunch_row(day) }}{% endif %}
<tr class="stop"><td class="no">{{ loop.index }}</td>
<td class="time" data-label="{{ t('handout.time') }}">{{ hhmm(stop.start) }}-{{ hhmm(stop.leave) }}{% if stop.arrive != stop.start %}<br><span class="meta">{{ t('arrive') }} {{ hhmm(stop.arrive) }}</span>{% endif %}</td>
<td data-label="{{ t('handout.place') }}"><strong>{{ place_name(stop) }}</strong>{% if stop.event %}<br><span class="event"><time>{{ stop.event.date }}</time> {{ stop.event.name_en if lang == 'en' and stop.event.name_en else stop.event.name }}</span>{% endif %}{% if stop.address %}<br><span class="addr">{{ stop.address }}</span>{% endif %}
{% if stop.ticket_price is not none %}<div class="ticket">{{ t('ticket_price') }} {{ t('ticket_free') if stop.ticket_price == 0 else t('yuan_per_person', price=num(stop.ticket_price)) }}</div>{% endif %}
{% if instructors.get(stop.slug) %}<div class="instructor">{{ t('handout.instructor') }}{{ colon }}{{ instructors[stop.slug] }}</div>{% endif %}
{% set photo = photos.get(stop.slug) %}{% if photo %}<img class="stop-photo" src="{{ photo[0] }}" alt="{{ photo[1] }}">{% endif %}
{% for w in stop_warnings(stop) %}<div class="warn">{{ w }}</div>{% endfor %}</td>
<td class="leg" data-label="{{ t('handout.leg') }}">{{ legs_to[day.date].get(stop.slug, "") }}</td></tr>
{% endfor %}
{% if day.lunch and day.stops_before_lunch >= day.stops|length %}{{ lunch_row(day) }}{% endif %}
</tbody>
</table>
{% for stop in day.stops %}{% set told = stories(stop) %}{% set note = readable(stop.note_en if lang == 'en' else stop.note) %}{% if note or told or lessons.get(stop.slug) %}
<div class="stop-notes">
<h3>{{ loop.index }}. {{ place_name(stop) }}</h3>
{% for lesson in lessons.get(stop.slug, []) %}<p class="lesson"><strong>{{ t('handout.lessons') }}{{ colon }}</strong>{{ lesson }}</p>{% endfor %}
{% if note %}<p class="lesson note"><strong>{{ t('handout.note') }}{{ colon }}</strong>{{ note }}</p>{% endif %}
{% for title_, text in told %}<p><strong>{{ title_ }}</strong>{% if text %}{{ colon }}{{ text|markdown_inline }}{% endif %}</p>{% endfor %}
</div>
{% endif %}{% endfor %}
<h3>{{ t('handout.notes_lines') }}</h3>
<ul class="lines" aria-hidden="true">{% for _ in range(4) %}<li></li>{% endfor %}</ul>
</section>
{% endfor %}
{% if tickets.per_person or tickets.budget is not none or tickets.unpriced|length < itinerary.stops|length %}
<section class="tickets" aria-labelledby="tickets">
<h2 id="tickets">{{ t('handout.tickets') }}</h2>
<p>{{ t('tickets_total', per_person=num(tickets.per_person), group=num(tickets.group), size=tickets.group_size) }}{% if tickets.budget is not none %}{{ semicolon }}{{ t('tickets_budget', budget=num(tickets.budget)) }}{% endif %}{% if tickets.unpriced %}{{ semicolon }}{{ t('tickets_unpriced', count=tickets.unpriced|length) }}{% endif %}</p>
<ul>{% for stop in itinerary.stops if stop.ticket_price is not none %}<li>{{ place_name(stop) }}{{ colon }}{{ t('ticket_free') if stop.ticket_price == 0 else t('yuan_per_person', price=num(stop.ticket_price)) }}</li>{% endfor %}</ul>
</section>
{% endif %}
{% if itinerary.chronology %}
<p>{{ t('chronology_broken') }}</p>
<ul>{% for b in itinerary.chronology %}<li>{{ say(b.detail) }}</li>{% endfor %}</ul>
{% endif %}
{% if omitted %}
<h2>{{ t('handout.omitted') }}</h2>
<ul>{% for o in omitted %}<li>{{ omitted_name(o) }}{{ colon }}{{ say(o.detail) or t('reason_' ~ o.reason) }}</li>{% endfor %}</ul>
{% endif %}
</body>
</html>
"""

QUIET_REASONS = frozenset({"low_relevance", "no_location", "excluded"})
"""Omissions a class need not read about (off the theme, never plannable, left out on purpose);
the planner page lists them for the teacher."""

_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
_ENV.filters["markdown_inline"] = render_inline


def render_handout(
    itinerary: Itinerary,
    *,
    title: str = "",
    map_url: str | None = None,
    map_error: str | None = None,
    lessons: Mapping[str, Sequence[str]] | None = None,
    translate: Callable[..., str] | None = None,
    lang: str = "zh",
    photos: Mapping[str, tuple[str, str]] | None = None,
    instructors: Mapping[str, str] | None = None,
) -> str:
    """The handout as one HTML page in `lang` ("zh" or "en").

    `instructors` (site slug -> a line) names who teaches at each stop: a class's handout.

    `map_url` fills the map slot when the maps room gives one (`map_error` says why it could
    not), and `lessons` (site slug -> lines) is the course plan: the lesson to give at each
    stop; `photos` (site slug -> image URL and alt text) a picture of each stop, so a group
    knows the place it meets at. `translate` is the pages' `_` in `lang`: it words the handout, the warnings, details
    and reasons; without it the handout's own Chinese words are used.
    """
    t = translate or _fallback
    legs_to: dict[object, dict[str, str]] = {}
    for day in itinerary.days:
        legs_to[day.date] = {
            leg.destination: t(
                "handout.leg_value", minutes=f"{leg.minutes:.0f}", km=f"{leg.metres / 1000:.1f}"
            )
            for leg in day.legs
        }
    places = {"start": t("handout.start"), "end": t("handout.end")} | {
        s.slug: _place_name(s, lang) for s in itinerary.stops
    }

    def say(item: object) -> str:
        """A warning or detail in `lang`; notes the catalogue has only in another are dropped."""
        return t(without_foreign_notes(item, lang))

    template = _ENV.from_string(TEMPLATE)
    return template.render(
        itinerary=itinerary,
        lang=lang,
        title=title or itinerary.name or _dated_title(itinerary, t("handout.title")),
        map_url=map_url,
        map_error=map_error,
        hhmm=hhmm,
        num=lambda x: f"{x:g}",
        tickets=itinerary.tickets,
        legs_to=legs_to,
        places=places,
        lessons=lessons or {},
        colon=": " if lang == "en" else "：",
        semicolon="; " if lang == "en" else "；",
        bracketed=lambda text: f" ({text})" if lang == "en" else f"（{text}）",
        photos=photos or {},
        instructors=instructors or {},
        t=t,
        say=say,
        warnings=[w for w in (say(x) for x in itinerary.warnings) if w],
        omitted=[o for o in itinerary.omitted if o.reason not in QUIET_REASONS],
        stop_warnings=lambda stop: [w for w in (say(x) for x in stop.warnings) if w],
        place_name=lambda stop: _place_name(stop, lang),
        omitted_name=lambda o: Name(o.name or o.slug, o.name_en).in_language(lang),
        readable=lambda text: _readable(text or "", lang),
        stories=lambda stop: _stories(stop.stories, lang),
    )


def in_language(text: str, lang: str) -> bool:
    """Whether `text` can stand on a handout in `lang`: a Chinese handout takes no English
    sentence (names and codes in Latin letters are fine); an English one takes no text
    without any Latin letters.

    Examples
    --------
    >>> in_language("八七会议会址", "zh"), in_language("The hours are old and contradictory.", "zh")
    (True, False)
    >>> in_language("Site of the August 7 Conference", "en"), in_language("八七会议", "en")
    (True, False)
    """
    if lang == "zh":
        return _LATIN_WORDS.search(text) is None
    return bool(re.search(r"[A-Za-z]", text)) or not _CJK.search(text)


def without_foreign_notes(item: object, lang: str) -> object:
    """A warning whose nested note (catalogue text) is not in `lang`, without that note."""
    if not isinstance(item, Message):
        return item
    fields: dict[str, Any] = dict(item.fields)
    changed = False
    for key, value in item.fields.items():
        if isinstance(value, Message) and value.key.endswith(".note"):
            said = value.fields.get("note_en") if lang == "en" else None
            inner = str(said or value.fields.get("note", ""))
            if not in_language(inner, lang):
                fields[key], changed = "", True
    return Message(item.key, **fields) if changed else item


def _dated_title(itinerary: Itinerary, words: str) -> str:
    """A plan's title when it has no name: the words and its dates (first to last day)."""
    dates = [d.date.isoformat() for d in itinerary.days]
    if not dates:
        return words
    return f"{words} · {dates[0]}" + (f" – {dates[-1]}" if dates[-1] != dates[0] else "")


def _readable(text: str, lang: str) -> str:
    return text if in_language(text, lang) else ""


def _place_name(stop: Stop, lang: str) -> str:
    return Name(stop.name, stop.name_en).in_language(lang)


def _stories(stories: Sequence[Story], lang: str) -> list[tuple[str, str]]:
    """Each story's title and text in `lang`: the summary, else the body's opening."""
    told: list[tuple[str, str]] = []
    for story in stories:
        title = story.title_en or story.title if lang == "en" else story.title
        text = next((x for x in (story.summary, story.excerpt) if x and in_language(x, lang)), "")
        if lang == "en" and not in_language(title, lang):
            title = ""
        if title or text:
            told.append((title, text))
    return told


def _fallback(key: object, **fields: object) -> str:
    if not isinstance(key, str) or isinstance(key, Message):
        return str(key)
    text = FALLBACK_WORDS.get(key, key)
    return text.format(**fields) if fields else text
