"""Small server-side charts as inline SVG: no chart library, no script, text escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape


def bar_chart(
    rows: Sequence[tuple[str, int]],
    *,
    title: str,
    width: int = 480,
    bar: int = 22,
    ordered: bool = False,
) -> str:
    """A horizontal bar chart of (label, value) rows, largest first (or as given when
    `ordered`: a poll's options, a rating's 1-5), with a text alternative.

    Examples
    --------
    >>> svg = bar_chart([("武昌区", 3), ("<b>", 1)], title="区县")
    >>> "&lt;b&gt;" in svg and "<b>" not in svg
    True
    """
    if not ordered:
        rows = sorted(rows, key=lambda r: (-r[1], r[0]))
    label_w, gap = 150, 6
    top = 26
    height = top + len(rows) * (bar + gap) + 4
    largest = max((v for _, v in rows), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="14" font-weight="600">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar + gap)
        w = round((width - label_w - 50) * value / largest)
        parts += [
            f'<text x="{label_w - 6}" y="{y + bar * 0.7:.0f}" font-size="13" text-anchor="end">'
            f"{escape(label)}</text>",
            f'<rect x="{label_w}" y="{y}" width="{max(w, 1)}" height="{bar}" fill="#a61b1b"/>',
            f'<text x="{label_w + w + 6}" y="{y + bar * 0.7:.0f}" font-size="13">{value}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)
