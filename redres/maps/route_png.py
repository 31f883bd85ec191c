"""A route as a static PNG for printed handouts: no tiles, no browser, Chinese labels.

Teachers print the day's route for a class; a tile screenshot needs network access and a
browser, so this draws the legs, numbered stops and names with matplotlib alone, on an
equirectangular plot scaled by the cosine of the latitude (true shape at city scale), with a
scale bar and a north arrow.
"""

from __future__ import annotations

import base64
import io
import logging
import math
import shutil
import subprocess
import textwrap
from collections.abc import Sequence
from functools import cache
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib import pyplot as plt
from matplotlib.ft2font import FT2Font
from matplotlib.transforms import Bbox

from redres.maps.route_map import day_colour, day_waypoints, leg_lines, stop_name
from redres.routes.answer import Itinerary

log = logging.getLogger(__name__)

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
)
"""Font families with Chinese glyphs, best first (fonts-noto-cjk on Debian gives the first)."""

LABEL_WIDTH = 28
"""Characters per line of a stop's label (English names run to 80)."""

PROBE = "中文路线图第天北公里米"
"""Characters the route image prints; a font must have every one of them."""


class MissingCJKFont(RuntimeError):
    """No installed font has Chinese glyphs: the route image would print empty boxes."""


_WORDS = {
    "zh": {"day": "第{n}天 {date}", "north": "北 ↑", "route": "研学线路", "km": "公里", "m": "米"},
    "en": {"day": "Day {n} {date}", "north": "N ↑", "route": "Route", "km": "km", "m": "m"},
}
"""The few words the image prints, by language; stop names come from the sites."""


def route_png(
    itinerary: Itinerary,
    *,
    title: str | None = None,
    dpi: int = 150,
    lang: str = "zh",
    fmt: str = "png",
) -> bytes:
    """The route drawn as PNG bytes (A5-ish landscape at `dpi`), labelled in `lang` (``zh`` or
    ``en``: English stop names where the site has one, else its Chinese name). ``fmt="svg"``
    draws it as SVG with its words kept as text (for print shops, and readable in tests).

    Raises
    ------
    ValueError
        If the itinerary has no stop with coordinates.
    """
    days = itinerary.days
    per_day = [(i, day, day_waypoints(itinerary, day)) for i, day in enumerate(days)]
    points = [(p.lon, p.lat) for _, _, pts in per_day for p in pts]
    if not points:
        msg = "the itinerary has no stop with coordinates to draw"
        raise ValueError(msg)
    mean_lat = sum(lat for _, lat in points) / len(points)
    kx = math.cos(math.radians(mean_lat))
    family = cjk_family()
    words = _WORDS.get(lang, _WORDS["zh"])
    fig, ax = plt.subplots(figsize=(8.3, 5.8), dpi=dpi)
    labels: list[tuple[float, float, str]] = []
    try:
        for i, day, pts in per_day:
            colour = day_colour(i)
            label = words["day"].format(n=i + 1, date=day.date.isoformat())
            for j, line in enumerate(leg_lines(pts, day.legs)):
                ax.plot(
                    [lon * kx for lon, _ in line],
                    [lat for _, lat in line],
                    color=colour,
                    linewidth=2.5,
                    alpha=0.85,
                    label=label if j == 0 else None,
                    zorder=1,
                )
            stops = [p for p in pts if p.stop is not None]
            for n, p in enumerate(stops, start=1):
                ax.scatter([p.lon * kx], [p.lat], s=260, color=colour, edgecolors="white", zorder=2)
                ax.annotate(
                    str(n),
                    (p.lon * kx, p.lat),
                    ha="center",
                    va="center",
                    color="white",
                    fontsize=8,
                    fontweight="bold",
                    zorder=3,
                )
                name = stop_name(p.stop, lang)[0] if p.stop is not None else ""
                # long (English) names on a few lines, so they stay near their stop
                labels.append((p.lon * kx, p.lat, textwrap.fill(f"{n} {name}", LABEL_WIDTH)))
        ax.set_aspect("equal", adjustable="datalim")
        ax.margins(0.12)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(
            _plain(title or itinerary.name or words["route"]),
            fontfamily=family,
            fontsize=12,
        )
        if ax.get_legend_handles_labels()[0]:  # a day with no leg drawn has no line to name
            ax.legend(loc="lower right", prop={"family": family, "size": 8}, frameon=True)
        fig.canvas.draw()  # settle the limits before measuring the scale bar against them
        ax.set_autoscale_on(False)
        _place_labels(fig, ax, labels, family)
        _scale_bar(ax, kx, family, words)
        ax.annotate(
            words["north"],
            xy=(0.03, 0.95),
            xycoords="axes fraction",
            ha="left",
            va="top",
            fontfamily=family,
            fontsize=9,
        )
        buffer = io.BytesIO()
        with plt.rc_context({"svg.fonttype": "none"}):
            fig.savefig(buffer, format=fmt, bbox_inches="tight")
        return buffer.getvalue()
    finally:
        plt.close(fig)


