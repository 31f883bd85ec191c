"""Text fit to store: no control characters, which PostgreSQL refuses (NUL) and pages cannot show."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, field_validator

from redres.messages import Message

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def reject_control_characters(value: Any) -> Any:
    """`value` unchanged if no string in it holds a control character (tab and newlines are fine).

    Used as a field validator, so such input is a 422 on every engine rather than a database
    error on PostgreSQL.

    Examples
    --------
    >>> reject_control_characters(["a", "b\\nc"])
    ['a', 'b\\nc']
    """
    if type(value) is str:  # the common case, checked without the loop (imports call this a lot)
        if value.isprintable() or not _CONTROL.search(value):
            return value
        raise ValueError(Message("e_control_characters"))
    texts = value if isinstance(value, list | tuple) else [value]
    for text in texts:
        if isinstance(text, str) and _CONTROL.search(text):
            raise ValueError(Message("e_control_characters"))
    return value


class PlainTextModel(BaseModel):
    """Input whose every text field is checked by `reject_control_characters` (a 422, not a 500)."""

    @field_validator("*")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        return reject_control_characters(value)
