"""Small map controls written like folium plugins: legend, approval number, locate-me, fullscreen, wiring.

Each is a folium element with a ``_template`` macro calling one function of our local script
(``/static/vendor/redres/maps.js``), and its own asset lists. Fullscreen and locate-me are a few
lines each there, which is lighter than vendoring two more plugins.
"""

from __future__ import annotations

from collections.abc import Sequence

from branca.element import Element
from folium.elements import JSCSSMixin
from folium.template import Template

from redres.maps.assets import REDRES, use_assets
from redres.maps.basemaps import Crs
from redres.maps.popups import text


class Legend(JSCSSMixin):
    """A legend box; its HTML must be built with :func:`legend_html` (escaped text only)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            redres.legend({{ this._parent.get_name() }}, {{ this.html|tojson }}, {{ this.position|tojson }}, {{ this.toggle|tojson }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        html: str,
        *,
        position: str = "bottomright",
        toggle: str = "图例",
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Legend"
        self.html = html
        self.position = position
        self.toggle = toggle  # the button that opens and closes it (closed at first on phones)
        use_assets(self, REDRES)


def legend_html(title: str, entries: Sequence[tuple[str, str]], *, line: bool = False) -> str:
    """Legend HTML from a title and ``(colour, label)`` entries, every string escaped.

    Examples
    --------
    >>> legend_html("图例", [("#c0392b", "<b>旧址</b>")])
    '<h4>图例</h4><div><i style="background:#c0392b"></i>&lt;b&gt;旧址&lt;/b&gt;</div>'
    """
    cls = ' class="rr-line"' if line else ""
    rows = "".join(
        f'<div><i{cls} style="background:{_colour(colour)}"></i>{text(label)}</div>'
        for colour, label in entries
    )
    return f"<h4>{text(title)}</h4>{rows}"


class ApprovalNumber(JSCSSMixin):
    """The map approval number (审图号) in the lower left, as published maps in China must show."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            redres.approval({{ this._parent.get_name() }}, {{ this.label|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, number: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "ApprovalNumber"
        self.label = f"审图号：{number}"
        use_assets(self, REDRES)


class LocateControl(JSCSSMixin):
    """A button that centres the map on the visitor (shifted to GCJ-02 on GCJ-02 basemaps)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            redres.locate({{ this._parent.get_name() }}, {{ this.title|tojson }}, {{ this.messages|tojson }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        *,
        title: str = "定位我的位置",
        messages: dict[str, str] | None = None,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "LocateControl"
        self.title = title
        self.messages = messages or {}  # what to say when no position comes, by reason
        use_assets(self, REDRES)


class FullscreenControl(JSCSSMixin):
    """A button that shows the map full screen (or fills the window where that is refused)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            redres.fullscreen({{ this._parent.get_name() }}, {{ this.title|tojson }}, {{ this.glyph|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, *, title: str = "全屏", glyph: str = "全") -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "FullscreenControl"
        self.title = title
        self.glyph = glyph  # the button's one character: 全 on Chinese maps
        use_assets(self, REDRES)


class Wiring(JSCSSMixin):
    """The last script of a map: theme filters join the layer control, overlays follow the CRS.

    When the user picks a basemap drawn in another CRS (OpenStreetMap in WGS-84, Amap in
    GCJ-02), every overlay listed here is moved from the CRS it was drawn in (`primary`) to the
    new one, so markers stay on their buildings whichever basemap is shown.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            redres.wire({{ this._parent.get_name() }}, {
                primary: {{ this.primary|tojson }},
                control: {{ this.control_name }},
                bases: [{% for layer, crs in this.bases %}[{{ layer.get_name() }}, {{ crs|tojson }}],{% endfor %}],
                overlays: [{% for layer in this.overlays %}{{ layer.get_name() }},{% endfor %}],
                siteLayers: [{% for layer in this.site_layers %}{{ layer.get_name() }},{% endfor %}]
            });
        {% endmacro %}
        """
    )

    def __init__(
        self,
        *,
        primary: Crs,
        control: Element | None,
        bases: Sequence[tuple[Element, Crs]],
        overlays: Sequence[Element],
        site_layers: Sequence[Element],
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Wiring"
        self.primary = primary
        self.control_name = control.get_name() if control is not None else "null"
        self.bases = list(bases)
        self.overlays = list(overlays)
        self.site_layers = list(site_layers)
        use_assets(self, REDRES)


def _colour(value: str) -> str:
    """Only ``#rrggbb`` colours reach a style attribute."""
    if (
        len(value) == 7
        and value[0] == "#"
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    ):
        return value
    return "#888888"
