"""Maps work on an intranet: local assets by default, inlined for files, per-map asset lists."""

from __future__ import annotations

import re
from typing import Any

import folium
import pytest

from redres.maps.assets import ASSET_MODES, LOCAL_PREFIX, VENDOR_DIR, inline_assets, local_paths
from redres.maps.options import MapSettings
from redres.maps.render import district_overview, site_map, to_html
from redres.maps.route_map import route_map
from redres.routes.answer import Itinerary

ASSET_URL = re.compile(r'<(?:script[^>]+src|link rel="stylesheet"[^>]+href)="([^"]+)"')
ANY_LINK = re.compile(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"')


def asset_urls(page: str) -> list[str]:
    """Every script src and link href of a page."""
    return ASSET_URL.findall(page)


def all_maps(
    features: list[dict[str, Any]], itinerary: Itinerary, settings: MapSettings
) -> list[str]:
    return [
        to_html(site_map(features, settings=settings), settings=settings),
        to_html(site_map(None, settings=settings, data_url="sites.json"), settings=settings),
        to_html(route_map(itinerary, settings=settings), settings=settings),
        to_html(district_overview(features, settings=settings), settings=settings),
    ]


def test_default_mode_links_only_local_vendored_files(
    features: list[dict[str, Any]], itinerary: Itinerary
) -> None:
    for page in all_maps(features, itinerary, MapSettings()):
        urls = asset_urls(page)
        assert urls, "a map needs Leaflet"
        assert all(u.startswith(LOCAL_PREFIX) for u in urls), urls
        assert not any("://" in u for u in ANY_LINK.findall(page))  # preloads included
        for path in local_paths(page):
            assert (VENDOR_DIR / path).is_file(), path
        # nothing from folium's CDN defaults sneaks in (jQuery, Bootstrap, Font Awesome)
        assert "jquery" not in page.lower()
        assert "bootstrap" not in page.lower()


def test_inline_mode_needs_no_server(features: list[dict[str, Any]], itinerary: Itinerary) -> None:
    for page in all_maps(features, itinerary, MapSettings(assets="inline")):
        assert asset_urls(page) == []
        assert "redres.wire(" in page
        assert "function(t,e){" in page  # Leaflet itself, inlined
        assert "url(images/" not in page  # the layer-control icons became data URIs
        assert "sourceMappingURL" not in page


def test_no_mode_links_a_public_cdn(features: list[dict[str, Any]]) -> None:
    """Intranets have no internet: every asset comes from the app or the file itself."""
    with pytest.raises(ValueError, match="asset mode 'cdn'"):
        MapSettings(assets="cdn")  # type: ignore[arg-type]
    for mode in ASSET_MODES:
        settings = MapSettings(assets=mode)
        page = to_html(site_map(features, settings=settings), settings=settings)
        assert "://" not in " ".join(asset_urls(page)), mode


def test_asset_lists_do_not_leak_between_maps(features: list[dict[str, Any]]) -> None:
    before = (list(folium.Map.default_js), list(folium.Map.default_css))
    inline = MapSettings(assets="inline")
    first = site_map(features, settings=inline)
    to_html(first, settings=inline)
    local = MapSettings()
    second = site_map(features, settings=local)
    assert all(u.startswith(LOCAL_PREFIX) for u in asset_urls(to_html(second, settings=local)))
    assert first.default_js is not second.default_js
    assert (folium.Map.default_js, folium.Map.default_css) == before
    # a plain folium map made afterwards still gets folium's own defaults
    plain = folium.Map().get_root().render()
    assert "leaflet@1.9.3" in plain
    assert "/static/vendor/" not in plain


def test_inline_refuses_paths_outside_the_vendor_directory() -> None:
    with pytest.raises(FileNotFoundError, match="no vendored asset"):
        inline_assets(f'<script src="{LOCAL_PREFIX}../../render.py"></script>')


def test_vendored_files_carry_their_licences() -> None:
    assert (VENDOR_DIR / "leaflet-1.9.4" / "LICENSE").is_file()
    assert (VENDOR_DIR / "supercluster-8.0.1" / "LICENSE").is_file()
    assert (VENDOR_DIR / "supercluster-8.0.1" / "LICENSE.kdbush").is_file()
