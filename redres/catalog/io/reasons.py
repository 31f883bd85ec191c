"""The sentence a row report gives for a value the shared validation (pydantic) refused.

A validator that raises a `Message` keeps it; pydantic's own checks (too long, not a number, not
one of the choices) are worded by their error type, the limit they name included, so a reader in
either language gets the reason without pydantic's English. The column is in the report beside it.
"""

from __future__ import annotations

from typing import Any

from redres.messages import Message

_BY_TYPE: dict[str, str] = {
    "missing": "check_missing",
    "string_too_short": "check_too_short",
    "string_too_long": "check_too_long",
    "too_short": "check_items_min",
    "too_long": "check_items_max",
    "string_pattern_mismatch": "check_pattern",
    "enum": "check_choice",
    "literal_error": "check_choice",
    "int_parsing": "check_integer",
    "int_type": "check_integer",
    "int_from_float": "check_integer",
    "float_parsing": "check_number",
    "float_type": "check_number",
    "finite_number": "check_number",
    "bool_parsing": "check_bool",
    "bool_type": "check_bool",
    "greater_than": "check_min",
    "greater_than_equal": "check_min",
    "less_than": "check_max",
    "less_than_equal": "check_max",
    "date_parsing": "check_date",
    "date_from_datetime_parsing": "check_date",
    "date_type": "check_date",
    "string_type": "check_text",
    "list_type": "check_list",
    "extra_forbidden": "check_unexpected",
}
"""Pydantic error types and the sentence that words them (any other type: `check_invalid`)."""


def check_reason(error: Any) -> Message:
    """The reason for one of pydantic's `ValidationError.errors()`, as a translatable sentence."""
    ctx = error.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, Exception) and cause.args and isinstance(cause.args[0], Message):
        return cause.args[0]
    key = _BY_TYPE.get(str(error.get("type", "")), "check_invalid")
    if key in ("check_too_short", "check_items_min") and ctx.get("min_length") == 1:
        key = "check_missing"
    if key in ("check_min", "check_max"):
        return Message(key, limit=next(ctx[k] for k in ("ge", "gt", "le", "lt") if k in ctx))
    if key in ("check_too_short", "check_too_long", "check_items_min", "check_items_max"):
        return Message(key, size=ctx.get("max_length", ctx.get("min_length", "")))
    return Message(key)
