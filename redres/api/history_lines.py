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
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from redres.api.i18n import Translate
from redres.catalog.account_tables import AuditLog, User
from redres.catalog.models import Site, Theme
from redres.hours.china_time import CHINA_TIME
from redres.hours.closures import closures_text
from redres.hours.words import hours_in_words
from redres.labels import LABELS, label
from redres.messages import Name

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
    "days": "days_count",
    "stops": "form_stops",
    "theme_id": "theme",
    "plan": "hist_plan",
    "kind": "hist_route_kind",
    "owner_id": "hist_owner",
}
"""Fields of stories and routes whose label key is not `field_<name>`."""

PLAN_KEYS = {
    "date": "date",
    "days": "days_count",
    "themes": "theme",
    "start": "hist_plan_start",
    "end": "hist_plan_end",
    "mode": "mode",
    "group_size": "group_size",
    "window": "window",
    "lunch": "lunch",
    "must": "form_field_must",
    "exclude": "form_field_exclude",
    "max_stops": "form_field_max_stops",
    "ticket_budget": "form_field_ticket_budget",
    "kind_caps": "hist_plan_kind_caps",
    "chronological": "form_field_chronological",
}
"""The parts of a route's saved plan an editor reads, in order, and their labels."""


@dataclass(slots=True)
class Names:
    """What entries refer to by id or slug, as names in the page's language."""

    sites: dict[int, str] = field(default_factory=dict)
    site_slugs: dict[str, str] = field(default_factory=dict)
    themes: dict[str, str] = field(default_factory=dict)
    theme_ids: dict[int, str] = field(default_factory=dict)
    users: dict[int, str] = field(default_factory=dict)


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
    names = _names(session, entries, lang)
    rows = []
    for e in entries:
        after = e.after or {}
        before = e.before or {}
        changes = [
            (
                field_label(k, _),
                _value(k, before.get(k), _, lang, names) if e.before else None,
                _value(k, after.get(k), _, lang, names),
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
    names: Names,
) -> str:
    """One stored value as words: labels for codes, names for references."""
    if _empty(value):
        return EMPTY
    if key == "stops" and isinstance(value, list):
        return _stops_words(value, _, names)
    if key == "plan" and isinstance(value, Mapping):
        return _plan_words(value, _, lang, names)
    if key == "kind" and _(f"route_kind_{value}") != f"route_kind_{value}":
        return _(f"route_kind_{value}")
    if key in ("mode", "theme_id", "owner_id"):
        return _reference(key, value, _, names)
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
        return names.sites.get(int(value), f"#{value}")
    if key == "themes" and isinstance(value, Mapping):
        return _("list_separator").join(
            f"{names.themes.get(slug, slug)} {float(w):g}" for slug, w in value.items()
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


def _reference(key: str, value: Any, _: Translate, names: Names) -> str:
    """A travel mode, a theme or an owner (by id) as the page names it."""
    if key == "mode":
        text = _(f"mode_{value}")
        return str(value) if text == f"mode_{value}" else text
    found = (names.theme_ids if key == "theme_id" else names.users).get(int(value))
    return found or f"#{value}"


def _stops_words(stops: list[Any], _: Translate, names: Names) -> str:
    """A route's stored stops (`[day, slug, note, note_en]`) as `第 1 天：八七会议会址（讲…）、…`."""
    days: dict[int, list[str]] = {}
    for stop in stops:
        if not isinstance(stop, list | tuple) or len(stop) < 2:
            return _("list_separator").join(str(s) for s in stops)
        day, slug, *notes = stop
        name = names.site_slugs.get(str(slug), str(slug))
        note = next((str(n) for n in notes if n), "")
        days.setdefault(int(day), []).append(
            _("hist_stop_note", site=name, note=note) if note else name
        )
    return _("sentence_separator").join(
        _("hist_day_stops", day=day, stops=_("list_separator").join(found))
        for day, found in sorted(days.items())
    )


def _plan_words(plan: Mapping[str, Any], _: Translate, lang: str, names: Names) -> str:
    """The saved plan's filled-in parts, labelled as the planner form labels them."""
    parts = []
    for key, label_key in PLAN_KEYS.items():
        value = plan.get(key)
        if _empty(value) or value is False:
            continue
        if key in ("start", "end") and isinstance(value, Mapping):
            words = str(value.get("name") or f"{value.get('lon')}, {value.get('lat')}")
        elif key in ("must", "exclude") and isinstance(value, list):
            words = _("list_separator").join(names.site_slugs.get(str(v), str(v)) for v in value)
        elif key == "kind_caps" and isinstance(value, list):
            words = _("list_separator").join(_kind_cap(cap, _, lang) for cap in value)
        else:
            words = _value(key, value, _, lang, names)
        parts.append(_("field_change", field=_(label_key)) + words)
    return _("sentence_separator").join(parts) or EMPTY


def _kind_cap(cap: Any, _: Translate, lang: str) -> str:
    """`纪念馆 每天 1 / 全程 2` from `{"category": "memorial_hall", "per_day": 1, "per_trip": 2}`."""
    if not isinstance(cap, Mapping):
        return str(cap)
    limits = [
        _(f"hist_cap_{k}", n=cap[k]) for k in ("per_day", "per_trip") if cap.get(k) is not None
    ]
    return f"{label('category', cap.get('category'), lang)} {' / '.join(limits)}".strip()


def _names(session: Session, entries: list[AuditLog], lang: str) -> Names:
    """Everything the entries refer to, looked up once."""
    sides = [side for e in entries for side in (e.before or {}, e.after or {})]
    ids = {int(s["parent_id"]) for s in sides if isinstance(s.get("parent_id"), int)}
    slugs = {str(stop[1]) for s in sides for stop in _list(s.get("stops")) if _is_stop(stop)}
    for side in sides:
        plan = side.get("plan")
        if isinstance(plan, Mapping):
            slugs |= {str(v) for k in ("must", "exclude") for v in _list(plan.get(k))}
    users = {int(s["owner_id"]) for s in sides if isinstance(s.get("owner_id"), int)}
    names = Names()
    if ids or slugs:
        rows = session.exec(
            select(Site.id, Site.slug, Site.name, Site.name_en).where(
                col(Site.id).in_(ids) | col(Site.slug).in_(slugs)
            )
        ).all()
        for site_id, slug, name, name_en in rows:
            shown = Name(name, name_en).in_language(lang)
            names.sites[int(site_id or 0)] = shown
            names.site_slugs[slug] = shown
    for theme_id, slug, name, name_en in session.exec(
        select(Theme.id, Theme.slug, Theme.name, Theme.name_en)
    ).all():
        shown = Name(name, name_en).in_language(lang)
        names.themes[slug] = shown
        names.theme_ids[int(theme_id or 0)] = shown
    if users:
        found = session.exec(select(User.id, User.username).where(col(User.id).in_(users)))
        names.users = {int(user_id or 0): username for user_id, username in found.all()}
    return names


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _is_stop(stop: Any) -> bool:
    return isinstance(stop, list | tuple) and len(stop) >= 2
