"""The editors' dashboard page: charts, survey progress, gaps and coverage, every table exportable."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response

from redres.api.charts import bar_chart
from redres.api.deps import PageEditorDep, SessionDep
from redres.api.i18n import pick_language, translator
from redres.api.tables import attachment, to_csv, to_xlsx
from redres.api.templating import render
from redres.catalog.class_evaluations import CRITERIA
from redres.catalog.dashboard import GROUPS, dashboard
from redres.labels import label

router = APIRouter(include_in_schema=False)

MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get("/editor/dashboard", response_class=HTMLResponse)
def dashboard_page(request: Request, session: SessionDep, user: PageEditorDep) -> Response:
    """Counts as charts, then the tables an office works from."""
    lang = pick_language(request)
    _ = translator(lang)
    data = dashboard(session)
    tables = _tables(data, lang)
    charts = [
        bar_chart(
            tables[f"by_{field}"][1], title=_(field if field != "condition" else "condition_label")
        )
        for field in GROUPS
    ]
    teaching = bar_chart(
        [(r["name"], r["mean"] or 0) for r in data["teaching"][:15]], title=_("dashboard.teaching")
    )
    context = {"data": data, "charts": charts, "tables": tables, "teaching_chart": teaching}
    return render(request, "dashboard.html", context)


@router.get("/editor/dashboard/{table}.{fmt}")
def dashboard_table(
    request: Request, table: str, fmt: str, session: SessionDep, user: PageEditorDep
) -> Response:
    """One dashboard table as CSV or XLSX."""
    tables = _tables(dashboard(session), pick_language(request))
    if table not in tables or fmt not in MEDIA:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such table")
    header, rows = tables[table]
    body = to_csv(header, rows) if fmt == "csv" else to_xlsx(header, rows, title=table)
    return Response(
        body,
        media_type=MEDIA[fmt],
        headers={"Content-Disposition": attachment(f"{table}.{fmt}", f"{table}.{fmt}")},
    )


def _tables(data: dict[str, Any], lang: str) -> dict[str, tuple[list[str], list[Any]]]:
    """Every table of the dashboard: (header, rows), keyed by a stable name."""
    _ = translator(lang)
    out: dict[str, tuple[list[str], list[Any]]] = {}
    for field in GROUPS:
        rows = [
            (label(field, code, lang) if code != "unknown" else _("unknown"), n)
            for code, n in data["by"][field].items()
        ]
        out[f"by_{field}"] = (
            [_(field if field != "condition" else "condition_label"), _("count")],
            sorted(rows, key=lambda r: (-r[1], r[0])),
        )
    out["needs_repair"] = (
        [_("name"), "slug", _("condition_label")],
        [
            (r["name"], r["slug"], label("condition", r["condition"], lang))
            for r in data["needs_repair"]
        ],
    )
    for gap, found in data["gaps"].items():
        out[gap] = ([_("name"), "slug"], [(r["name"], r["slug"]) for r in found["sites"]])
    out["teaching"] = (
        [
            _("dashboard.site"),
            "slug",
            _("dashboard.classes"),
            _("dashboard.ratings"),
            _("dashboard.mean"),
        ]
        + [_(f"class.criterion.{k}") for k in CRITERIA],
        [
            [r["name"], r["site"], r["classes"], r["ratings"], r["mean"]]
            + [r["criteria"][k] for k in CRITERIA]
            for r in data["teaching"]
        ],
    )
    return out
