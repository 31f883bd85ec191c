"""Visitor pages (Jinja2, autoescaped): home with search and map, site, themes, calendar."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import col, select

from redres.api.deps import ReaderDep, SessionDep, VisibleDep
from redres.api.form_errors import form_errors
from redres.api.i18n import pick_language, translator
from redres.api.ratelimit import feedback_wait
from redres.api.session import check_csrf, csrf_token, prelogin_token, remember_prelogin
from redres.api.share_preview import route_preview, site_preview, theme_preview
from redres.api.site_search import query_string, site_query
from redres.api.templating import render
from redres.catalog.commemorations import calendar_for
from redres.catalog.course_places import route_courses, site_courses
from redres.catalog.detail import site_detail
from redres.catalog.enums import FeedbackStatus, Status
from redres.catalog.errors import NotFound
from redres.catalog.feedback import FeedbackCreate, list_feedback, submit
from redres.catalog.former_slugs import renamed_site
from redres.catalog.listing import SiteQuery, list_sites
from redres.catalog.media import media_json
from redres.catalog.media_lists import covers_of, route_media
from redres.catalog.models import Route, Site, SiteTheme, Theme, pk
from redres.catalog.route_access import Reader, find_route, shared_route
from redres.catalog.route_store import list_routes, theme_counts
from redres.catalog.sites import get_site
from redres.geo import LonLat
from redres.hours.china_time import CHINA_TIME
from redres.hours.closures import closure_notice, closures_of
from redres.hours.holidays_cn import calendar_with_dir
from redres.hours.visiting import visiting_today
from redres.labels import choices
from redres.maps.minimap import mini_map
from redres.maps.navigation import navigation_links
from redres.maps.options import MapSettings
from redres.messages import Message
from redres.routes.road_source import travel_model
from redres.routes.stored_routes import schedule_stored_route

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request,
    session: SessionDep,
    visible: VisibleDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    theme: Annotated[str | None, Query(max_length=80)] = None,
    category: Annotated[str | None, Query(max_length=40)] = None,
    period: Annotated[str | None, Query(max_length=40)] = None,
    district: Annotated[str | None, Query(max_length=100)] = None,
    protection: Annotated[str | None, Query(max_length=40)] = None,
    near: Annotated[str | None, Query(max_length=60)] = None,
    radius_m: Annotated[float | None, Query(gt=0, le=200_000)] = None,
    bbox: Annotated[str | None, Query(max_length=100)] = None,
    located: Annotated[str | None, Query(pattern="^[01]?$")] = None,
) -> HTMLResponse:
    """Search and filters over the registry, a map of exactly those results, and their list."""
    lang = pick_language(request)
    query = site_query(request.query_params, limit=200)
    page = list_sites(session, query, visible=visible)
    themes = [
        (c.theme.slug, c.theme.name_en if lang == "en" and c.theme.name_en else c.theme.name)
        for c in theme_counts(session, visible=visible)
    ]
    districts = sorted(
        d
        for d in session.exec(
            select(Site.district).where(col(Site.status).in_(list(visible))).distinct()
        ).all()
        if d
    )
    lang_param = "en" if lang == "en" else ""
    return render(
        request,
        "home.html",
        {
            "query": {"q": q, "near": near, "radius_m": query.radius_m},
            "hits": page.items,
            "total": page.total,
            "total_approximate": page.total_approximate,
            "selects": [
                ("theme", themes, theme),
                ("period", choices("period", lang), period),
                ("category", choices("category", lang), category),
                ("district", [(d, d) for d in districts], district),
                ("protection", choices("protection", lang), protection),
            ],
            # the map shows what the list shows: the same search, handed on
            # the page's own search box is the map's: no second one inside the map
            "map_url": "/maps/sites.html"
            + query_string(request.query_params, lang=lang_param, names="false"),
            "located": located,
            "covers": _covers(session, [h.site for h in page.items], visible),
        },
    )


@router.get("/sites/{slug}", response_class=HTMLResponse)
def site_page(request: Request, slug: str, session: SessionDep, visible: VisibleDep) -> Response:
    """Everything about one site: visiting information today, stories, people, nearby sites.
    An old address of a site whose slug was changed leads to its page: 302, not a permanent
    301 browsers would keep, since the old slug may later be given to another site."""
    try:
        site = get_site(session, slug, visible=visible)
    except NotFound:
        moved = renamed_site(session, slug, visible=visible)
        if moved is None:
            raise
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"/sites/{quote(moved.slug)}{query}", status_code=302)
    return _site_page(request, session, site, visible)


@router.post("/sites/{slug}/feedback")
def site_feedback(
    request: Request,
    slug: str,
    session: SessionDep,
    visible: VisibleDep,
    rating: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """A reader's rating from the site page (anyone, signed in or not), held for moderation.

    Validated by the API's own model; whatever goes wrong (an expired form, too many
    submissions, bad input) comes back on the page, in the reader's language, input kept.
    """
    site = get_site(session, slug, visible=visible)
    form = {"rating": rating, "comment": comment}
    lang = pick_language(request)
    try:
        check_csrf(request, csrf)
    except HTTPException:
        errors = [translator(lang)("err.form_expired")]
        return _site_page(request, session, site, visible, form=form, errors=errors, status=403)
    wait = feedback_wait(request)
    if wait is not None:
        errors = [translator(lang)("err.too_many", minutes=max(1, round(wait / 60)))]
        page = _site_page(request, session, site, visible, form=form, errors=errors, status=429)
        page.headers["Retry-After"] = str(wait)
        return page
    try:
        data = FeedbackCreate(
            target="site", slug=site.slug, rating=rating, comment=comment or None
        )  # the form's text, parsed (and refused) by the model
    except ValidationError as exc:
        errors = form_errors(exc, lang, labels=FEEDBACK_LABELS)
        return _site_page(request, session, site, visible, form=form, errors=errors, status=422)
    submit(session, data)
    return RedirectResponse(f"/sites/{site.slug}?sent=1#feedback", status_code=303)


FEEDBACK_LABELS = {"rating": "rating", "comment": "comment"}
"""The labels of the feedback form's boxes, for its error lines."""


