"""Text fit to store: no control characters, which PostgreSQL refuses (NUL) and pages cannot show."""

from __future__ import annotations

import re
from typing import Any

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
    texts = value if isinstance(value, list | tuple) else [value]
    for text in texts:
        if isinstance(text, str) and _CONTROL.search(text):
            msg = "text must not contain control characters"
            raise ValueError(msg)
    return value
