"""`redres datasets list|load`: the public lists that ship with redres, loaded as sites."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlmodel import Session

from redres.catalog.datasets import DATASETS, load_dataset
from redres.catalog.enums import Status
from redres.catalog.io.third_party_points import read_points
from redres.commands._shared import DbOption, engine_for, require_schema
from redres.errors import RedresError


def register(app: typer.Typer) -> None:
    """Add this room's commands to the `redres` app."""
    datasets_app = typer.Typer(help="Bundled public lists (national key units).")
    datasets_app.command("list")(list_command)
    datasets_app.command("load")(load_command)
    app.add_typer(datasets_app, name="datasets", no_args_is_help=True)


def list_command() -> None:
    """The bundled lists, with their sizes and sources."""
    for d in DATASETS.values():
        with d.path.open(encoding="utf-8") as f:
            rows = sum(1 for _ in f) - 1
        typer.echo(f"{d.name}\t{rows} rows\t{d.title}\n    source: {d.source}")


def load_command(
    name: Annotated[str, typer.Argument(help="A dataset of `redres datasets list`.")],
    status: Annotated[
        Status, typer.Option("--status", help="Status of new sites: draft or published.")
    ] = Status.draft,
    points: Annotated[
        Path | None,
        typer.Option(
            "--points",
            help="A coordinate file you hold (JSON list or CSV: name, province, lon, lat).",
        ),
    ] = None,
    points_crs: Annotated[
        str | None,
        typer.Option(
            "--points-crs",
            help="Its coordinate system: wgs84, gcj02, bd09 (known layouts: inferred).",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Add the dataset's units as sites, or refresh them; loading twice changes nothing."""
    if name not in DATASETS:
        msg = f"no dataset {name!r}; bundled: {', '.join(DATASETS)}"
        raise RedresError(msg)
    if status is Status.archived:
        msg = "--status must be draft or published"
        raise RedresError(msg)
    if points is not None and not points.is_file():
        msg = f"--points {points}: no such file"
        raise RedresError(msg)
    located = read_points(points, points_crs) if points is not None else None
    engine = engine_for(db)
    require_schema(engine)
    with Session(engine) as session:
        report = load_dataset(
            session,
            DATASETS[name],
            status=status,
            points=located,
            points_label=points.name if points else "",
        )
        session.commit()
    typer.echo(
        f"{report.dataset}: {report.rows} rows; {report.added} added, {report.updated} updated, "
        f"{report.unchanged} unchanged"
    )
    if report.held_elsewhere:
        shown = "、".join(report.held_elsewhere[:5])
        typer.echo(
            f"  {len(report.held_elsewhere)} already in the catalogue under another code "
            f"(left to their editors): {shown}"
        )
    if located is not None:
        crs = f"{located.crs}{' (inferred from the layout)' if located.crs_inferred else ''}"
        typer.echo(
            f"  points from {points}: {report.located} matched by name and province ({crs}), "
            f"{report.approximate} of them approximate (shared by several units), "
            f"{report.unmatched_points} not matched"
        )
    else:
        typer.echo("  no points attached: the units load as unlocated (位置待考); see --points")
    if report.years_not_read:
        typer.echo(f"  {report.years_not_read} eras could not be read as years and were left out")
