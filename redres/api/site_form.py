"""The editor's site form: every field of a site as a box, read back into the API's models.

Most boxes are the model's own fields as text. A few need the catalogue or a small reading:
aliases and designations one a line; themes as `theme weight` lines (the theme's name or slug);
the parent by name or slug; sources one a line (`title url`, as a survey's 来源 cell); and
coordinates pasted as `lon, lat` in the system the editor chose (WGS-84 from a GPS, GCJ-02 from
Amap or Tencent, BD-09 from Baidu), converted to WGS-84 and the system kept as the point's
provenance. Validation stays the models' (`SiteCreate`/`SiteUpdate`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, or_, select

from redres.api.editor_forms import text_lines
from redres.catalog.io.citations import SITE, SourceRef, cite, cited_refs, parse_sources
from redres.catalog.models import Site, Theme, pk
from redres.catalog.sites import site_theme_weights
from redres.geo import to_wgs84
from redres.hours.closures import closures_text
from redres.messages import Message

SITE_FORM = (
    "name",
    "name_en",
    "slug",
    "aliases",
    "code",
    "category",
    "period",
    "years",
    "protection",
    "designations",
    "district",
    "address",
    "summary",
    "summary_en",
    "parent",
    "themes",
    "point_crs",
    "coordinates",
    "lon",
    "lat",
    "point_source",
    "point_note",
    "point_approximate",
    "footprint_crs",
    "footprint",
    "opening_hours",
    "last_entry_minutes",
    "hours_note",
    "hours_note_en",
    "closures",
    "reservation",
    "reservation_days",
    "capacity",
    "visit_minutes",
    "ticket_price",
    "admission",
    "accessibility",
    "contact",
    "condition",
    "survey_date",
    "surveyor",
    "ownership",
    "sources",
)
"""Every box of the site form, in the order shown (the registry sheet's order, grouped)."""
SITE_LONG_TEXT = (
    "aliases",
    "designations",
    "summary",
    "summary_en",
    "themes",
    "footprint",
    "hours_note",
    "hours_note_en",
    "closures",
    "accessibility",
    "sources",
)
SITE_NUMBERS = (
    "lon",
    "lat",
    "last_entry_minutes",
    "reservation_days",
    "capacity",
    "visit_minutes",
    "ticket_price",
)
SITE_CHOICES = ("category", "period", "protection", "reservation", "condition")
SITE_DATES = ("survey_date",)
CRS_CHOICES = ("wgs84", "gcj02", "bd09")
"""The systems a pasted point may be in: a GPS, Amap/Tencent, Baidu."""
FORM_ONLY = ("parent", "themes", "coordinates", "sources", "footprint", "footprint_crs")
"""Boxes that are not model fields as they stand: read here into what the models take."""
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


class FormProblem(ValueError):
    """A box the form could not read; its argument is a `Message` for the page to word."""


@dataclass
class SiteForm:
    """What the form asks for: the model's fields, and the sources (None: leave them)."""

    fields: dict[str, Any]
    sources: list[SourceRef] | None


def site_values(form: Mapping[str, Any]) -> dict[str, str]:
    """The site form's boxes, stripped, every one present (empty when not sent)."""
    return {name: str(form.get(name, "")).strip() for name in SITE_FORM}


def read_site_form(session: Session, values: Mapping[str, str], *, partial: bool) -> SiteForm:
    """The boxes as `SiteCreate`/`SiteUpdate` input: empty means unset, or cleared when
    editing (`partial`; the name, category and the approximate flag cannot be cleared).

    Raises
    ------
    FormProblem
        When a theme, the parent, a source or the pasted coordinates cannot be read.
    """
    out: dict[str, Any] = {}
    for name, raw in values.items():
        if name in FORM_ONLY:
            continue
        if raw == "":
            if partial and name not in ("name", "category", "point_approximate", "slug"):
                out[name] = None  # a site keeps its slug: a new one is typed over it
            continue
        out[name] = text_lines(raw) if name in ("aliases", "designations") else raw
    if values.get("point_approximate") == "":
        out.pop("point_approximate", None)
    parent = values.get("parent", "")
    if parent or partial:
        out["parent_id"] = _parent_id(session, parent) if parent else None
    themes = values.get("themes", "")
    if themes or partial:
        out["themes"] = _themes(session, themes)
    if values.get("coordinates"):
        crs = values.get("point_crs") or "wgs84"
        out["lon"], out["lat"] = _pasted(values["coordinates"], crs)
        out["point_crs"] = crs
    footprint = values.get("footprint", "")
    if footprint or partial:
        crs = values.get("footprint_crs") or "wgs84"
        out["footprint"] = _footprint(footprint, crs) if footprint else None
    sources = _sources(values.get("sources", "")) if "sources" in values else None
    return SiteForm(out, sources)


def form_values(session: Session, site: Site) -> dict[str, str | None]:
    """An existing site as the form shows it (every box as text)."""
    values: dict[str, Any] = {
        name: getattr(site, name) for name in SITE_FORM if name not in FORM_ONLY
    }
    values["aliases"] = "\n".join(site.aliases) or None
    values["designations"] = "\n".join(site.designations) or None
    values["closures"] = closures_text(site.closures, "\n")  # one a line, as the box takes them
    values["point_approximate"] = "true" if site.point_approximate else "false"
    values["footprint"] = site.footprint  # GeoJSON text, WGS-84 as stored
    values["footprint_crs"] = "wgs84"
    parent = session.get(Site, site.parent_id) if site.parent_id else None
    values["parent"] = parent.name if parent else None
    weights = site_theme_weights(session, pk(site))
    values["themes"] = "\n".join(f"{slug} {w:g}" for slug, w in weights.items()) or None
    refs = cited_refs(session, SITE, [pk(site)]).get(pk(site), [])
    values["sources"] = "\n".join(_source_line(r) for r in refs) or None
    return {k: (None if v is None else str(v)) for k, v in values.items()}


def save_sources(session: Session, site: Site, refs: list[SourceRef] | None) -> bool:
    """Make the site cite exactly `refs` (None leaves them); whether anything changed."""
    if refs is None:
        return False
    before = cited_refs(session, SITE, [pk(site)]).get(pk(site), [])
    if before == refs:
        return False
    cite(session, SITE, {pk(site): refs}, replace=True)  # an empty list drops them all
    return True


def source_lines(refs: list[SourceRef]) -> list[str]:
    """Sources as the form and the history show them, one a line."""
    return [_source_line(r) for r in refs]


def _source_line(ref: SourceRef) -> str:
    if not ref.url:
        return ref.title
    return ref.url if ref.title == ref.url else f"{ref.title} {ref.url}"


def _sources(text: str) -> list[SourceRef]:
    refs: dict[SourceRef, None] = {}
    for line in text_lines(text):
        try:
            found = parse_sources(
                line.replace("\\", "\\\\").replace(";", "\\;").replace("；", "\\；")
            )
        except ValueError as exc:
            raise FormProblem(Message("e_form_source", line=line[:80])) from exc
        refs.update(dict.fromkeys(found))
    return list(refs)


def _parent_id(session: Session, text: str) -> int:
    """The site a parent box names (its slug, name or registry code)."""
    rows = session.exec(
        select(Site.id).where(or_(Site.slug == text, Site.name == text, Site.code == text))
    ).all()
    if len(rows) != 1:
        key = "e_form_parent_unknown" if not rows else "e_form_parent_ambiguous"
        raise FormProblem(Message(key, name=text[:80]))
    return int(rows[0] or 0)


def _themes(session: Session, text: str) -> dict[str, float]:
    """`theme weight` lines (name or slug; the weight 0–1, 1 when left out) as slug weights."""
    known = session.exec(select(Theme.slug, Theme.name, Theme.name_en).order_by(col(Theme.slug)))
    by_name: dict[str, str] = {}
    for slug, name, name_en in known:
        for key in (slug, name, name_en):
            if key:
                by_name.setdefault(key.casefold(), slug)
    out: dict[str, float] = {}
    for line in text_lines(text):
        parts = re.split(r"[\s,，:：=]+", line)
        weight_text = parts[-1] if len(parts) > 1 and _NUMBER.fullmatch(parts[-1]) else None
        name = line[: line.rfind(weight_text)].strip(" ,，:：=") if weight_text else line
        found = by_name.get(name.casefold())
        if found is None:
            raise FormProblem(Message("e_form_theme", name=name[:80]))
        out[found] = float(weight_text) if weight_text else 1.0
    return out


def _footprint(text: str, crs: str) -> dict[str, Any]:
    """Pasted GeoJSON (a geometry, a Feature, or a collection of one feature, as geojson.io and
    GIS tools copy it) as a geometry in WGS-84: its coordinates converted from `crs` the way a
    pasted point is. Whether it is a valid polygon is the model's check (`SiteFields`)."""
    try:
        found = json.loads(text)
    except json.JSONDecodeError:
        raise FormProblem(Message("e_form_footprint")) from None
    if isinstance(found, dict) and found.get("type") == "FeatureCollection":
        features = found.get("features")
        found = features[0] if isinstance(features, list) and len(features) == 1 else None
    if isinstance(found, dict) and found.get("type") == "Feature":
        found = found.get("geometry")
    if not isinstance(found, dict) or "coordinates" not in found or crs not in CRS_CHOICES:
        raise FormProblem(Message("e_form_footprint"))
    coordinates = found["coordinates"] if crs == "wgs84" else _converted(found["coordinates"], crs)
    return {**found, "coordinates": _closed(found.get("type"), coordinates)}


def _closed(kind: Any, coordinates: Any) -> Any:
    """A polygon's rings closed (the first point repeated last), as GeoJSON wants them: people
    paste outlines whose last point is left out, which shapely would close silently."""
    if kind == "MultiPolygon" and isinstance(coordinates, list):
        return [_closed("Polygon", polygon) for polygon in coordinates]
    if kind != "Polygon" or not isinstance(coordinates, list):
        return coordinates
    return [
        [*ring, ring[0]]
        if isinstance(ring, list) and len(ring) >= 3 and ring[0] != ring[-1]
        else ring
        for ring in coordinates
    ]


def _converted(coordinates: Any, crs: str) -> Any:
    """Nested GeoJSON positions converted from `crs` to WGS-84 (7 decimals, 1 cm)."""
    if (
        isinstance(coordinates, list)
        and len(coordinates) >= 2
        and all(isinstance(c, int | float) and not isinstance(c, bool) for c in coordinates)
    ):
        point = to_wgs84(float(coordinates[0]), float(coordinates[1]), crs)
        return [round(point.lon, 7), round(point.lat, 7)]
    if isinstance(coordinates, list):
        return [_converted(c, crs) for c in coordinates]
    raise FormProblem(Message("e_form_footprint"))


def _pasted(text: str, crs: str) -> tuple[float, float]:
    """A pasted `lon, lat` (either order: China's longitudes and latitudes never overlap) in
    `crs`, as WGS-84 rounded to 7 decimals (1 cm)."""
    numbers = [float(n) for n in _NUMBER.findall(text)]
    if len(numbers) != 2 or crs not in CRS_CHOICES:
        raise FormProblem(Message("e_form_coordinates", text=text[:80]))
    first, second = numbers
    lon, lat = (second, first) if abs(first) < 60 < abs(second) else (first, second)
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise FormProblem(Message("e_form_coordinates", text=text[:80]))
    point = to_wgs84(lon, lat, crs)
    return round(point.lon, 7), round(point.lat, 7)