def route_png_data_url(
    itinerary: Itinerary, *, title: str | None = None, lang: str = "zh"
) -> str | None:
    """The route image as a ``data:`` URL for a handout that travels as one file; None when
    the itinerary has nothing to draw.

    Raises
    ------
    MissingCJKFont
        When no installed font can print the Chinese labels.
    """
    try:
        png = route_png(itinerary, title=title, dpi=110, lang=lang)
    except ValueError:
        return None
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@cache
def cjk_family() -> str:
    """The installed font family the route image prints Chinese with (found once, then kept).

    Raises
    ------
    MissingCJKFont
        When none is installed (not cached: installing fonts-noto-cjk and retrying works).
    """
    return find_cjk_font()


def find_cjk_font(families: Sequence[str] = CJK_FAMILIES, *, fontconfig: bool = True) -> str:
    """A font family with glyphs for every character of `PROBE`, looked for explicitly.

    First among matplotlib's fonts by the family names in `families`, then by asking
    fontconfig (``fc-match :lang=zh-cn``) for a file, which is added to matplotlib's fonts.
    matplotlib itself would fall back silently to DejaVu Sans and draw empty boxes.

    Raises
    ------
    MissingCJKFont
        When no font with Chinese glyphs is found; the message says what to install.
    """
    files: dict[str, str] = {}
    for entry in font_manager.fontManager.ttflist:
        files.setdefault(entry.name, entry.fname)
    for family in families:
        if family in files and _has_glyphs(files[family]):
            return family
    found = _fontconfig_file() if fontconfig else None
    if found is not None and _has_glyphs(found):
        font_manager.fontManager.addfont(found)
        name = str(font_manager.FontProperties(fname=found).get_name())
        log.info("route images print Chinese with %s (%s, from fontconfig)", name, found)
        return name
    msg = (
        "no font with Chinese glyphs is installed, so the route image cannot print its labels "
        f"(looked for {', '.join(families)}"
        + (" and asked fontconfig for :lang=zh-cn" if fontconfig else "")
        + "); install one, e.g. `apt-get install fonts-noto-cjk` on Debian"
    )
    raise MissingCJKFont(msg)


_OFFSETS = (
    (9, 6, "left"),
    (9, -14, "left"),
    (-9, 6, "right"),
    (-9, -14, "right"),
    (0, 12, "center"),
    (0, -20, "center"),
)
"""Where a stop's name may go around its marker (points), tried in this order."""


def _place_labels(fig: Any, ax: Any, labels: list[tuple[float, float, str]], family: str) -> None:
    """Each stop's name beside its marker, on the first side where it overlaps no marker and
    no name placed before it (stops close together would otherwise print their names on top of
    each other, or over the next stop's number)."""
    renderer = fig.canvas.get_renderer()
    radius = 8 * fig.dpi / 72  # the stop markers' radius (s=260 is about 16 points across)
    markers = [ax.transData.transform((x, y)) for x, y, _ in labels]
    taken: list[Any] = [
        Bbox.from_extents(px - radius, py - radius, px + radius, py + radius) for px, py in markers
    ]
    for x, y, name in labels:
        text = None
        for dx, dy, ha in _OFFSETS:
            if text is not None:
                text.remove()
            text = ax.annotate(
                _plain(name),
                (x, y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                fontsize=7.5,
                fontfamily=family,
                zorder=4,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
            )
            box = text.get_window_extent(renderer=renderer)
            if not any(box.overlaps(other) for other in taken):
                break
        if text is not None:
            taken.append(text.get_window_extent(renderer=renderer))


def _has_glyphs(path: str) -> bool:
    """Whether the font file has a glyph for every character of `PROBE`."""
    try:
        font = FT2Font(path)
    except (OSError, RuntimeError):
        return False
    return all(font.get_char_index(ord(ch)) != 0 for ch in PROBE)


def _fontconfig_file() -> str | None:
    """The font file fontconfig picks for Simplified Chinese, if fc-match is installed."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        done = subprocess.run(
            [fc_match, "--format=%{file}", ":lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    path = done.stdout.strip()
    return path or None


def _plain(value: str) -> str:
    """Text as matplotlib should print it: a ``$`` would otherwise start mathtext."""
    return value.replace("$", r"\$")


def _scale_bar(ax: Any, kx: float, family: str, words: dict[str, str]) -> None:
    """A bar of a round length about a fifth of the plot's width, lower left."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    metres_per_unit = 111_320.0  # one degree of latitude (x is scaled to match)
    target = (x1 - x0) * metres_per_unit / 5
    length = 10 ** math.floor(math.log10(target))
    for step in (5, 2, 1):
        if step * length <= target:
            length *= step
            break
    width = length / metres_per_unit
    bx, by = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.05
    ax.plot([bx, bx + width], [by, by], color="black", linewidth=3, solid_capstyle="butt")
    label = f"{length / 1000:g} {words['km']}" if length >= 1000 else f"{length:g} {words['m']}"
    ax.annotate(
        label,
        (bx + width / 2, by),
        xytext=(0, 4),
        textcoords="offset points",
        ha="center",
        fontsize=7,
        fontfamily=family,
    )
