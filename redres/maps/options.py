"""What a deployment configures about its maps: basemaps, keys, the approval number, asset mode.

The maps room reads no settings itself (domain code takes explicit arguments); the API and the
CLI build one :class:`MapSettings` from :class:`redres.config.Settings` and pass it down.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from redres.maps.assets import ASSET_MODES, AssetMode
from redres.maps.basemaps import (
    BASEMAP_NAMES,
    Basemap,
    Crs,
    amap,
    custom,
    osm,
    parse_approvals,
    tencent,
    tianditu,
    with_approval,
)


@dataclass(frozen=True, slots=True)
class MapSettings:
    """How maps are drawn and where their assets come from.

    Parameters
    ----------
    basemaps
        Basemap keys offered in the layer control, the first shown by default: ``osm``,
        ``amap``, ``tencent``, ``tianditu`` (needs `tianditu_key`), ``custom`` (needs `tiles_url`).
    tianditu_key
        Tianditu browser key (tk).
    tiles_url, tiles_attribution, tiles_crs, tiles_title
        A self-hosted XYZ tile server for intranets.
    approval_number
        The map approval number (审图号, e.g. ``GS(2024)1234号``) shown lower left when set.
    basemap_approvals
        Each basemap's own approval number, ``key=number`` pairs separated by ``;`` (e.g.
        ``tianditu=<the number Tianditu publishes>``), shown in that basemap's attribution
        as ``审图号：<number>`` while it is the basemap shown.
    assets
        ``local`` (served by the app), ``inline`` (standalone file) or ``cdn`` (public CDNs).
    site_url
        Prefix of a site's page; a standalone file needs an absolute one to link back.
    """

    basemaps: tuple[str, ...] = ("osm", "amap", "tencent")
    tianditu_key: str | None = None
    tiles_url: str | None = None
    tiles_attribution: str = "本地瓦片"
    tiles_crs: Crs = "wgs84"
    tiles_title: str = "本地地图"
    approval_number: str | None = None
    basemap_approvals: str | None = None
    assets: AssetMode = "local"
    site_url: str = "/sites/"

    def __post_init__(self) -> None:
        if not self.basemaps:
            msg = "at least one basemap is needed"
            raise ValueError(msg)
        for key in self.basemaps:
            if key not in BASEMAP_NAMES:
                msg = f"unknown basemap {key!r}; expected one of {', '.join(BASEMAP_NAMES)}"
                raise ValueError(msg)
        if "tianditu" in self.basemaps and not self.tianditu_key:
            msg = "basemap 'tianditu' needs a key (REDRES_MAP_TIANDITU_KEY)"
            raise ValueError(msg)
        if "custom" in self.basemaps and not self.tiles_url:
            msg = "basemap 'custom' needs a tile URL (REDRES_MAP_TILES_URL)"
            raise ValueError(msg)
        parse_approvals(self.basemap_approvals)  # refused here, not on the first map drawn
        if self.assets not in ASSET_MODES:
            msg = f"asset mode {self.assets!r} must be one of {', '.join(ASSET_MODES)}"
            raise ValueError(msg)

    @classmethod
    def from_settings(cls, settings: Any) -> MapSettings:
        """Read the ``map_*`` fields of the app settings; missing ones keep their defaults."""
        values: dict[str, Any] = {}
        for name in cls.__dataclass_fields__:
            value = getattr(settings, f"map_{name}", None)
            if value is None:
                continue
            if name == "basemaps" and isinstance(value, str):
                value = tuple(k.strip() for k in value.split(",") if k.strip())
            values[name] = value
        return cls(**values)

    def with_default(self, key: str) -> MapSettings:
        """The same settings with `key` shown first (e.g. ``?basemap=amap`` or ``--basemap``).

        Raises
        ------
        ValueError
            If `key` is not a basemap this deployment can show.
        """
        if key not in BASEMAP_NAMES:
            msg = f"unknown basemap {key!r}; expected one of {', '.join(BASEMAP_NAMES)}"
            raise ValueError(msg)
        rest = tuple(k for k in self.basemaps if k != key)
        return replace(self, basemaps=(key, *rest))

    def basemap_list(self) -> list[Basemap]:
        """The configured basemaps, default first."""
        made: list[Basemap] = []
        approvals = parse_approvals(self.basemap_approvals)
        for key in self.basemaps:
            if key == "osm":
                made.append(osm())
            elif key == "amap":
                made.append(amap())
            elif key == "tencent":
                made.append(tencent())
            elif key == "tianditu":
                made.append(tianditu(self.tianditu_key or ""))
            else:
                made.append(
                    custom(
                        self.tiles_url or "",
                        attribution=self.tiles_attribution,
                        crs=self.tiles_crs,
                        title=self.tiles_title,
                    )
                )
            if key in approvals:
                made[-1] = with_approval(made[-1], approvals[key])
        return made
