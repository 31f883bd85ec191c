"""The JSON API's 422 for input FastAPI refused before a handler ran, in the reader's language.

A missing field, a wrong type or a string too long is found by FastAPI and pydantic, whose
own answer is an English list. People act on these refusals as on the domain's, so the
answer keeps the contract of every other refusal, `{"detail": <the reader's language>,
"detail_en": <English>}`, naming each field by its JSON path (what an API client sent), and
keeps pydantic's per-field list as `errors` (`loc`, `msg`, `type`) for programs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

from redres.api.form_errors import error_line
from redres.api.i18n import Translate, translator

MAX_LINES = 8
"""Sentences in `detail` at most; a list body with thousands of bad items stays readable."""

_PLACES = {
    "query": "err.api_query",
    "path": "err.api_path",
    "header": "err.api_header",
    "cookie": "err.api_cookie",
}
"""Where a parameter came from, other than the body, and the text naming it."""


class FieldError(BaseModel):
    """One refused value: where (`loc`, pydantic's path), pydantic's English `msg`, its `type`."""

    loc: list[str | int]
    msg: str
    type: str


class InvalidInput(BaseModel):
    """The 422 of input refused by validation: every problem said in the reader's language
    and in English, and the list a program reads to find the field."""

    detail: str
    detail_en: str
    errors: list[FieldError]


def invalid_input(
    errors: Sequence[Mapping[str, Any]], lang: str, *, body: Any = None
) -> dict[str, Any]:
    """The 422 body for pydantic's `errors` (as `RequestValidationError.errors()` gives them)
    about the request's JSON `body` (to tell its fields from pydantic's union labels; a form's
    fields are named as pydantic's path has them)."""
    listed = [
        {
            "loc": list(e.get("loc", ())),
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in errors
    ]
    return {
        "detail": said(errors, lang, body=body),
        "detail_en": said(errors, "en", body=body),
        "errors": listed,
    }


def said(errors: Sequence[Mapping[str, Any]], lang: str, *, body: Any = None) -> str:
    """One sentence per refused value, joined, the first `MAX_LINES` and how many more."""
    _ = translator(lang)
    lines = [_line(e, _, body) for e in errors[:MAX_LINES]]
    if len(errors) > MAX_LINES:
        lines.append(_("err.api_more", count=len(errors) - MAX_LINES))
    return _("sentence_separator").join(lines)


def document(app: FastAPI) -> None:
    """Make /openapi.json describe this answer where FastAPI documents its own 422 list."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        shapes = InvalidInput.model_json_schema(ref_template="#/components/schemas/{model}")
        found = schema.get("components", {}).get("schemas", {})
        if "HTTPValidationError" in found:
            found["FieldError"] = shapes["$defs"]["FieldError"]
            found["HTTPValidationError"] = {k: v for k, v in shapes.items() if k != "$defs"}
            found["HTTPValidationError"]["title"] = "HTTPValidationError"
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _line(error: Mapping[str, Any], _: Translate, body: Any) -> str:
    loc = tuple(error.get("loc", ()))
    if (
        loc[:1] == ("body",)
        and isinstance(body, dict | list)
        and error.get("type") != "json_invalid"
    ):
        found = _in_body(body, loc[1:], present=error.get("type") != "missing")
        loc = loc if found is None else ("body", *found)
    field = _field(loc, _)
    ctx = error.get("ctx") or {}
    if error.get("type") in ("enum", "literal_error") and ctx.get("expected"):
        choices = _("list_separator").join(re.split(r", | or ", str(ctx["expected"])))
        return _("err.choice_of", field=field, choices=choices)
    return error_line(error, _, field)


def _field(loc: Sequence[Any], _: Translate) -> str:
    """`name`, `stops[0].site`, `query parameter limit`, or the request body itself.

    Examples
    --------
    >>> _ = translator("en")
    >>> _field(("body", "plan", "window"), _), _field(("body", "days", 0, 1, "site"), _)
    ('plan.window', 'days[0][1].site')
    >>> _field(("query", "limit"), _), _field(("body", 12), _), _field((), _)
    ('query parameter limit', 'request body', 'request body')
    """
    place, *path = loc or ("body",)
    if place != "body" and place not in _PLACES:  # a path raised without its place
        place, path = "body", [place, *path]
    if place == "body" and path and isinstance(path[0], int):
        path = []  # a JSON decode error's character offset, not a field
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else f".{part}" if name else str(part)
    if place in _PLACES:
        return _(_PLACES[place], name=name)
    return name or _("err.api_body")


def _in_body(value: Any, loc: Sequence[Any], *, present: bool) -> list[Any] | None:
    """The parts of `loc` that are keys and indexes of the JSON `value`, without the labels
    pydantic adds for a union's member (`stops-by-day`, `int`) or a validator; None when no
    reading fits. A missing field's last part is kept though absent (`present` False).

    Examples
    --------
    >>> body = {"name": "x" * 300, "days": [[{"site": "A"}]]}
    >>> _in_body(body, ("stops-by-day", "days", 0, 0, "site"), present=True)
    ['days', 0, 0, 'site']
    >>> _in_body({"plan": {}, "name": ""}, ("planned", "name"), present=True)
    ['name']
    >>> _in_body({}, ("stops-by-day", "days"), present=False), _in_body([], (0,), present=True)
    (['days'], None)
    """
    if not loc:
        return []
    head, *rest = loc
    inner = _child(value, head)
    if inner is not _ABSENT:
        found = _in_body(inner, rest, present=present)
        if found is not None:
            return [head, *found]
    if not rest and not present:
        return [head]
    if isinstance(head, str):  # a label of pydantic's, not a key: read on without it
        return _in_body(value, rest, present=present)
    return None


_ABSENT = object()


def _child(value: Any, part: Any) -> Any:
    """`value[part]` for a JSON object's key or an array's index, else `_ABSENT`."""
    if isinstance(value, dict) and isinstance(part, str) and part in value:
        return value[part]
    if isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
        return value[part]
    return _ABSENT
