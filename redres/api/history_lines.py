"""Audit entries as editors read them: Beijing time, field names and actions in their language,
codes as labels and references as names (`状态：草稿 → 已发布`, `上级：八七会议会址`), never
raw columns or ids.

The audit log stores UTC times and column values; this module only words them for pages.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

from sqlmodel import Session, col, select

from redres.api.i18n import Translate
from redres.catalog.account_tables import AuditLog
from redres.catalog.models import Site, Theme
from redres.hours.china_time import CHINA_TIME
from redres.hours.closures import closures_text
from redres.hours.words import hours_in_words
from redres.labels import LABELS, label

EMPTY = "—"
FIELD_KEYS = {
    "title": "story_title",
    "title_en": "story_title_en",
    "body": "story_body",
    "audience": "story_audience",
    "language": "story_language",
    "sites": "story_sites",
    "people": "story_people",
    "events": "story_events",
    "description": "description",
    "mode": "mode",
    "theme": "theme",
    "days": "form_stops",
    "stops": "form_stops",
}
"""Fields of stories and routes whose label key is not `field_<name>`."""


def beijing(moment: dt.datetime | str | None) -> str:
    """A stored moment (UTC; naive means UTC) as Beijing wall time, minutes shown.

    >>> beijing(dt.datetime(2026, 1, 1, 20, 5))
    '2026-01-02 04:05'
    >>> beijing("2026-01-01T00:00:00+00:00")
    '2026-01-01 08:00'
    """
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return _utc(moment).astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")


def _utc(moment: dt.datetime) -> dt.datetime:
    """Stored times are UTC; SQLite hands them back without a zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def field_label(name: str, _: Translate) -> str:
    """A field's name in the reader's language (its column name only when no text exists)."""
    for key in (f"hist_{name}", FIELD_KEYS.get(name, ""), f"field_{name}"):
        if key:
            text = _(key)
            if text != key:
                return text
    return name


def entry_rows(
    session: Session, entries: Iterable[AuditLog], _: Translate, lang: str
) -> list[dict[str, Any]]:
    """Each entry as `{id, at, when, actor, action, changes: [(label, before, after)]}`."""
    entries = list(entries)
    names = _site_names(session, entries)
    themes = _theme_names(session, lang)
    rows = []
    for e in entries:
        after = e.after or {}
        before = e.before or {}
        changes = [
            (
                field_label(k, _),
                _value(k, before.get(k), _, lang, names, themes) if e.before else None,
                _value(k, after.get(k), _, lang, names, themes),
            )
            for k in after
            if k not in HIDDEN and (e.before or not _empty(after.get(k)))
        ]
        rows.append(
            {
                "id": e.id,
                "at": e.at,
                "when": beijing(e.at),
                "iso": _utc(e.at).isoformat(),
                "actor": e.actor,
                "action": _action(e.action, _),
                "changes": changes,
            }
        )
    return rows


HIDDEN = frozenset({"id"})
"""Columns an editor never needs to read in a history (the row's own number)."""


def _empty(value: Any) -> bool:
    """What a new record's entry leaves out: the boxes nobody filled in."""
    return value is None or value in ([], {}, "")


def _action(action: str, _: Translate) -> str:
    text = _(f"audit_{action}")
    return action if text == f"audit_{action}" else text


def _value(
    key: str,
    value: Any,
    _: Translate,
    lang: str,
    names: Mapping[int, str],
    themes: Mapping[str, str],
) -> str:
    """One stored value as words: labels for codes, names for references."""
    if _empty(value):
        return EMPTY
    if key == "status":
        return _(f"status_{value}")
    if key == "role":
        return _(f"role_{value}")
    if key == "expires_at":
        return beijing(str(value))
    if key == "point_crs" and _(f"crs_{value}") != f"crs_{value}":
        return _(f"crs_{value}")
    if key == "opening_hours" and isinstance(value, str):
        try:
            return hours_in_words(value, None, lang) or value
        except ValueError:
            return value
    if key in LABELS:
        return label(key, value, lang)
    if key == "parent_id":
        return names.get(int(value), f"#{value}")
    if key == "themes" and isinstance(value, Mapping):
        return _("list_separator").join(
            f"{themes.get(slug, slug)} {float(w):g}" for slug, w in value.items()
        )
    if key == "closures" and isinstance(value, list):
        return closures_text(value) or EMPTY
    if key == "footprint" and isinstance(value, str):
        return _footprint_words(value, _)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return _("list_separator").join(str(v) for v in value)
    if isinstance(value, Mapping):
        return _("list_separator").join(f"{k}={v}" for k, v in value.items())
    text = str(value)
    return text if len(text) <= 300 else text[:299] + "…"


def _footprint_words(text: str, _: Translate) -> str:
    """A footprint as a person checks it: its shape, points and rough area, not its GeoJSON."""
    from shapely.geometry import shape

    try:
        geom = shape(json.loads(text))
    except (ValueError, TypeError, AttributeError, KeyError):
        return text if len(text) <= 300 else text[:299] + "…"
    rings = list(getattr(geom, "geoms", [geom]))
    points = sum(len(ring.exterior.coords) for ring in rings if hasattr(ring, "exterior"))
    metres = geom.area * 111_320**2 * math.cos(math.radians(geom.centroid.y))
    return _(
        "history_footprint",
        kind=_(f"geom_{geom.geom_type}"),
        points=points,
        area=f"{metres:,.0f}",
    )


def _site_names(session: Session, entries: list[AuditLog]) -> dict[int, str]:
    """The names of the sites entries point to as parents, looked up once."""
    ids = {
        int(side["parent_id"])
        for e in entries
        for side in (e.before or {}, e.after or {})
        if isinstance(side.get("parent_id"), int)
    }
    if not ids:
        return {}
    rows = session.exec(select(Site.id, Site.name).where(col(Site.id).in_(ids))).all()
    return {int(site_id or 0): name for site_id, name in rows}


def _theme_names(session: Session, lang: str) -> dict[str, str]:
    rows = session.exec(select(Theme.slug, Theme.name, Theme.name_en)).all()
    return {slug: (name_en or name) if lang == "en" else name for slug, name, name_en in rows}
