"""`redres map`: write a site, theme, district or route map to a file that works offline."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from sqlmodel import Session, col, select

from redres.catalog.map_feed import map_features, theme_names
from redres.catalog.models import Theme
from redres.commands._shared import DbOption, engine_for, require_schema, settings_for
from redres.errors import RedresError
from redres.hours.holidays_cn import calendar_with_dir

# The map and route modules (folium, matplotlib, the planner) are imported inside the commands:
# every `redres` invocation loads this module, and they take seconds to import.


def register(app: typer.Typer) -> None:
    """Add this room's commands to the `redres` app."""
    app.command("map")(map_command)
    app.command("map-embed")(map_embed)


def map_command(
    out: Annotated[
        Path, typer.Option("--out", help="FILE.html (a map) or FILE.png (a route, --route)")
    ],
    theme: Annotated[
        str | None, typer.Option("--theme", help="Only the sites of this theme (slug).")
    ] = None,
    route: Annotated[str | None, typer.Option("--route", help="A published route (slug).")] = None,
    districts: Annotated[
        bool, typer.Option("--districts", help="Counts by district instead of sites.")
    ] = False,
    basemap: Annotated[
        str | None,
        typer.Option(
            "--basemap", help="Basemap shown first: osm, amap, tencent, tianditu, custom."
        ),
    ] = None,
    assets: Annotated[
        str,
        typer.Option(
            "--assets",
            help="inline (one file that works offline) or local (links to a redres server's "
            "/static/vendor).",
        ),
    ] = "inline",
    site_url: Annotated[
        str | None,
        typer.Option("--site-url", help="Prefix of site pages, e.g. https://example.org/sites/"),
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Day whose opening hours popups show (YYYY-MM-DD).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Write a map of the published catalogue (or one theme, route or the district counts)."""
    from redres.maps.assets import ASSET_MODES
    from redres.maps.options import MapSettings
    from redres.maps.render import district_overview, site_map, theme_map, to_html, today
    from redres.maps.route_map import route_map
    from redres.maps.route_png import route_png
    from redres.routes.stored_routes import route_itinerary

    if assets not in ASSET_MODES:
        msg = f"--assets {assets!r} must be one of {', '.join(ASSET_MODES)}"
        raise ValueError(msg)
    if (theme is not None) + (route is not None) + districts > 1:
        msg = "choose at most one of --theme, --route and --districts"
        raise ValueError(msg)
    settings = settings_for(db)
    ms = MapSettings.from_settings(settings)
    ms = replace(ms.with_default(basemap) if basemap else ms, assets=assets)
    if site_url:
        ms = replace(ms, site_url=site_url)
    day = dt.date.fromisoformat(date) if date else today()
    engine = engine_for(db)
    require_schema(engine)
    with Session(engine) as session:
        if out.suffix.lower() == ".png":
            if route is None:
                msg = "a PNG is drawn for a route only; add --route SLUG"
                raise ValueError(msg)
            out.write_bytes(route_png(route_itinerary(session, route)))
            typer.echo(f"wrote {out}")
            return
        if out.suffix.lower() not in (".html", ".htm"):
            msg = f"--out {str(out)!r} must end in .html or .png"
            raise ValueError(msg)
        calendar = calendar_with_dir(settings.holiday_dir)
        if route is not None:
            m = route_map(route_itinerary(session, route), settings=ms)
        elif districts:
            m = district_overview(map_features(session, details=False), settings=ms)
        elif theme is not None:
            found = session.exec(select(Theme).where(col(Theme.slug) == theme)).first()
            if found is None:
                msg = f"theme {theme!r} not found"
                raise RedresError(msg)
            features = map_features(session, theme=theme)
            m = theme_map(
                {"slug": found.slug, "name": found.name},
                features,
                settings=ms,
                day=day,
                calendar=calendar,
            )
        else:
            features = map_features(session)
            m = site_map(
                features, settings=ms, day=day, calendar=calendar, themes=theme_names(session)
            )
    out.write_text(to_html(m, settings=ms), encoding="utf-8")
    typer.echo(f"wrote {out}")


def map_embed(
    url: Annotated[
        str,
        typer.Argument(
            help="The public URL of a map page, e.g. https://example.org/maps/sites.html"
        ),
    ],
    title: Annotated[str, typer.Option("--title")] = "红色资源地图",
    height: Annotated[int, typer.Option("--height", min=100, max=2000)] = 480,
) -> None:
    """Print the <iframe> snippet another website pastes to show a map page."""
    from redres.maps.render import embed_snippet

    if not url.startswith(("https://", "http://")):
        msg = f"url {url!r} must be an http(s) address"
        raise ValueError(msg)
    typer.echo(embed_snippet(url, title=title, height=height))
