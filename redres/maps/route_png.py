"""A route as a static PNG for printed handouts: no tiles, no browser, Chinese labels.

Teachers print the day's route for a class; a tile screenshot needs network access and a
browser, so this draws the legs, numbered stops and names with matplotlib alone, on an
equirectangular plot scaled by the cosine of the latitude (true shape at city scale), with a
scale bar and a north arrow.
"""

from __future__ import annotations

import io
import math
from functools import cache
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib import pyplot as plt

from redres.maps.route_map import day_colour, day_waypoints, leg_lines
from redres.routes.model import Itinerary

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "WenQuanYi Zen Hei")


def route_png(itinerary: Itinerary, *, title: str | None = None, dpi: int = 150) -> bytes:
    """The route drawn as PNG bytes (A5-ish landscape at `dpi`).

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
    fig, ax = plt.subplots(figsize=(8.3, 5.8), dpi=dpi)
    try:
        for i, day, pts in per_day:
            colour = day_colour(i)
            label = f"第{i + 1}天 {day.date.isoformat()}"
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
                ax.annotate(
                    _plain(p.stop.name if p.stop is not None else ""),
                    (p.lon * kx, p.lat),
                    xytext=(9, 6),
                    textcoords="offset points",
                    fontsize=7.5,
                    fontfamily=family,
                    zorder=4,
                )
        ax.set_aspect("equal", adjustable="datalim")
        ax.margins(0.12)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(
            _plain(title or itinerary.name or "研学线路"),
            fontfamily=family,
            fontsize=12,
        )
        if len(days) > 0:
            ax.legend(loc="lower right", prop={"family": family, "size": 8}, frameon=True)
        fig.canvas.draw()  # settle the limits before measuring the scale bar against them
        ax.set_autoscale_on(False)
        _scale_bar(ax, kx, family)
        ax.annotate(
            "北 ↑",
            xy=(0.03, 0.95),
            xycoords="axes fraction",
            ha="left",
            va="top",
            fontfamily=family,
            fontsize=9,
        )
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()
    finally:
        plt.close(fig)


@cache
def cjk_family() -> str:
    """An installed font family that has Chinese glyphs (fonts-noto-cjk on Debian), else sans-serif."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in names:
            return family
    return "sans-serif"


def _plain(value: str) -> str:
    """Text as matplotlib should print it: a ``$`` would otherwise start mathtext."""
    return value.replace("$", r"\$")


def _scale_bar(ax: Any, kx: float, family: str) -> None:
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
    label = f"{length / 1000:g} 公里" if length >= 1000 else f"{length:g} 米"
    ax.annotate(
        label,
        (bx + width / 2, by),
        xytext=(0, 4),
        textcoords="offset points",
        ha="center",
        fontsize=7,
        fontfamily=family,
    )
