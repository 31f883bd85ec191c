"""QR codes for sites, routes and route stops, and the printable plaque sheet (二维码铭牌).

Every code carries an absolute address from REDRES_PUBLIC_URL, never the request's Host, so
a printed plaque points at the deployment. The sheet is an A4 page of plaques for the sites
a search finds (the home page's parameters: ``/plaques?theme=...``), each with the site's
name, a short text in the reader's language and its code.
"""

from __future__ import annotations

import io
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import col, select

from redres.api.bilingual import in_language
from redres.api.deps import ReaderDep, SessionDep, VisibleDep
from redres.api.i18n import pick_language
from redres.api.links import absolute
from redres.api.site_search import query_string, site_query
from redres.api.templating import render
from redres.catalog.enums import Status
from redres.catalog.errors import NotFound
from redres.catalog.listing import list_sites
from redres.catalog.models import RouteStop, Story, StorySite, pk
from redres.catalog.route_access import find_route
from redres.catalog.sites import get_site

router = APIRouter(include_in_schema=False)
PLAQUES_MAX = 60
"""Ten A4 pages of six: more is a print shop's job, not a browser's."""
PLAQUE_TEXT_CHARS = 70
QR_HEADERS = {"Cache-Control": "public, max-age=86400"}


def qr_svg(url: str) -> bytes:
    """A QR code of `url` as an SVG path (scales to any plaque size without blur)."""
    buffer = io.BytesIO()
    qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2).save(buffer)
    return buffer.getvalue()


@router.get("/sites/{slug}/qr.svg")
def site_qr(request: Request, slug: str, session: SessionDep, visible: VisibleDep) -> Response:
    """A QR code linking to the site page, for plaques and printed material."""
    site = get_site(session, slug, visible=visible)
    url = absolute(request, f"/sites/{quote(site.slug)}")
    return Response(qr_svg(url), media_type="image/svg+xml", headers=QR_HEADERS)


@router.get("/routes/{slug}/qr.svg")
def route_qr(request: Request, slug: str, session: SessionDep, reader: ReaderDep) -> Response:
    """A QR code linking to the route page, for handouts and the start of a walk."""
    route = find_route(session, slug, reader)
    url = absolute(request, f"/routes/{quote(route.slug)}")
    return Response(qr_svg(url), media_type="image/svg+xml", headers=QR_HEADERS)


@router.get("/routes/{slug}/stops/{day}-{n}/qr.svg")
def stop_qr(
    request: Request, slug: str, day: int, n: int, session: SessionDep, reader: ReaderDep
) -> Response:
    """A QR code for the `n`-th stop of `day` (both from 1): the route page at that stop."""
    route = find_route(session, slug, reader)
    stops = session.exec(
        select(RouteStop.id)
        .where(RouteStop.route_id == pk(route), RouteStop.day == day)
        .order_by(col(RouteStop.position))
    ).all()
    if not 1 <= n <= len(stops):
        raise NotFound("stop", f"{slug} day {day} stop {n}")  # noqa: EM101 (an entity name)
    url = absolute(request, f"/routes/{quote(route.slug)}#stop-{day}-{n}")
    return Response(qr_svg(url), media_type="image/svg+xml", headers=QR_HEADERS)


@router.get("/plaques", response_class=HTMLResponse)
def plaque_sheet(request: Request, session: SessionDep, visible: VisibleDep) -> HTMLResponse:
    """An A4 sheet of QR plaques for the sites a search finds (the parameters of `/`)."""
    lang = pick_language(request)
    found = list_sites(
        session, site_query(request.query_params, limit=PLAQUES_MAX), visible=visible
    )
    sites = [hit.site for hit in found.items]
    summaries = _story_summaries(session, [pk(s) for s in sites], visible)
    plaques = []
    for site in sites:
        text, _missing = in_language(site.summary, site.summary_en, lang)
        if not text:
            text, _missing = in_language(*summaries.get(pk(site), (None, None)), lang)
        plaques.append(
            {
                "site": site,
                "name_en": site.name_en,
                "text": _cut(text or ""),
                "url": absolute(request, f"/sites/{quote(site.slug)}"),
            }
        )
    return render(
        request,
        "plaques.html",
        {
            "plaques": plaques,
            "total": found.total,
            "more": found.total > len(plaques),
            "search": query_string(request.query_params),
        },
    )


def _story_summaries(
    session: SessionDep, site_ids: list[int], visible: frozenset[Status]
) -> dict[int, tuple[str | None, str | None]]:
    """Each site's first story summary in Chinese and English, for sites without a summary."""
    rows = session.exec(
        select(StorySite.site_id, Story.summary, Story.summary_en)
        .join(Story, col(Story.id) == StorySite.story_id)
        .where(col(StorySite.site_id).in_(site_ids), col(Story.status).in_(list(visible)))
        .order_by(col(Story.id))
    ).all()
    out: dict[int, tuple[str | None, str | None]] = {}
    for site_id, zh, en in rows:
        out.setdefault(site_id, (zh, en))
    return out


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= PLAQUE_TEXT_CHARS else text[: PLAQUE_TEXT_CHARS - 1] + "…"
