"""The teachers' planner pages: the request form, the itinerary with its "why not" list,
hand adjustments re-checked for the date, downloads, and saving as a draft route."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams

from redres import catalogue_version
from redres.api.csp import script_nonce
from redres.api.deps import SessionDep, VisibleDep
from redres.api.handouts import handout_html
from redres.api.i18n import map_words, pick_language, translator
from redres.api.links import absolute
from redres.api.plan_cache import ItineraryCache, plan_key
from redres.api.plan_forms import CheckForm, PlanForm, form_errors, stops_from_text, stops_text
from redres.api.session import check_csrf, csrf_token, session_user
from redres.api.solving import GateDep, PlanGate, PlanRefused, SignedInDep, interactive_params
from redres.api.templating import render
from redres.catalog import route_access
from redres.catalog.enums import PUBLIC, Status
from redres.catalog.models import pk
from redres.catalog.route_edits import save_planned_route, set_route_status
from redres.catalog.route_schemas import RouteIn
from redres.catalog.route_store import ThemeCount, get_route, list_routes, theme_counts
from redres.config import Settings
from redres.hours.holidays_cn import HolidayCalendar, calendar_with_dir
from redres.labels import LABELS
from redres.maps.options import MapSettings
from redres.maps.render import to_html
from redres.maps.route_map import route_map
from redres.messages import Message
from redres.routes.answer import Itinerary
from redres.routes.candidates import plan_catalog
from redres.routes.curated import CuratedSchedule
from redres.routes.errors import InvalidPlanRequest
from redres.routes.export import MEDIA_TYPES, export
from redres.routes.handout import without_foreign_notes
from redres.routes.model import MODES
from redres.routes.plan_save import plan_to_save, themes_of_sites
from redres.routes.plan_schemas import CheckIn, PlanIn
from redres.routes.planner import PlannerParams
from redres.routes.road_source import travel_model
from redres.routes.stored_routes import check_arranged_stops

router = APIRouter(include_in_schema=False)


@router.get("/plan", response_class=HTMLResponse)
async def plan_page(
    request: Request, session: SessionDep, visible: VisibleDep, gate: GateDep, staff: SignedInDep
) -> HTMLResponse:
    """The form; with themes and a date, the itinerary below it (or what to fix, input kept)."""
    form = PlanForm.from_query(request.query_params)
    _ = translator(pick_language(request))
    context: dict[str, Any] = {
        "form": form,
        "modes": MODES,
        "kinds": list(LABELS["category"]),
        "query": request.url.query,
    }
    refused: PlanRefused | None = None
    errors: list[str] = []
    if form.asks_for_plan:
        try:
            itinerary = await _solve(request, session, visible, gate, staff, form)
        except (ValidationError, InvalidPlanRequest) as exc:
            errors = form_errors(exc, pick_language(request))
        except PlanRefused as exc:
            refused, errors = exc, [exc.sentence(_)]
        else:
            context["plan"] = itinerary.to_dict()
            context["stops_text"] = stops_text(context["plan"])
    context["errors"] = errors
    context["themes"] = await run_in_threadpool(theme_counts, session, visible=visible)
    if "plan" in context:
        _name_the_themes(context["plan"], context["themes"], pick_language(request))
        _drop_foreign_notes(context["plan"], pick_language(request))
    if refused is not None:
        page = render(request, "plan.html", context, refused.status_code)
        page.headers["Retry-After"] = str(refused.retry_after)
        return page
    return render(request, "plan.html", context, 422 if errors else 200)


@router.get("/maps/plan.html", response_class=HTMLResponse)
async def plan_map(
    request: Request, session: SessionDep, visible: VisibleDep, gate: GateDep, staff: SignedInDep
) -> Response:
    """The map of the plan that `/plan` shows for the same query (numbered stops, legs)."""
    itinerary = await _solve_or_refuse(request, session, visible, gate, staff)
    settings = MapSettings.from_settings(request.app.state.settings)
    m = route_map(itinerary, settings=settings, words=map_words(pick_language(request)))
    return HTMLResponse(to_html(m, settings=settings, nonce=script_nonce(request)))


@router.get("/plan/export.{fmt}")
async def plan_export(
    request: Request,
    fmt: str,
    session: SessionDep,
    visible: VisibleDep,
    gate: GateDep,
    staff: SignedInDep,
) -> Response:
    """The same plan as a file: GPX, KML, GeoJSON, iCalendar or the printable handout."""
    if fmt not in MEDIA_TYPES:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no export format {fmt!r}")
    itinerary = await _solve_or_refuse(request, session, visible, gate, staff)
    body = handout_html(request, itinerary) if fmt == "html" else export(itinerary, fmt)
    return Response(
        body,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'inline; filename="plan.{fmt}"'},
    )


@router.get("/plan/check", response_class=HTMLResponse)
async def check_page(
    request: Request, session: SessionDep, visible: VisibleDep, gate: GateDep, staff: SignedInDep
) -> HTMLResponse:
    """Stops arranged by hand (one slug a line, a blank line between days), timed and checked.

    With ``part=result`` only the outcome (problems and the timed schedule) is rendered: the
    planner page's re-order panel swaps it in after each move.
    """
    form = CheckForm.from_query(request.query_params)
    template = "plan_check.html"
    if request.query_params.get("part") == "result":
        template = "_check_result.html"
    _ = translator(pick_language(request))
    context: dict[str, Any] = {
        "date": form.date,
        "stops_text": form.stops,
        "mode": form.mode,
        "window": form.window,
        "lunch": form.lunch,
        "errors": [],
        "csrf": csrf_token(request),
        "signed_in": staff,
        "plan_query": request.query_params.get("plan", "")[:4000],
    }
    calendar = calendar_with_dir(request.app.state.settings.holiday_dir)
    try:
        body = CheckIn.model_validate(form.request_json())
        gate.admit(request, signed_in=staff)
        done = await gate.run(
            lambda: _check(session, visible, body, calendar, request.app.state.settings)
        )
    except (ValidationError, InvalidPlanRequest) as exc:
        context["errors"] = form_errors(exc, pick_language(request))
        return render(request, template, context, 422)
    except PlanRefused as exc:
        context["errors"] = [exc.sentence(_)]
        page = render(request, template, context, exc.status_code)
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    context["plan"] = done.itinerary.to_dict()
    context["violations"] = [v.to_dict() for v in done.violations]
    context["stops_text"] = stops_text(context["plan"]) if body.reorder else form.stops
    return render(request, template, context)


@router.post("/plan/save")
def save_plan(
    request: Request,
    session: SessionDep,
    name: Annotated[str, Form()] = "",
    stops: Annotated[str, Form()] = "",
    mode: Annotated[str, Form()] = "walk",
    date: Annotated[str, Form(max_length=20)] = "",
    window: Annotated[str, Form(max_length=20)] = "08:30-17:30",
    lunch: Annotated[str, Form(max_length=20)] = "",
    plan: Annotated[str, Form(max_length=4000)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Keep an arranged plan as a draft route of the signed-in teacher or editor, with the
    plan request it came from (`plan`: the `/plan` query; date, window and lunch as checked).

    The stops are re-checked for that plan exactly as `POST /api/routes` re-checks a saved
    itinerary; what is wrong comes back on the check page with the stops kept.
    """
    user = session_user(request, session)
    if user is None:
        return RedirectResponse("/login?next=/plan", status_code=303)
    check_csrf(request, csrf)
    calendar = calendar_with_dir(request.app.state.settings.holiday_dir)
    days = stops_from_text(stops)
    try:
        route = RouteIn.model_validate(
            {"name": name, "mode": mode, "days": [[{"site": s} for s in day] for day in days]}
        )
        asked = PlanIn.model_validate(
            _plan_json(session, plan, date=date, window=window, lunch=lunch, mode=mode, days=days)
        )
        itinerary = {"days": [{"stops": [{"slug": s} for s in day]} for day in days]}
        saved = plan_to_save(session, asked, itinerary, calendar=calendar, visible=PUBLIC)
    except (ValidationError, InvalidPlanRequest) as exc:
        context = {
            "date": date,
            "window": window,
            "lunch": lunch,
            "plan_query": plan,
            "stops_text": stops,
            "mode": mode,
            "errors": form_errors(exc, pick_language(request)),
            "csrf": csrf_token(request),
            "signed_in": True,
        }
        return render(request, "plan_check.html", context, 422)
    kept = save_planned_route(
        session,
        slug=None,
        name=route.name,
        stops=saved.stops,
        mode=route.mode,
        theme=saved.theme,
        owner_id=user.id,
        plan=saved.plan,
        days=saved.days,
        actor=user.username,
    )
    return RedirectResponse(f"/plan/saved/{kept.slug}", status_code=303)


