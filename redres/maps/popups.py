"""What a popup says about a site or a stop, as escaped text: labels, today's hours, story excerpts.

Names, stories and notes are typed by editors or imported from spreadsheets, so none of them is
trusted HTML. Everything here returns either plain text (for the site layer, which writes it
with ``textContent``) or HTML built only from :func:`text` pieces. folium's own ``Popup`` and
``Tooltip`` insert their content unescaped (and need jQuery), so maps bind popups with
:class:`SafePopup` and :class:`SafeTooltip` instead.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from branca.element import MacroElement
from folium.template import Template

from redres.hours.opening import HolidayLookup, OpeningHoursError, parse_opening_hours
from redres.labels import LABELS, label
from redres.markdown import plain_text

_CATEGORY_LOOK: dict[str, tuple[str, str]] = {
    # key: (colour, glyph); one glyph and colour per category, read off the legend
    "former_site": ("#c0392b", "址"),
    "former_residence": ("#d35400", "居"),
    "memorial_hall": ("#8e44ad", "馆"),
    "museum": ("#2471a3", "博"),
    "martyrs_cemetery": ("#1e8449", "陵"),
    "monument": ("#7d6608", "碑"),
    "education_base": ("#117a65", "教"),
    "other": ("#566573", "他"),
}
CATEGORY_STYLE: dict[str, tuple[str, str, str]] = {
    key: (label("category", key), colour, glyph) for key, (colour, glyph) in _CATEGORY_LOOK.items()
}
"""key: (label, colour, glyph); the labels come from `redres.labels`."""
PERIOD_LABELS: dict[str, str] = {key: zh for key, (zh, _en) in LABELS["period"].items()}
PROTECTION_LABELS: dict[str, str] = {key: zh for key, (zh, _en) in LABELS["protection"].items()}
EXCERPT_CHARS = 80

_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#39;",
    "`": "&#96;",
    "$": "&#36;",
    "\\": "&#92;",
}
_ENTITY_RE = re.compile("[" + re.escape("".join(_ENTITIES)) + "]")


def text(value: object) -> str:
    """Escape any value for HTML, and for a JavaScript template literal as well.

    Backticks, ``$`` and backslashes are escaped too, so the result is safe even where a
    library pastes HTML into a template string.

    Examples
    --------
    >>> text("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> text(None)
    ''
    """
    if value is None:
        return ""
    return _ENTITY_RE.sub(lambda m: _ENTITIES[m.group(0)], str(value))


def category_label(key: str | None) -> str:
    """The Chinese label of a category, or the key itself for one we do not know."""
    return CATEGORY_STYLE.get(key or "other", (key or "其他", "", ""))[0]


def hours_today(
    opening_hours: str | None, day: dt.date, calendar: HolidayLookup, *, closed: str = "闭馆"
) -> str | None:
    """Today's opening hours as text ("09:00-17:00", `closed`), or None when unknown or unreadable."""
    if not opening_hours:
        return None
    try:
        intervals = parse_opening_hours(opening_hours).intervals(day, calendar)
    except OpeningHoursError:
        return None
    if not intervals:
        return closed
    return "，".join(str(i) for i in intervals)


def story_excerpt(props: Mapping[str, Any], *, limit: int = EXCERPT_CHARS) -> str:
    """A short plain-text excerpt: the feature's `excerpt`, else its first story's summary or body.

    The Markdown is read as Markdown (marks gone, a link's text kept, its address dropped) and
    the text is cut at `limit` characters with an ellipsis.

    Examples
    --------
    >>> story_excerpt({"stories": [{"summary": "", "body": "**八七会议**在[汉口](https://a.cn)召开。"}]})
    '八七会议在汉口召开。'
    """
    raw = props.get("excerpt")
    if not raw:
        for story in props.get("stories") or ():
            raw = story.get("summary") or story.get("body")
            if raw:
                break
    if not raw:
        return ""
    raw = str(raw)
    # read whole paragraphs only as far as the excerpt needs: a body may run to 50,000 chars
    cut = raw.find("\n\n", limit * 2)
    plain = plain_text(raw if cut < 0 else raw[:cut])
    return plain if len(plain) <= limit else plain[: limit - 1].rstrip() + "…"


class SafePopup(MacroElement):
    """Bind a popup whose HTML was built from escaped pieces (no jQuery, no template literal)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindPopup({{ this.html|tojson }}, {maxWidth: {{ this.max_width }}});
        {% endmacro %}
        """
    )

    def __init__(self, html: str, *, max_width: int = 320) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "SafePopup"
        self.html = html
        self.max_width = int(max_width)


class SafeTooltip(MacroElement):
    """Bind a tooltip showing `value` as text."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindTooltip({{ this.html|tojson }}, {sticky: {{ this.sticky|tojson }}});
        {% endmacro %}
        """
    )

    def __init__(
        self, value: object, *, sticky: bool = False, lang: str | None = None, prefix: str = ""
    ) -> None:
        """`lang` tags `value` (a name in another language than the page's); `prefix` is
        plain text before it in the page's language."""
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "SafeTooltip"
        shown = f'<span lang="{text(lang)}">{text(value)}</span>' if lang else text(value)
        self.html = text(prefix) + shown
        self.sticky = sticky
