"""What a page form shows when the shared validation refuses its input: one line per problem,
in the reader's language.

The forms validate with the API's own input models (pydantic), so a form and the API accept
exactly the same values; this module only words pydantic's errors (and the domain's `Message`
errors) for people, naming each field by the label the form shows for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from redres.api.i18n import MESSAGES, Translate, translator
from redres.messages import Message

_BY_TYPE: dict[str, str] = {
    "missing": "err.missing",
    "string_too_short": "err.too_short",
    "string_too_long": "err.too_long",
    "too_short": "err.items_min",
    "too_long": "err.items_max",
    "string_pattern_mismatch": "err.pattern",
    "enum": "err.choice",
    "literal_error": "err.choice",
    "int_parsing": "err.integer",
    "int_type": "err.integer",
    "int_from_float": "err.integer",
    "float_parsing": "err.number",
    "float_type": "err.number",
    "finite_number": "err.number",
    "greater_than": "err.min",
    "greater_than_equal": "err.min",
    "less_than": "err.max",
    "less_than_equal": "err.max",
    "date_parsing": "err.date",
    "date_from_datetime_parsing": "err.date",
    "date_type": "err.date",
    "extra_forbidden": "err.unexpected",
    "string_type": "err.text",
    "bool_parsing": "err.boolean",
    "bool_type": "err.boolean",
    "model_type": "err.object",
    "model_attributes_type": "err.object",
    "dict_type": "err.object",
    "list_type": "err.list",
    "datetime_parsing": "err.datetime",
    "datetime_from_date_parsing": "err.datetime",
    "datetime_type": "err.datetime",
    "json_invalid": "err.json",
    "json_type": "err.json",
}
"""Pydantic error types and the page text that words them (other types: `err.invalid`)."""


def form_errors(exc: Exception, lang: str, *, labels: Mapping[str, str] | None = None) -> list[str]:
    """The lines a form shows for `exc`, in `lang`.

    `labels` maps a field name to the page-text key of its label (default `field_<name>`), so
    an error names the box the reader typed into.
    """
    _ = translator(lang)
    if isinstance(exc, ValidationError):
        return [_error_line(error, _, lang, labels or {}) for error in exc.errors()]
    reason = _reason(exc)
    if isinstance(reason, Message) and reason.key == "problems":  # several: one a line
        return [_(problem) for problem in reason.fields["problems"]]
    return [_(reason)]


def _error_line(error: Any, _: Translate, lang: str, labels: Mapping[str, str]) -> str:
    return error_line(error, _, _field(error.get("loc", ()), _, lang, labels))


def error_line(error: Any, _: Translate, field: str | None) -> str:
    """One of pydantic's `errors()` as a sentence in the translator's language, about `field`
    (the form's label or the API's JSON path; None for the whole input)."""
    ctx = error.get("ctx") or {}
    key = _BY_TYPE.get(error.get("type", ""), "err.invalid")
    if key in ("err.too_short", "err.items_min") and ctx.get("min_length") == 1:
        key = "err.missing"
    limit = next((ctx[k] for k in ("ge", "gt", "le", "lt") if k in ctx), "")
    size = ctx.get("max_length", ctx.get("min_length", ""))
    cause = ctx.get("error")
    reason = _reason(cause) if isinstance(cause, Exception) else _plain(error.get("msg", ""))
    if field is None:
        return _(reason) if key == "err.invalid" else _(key, field="", limit=limit, size=size)
    return _(key, field=field, limit=limit, size=size, reason=_(reason))


def _field(loc: Any, _: Translate, lang: str, labels: Mapping[str, str]) -> str | None:
    """The label of the field an error is about, with the day and stop for nested lists."""
    names = [p for p in loc if isinstance(p, str)]
    if not names:
        return None
    key = labels.get(names[0], f"field_{names[0]}")
    label = _(key) if key in MESSAGES[lang] or key in MESSAGES["zh"] else names[0]
    if len(loc) == 2 and isinstance(loc[1], str):  # a mapping's key, e.g. a theme's slug
        label = label + _("in_brackets", text=loc[1])
    places = [p + 1 for p in loc if isinstance(p, int)]
    if len(places) >= 2:
        label = _("err.at_stop", field=label, day=places[0], n=places[1])
    elif places:
        label = _("err.at_item", field=label, n=places[0])
    return label


def _reason(exc: BaseException) -> str:
    """The sentence of an error: its `Message` (translated by the page) or its own text."""
    if exc.args and isinstance(exc.args[0], Message):
        return exc.args[0]
    return str(exc)


def _plain(msg: str) -> str:
    """pydantic's message without its "Value error, " prefix (a validator's own sentence)."""
    return msg.removeprefix("Value error, ")
