"""`redres media export` and `redres media import`: a catalogue with its media as one zip."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from redres.catalog.enums import Status
from redres.catalog.io import InterchangeError
from redres.catalog.io.media_bundle import export_bundle, import_bundle
from redres.catalog.media_backfill import add_small_copies
from redres.commands._shared import DbOption, JsonOption, engine_for, require_schema, settings_for
from redres.db import init_db, session_scope
from redres.media_store import DirectoryStore

EXIT_INVALID = 2


def register(app: typer.Typer) -> None:
    """Add `redres media ...` to the `redres` app."""
    media_app = typer.Typer(
        help="Photos, recordings and documents: a catalogue with its media as one zip.",
        no_args_is_help=True,
    )
    media_app.command("export")(export_command)
    media_app.command("import")(import_command)
    media_app.command("small-copies")(small_copies_command)
    app.add_typer(media_app, name="media")


def export_command(
    file: Annotated[Path, typer.Argument(help="The .zip to write.")],
    db: DbOption = None,
) -> None:
    """Write the sites (draft and published, with their stories, people and events), a
    manifest media.csv and every live media file (originals: for editors, not the public)."""
    settings = settings_for(db)
    engine = engine_for(db)
    require_schema(engine)
    try:
        with session_scope(engine) as session:
            count = export_bundle(session, DirectoryStore(settings.media_dir), file)
    finally:
        engine.dispose()
    typer.echo(
        f"exported the catalogue with {count.files} media files and {count.videos} video links"
        f" to {file}"
    )


def import_command(
    file: Annotated[Path, typer.Argument(help="A zip written by `redres media export`.")],
    status: Annotated[
        Status, typer.Option(help="Status of new sites: draft or published.")
    ] = Status.draft,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import the bundle: new sites and files are added, what is already there (same slug,
    same file content on the same record) is left as it is, so a second import changes nothing."""
    settings = settings_for(db)
    engine = engine_for(db)
    try:
        init_db(engine)
        with session_scope(engine) as session:
            report = import_bundle(
                session,
                DirectoryStore(settings.media_dir),
                file,
                actor="cli",
                status=status,
                video_hosts=settings.video_hosts,
            )
            if report.catalogue.errors:
                session.rollback()
    except (InterchangeError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        c = report.catalogue
        typer.echo(
            f"sites: {c.created} created, {c.unchanged + c.skipped} already there; "
            f"media files: {report.added} added, {report.unchanged} already there; "
            f"video links: {report.videos_added} added, {report.videos_unchanged} already there; "
            f"{len(report.skipped)} skipped"
        )
        for why in report.skipped:
            typer.echo(f"skipped: {why}", err=True)
    if report.catalogue.errors:
        for error in report.catalogue.errors[:50]:
            typer.echo(f"{file}: {error}", err=True)
        raise typer.Exit(EXIT_INVALID)


def small_copies_command(db: DbOption = None) -> None:
    """Make the 400 px copy of images uploaded before it existed (lists and phone galleries
    fetch it); a second run finds nothing to do."""
    settings = settings_for(db)
    engine = engine_for(db)
    require_schema(engine)
    try:
        with session_scope(engine) as session:
            report = add_small_copies(session, DirectoryStore(settings.media_dir))
    finally:
        engine.dispose()
    typer.echo(f"made {report.done} small copies")
    for media_id, why in report.failed:
        typer.echo(f"media {media_id}: {why}", err=True)
    if report.failed:
        raise typer.Exit(EXIT_INVALID)
