"""The `redres` command: parses arguments, calls a room, prints, picks the exit code."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from redres.backup import backup, restore
from redres.catalog import accounts
from redres.catalog.app_state import mark_demo_loaded
from redres.catalog.demo import load_demo
from redres.catalog.enums import STAFF, Category, Period, Protection, Role, Status
from redres.catalog.features import site_feature
from redres.catalog.listing import SiteQuery, list_sites
from redres.catalog.models import Site
from redres.commands import datasets, interchange, maps, media, plan
from redres.commands._shared import (
    DbOption,
    JsonOption,
    engine_for,
    require_schema,
    settings_for,
)
from redres.config import get_settings
from redres.db import analyze, init_db, session_scope
from redres.errors import RedresError
from redres.geo import parse_bbox, parse_lon_lat
from redres.hours.holidays_cn import calendar_with_dir, load_schedule
from redres.media_store import DirectoryStore

app = typer.Typer(
    help="redres: a catalogue of red resources and a planner for study routes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
sites_app = typer.Typer(help="Read the registry.", no_args_is_help=True)
app.add_typer(sites_app, name="sites")
user_app = typer.Typer(help="Staff accounts (admin, editor, teacher).", no_args_is_help=True)
app.add_typer(user_app, name="user")
holidays_app = typer.Typer(help="The Chinese public-holiday calendar.", no_args_is_help=True)
app.add_typer(holidays_app, name="holidays")
for _room in (interchange, plan, maps, datasets, media):
    _room.register(app)


def main() -> None:
    """Entry point that turns our errors into a message and exit code 1, not a traceback."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        app()
    except (RedresError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2 if isinstance(exc, ValueError) else 1)
    except OperationalError as exc:
        typer.echo(f"error: database unavailable: {exc.orig}", err=True)
        sys.exit(1)


@app.command()
def init(db: DbOption = None) -> None:
    """Create the database or upgrade it to the newest schema."""
    revision = init_db(engine_for(db))
    typer.echo(f"database at schema revision {revision}")


@app.command()
def demo(
    db: DbOption = None,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing when the registry already has sites.")
    ] = False,
) -> None:
    """Load the bundled Wuhan demo catalogue as published records (idempotent)."""
    settings = settings_for(db)
    engine = engine_for(db)
    try:
        init_db(engine)
        with session_scope(engine) as session:
            if if_empty and session.exec(select(Site.id).limit(1)).first() is not None:
                typer.echo("registry not empty; demo data not loaded")
                return
            counts = load_demo(session, settings.data_dir / "wuhan")
            # the bundled road network applies to this catalogue (`redres.routes.road_source`)
            mark_demo_loaded(session, str(settings.data_dir / "wuhan"))
        analyze(engine)
    finally:
        engine.dispose()
    typer.echo(
        f"demo loaded: {counts.sites} sites, {counts.stories} stories, {counts.themes} themes, "
        f"{counts.people} people, {counts.events} events, {counts.routes} routes"
    )


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Worker processes (a dead one is restarted).")
    ] = 1,
    forwarded_allow_ips: Annotated[
        str,
        typer.Option(
            help="Proxies whose X-Forwarded-For/-Proto are believed (comma-separated addresses "
            "or networks): the client address rate limits count is theirs to say.",
        ),
    ] = "127.0.0.1",
    access_log: Annotated[
        bool, typer.Option(help="Log every request (a reverse proxy usually logs them).")
    ] = True,
) -> None:
    """Serve the web app and API."""
    import os

    import uvicorn

    from redres.api.app import create_app, start_serving
    from redres.secrets_file import load_or_create_secret

    settings = settings_for(db)
    if settings.public_url is None:
        listening = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
        typer.echo(
            f"warning: REDRES_PUBLIC_URL is not set; QR codes, share links and embed snippets "
            f"will carry {listening}. Set it to the address people reach this server at.",
            err=True,
        )
        settings = settings.model_copy(update={"public_url": listening})
    engine = engine_for(db)
    init_db(engine)
    proxying: dict[str, Any] = {
        "host": host,
        "port": port,
        "proxy_headers": True,
        "forwarded_allow_ips": forwarded_allow_ips,
        "access_log": access_log,
    }
    if workers > 1:
        # Workers build their app from the environment; the secret is made once, here, so
        # they all sign with the same key.
        os.environ["REDRES_DATABASE_URL"] = settings.database_url
        os.environ["REDRES_PUBLIC_URL"] = str(settings.public_url)
        load_or_create_secret(settings.secret_key, settings.secret_file)
        engine.dispose()
        uvicorn.run(
            "redres.api.app:app_from_environment",
            factory=True,
            workers=workers,
            **proxying,
        )
        return
    app = create_app(settings, engine=engine)
    start_serving(app)
    uvicorn.run(app, **proxying)


