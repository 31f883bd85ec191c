"""Every user string reaches the page as text: names, stories, notes, theme names, tooltips."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import pytest

from redres.maps.assets import AssetMode
from redres.maps.controls import legend_html
from redres.maps.options import MapSettings
from redres.maps.popups import text
from redres.maps.render import district_overview, site_map, to_html
from redres.maps.route_map import route_map, stop_popup_html
from redres.routes.answer import Itinerary
from tests.maps.conftest import HOSTILE

SETTINGS = MapSettings()


def scripts(page: str) -> str:
    return "".join(re.findall(r"<script>(.*?)</script>", page, flags=re.S))


def test_hostile_name_never_appears_raw(
    features: list[dict[str, Any]], themes: dict[str, str], itinerary: Itinerary
) -> None:
    pages = [
        to_html(
            site_map(features, settings=SETTINGS, themes=themes, title=HOSTILE), settings=SETTINGS
        ),
        to_html(route_map(itinerary, settings=SETTINGS, title=HOSTILE), settings=SETTINGS),
        to_html(district_overview(features, settings=SETTINGS), settings=SETTINGS),
    ]
    for page in pages:
        assert "<img" not in page
        assert "</script>`" not in page
        # exactly one script element is opened and closed: the name cannot end it early
        assert page.count("</script>") == page.count("<script")


def test_site_data_round_trips_the_name_as_text(features: list[dict[str, Any]]) -> None:
    page = to_html(site_map(features, settings=SETTINGS), settings=SETTINGS)
    data = re.search(r"data: (\{.*\})\n", page)
    assert data is not None
    rows = json.loads(data.group(1))["sites"]
    assert HOSTILE in [
        row[4] for row in rows
    ]  # the browser gets the exact text, set via textContent
    assert any(row[9].startswith("<img src=x onerror=alert(1)") for row in rows)


def test_route_popup_and_tooltip_are_escaped(itinerary: Itinerary, curated: Itinerary) -> None:
    stop = next(s for s in curated.stops if s.slug == "hostile")
    assert stop.name == stop.note == HOSTILE
    html = stop_popup_html(stop, n=2, day_label="第1天", site_url="/sites/", leg=None)
    assert "<img" not in html
    assert html.count("&lt;img src=x onerror=alert(1)&gt;&#96;&#36;{alert(2)}&#96;") == 2
    page = to_html(route_map(itinerary, settings=SETTINGS), settings=SETTINGS)
    payloads = re.findall(r'bind(?:Tooltip|Popup)\(("(?:[^"\\]|\\.)*")', page)
    assert len(payloads) >= 6  # a popup and a tooltip per stop, tooltips on the ends
    for payload in payloads:
        content = json.loads(payload)  # what Leaflet will parse as HTML
        assert "<img" not in content
        assert "`" not in content


def test_legend_and_layer_names_are_escaped(
    features: list[dict[str, Any]], itinerary: Itinerary
) -> None:
    assert "&lt;img" in legend_html(HOSTILE, [("#c0392b", HOSTILE)])
    assert 'style="background:#888888"' in legend_html("t", [("red;background:url(x)", "x")])
    page = to_html(
        route_map(replace(itinerary, name=HOSTILE), settings=SETTINGS), settings=SETTINGS
    )
    assert "<img" not in page


def test_text_escapes_for_html_and_template_literals() -> None:
    assert text("a<b>&\"'`$\\") == "a&lt;b&gt;&amp;&quot;&#39;&#96;&#36;&#92;"


@pytest.mark.parametrize("assets", ["local", "inline"])
def test_a_nonce_goes_on_every_inline_script_of_the_page_and_only_there(
    features: list[dict[str, Any]], itinerary: dict[str, Any], assets: AssetMode
) -> None:
    """Served under a CSP, each inline script (map, folium's flags, inlined files) has it."""
    settings = MapSettings(assets=assets)
    nonce = "fresh-for-one-response"
    for m in (
        site_map(features, settings=settings, title=HOSTILE),
        route_map(itinerary, settings=settings, title=HOSTILE),
    ):
        page = to_html(m, settings=settings, nonce=nonce)
        tags = re.findall(r"<script\b[^>]*>", page)
        inline = [t for t in tags if "src=" not in t]
        assert len(inline) >= 2
        assert set(inline) == {f'<script nonce="{nonce}">'}
        assert page.count("</script>") == len(tags)  # the hostile name opened none
        assert page.count(nonce) == len(inline)


def test_a_standalone_page_has_no_nonce(features: list[dict[str, Any]]) -> None:
    page = to_html(site_map(features, settings=SETTINGS), settings=SETTINGS)
    assert "nonce" not in page
