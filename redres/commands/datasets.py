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
from redres.commands.interchange import report_language
from redres.errors import RedresError
from redres.messages import Message

LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of the report: zh or en (default: zh when LANG says Chinese, else en).",
    ),
]


def register(app: typer.Typer) -> None:
    """Add this room's commands to the `redres` app."""
    datasets_app = typer.Typer(help="Bundled public lists (national key units).")
    datasets_app.command("list")(list_command)
    datasets_app.command("load")(load_command)
    app.add_typer(datasets_app, name="datasets", no_args_is_help=True)


def list_command(lang: LangOption = None) -> None:
    """The bundled lists, with their sizes and sources."""
    from redres.api.i18n import translator

    _ = translator(report_language(lang))
    for d in DATASETS.values():
        with d.path.open(encoding="utf-8") as f:
            rows = sum(1 for _line in f) - 1
        typer.echo(_(Message("ds_row", name=d.name, rows=rows, title=d.title, source=d.source)))


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
    lang: LangOption = None,
) -> None:
    """Add the dataset's units as sites, or refresh them; loading twice changes nothing."""
    from redres.api.i18n import translator

    _ = translator(report_language(lang))
    if name not in DATASETS:
        raise RedresError(_(Message("ds_unknown", name=name, known=", ".join(DATASETS))))
    if status is Status.archived:
        raise RedresError(_(Message("ds_status")))
    if points is not None and not points.is_file():
        raise RedresError(_(Message("ds_points_missing", path=str(points))))
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
    say = [
        Message(
            "ds_loaded",
            dataset=report.dataset,
            rows=report.rows,
            added=report.added,
            updated=report.updated,
            unchanged=report.unchanged,
        )
    ]
    if report.held_elsewhere:
        shown = "、".join(report.held_elsewhere[:5])
        say.append(Message("ds_held", count=len(report.held_elsewhere), shown=shown))
    if located is not None:
        crs = Message("ds_crs_inferred", crs=located.crs) if located.crs_inferred else located.crs
        say.append(
            Message(
                "ds_points",
                file=str(points),
                located=report.located,
                crs=crs,
                approximate=report.approximate,
                unmatched=report.unmatched_points,
            )
        )
    else:
        say.append(Message("ds_no_points"))
    if report.years_not_read:
        say.append(Message("ds_years", count=report.years_not_read))
    for line in say:
        typer.echo(_(line))