@sites_app.command("list")
def sites_list(
    db: DbOption = None,
    theme: Annotated[str | None, typer.Option(help="Theme slug.")] = None,
    category: Annotated[Category | None, typer.Option()] = None,
    period: Annotated[Period | None, typer.Option()] = None,
    district: Annotated[str | None, typer.Option()] = None,
    protection: Annotated[Protection | None, typer.Option()] = None,
    status: Annotated[Status | None, typer.Option(help="Default: every status.")] = None,
    bbox: Annotated[str | None, typer.Option(help="minlon,minlat,maxlon,maxlat")] = None,
    near: Annotated[str | None, typer.Option(help="lon,lat")] = None,
    radius_m: Annotated[float | None, typer.Option("--radius-m")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    as_json: JsonOption = False,
) -> None:
    """List sites with filters (a staff view: drafts included unless --status)."""
    query = SiteQuery(
        theme=theme,
        category=category,
        period=period,
        district=district,
        protection=protection,
        status=status,
        bbox=parse_bbox(bbox) if bbox else None,
        near=parse_lon_lat(near) if near else None,
        radius_m=radius_m,
        limit=limit,
        offset=offset,
    )
    _print_sites(db, query, as_json)


@sites_app.command("search")
def sites_search(
    text: Annotated[str, typer.Argument(help="Chinese, English, pinyin or initials.")],
    db: DbOption = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    as_json: JsonOption = False,
) -> None:
    """Search names, aliases, addresses and story titles, best match first."""
    _print_sites(db, SiteQuery(q=text, limit=limit), as_json)


@app.command("backup")
def backup_cmd(
    file: Annotated[Path, typer.Argument(help="Where to write the backup.")], db: DbOption = None
) -> None:
    """Back up the whole database as one snapshot (safe while the app runs), with row counts,
    and the media files it refers to (REDRES_MEDIA_DIR) in FILE.media/, each checked."""
    settings = settings_for(db)
    manifest = backup(engine_for(db), file, media=DirectoryStore(settings.media_dir))
    files = manifest.media.files if manifest.media else 0
    typer.echo(f"backed up {sum(manifest.counts.values())} rows and {files} media files to {file}")


@app.command("restore")
def restore_cmd(
    file: Annotated[Path, typer.Argument(help="A file written by `redres backup`.")],
    db: DbOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the data of a non-empty database.")
    ] = False,
) -> None:
    """Restore a backup; nothing is kept unless every table came back whole and every media
    file matches its hash (they go to REDRES_MEDIA_DIR)."""
    settings = settings_for(db)
    manifest = restore(file, engine_for(db), force=force, media=DirectoryStore(settings.media_dir))
    files = manifest.media.files if manifest.media else 0
    typer.echo(
        f"restored {sum(manifest.counts.values())} rows and {files} media files from {file}; "
        "counts and hashes verified"
    )


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[Role, typer.Option(help="What the account may do.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Create a staff account; the password comes from stdin so it never shows in `ps`."""
    if not password_stdin:
        msg = "give the password on standard input with --password-stdin"
        raise RedresError(msg)
    password = sys.stdin.readline().rstrip("\r\n")
    engine = engine_for(db)
    init_db(engine)
    with session_scope(engine) as session:
        user = accounts.create_user(session, name, password, role)
        typer.echo(f"created {user.username} ({user.role})")


@user_app.command("list")
def user_list(db: DbOption = None) -> None:
    """Every account with its role and state."""
    engine = engine_for(db)
    require_schema(engine)
    with session_scope(engine) as session:
        rows = [
            (u.username, str(u.role), "disabled" if u.disabled else "active")
            for u in accounts.list_users(session)
        ]
    _table(("name", "role", "state"), rows)


@user_app.command("disable")
def user_disable(name: str, db: DbOption = None) -> None:
    """Lock an account out and revoke its tokens."""
    engine = engine_for(db)
    require_schema(engine)
    with session_scope(engine) as session:
        accounts.disable_user(session, name)
    typer.echo(f"disabled {name}")


@user_app.command("enable")
def user_enable(name: str, db: DbOption = None) -> None:
    """Let a disabled account sign in again."""
    engine = engine_for(db)
    require_schema(engine)
    with session_scope(engine) as session:
        accounts.enable_user(session, name)
    typer.echo(f"enabled {name}")


@user_app.command("set-role")
def user_set_role(
    name: str, role: Annotated[Role, typer.Argument(help="The new role.")], db: DbOption = None
) -> None:
    """Change what an account may do."""
    engine = engine_for(db)
    require_schema(engine)
    with session_scope(engine) as session:
        accounts.set_role(session, name, role)
    typer.echo(f"{name} is now {role}")


@holidays_app.command("load")
def holidays_load(
    file: Annotated[Path, typer.Argument(help="A State Council schedule as JSON (see docs).")],
) -> None:
    """Check a year's official schedule and add it to the calendar (REDRES_HOLIDAY_DIR)."""
    schedule = load_schedule(file)
    target_dir = get_settings().holiday_dir
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"cn_schedule_{schedule.year}.json"
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(schedule.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(target)
    typer.echo(
        f"loaded {schedule.year}: {len(schedule.holidays)} rest periods, "
        f"{len(schedule.workdays)} adjusted working days -> {target}"
    )


@holidays_app.command("show")
def holidays_show(year: Annotated[int, typer.Argument(min=1950, max=2200)]) -> None:
    """List a year's public holidays and adjusted working days, and how far to trust them."""
    calendar = calendar_with_dir(get_settings().holiday_dir)
    day, end = date(year, 1, 1), date(year, 12, 31)
    while day <= end:
        if calendar.is_public_holiday(day):
            typer.echo(f"{day.isoformat()}  holiday  {calendar.holiday_name(day)}")
        elif calendar.is_adjusted_workday(day):
            typer.echo(f"{day.isoformat()}  workday  (调休上班)")
        day += timedelta(days=1)
    source = "official schedule" if calendar.is_official(year) else "computed"
    typer.echo(f"{year}: {source}")
    for warning in calendar.warnings_for(date(year, 6, 1)):
        typer.echo(f"warning: {warning}", err=True)


def _print_sites(db: str | None, query: SiteQuery, as_json: bool) -> None:
    engine = engine_for(db)
    require_schema(engine)
    with session_scope(engine) as session:
        page = list_sites(session, query, visible=STAFF)
        if as_json:
            out: dict[str, Any] = {
                "type": "FeatureCollection",
                "total": page.total,
                "features": [site_feature(h.site, distance_m=h.distance_m) for h in page.items],
            }
            typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
            return
        rows = [
            (
                str(h.site.id),
                h.site.slug,
                h.site.name,
                h.site.category,
                h.site.district or "",
                h.site.status,
                "" if h.distance_m is None else f"{h.distance_m:.0f} m",
            )
            for h in page.items
        ]
    _table(("id", "slug", "name", "category", "district", "status", "distance"), rows)
    typer.echo(f"{len(rows)} of {page.total}")


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    from unicodedata import east_asian_width

    def width(s: str) -> int:
        return sum(2 if east_asian_width(c) in "WF" else 1 for c in s)

    cols = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(header)]
    for row in (header, *rows):
        typer.echo(
            "  ".join(c + " " * (w - width(c)) for c, w in zip(row, cols, strict=True)).rstrip()
        )