@router.get("/plan/saved/{slug}", response_class=HTMLResponse)
def saved_page(request: Request, session: SessionDep, slug: str) -> Response:
    """Confirmation that a draft route was saved, with a link to it."""
    user = session_user(request, session)
    if user is None:
        return RedirectResponse("/login?next=/plan/mine", status_code=303)
    route = get_route(session, slug, visible=frozenset(), owner_id=user.id)
    return render(request, "plan_saved.html", {"slug": route.slug, "name": route.name})


@router.get("/plan/mine", response_class=HTMLResponse)
def my_routes(request: Request, session: SessionDep) -> Response:
    """The signed-in user's own routes, each with its share link (made or revoked here)."""
    user = session_user(request, session)
    if user is None:
        return RedirectResponse("/login?next=/plan/mine", status_code=303)
    routes = list_routes(session, owner_id=user.id, mine=True)
    return render(
        request,
        "plan_mine.html",
        {"routes": routes, "csrf": csrf_token(request), "base_url": absolute(request, "/")},
    )


@router.post("/plan/mine/{slug}/{action}")
def my_route_action(
    request: Request,
    session: SessionDep,
    slug: str,
    action: Literal["share", "unshare", "archive"],
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Share, stop sharing or archive one of the user's own routes (CSRF-checked form)."""
    user = session_user(request, session)
    if user is None:
        return RedirectResponse("/login?next=/plan/mine", status_code=303)
    check_csrf(request, csrf)
    route = get_route(session, slug, visible=frozenset(), owner_id=user.id)
    route = route_access.route_to_change(session, pk(route), route_access.Reader.of(user))
    if action == "share":
        route_access.share(session, route, actor=user.username)
    elif action == "unshare":
        route_access.unshare(session, route, actor=user.username)
    else:
        set_route_status(session, route, Status.archived, actor=user.username)
    return RedirectResponse("/plan/mine", status_code=303)


async def _solve(
    request: Request,
    session: Session,
    visible: frozenset[Status],
    gate: PlanGate,
    staff: bool,
    form: PlanForm,
) -> Itinerary:
    """Validate the form as the API validates a plan request, then solve it through the gate,
    or reuse the itinerary the same request gave a moment ago (`api.plan_cache`)."""
    body = PlanIn.model_validate(form.request_json())
    seconds = gate.time_limit(body.time_limit, signed_in=staff)
    gate.admit(request, signed_in=staff)  # counted as before, solved or not (settings docs)
    cache: ItineraryCache = request.app.state.plan_cache
    key = plan_key(
        body.model_dump(mode="json"),
        visible=visible,
        seconds=seconds,
        catalogue=catalogue_version.current(session.connection()) or 0,
    )
    kept = cache.get(key)
    if kept is not None:  # the page solved it a moment ago: its map and downloads reuse it
        return kept
    plan_request = body.to_request()
    params = PlannerParams(solve=interactive_params(seconds, body.seed))
    calendar = calendar_with_dir(request.app.state.settings.holiday_dir)
    settings = request.app.state.settings
    itinerary = await gate.run(
        lambda: plan_catalog(
            session,
            plan_request,
            calendar=calendar,
            params=params,
            visible=visible,
            travel=travel_model(settings, session),
        )
    )
    cache.put(key, itinerary)
    return itinerary


async def _solve_or_refuse(
    request: Request, session: Session, visible: frozenset[Status], gate: PlanGate, staff: bool
) -> Itinerary:
    """`_solve` for the map and the downloads, which answer errors as JSON."""
    try:
        return await _solve(
            request, session, visible, gate, staff, PlanForm.from_query(request.query_params)
        )
    except (ValidationError, InvalidPlanRequest) as exc:
        _ = translator(pick_language(request))
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            _("sentence_separator").join(form_errors(exc, pick_language(request))),
        ) from exc
    except PlanRefused as exc:
        raise exc.http() from exc


