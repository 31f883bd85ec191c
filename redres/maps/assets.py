"""The scripts and stylesheets a map needs, served by the app or inlined, never from a CDN.

Party schools often run on an intranet with no internet, so every asset comes from the app
itself (``/static/vendor/...``); a standalone file that is mailed or opened from disk gets the
same files inlined and works with no network at all.

folium keeps its asset lists on the classes (``Map.default_js``), shared by every map in the
process, and ``add_js_link`` appends to them. Here every element gets its own lists, set on the
instance, so one map's choice never leaks into another's.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from branca.element import Element

VENDOR_DIR = Path(__file__).resolve().parent / "static" / "vendor"
"""Where the vendored files live in the package (mounted by the app at ``/static/vendor``)."""

LOCAL_PREFIX = "/static/vendor/"
"""The URL prefix the app serves :data:`VENDOR_DIR` under."""

AssetMode = Literal["local", "inline"]
ASSET_MODES: tuple[AssetMode, ...] = ("local", "inline")


@dataclass(frozen=True, slots=True)
class Asset:
    """One script or stylesheet and its file under :data:`VENDOR_DIR`."""

    name: str
    path: str
    kind: Literal["js", "css"]


LEAFLET = (
    Asset(
        "leaflet",
        "leaflet-1.9.4/leaflet.js",
        "js",
    ),
    Asset(
        "leaflet_css",
        "leaflet-1.9.4/leaflet.css",
        "css",
    ),
)
SUPERCLUSTER = (
    Asset(
        "supercluster",
        "supercluster-8.0.1/supercluster.min.js",
        "js",
    ),
)
"""Point clustering (with its KDBush index bundled): 40,000 points indexed in well under a second."""
REDRES = (
    Asset("redres_maps", "redres/maps.js", "js"),
    Asset("redres_maps_css", "redres/maps.css", "css"),
)
"""Our controls (legend, search, locate, fullscreen, CRS switch) and the site layer."""


def use_assets(element: Element, assets: tuple[Asset, ...]) -> None:
    """Give `element` its own asset lists (never the class-level ones folium shares).

    In ``inline`` mode the links point at local paths and :func:`inline_assets` replaces them
    after rendering.
    """
    js = [(a.name, url_for(a)) for a in assets if a.kind == "js"]
    css = [(a.name, url_for(a)) for a in assets if a.kind == "css"]
    element.default_js = js  # type: ignore[attr-defined]
    element.default_css = css  # type: ignore[attr-defined]


def url_for(asset: Asset) -> str:
    """The URL a page links `asset` with (inlined later in ``inline`` mode)."""
    return LOCAL_PREFIX + asset.path


_SCRIPT_RE = re.compile(r'<script src="' + re.escape(LOCAL_PREFIX) + r'([^"]+)"></script>')
_CSS_RE = re.compile(r'<link rel="stylesheet" href="' + re.escape(LOCAL_PREFIX) + r'([^"]+)"\s*/?>')
_URL_RE = re.compile(r"url\((['\"]?)(images/[^)'\"]+)\1\)")
_SOURCEMAP_RE = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)


def inline_assets(html: str, *, nonce_attr: str = "") -> str:
    """Replace every local script and stylesheet link with the file's content.

    Images a stylesheet refers to become data URIs, so the page needs no server at all.
    `nonce_attr` (``' nonce="…"'``) goes on each inlined script, for a page served under a CSP.

    Raises
    ------
    FileNotFoundError
        If a link names a file that is not vendored.
    """
    html = _SCRIPT_RE.sub(
        lambda m: f"<script{nonce_attr}>" + _script_text(m.group(1)) + "</script>", html
    )
    return _CSS_RE.sub(lambda m: "<style>" + _css_text(m.group(1)) + "</style>", html)


def local_paths(html: str) -> list[str]:
    """The vendored files a rendered page links to (what the app must serve)."""
    return [m.group(1) for m in _SCRIPT_RE.finditer(html)] + [
        m.group(1) for m in _CSS_RE.finditer(html)
    ]


@cache
def _script_text(path: str) -> str:
    text = _vendored(path).read_text(encoding="utf-8")
    text = _SOURCEMAP_RE.sub("", text)
    # a literal "</script" inside the code would end the element early
    return text.replace("</script", "<\\/script")


@cache
def _css_text(path: str) -> str:
    file = _vendored(path)
    text = file.read_text(encoding="utf-8")

    def data_uri(m: re.Match[str]) -> str:
        image = file.parent / m.group(2)
        if not image.is_file():  # e.g. Leaflet's default marker icon, which we never use
            return "none"
        encoded = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    return _URL_RE.sub(data_uri, text).replace("</style", "<\\/style")


def _vendored(path: str) -> Path:
    file = (VENDOR_DIR / path).resolve()
    if VENDOR_DIR.resolve() not in file.parents or not file.is_file():
        msg = f"no vendored asset {path!r} under {VENDOR_DIR}"
        raise FileNotFoundError(msg)
    return file
