"""`redres plan`: plan a themed study route from the command line (registered by `redres.cli`)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any
from unicodedata import east_asian_width

import typer
from pydantic import ValidationError

from redres.catalog.enums import TravelMode
from redres.catalog.errors import Conflict
from redres.commands._shared import DbOption, JsonOption, engine_for, require_schema, settings_for
from redres.db import session_scope
from redres.hours.holidays_cn import calendar_with_dir
from redres.routes.answer import Itinerary, hhmm
from redres.routes.errors import InvalidPlanRequest
from redres.routes.model import MODES, PlanRequest
from redres.routes.plan_schemas import PlanIn, place_from_text
from redres.routes.solver import SolveParams


def register(app: typer.Typer) -> None:
    """Add this room's commands to the `redres` app."""
    app.command("plan")(plan_command)


def plan_command(
    theme: Annotated[
        list[str], typer.Option("--theme", help="Theme slug, optionally =weight (repeatable).")
    ],
    date: Annotated[str, typer.Option("--date", help="First day, YYYY-MM-DD.")],
    days: Annotated[int, typer.Option("--days", help="Number of days.")] = 1,
    start: Annotated[str | None, typer.Option(help="LON,LAT or a site slug.")] = None,
    end: Annotated[
        str | None, typer.Option(help="LON,LAT or a site slug (default: start).")
    ] = None,
    mode: Annotated[str, typer.Option(help=f"One of {', '.join(MODES)}.")] = "walk",
    group: Annotated[int, typer.Option("--group", help="Group size.")] = 1,
    window: Annotated[str, typer.Option(help="Daily window HH:MM-HH:MM.")] = "08:30-17:30",
    lunch: Annotated[str | None, typer.Option(help="Lunch break HH:MM-HH:MM.")] = None,
    must: Annotated[list[str] | None, typer.Option("--must", help="Site slug to visit.")] = None,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", help="Site slug to leave out.")
    ] = None,
    max_stops: Annotated[int | None, typer.Option("--max-stops", help="Stops per day.")] = None,
    unknown_hours: Annotated[
        str, typer.Option("--unknown-hours", help="assume (with a warning) or omit.")
    ] = "assume",
    out: Annotated[
        Path | None, typer.Option(help="Write .gpx, .kml, .geojson, .ics or .html too.")
    ] = None,
    network: Annotated[
        str | None,
        typer.Option(
            help="Road network: a GIS line layer (.gpkg/.geojson/.shp), an .osm extract, or "
            "none for straight lines (default: REDRES_ROAD_NETWORK, else the bundled one "
            "when the demo is loaded)."
        ),
    ] = None,
    save: Annotated[
        str | None, typer.Option(help="Also store the plan as a draft route with this slug.")
    ] = None,
    time_limit: Annotated[float, typer.Option("--time-limit", help="Solver seconds.")] = 1.0,
    seed: Annotated[int, typer.Option(help="Solver seed.")] = 0,
    ticket_budget: Annotated[
        float | None, typer.Option("--ticket-budget", help="Most tickets cost per person, CNY.")
    ] = None,
    cap: Annotated[
        list[str] | None,
        typer.Option(
            "--cap", help="CATEGORY:DAY[/TRIP], e.g. memorial_hall:2 or museum:/3 (repeatable)."
        ),
    ] = None,
    chronological: Annotated[
        bool, typer.Option("--chronological", help="Prefer the stops in historical order.")
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Plan a study route over the published sites: a table by default, JSON with --json."""
    # imported here, not at the top: every `redres` command loads this module
    from redres.api.i18n import translator
    from redres.catalog.route_edits import StopInput, save_planned_route
    from redres.maps.route_png import route_png_data_url
    from redres.routes.candidates import plan_catalog
    from redres.routes.export import export
    from redres.routes.handout import render_handout
    from redres.routes.network import NetworkError
    from redres.routes.planner import PlannerParams
    from redres.routes.road_source import travel_model

    try:
        request, solve_params = _request(
            theme,
            date,
            days,
            start,
            end,
            mode,
            group,
            window,
            lunch,
            must,
            exclude,
            max_stops,
            unknown_hours,
            seed,
            time_limit,
            limits={
                "ticket_budget": ticket_budget,
                "kind_caps": [_cap(text) for text in cap or []],
                "chronological": chronological,
            },
        )
        fmt = _format(out)
        params = PlannerParams(solve=solve_params)
    except (ValueError, OSError) as exc:
        _fail(exc)
    settings = settings_for(db)
    if network is not None:
        settings = settings.model_copy(update={"road_network": network})
    engine = engine_for(db)
    require_schema(engine)
    try:
        with session_scope(engine) as session:
            travel = travel_model(settings, session, strict=True)
            itinerary = plan_catalog(
                session,
                request,
                calendar=calendar_with_dir(settings.holiday_dir),
                params=params,
                travel=travel,
            )
            if save:
                route = save_planned_route(
                    session,
                    slug=save,
                    name=f"{'、'.join(request.themes)} {request.date}",
                    stops=[
                        StopInput(d, n, s.site_id, round(s.leave - s.start))
                        for d, day in enumerate(itinerary.days, 1)
                        for n, s in enumerate(day.stops, 1)
                    ],
                    mode=TravelMode(request.mode),
                    theme=max(request.themes, key=lambda t: request.themes[t]),
                )
                typer.echo(f"saved draft route {route.slug!r} (id {route.id})", err=True)
    except (InvalidPlanRequest, Conflict, NetworkError) as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps(itinerary.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_table(itinerary)
    if out is not None:
        text = (
            render_handout(
                itinerary, translate=translator("zh"), map_url=route_png_data_url(itinerary)
            )
            if fmt == "html"
            else export(itinerary, fmt)
        )
        out.write_text(text, encoding="utf-8", newline="")
        typer.echo(f"wrote {out}", err=True)


def _request(
    themes: list[str],
    date: str,
    days: int,
    start: str | None,
    end: str | None,
    mode: str,
    group: int,
    window: str,
    lunch: str | None,
    must: list[str] | None,
    exclude: list[str] | None,
    max_stops: int | None,
    unknown_hours: str,
    seed: int,
    time_limit: float,
    limits: dict[str, Any] | None = None,
) -> tuple[PlanRequest, SolveParams]:
    """The options validated as the API validates a plan request (`PlanIn`), then the domain's."""
    weights: dict[str, float] = {}
    for item in themes:
        slug, _, weight = item.partition("=")
        try:
            weights[slug.strip()] = float(weight) if weight else 1.0
        except ValueError:
            msg = f"theme weight in {item!r} is not a number"
            raise InvalidPlanRequest(msg) from None
    try:
        dt.date.fromisoformat(date)
    except ValueError:
        msg = f"date {date!r} is not YYYY-MM-DD"
        raise InvalidPlanRequest(msg) from None
    body = {
        "themes": weights,
        "date": date,
        "days": days,
        "start": place_from_text(start),
        "end": place_from_text(end),
        "mode": mode,
        "group_size": group,
        "window": window,
        "lunch": lunch or None,
        "must": must or [],
        "exclude": exclude or [],
        "max_stops": max_stops,
        "unknown_hours": unknown_hours,
        "seed": seed,
        "time_limit": time_limit,
    } | (limits or {})
    try:
        checked = PlanIn.model_validate(body)
    except ValidationError as exc:
        raise InvalidPlanRequest("; ".join(_problems(exc))) from None
    params = SolveParams(time_limit=checked.time_limit, seed=checked.seed)
    return checked.to_request(), params


def _cap(text: str) -> dict[str, Any]:
    """``museum:2`` (a day), ``museum:/3`` (a trip) or ``museum:2/3`` as a kind cap's JSON."""
    category, _, counts = text.partition(":")
    day, _, trip = counts.partition("/")
    out: dict[str, Any] = {"category": category.strip()}
    if day.strip():
        out["per_day"] = day.strip()
    if trip.strip():
        out["per_trip"] = trip.strip()
    return out


def _problems(exc: ValidationError) -> list[str]:
    """One line per refused option, naming it and quoting what was given."""
    out = []
    for error in exc.errors():
        text = str(error["msg"]).removeprefix("Value error, ")
        loc = [str(p) for p in error["loc"] if p not in ("point", "site")]
        if not loc:
            out.append(text)
        else:
            out.append(f"{'.'.join(loc)} {error['input']!r}: {text}")
    return list(dict.fromkeys(out))


def _format(out: Path | None) -> str:
    from redres.routes.export import FORMATS

    if out is None:
        return ""
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in (*FORMATS, "html"):
        msg = f"--out {str(out)!r}: use .gpx, .kml, .geojson, .ics or .html"
        raise InvalidPlanRequest(msg)
    return fmt


def _fail(exc: Exception) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(2)


def _print_table(itinerary: Itinerary) -> None:
    for n, day in enumerate(itinerary.days, 1):
        typer.echo(f"Day {n}  {day.date}  depart {hhmm(day.depart)}  back {hhmm(day.back)}")
        rows = [
            (str(i), hhmm(s.arrive), f"{hhmm(s.start)}-{hhmm(s.leave)}", s.slug, s.name)
            for i, s in enumerate(day.stops, 1)
        ]
        _table(("#", "arrive", "visit", "slug", "name"), rows)
        if day.lunch is not None:
            typer.echo(f"  lunch {hhmm(day.lunch.start)}-{hhmm(day.lunch.end)} at {day.lunch.at}")
        for stop in day.stops:
            for warning in stop.warnings:
                typer.echo(f"  ! {stop.slug}: {warning}")
        typer.echo("")
    typer.echo(f"score {itinerary.score:g}")
    for warning in itinerary.warnings:
        typer.echo(f"warning: {warning}")
    if itinerary.omitted:
        typer.echo("\nomitted")
        _table(
            ("slug", "reason", "detail"),
            [(o.slug, o.reason, o.detail) for o in itinerary.omitted],
        )


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    def width(s: str) -> int:
        return sum(2 if east_asian_width(c) in "WF" else 1 for c in s)

    cols = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(header)]
    for row in (header, *rows):
        cells = [c + " " * (w - width(c)) for c, w in zip(row, cols, strict=True)]
        typer.echo("  " + "  ".join(cells).rstrip())