def _check(
    session: Session,
    visible: frozenset[Status],
    body: CheckIn,
    calendar: HolidayCalendar,
    settings: Settings,
) -> CuratedSchedule:
    travel = travel_model(settings, session)
    return check_arranged_stops(session, body, visible=visible, calendar=calendar, travel=travel)


def _drop_foreign_notes(plan: dict[str, Any], lang: str) -> None:
    """Warnings without the catalogue's notes written in another language (an English hours
    note on a Chinese page): the warning itself stays, in the page's words."""
    plan["warnings"] = [without_foreign_notes(w, lang) for w in plan["warnings"]]
    for day in plan["days"]:
        for stop in day["stops"]:
            stop["warnings"] = [without_foreign_notes(w, lang) for w in stop["warnings"]]


def _name_the_themes(plan: dict[str, Any], themes: list[ThemeCount], lang: str) -> None:
    """Say the themes asked by name in the "low relevance" details, not by their slugs."""
    names = {
        t.theme.slug: (t.theme.name_en or t.theme.name) if lang == "en" else t.theme.name
        for t in themes
    }
    for omitted in plan["omitted"]:
        detail = omitted.get("detail")
        if isinstance(detail, Message) and detail.key == "low_relevance":
            slugs = str(detail.fields.get("themes", "")).split(", ")
            said = ("、" if lang == "zh" else ", ").join(names.get(s, s) for s in slugs)
            omitted["detail"] = Message("low_relevance", themes=said)


def _plan_json(
    session: Session,
    query: str,
    *,
    date: str,
    window: str,
    lunch: str,
    mode: str,
    days: list[list[str]],
) -> dict[str, Any]:
    """The plan request a saved page plan keeps: the `/plan` form it came from, with the
    date, window, lunch and mode it was checked for; straight from the check page (no plan
    form), the themes of its stops' sites stand in for the themes asked."""
    body = PlanForm.from_query(QueryParams(query)).request_json() if query else {}
    if not body.get("themes"):
        body["themes"] = themes_of_sites(session, [s for day in days for s in day])
    body |= {"date": date, "window": window, "mode": mode}
    asked = str(body.get("days") or "1")
    body["days"] = max(int(asked) if asked.isdigit() and len(asked) < 4 else 1, len(days))
    body.pop("lunch", None)
    return body | ({"lunch": lunch} if lunch else {})