def _site_page(
    request: Request,
    session: SessionDep,
    site: Site,
    visible: frozenset[Status],
    *,
    form: dict[str, str] | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The site page; `form` and `errors` put a refused feedback form back as it was sent."""
    detail = site_detail(session, site, visible=visible)
    calendar = calendar_with_dir(request.app.state.settings.holiday_dir)
    now = dt.datetime.now(CHINA_TIME)
    today = visiting_today(site.opening_hours, site.last_entry_minutes, now, calendar)
    closure = closure_notice(closures_of(site.closures), now.date())
    nearby = []
    minimap, navigation = None, []
    if site.lon is not None and site.lat is not None:
        minimap = mini_map(
            site.lon,
            site.lat,
            MapSettings.from_settings(request.app.state.settings),
            members=tuple(
                (m.lon, m.lat, m.name)
                for m in detail.members
                if m.lon is not None and m.lat is not None
            ),
        )
        navigation = navigation_links(
            site.lon, site.lat, name=site.name, address=site.address or ""
        )
        around = list_sites(
            session,
            SiteQuery(near=LonLat(site.lon, site.lat), radius_m=3000, limit=6),
            visible=visible,
        )
        nearby = [h for h in around.items if h.site.id != site.id][:5]
    # A signed-in reader's forms carry the session's token, anyone else's the double-submit
    # cookie's: the one `check_csrf` will expect.
    token = csrf_token(request) or prelogin_token(request)
    page = render(
        request,
        "site.html",
        {
            "site": site,
            "detail": detail,
            "today": today,
            "closure": closure,
            "nearby": nearby,
            "minimap": minimap,
            "navigation": navigation,
            "feedback": list_feedback(
                session,
                status=FeedbackStatus.approved,
                target="site",
                slug=site.slug,
                visible=visible,
                limit=20,
            ),
            "courses": site_courses(session, site, visible=visible),
            "feedback_csrf": token,
            "feedback_sent": request.query_params.get("sent") == "1" and not errors,
            "feedback_form": form or {"rating": "5", "comment": ""},
            "feedback_errors": errors or [],
            "og": site_preview(request, detail, pick_language(request)),
        },
        status,
    )
    if not csrf_token(request):
        remember_prelogin(request, page, token)
    return page


@router.get("/themes", response_class=HTMLResponse)
def themes_page(request: Request, session: SessionDep, visible: VisibleDep) -> HTMLResponse:
    """Every theme with its number of sites."""
    themes = [(c.theme, c.sites) for c in theme_counts(session, visible=visible)]
    return render(request, "themes.html", {"themes": themes})


@router.get("/themes/{slug}", response_class=HTMLResponse)
def theme_page(
    request: Request, slug: str, session: SessionDep, visible: VisibleDep
) -> HTMLResponse:
    """A theme's sites by relevance, with the theme map."""
    theme = session.exec(select(Theme).where(Theme.slug == slug)).first()
    if theme is None:
        raise NotFound("theme", slug)  # noqa: EM101 (an entity name)
    rows = session.exec(
        select(Site, SiteTheme.weight)
        .join(SiteTheme, col(SiteTheme.site_id) == Site.id)
        .where(SiteTheme.theme_id == theme.id, col(Site.status).in_(list(visible)))
        .order_by(col(SiteTheme.weight).desc(), col(Site.name))
    ).all()
    preview = theme_preview(theme, pick_language(request))
    covers = _covers(session, [site for site, _weight in rows], visible)
    return render(
        request, "theme.html", {"theme": theme, "hits": rows, "og": preview, "covers": covers}
    )


def _covers(session: SessionDep, sites: list[Site], visible: Any) -> dict[int, dict[str, Any]]:
    """The sites' cover photos (as media JSON) by site id, for lists."""
    found = covers_of(session, "site", [pk(s) for s in sites], visible=visible)
    return {site_id: media_json(m) for site_id, m in found.items()}


@router.get("/routes", response_class=HTMLResponse)
def routes_page(request: Request, session: SessionDep, visible: VisibleDep) -> HTMLResponse:
    """Published demonstration routes."""
    return render(request, "routes.html", {"routes": list_routes(session, visible=visible)})


@router.get("/routes/{slug}", response_class=HTMLResponse)
def route_page(
    request: Request,
    slug: str,
    session: SessionDep,
    reader: ReaderDep,
    date: dt.date | None = None,
) -> HTMLResponse:
    """A route timed for a date (by default the next day it runs), map, schedule, downloads."""
    route = find_route(session, slug, reader)
    return _route_page(request, session, route, reader, date, share=None)


@router.get("/routes/shared/{token}", response_class=HTMLResponse)
def shared_route_page(
    request: Request,
    token: str,
    session: SessionDep,
    reader: ReaderDep,
    date: dt.date | None = None,
) -> HTMLResponse:
    """A route by its share link, for whoever the teacher sent it to; never indexed."""
    route = shared_route(session, token)
    page = _route_page(request, session, route, reader, date, share=token)
    page.headers["X-Robots-Tag"] = "noindex"
    page.headers["Cache-Control"] = "private, no-store"
    return page


def _route_page(
    request: Request,
    session: SessionDep,
    route: Route,
    reader: Reader,
    date: dt.date | None,
    *,
    share: str | None,
) -> HTMLResponse:
    visible = reader.statuses()
    calendar = calendar_with_dir(request.app.state.settings.holiday_dir)
    travel = travel_model(request.app.state.settings, session)
    done = schedule_stored_route(
        session, route, date=date, calendar=calendar, visible=visible, travel=travel
    )
    plan = done.itinerary.to_dict()  # each stop carries its lesson note
    first = (
        dt.date.fromisoformat(plan["days"][0]["date"])
        if plan["days"]
        else dt.datetime.now(CHINA_TIME).date()
    )
    shown = {s["site_id"]: s["slug"] for day in plan["days"] for s in day["stops"]}
    slugs = [stop["slug"] for day in plan["days"] for stop in day["stops"] if stop.get("slug")]
    names_en = dict(
        session.exec(select(Site.slug, Site.name_en).where(col(Site.slug).in_(slugs))).all()
    )
    media = route_media(session, route, visible=visible)
    site_covers = covers_of(session, "site", shown, visible=visible)
    # "导航到这一站": from wherever the visitor stands (the stop before) to each located stop
    stop_navigation = {
        stop["slug"]: navigation_links(stop["lon"], stop["lat"], name=stop["name"])
        for day in plan["days"]
        for stop in day["stops"]
        if stop.get("slug") and stop.get("lon") and stop.get("lat")
    }
    return render(
        request,
        "route.html",
        {
            "route": route,
            "date": date or first,
            "days": plan["days"],
            "plan": {"days": plan["days"], "tickets": plan["tickets"]},
            "violations": [v.to_dict() for v in done.violations],
            "notes": plan["warnings"],
            "route_courses": route_courses(session, route, stops=shown, visible=visible),
            "share": share,
            "share_query": f"&share={quote(share)}" if share else "",
            "og": route_preview(route, pick_language(request)),
            "names_en": names_en,  # the stops' English names, for English pages
            "stop_navigation": stop_navigation,
            "route_media": [media_json(m) for m in media.whole],
            "stop_media": {
                slug: [media_json(m) for m in media.stops.get(site_id, [])]
                for site_id, slug in shown.items()
            },
            "stop_covers": {shown[i]: media_json(m) for i, m in site_covers.items() if i in shown},
        },
    )


@router.get("/calendar", response_class=HTMLResponse)
def calendar_page(
    request: Request,
    session: SessionDep,
    year: Annotated[int | None, Query(ge=1950, le=2200)] = None,
) -> HTMLResponse:
    """The commemoration calendar of a year."""
    year = year or dt.datetime.now(CHINA_TIME).date().year
    return render(request, "calendar.html", {"year": year, "entries": calendar_for(session, year)})


def _field_error(error: Any) -> str:
    """A domain `Message` a validator raised (translated by the page), else `field: reason`."""
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, ValueError) and cause.args and isinstance(cause.args[0], Message):
        return cause.args[0]
    return f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"


def error_messages(exc: Exception) -> list[str]:
    """What a form shows for a failed write: one line per invalid field, or the error itself."""
    if isinstance(exc, ValidationError):
        return [_field_error(e) for e in exc.errors()]
    if exc.args and isinstance(exc.args[0], Message):
        return [exc.args[0]]  # translated by the page
    return [str(exc)]
