"""Which site a row duplicates: the same registry code or slug, or the same name within 200 m.

Names are compared normalised (NFKC, case, spaces and punctuation dropped), because the same
place is typed many ways across survey sheets; distance guards against two different places that
share a name (a 烈士陵园 in every county), and different registry codes or slugs on both sides
mean two sites even when they share a name and a street.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from redres.catalog.io.vocab import normalise_term
from redres.geo import bbox_around, distance_m
from redres.messages import Message

DUPLICATE_RADIUS_M = 200.0


_Placed = tuple[float, float, Any, str | None, str | None]
"""A named entry's point, reference, registry code and slug."""


class SiteKey(NamedTuple):
    """What duplicates are recognised by."""

    code: str | None
    slug: str | None
    name: str
    lon: float | None
    lat: float | None


@dataclass(frozen=True, slots=True)
class Match:
    """What a row duplicates (`ref`: a site id or a row number, per index) and why."""

    ref: Any
    reason: Message


@dataclass(slots=True)
class DuplicateIndex:
    """Sites (or rows) seen so far, looked up by code, slug and name near a point."""

    radius_m: float = DUPLICATE_RADIUS_M
    codes: dict[str, Any] = field(default_factory=dict)
    slugs: dict[str, Any] = field(default_factory=dict)
    names: dict[str, _Placed | list[_Placed]] = field(default_factory=dict)
    """Normalised name -> where each site or row of that name is (most names are one site's,
    kept without a list: a million-row import holds one entry per row)."""

    def add(self, ref: Any, key: SiteKey) -> None:
        """Remember a site or row under each of its keys."""
        code, slug, name, lon, lat = key
        if code:
            self.codes.setdefault(code, ref)
        if slug:
            self.slugs.setdefault(slug, ref)
        if lon is not None and lat is not None:
            placed = (lon, lat, ref, code, slug)
            norm = normalise_term(name)
            seen = self.names.get(norm)
            if seen is None:
                self.names[norm] = placed
            elif isinstance(seen, list):
                seen.append(placed)
            else:
                self.names[norm] = [seen, placed]

    def find(self, key: SiteKey) -> Match | None:
        """The first remembered site or row this one duplicates, if any."""
        if not (self.codes or self.slugs or self.names):
            return None  # an empty registry: the first import of a survey file
        code, slug, name, lon, lat = key
        if code and code in self.codes:
            return Match(self.codes[code], match_reason("dup_code", code))
        if slug and slug in self.slugs:
            return Match(self.slugs[slug], match_reason("dup_slug", slug))
        if lon is None or lat is None:
            return None
        seen = self.names.get(normalise_term(name))
        if seen is None:
            return None
        box = bbox_around(lon, lat, self.radius_m)
        for olon, olat, ref, ocode, oslug in seen if isinstance(seen, list) else (seen,):
            if not (box.min_lon <= olon <= box.max_lon and box.min_lat <= olat <= box.max_lat):
                continue
            if _distinct(code, slug, ocode, oslug):
                continue
            d = distance_m(lon, lat, olon, olat)
            if d <= self.radius_m:
                return Match(ref, match_reason("dup_name", name, f"{d:.0f}"))
        return None


_FIELD = {"dup_code": "code", "dup_slug": "slug", "dup_name": "name"}


def match_reason(how: str, value: str | None, metres: str | None = None) -> Message:
    """Why a row duplicates: `how` is the reason's key (`dup_code`, `dup_slug` or `dup_name`),
    `value` the code, slug or name both share, `metres` the distance of a name's match. One
    place, so a kept match can hold these few values instead of its sentence."""
    if metres is None:
        return Message(how, **{_FIELD[how]: value})
    return Message(how, name=value, metres=metres)


def reason_values(reason: Message) -> tuple[str, str | None, str | None]:
    """The `match_reason` arguments that make `reason` again."""
    return reason.key, reason.fields[_FIELD[reason.key]], reason.fields.get("metres")


def _distinct(code: str | None, slug: str | None, ocode: str | None, oslug: str | None) -> bool:
    """Two entries that carry different registry codes (or slugs) are declared different sites.

    Registries do hold namesakes side by side (two 烈士墓 of one cemetery, each with its own
    code); an exported file must re-import without them colliding.
    """
    return bool(code and ocode and code != ocode) or bool(slug and oslug and slug != oslug)
