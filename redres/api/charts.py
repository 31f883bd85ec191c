"""Small server-side charts as inline SVG: no chart library, no script, text escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

FONT = 13
"""Label size in CSS pixels. The chart has no viewBox, so it is never scaled: its labels read at
this size on a 390 px phone as on a desktop (a scaled 480-unit chart drew them at about 9 px)."""
LONGEST = 85
"""The largest bar's share of the width, in percent (the rest holds its value)."""


def bar_chart(
    rows: Sequence[tuple[str, float]],
    *,
    title: str,
    bar: int = 16,
    ordered: bool = False,
) -> str:
    """A horizontal bar chart of (label, value) rows, largest first (or as given when
    `ordered`: a poll's options, a rating's 1-5), with a text alternative.

    It fills its container's width: each label sits on its own line above its bar, the bars'
    lengths are percentages of the width and the text is in pixels, so nothing shrinks on a
    phone and a long label is not cut at a fixed column.

    Examples
    --------
    >>> svg = bar_chart([("武昌区", 3), ("<b>", 1)], title="区县")
    >>> "&lt;b&gt;" in svg and "<b>" not in svg
    True
    >>> "viewBox" in svg
    False
    """
    if not ordered:
        rows = sorted(rows, key=lambda r: (-r[1], r[0]))
    top, row = 26, FONT + 6 + bar + 8
    height = top + len(rows) * row
    largest = max((v for _, v in rows), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" height="{height}" '
        f'aria-label="{escape(title)}" class="bar-chart">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="{FONT + 1}" font-weight="600">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(rows):
        y = top + i * row
        share = LONGEST * value / largest
        parts += [
            f'<text x="0" y="{y + FONT}" font-size="{FONT}">{escape(label)}</text>',
            f'<rect x="0" y="{y + FONT + 4}" width="{max(share, 0.3):.2f}%" height="{bar}" '
            'fill="#a61b1b"/>',
            f'<text x="{share:.2f}%" dx="6" y="{y + FONT + 4 + bar - 3}" font-size="{FONT}">'
            f"{_number(value)}</text>",
        ]
    parts.append("</svg>")
    return "".join(parts)


def _number(value: float) -> str:
    """A count as it is, a mean to one decimal."""
    return str(value) if isinstance(value, int) else f"{value:.1f}"
