"""`redres import` and `redres export` (registered by `redres.cli`): files in and out of the registry."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from redres.catalog.enums import Status
from redres.catalog.io import (
    ImportLimits,
    ImportOptions,
    ImportReport,
    InterchangeError,
    OnDuplicate,
    export_file,
    import_file,
)
from redres.catalog.io.errors import LimitExceeded
from redres.catalog.io.limits import MiB
from redres.commands._shared import DbOption, JsonOption, engine_for, require_schema
from redres.db import analyze, init_db, session_scope
from redres.messages import said

if TYPE_CHECKING:
    from redres.api.i18n import Translate

EXIT_INVALID = 2
DEFAULT_LIMITS = ImportLimits()
MAX_ERRORS_SHOWN = 200


def register(app: typer.Typer) -> None:
    """Add this room's commands to the `redres` app."""
    app.command("import")(import_command)
    app.command("export")(export_command)


def import_command(
    file: Annotated[
        Path, typer.Argument(help="CSV, XLSX, GeoJSON, GeoPackage, KML/KMZ or zipped Shapefile.")
    ],
    crs: Annotated[
        str | None,
        typer.Option(
            help="CRS of the coordinates: wgs84, gcj02, bd09 or EPSG:n (default: the file's, else wgs84)."
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and report; write nothing.")
    ] = False,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Write the good rows and report the bad ones.")
    ] = False,
    on_duplicate: Annotated[
        OnDuplicate, typer.Option("--on-duplicate", help="A row matching an existing site or row.")
    ] = OnDuplicate.error,
    status: Annotated[
        Status, typer.Option(help="Status of new sites: draft or published.")
    ] = Status.draft,
    max_rows: Annotated[
        int,
        typer.Option(
            "--max-rows", min=1, help="Refuse a file of more rows (a national registry: 2000000)."
        ),
    ] = DEFAULT_LIMITS.max_rows,
    max_size_mb: Annotated[
        int,
        typer.Option("--max-size-mb", min=1, help="Refuse a larger file, in MiB (zips: unpacked)."),
    ] = DEFAULT_LIMITS.max_file_bytes // MiB,
    db: DbOption = None,
    as_json: JsonOption = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="Language of the report: zh or en (default: zh when LANG says Chinese, else en).",
        ),
    ] = None,
) -> None:
    """Import sites from a file, all or nothing unless --skip-invalid; exit code 2 on bad rows.

    The limits guard the server against a hostile upload; an administrator importing a whole
    province's or the nation's registry from their own file raises them here."""
    from redres.api.i18n import translator

    _ = translator(report_language(lang))
    engine = engine_for(db)
    try:
        init_db(engine)
        options = ImportOptions(
            crs=crs,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            on_duplicate=on_duplicate,
            status=status,
            limits=cli_limits(max_rows, max_size_mb),
        )
        with session_scope(engine) as session:
            report = import_file(session, file, options, progress=progress_printer(sys.stderr))
        if not dry_run:
            analyze(engine)  # fresh statistics, or SQLite ignores the lat/lon index
    except (InterchangeError, ValueError) as exc:  # a whole-file problem, or a bad --crs
        typer.echo(_("cli.error", reason=_(said(exc))), err=True)
        if isinstance(exc, LimitExceeded):
            typer.echo(_("cli.raise_limits"), err=True)
        raise typer.Exit(EXIT_INVALID) from None
    finally:
        engine.dispose()  # no pooled connection outlives the command
    if as_json:
        typer.echo(json.dumps(report.to_dict(_), ensure_ascii=False, indent=2))
    else:
        _print_report(report, _)
    if report.errors and not skip_invalid:
        raise typer.Exit(EXIT_INVALID)


def cli_limits(max_rows: int, max_size_mb: int) -> ImportLimits:
    """The import's limits from the command's options; an unpacked zip may be as large."""
    size = max_size_mb * MiB
    return ImportLimits(
        max_rows=max_rows,
        max_file_bytes=size,
        max_expanded_bytes=max(size, DEFAULT_LIMITS.max_expanded_bytes),
    )


def export_command(
    file: Annotated[
        Path, typer.Argument(help=".geojson, .csv, .xlsx, .gpkg, .kml, .kmz or .zip (Shapefile).")
    ],
    status: Annotated[
        Status | None,
        typer.Option(help="Only sites with this status (default: draft and published)."),
    ] = None,
    theme: Annotated[str | None, typer.Option(help="Only sites with this theme slug.")] = None,
    crs: Annotated[str, typer.Option(help="CRS to write: wgs84, gcj02, bd09 or EPSG:n.")] = "wgs84",
    db: DbOption = None,
) -> None:
    """Export sites to a file; the extension picks the format."""
    engine = engine_for(db)
    require_schema(engine)
    statuses = (status,) if status else (Status.draft, Status.published)
    try:
        with session_scope(engine) as session:
            report = export_file(session, file, statuses=statuses, theme=theme, crs=crs)
    except (InterchangeError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    typer.echo(f"exported {report.sites} sites to {file} ({report.format}, {report.crs})")
    if report.related:
        parts = ", ".join(f"{n} {part}" for part, n in report.related.items())
        typer.echo(f"with {parts}")


def progress_printer(stream: TextIO) -> Callable[[int, int], None] | None:
    """A one-line "sites written" counter for a terminal (a large import writes for a while);
    None when `stream` is a pipe or a file, which should get only the report."""
    if not stream.isatty():
        return None

    def show(done: int, total: int) -> None:
        stream.write(f"\rwriting sites: {done:,} / {total:,}" + ("\n" if done >= total else ""))
        stream.flush()

    return show


def report_language(lang: str | None) -> str:
    """`--lang` when given (zh or en), else Chinese when the locale (LC_ALL, LC_MESSAGES, LANG)
    says so, else English."""
    if lang is not None:
        if lang not in ("zh", "en"):
            typer.echo(f"error: --lang is zh or en, not {lang!r}", err=True)
            raise typer.Exit(EXIT_INVALID)
        return lang
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def _print_report(report: ImportReport, _: Translate) -> None:
    for warning in report.warnings:
        typer.echo(_("cli.warning", warning=_(warning)), err=True)
    for error in report.errors[:MAX_ERRORS_SHOWN]:
        where = "cli.row_error" if error.column else "cli.row_error_no_column"
        line = _(
            where,
            file=report.file,
            row=error.row,
            column=error.column,
            reason=_(error.reason),
            value=repr(error.value),
        )
        typer.echo(line, err=True)
    if len(report.errors) > MAX_ERRORS_SHOWN:
        typer.echo(_("cli.more_errors", count=len(report.errors) - MAX_ERRORS_SHOWN), err=True)
    if report.errors and not report.written and not (report.dry_run and report.created):
        typer.echo(_("cli.nothing_written", bad=report.bad_rows, rows=report.rows))
        return
    typer.echo(
        _(
            "cli.would_import" if report.dry_run else "cli.imported",
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            skipped=report.skipped,
            bad=report.bad_rows,
            rows=report.rows,
            format=report.format,
            crs=report.crs,
        )
    )
    for part, c in report.related.items():
        typer.echo(_("cli.related", part=_(f"cli.part_{part}"), **c))
    sys.stdout.flush()
