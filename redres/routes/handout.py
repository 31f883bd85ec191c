"""A printable HTML handout of an itinerary: the day's schedule, lesson notes and stories to tell.

Rendered with Jinja2 and autoescape, because site names and stories are user text; a story's
summary is Markdown, rendered and sanitised by `redres.markdown`. The map is
a slot: the maps room renders it and passes its URL (``map_url``) or leaves it empty, so this
room never imports `redres.maps`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from jinja2 import Environment, select_autoescape

from redres.markdown import render_inline
from redres.routes.model import Itinerary, hhmm

TEMPLATE = """<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<style>
 body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; margin: 2em; }
 table { border-collapse: collapse; width: 100%; margin-bottom: 1em; }
 th, td { border: 1px solid #999; padding: .3em .5em; text-align: left; vertical-align: top; }
 .map { border: 1px dashed #999; min-height: 12em; margin: 1em 0; }
 .warn { color: #a00; font-size: .9em; }
 .lesson { border-left: 3px solid #a61b1b; padding-left: .5em; }
 section.day { page-break-after: always; }
 @media print { .map:empty { display: none; } }
</style>
</head>
<body>
<h1>{{ title }}</h1>
{% if itinerary.warnings %}<ul class="warn">{% for w in itinerary.warnings %}<li>{{ say(w) }}</li>{% endfor %}</ul>{% endif %}
<div class="map" id="map">{% if map_url %}<img src="{{ map_url }}" alt="route map" style="width:100%">{% endif %}</div>
{% for day in itinerary.days %}
<section class="day">
<h2>第{{ loop.index }}天 · {{ day.date.isoformat() }}</h2>
<p>出发 {{ hhmm(day.depart) }} · 返回 {{ hhmm(day.back) }}{% if day.lunch %} · 午餐 {{ hhmm(day.lunch.start) }}-{{ hhmm(day.lunch.end) }}（{{ places.get(day.lunch.at, day.lunch.at) }}）{% endif %}</p>
<table>
<tr><th>#</th><th>到达</th><th>参观</th><th>地点</th><th>路程</th></tr>
{% for stop in day.stops %}
<tr><td>{{ loop.index }}</td><td>{{ hhmm(stop.arrive) }}</td><td>{{ hhmm(stop.start) }}-{{ hhmm(stop.leave) }}</td>
<td><strong>{{ stop.name }}</strong>{% if stop.name_en %}<br>{{ stop.name_en }}{% endif %}{% if stop.address %}<br>{{ stop.address }}{% endif %}
{% for w in stop.warnings %}<div class="warn">{{ say(w) }}</div>{% endfor %}</td>
<td>{{ legs_to[day.date].get(stop.slug, "") }}</td></tr>
{% endfor %}
</table>
{% for stop in day.stops %}{% if stop.note or stop.stories or lessons.get(stop.slug) %}
<h3>{{ loop.index }}. {{ stop.name }}</h3>
{% if stop.note %}<p class="lesson note">{{ stop.note }}</p>{% endif %}
{% for lesson in lessons.get(stop.slug, []) %}<p class="lesson">现场教学：{{ lesson }}</p>{% endfor %}
{% for story in stop.stories %}<p><strong>{{ story.title }}</strong>{% if story.summary %}：{{ story.summary|markdown_inline }}{% endif %}</p>{% endfor %}
{% endif %}{% endfor %}
</section>
{% endfor %}
{% if itinerary.omitted %}
<h2>未安排的地点</h2>
<ul>{% for o in itinerary.omitted %}<li>{{ o.name }}（{{ reason(o.reason) }}）：{{ say(o.detail) }}</li>{% endfor %}</ul>
{% endif %}
</body>
</html>
"""

_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
_ENV.filters["markdown_inline"] = render_inline


def render_handout(
    itinerary: Itinerary,
    *,
    title: str = "",
    map_url: str | None = None,
    lessons: Mapping[str, Sequence[str]] | None = None,
    translate: Callable[..., str] | None = None,
) -> str:
    """The handout as one HTML page; `map_url` fills the map slot when the maps room gives one,
    and `lessons` (site slug -> lines) is the course plan: the lesson to give at each stop.

    `translate` is the pages' `_` (Chinese, like the handout's own text): it turns warnings,
    details and reason codes into the reader's language; without it they stay English codes.
    """
    legs_to: dict[object, dict[str, str]] = {}
    for day in itinerary.days:
        legs_to[day.date] = {
            leg.destination: f"{leg.minutes:.0f} min · {leg.metres / 1000:.1f} km"
            for leg in day.legs
        }
    places = {"start": "出发点", "end": "终点"} | {s.slug: s.name for s in itinerary.stops}
    template = _ENV.from_string(TEMPLATE)
    return template.render(
        itinerary=itinerary,
        title=title or itinerary.name or "研学线路",
        map_url=map_url,
        hhmm=hhmm,
        legs_to=legs_to,
        places=places,
        lessons=lessons or {},
        say=translate or str,
        reason=(lambda code: translate(f"reason_{code}")) if translate else str,
    )
