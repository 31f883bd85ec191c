"""The shape of a GeoJSON upload, checked before any row is read (RFC 7946, section 3).

A file is refused as a whole, naming the feature, when its structure is broken: nesting deeper
than any real document (which would otherwise exhaust Python's recursion further on), a feature
or geometry that is not an object, properties that are not an object, or coordinates that are
not arrays of numbers (`null`, strings, infinities). Geometry that is well-formed but wrong for a
site (a self-crossing polygon, a point outside China) stays a row error, as in the other formats.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from redres.catalog.io.errors import InterchangeError
from redres.messages import Message

MAX_DEPTH = 32
"""Deepest nesting of arrays and objects accepted; a MultiPolygon feature needs about ten."""

COORDINATE_DEPTH = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}
"""How many array levels wrap the positions of each geometry type."""


def check_depth(doc: Any, path: Path) -> None:
    """Refuse a document nested deeper than `MAX_DEPTH` (walked without recursion).

    Raises
    ------
    InterchangeError
        Naming the limit.
    """
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > MAX_DEPTH:
            raise too_deep(path)
        stack.extend((child, depth + 1) for child in children)


def too_deep(path: Path) -> InterchangeError:
    """The error for a document nested deeper than `MAX_DEPTH`."""
    return InterchangeError(Message("geojson_too_deep", file=path.name, depth=MAX_DEPTH))


def check_features(features: list[Any], path: Path) -> None:
    """Refuse the file at the first feature that is not a well-formed GeoJSON Feature.

    Raises
    ------
    InterchangeError
        "'a.geojson' feature 3: ..." with what is wrong.
    """
    for number, feature in enumerate(features, start=1):
        problem = _feature_problem(feature)
        if problem:
            said = Message("geojson_feature", file=path.name, number=number, problem=problem)
            raise InterchangeError(said)


def _feature_problem(feature: Any) -> Message | None:
    if not isinstance(feature, dict):
        return Message("feature_kind", kind=_kind(feature))
    if feature.get("type", "Feature") != "Feature":
        return Message("feature_type", value=_short(feature.get("type")))
    props = feature.get("properties")
    if props is not None and not isinstance(props, dict):
        return Message("feature_properties", kind=_kind(props))
    return geometry_problem(feature.get("geometry"))


def geometry_problem(geometry: Any) -> Message | None:
    """What is wrong with a GeoJSON geometry (None is allowed), or None when it is well-formed."""
    if geometry is None:
        return None
    if not isinstance(geometry, dict):
        return Message("feature_geometry", kind=_kind(geometry))
    kind = geometry.get("type")
    if kind == "GeometryCollection":
        members = geometry.get("geometries")
        if not isinstance(members, list):
            return Message("feature_collection")
        return next((p for p in map(geometry_problem, members) if p), None)
    if kind not in COORDINATE_DEPTH:
        return Message("feature_geometry_type", value=_short(kind))
    if not _coordinates_ok(geometry.get("coordinates"), COORDINATE_DEPTH[str(kind)]):
        return Message("feature_coordinates", kind=str(kind))
    return None


def _coordinates_ok(value: Any, depth: int) -> bool:
    """Arrays nested `depth` deep around positions of 2-4 finite numbers (empty arrays allowed)."""
    if not isinstance(value, list):
        return False
    if depth == 0:
        return not value or (2 <= len(value) <= 4 and all(_number(v) for v in value))
    return all(_coordinates_ok(v, depth - 1) for v in value)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _kind(value: Any) -> Message:
    names = {str: "kind_string", list: "kind_array", int: "kind_number", float: "kind_number"}
    if value is None:
        return Message("kind_null")
    if isinstance(value, bool):
        return Message("kind_bool")
    return Message(names.get(type(value), "kind_object"))


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
