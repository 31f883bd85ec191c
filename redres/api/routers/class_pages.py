"""Pages of field classes: the teacher's class page with its QR sheet, and the learners' phone
page (the QR code's target) where they check in at a stop and rate it.

The learner page is plain HTML forms (no script), authorised by the class token the QR code
carries; it holds no session, so there is no ambient credential for another site to abuse.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from urllib.parse import quote, urlencode

import qrcode
import qrcode.image.svg
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from redres.api.class_access import PRIVATE, form_json, learner_class
from redres.api.class_timing import class_timing
from redres.api.deps import FormDep, SessionDep, SignInRequired
from redres.api.form_errors import form_errors
from redres.api.handouts import handout_html, stop_photos
from redres.api.i18n import Translate, pick_language, translator
from redres.api.links import absolute
from redres.api.poll_forms import answers_from_form, charts
from redres.api.session import check_csrf, csrf_token, session_user
from redres.api.templating import render
from redres.catalog import class_evaluations as ev
from redres.catalog import polls
from redres.catalog.class_tables import FieldClass
from redres.catalog.classes import class_by_token, class_for, list_classes, stops
from redres.catalog.course_places import course_plan
from redres.catalog.errors import CatalogError, Conflict, Forbidden, NotFound
from redres.catalog.models import Instructor, Route
from redres.catalog.poll_results import poll_results
from redres.catalog.route_access import Reader
from redres.hours.china_time import CHINA_TIME

router = APIRouter(include_in_schema=False)

LABELS = {
    "name": "learn.name",
    "learner": "learn.name",
    "site": "learn.site",
    "comment": "learn.comment",
}
"""The learner forms' labels, for their error lines."""


def learner_url(request: Request, fc: FieldClass) -> str | None:
    """The learner page's absolute address (what the QR code carries), None once revoked."""
    if fc.checkin_token is None:
        return None
    query = urlencode({"token": fc.checkin_token})
    return absolute(request, f"/classes/{quote(fc.slug)}/learn?{query}")


def _owned(request: Request, session: Session, slug: str) -> FieldClass:
    """The class of a signed-in owner or editor; sign-in for anonymous readers, 404 for others."""
    user = session_user(request, session)
    if user is None:
        raise SignInRequired(request.url.path)
    return class_for(session, slug, Reader.of(user))


@router.get("/classes", response_class=HTMLResponse)
def classes_page(request: Request, session: SessionDep) -> HTMLResponse:
    """The signed-in reader's classes (every class for editors), each linking to its page."""
    user = session_user(request, session)
    if user is None:
        raise SignInRequired(request.url.path)
    found = list_classes(session, Reader.of(user))
    page = render(request, "classes.html", {"classes": found})
    page.headers.update(PRIVATE)
    return page


@router.get("/classes/{slug}", response_class=HTMLResponse)
def class_page(request: Request, slug: str, session: SessionDep) -> HTMLResponse:
    """The teacher's page: dates, stops with instructors, the QR sheet, the evaluation summary,
    and a form for staff to rate a stop."""
    fc = _owned(request, session, slug)
    ev.purge_expired(session, dt.datetime.now(CHINA_TIME).date())  # before names are shown
    return _class_page(request, session, fc, rated=request.query_params.get("rated") == "1")


@router.get("/classes/{slug}/handout", response_class=HTMLResponse)
def class_handout(request: Request, slug: str, session: SessionDep) -> HTMLResponse:
    """The class's printable handout: the route's handout timed for the class's own dates and
    group, with the instructor booked at each stop and their contacts (so owner and staff
    only, as the class page), the courses taught there, and the contact fields to fill in."""
    fc = _owned(request, session, slug)
    found = stops(session, fc)
    timing = class_timing(session, fc, found, request.app.state.settings)
    route = session.get(Route, fc.route_id)
    if route is None or timing.itinerary is None:
        raise NotFound("class", slug)  # noqa: EM101 (an entity name)
    visible = Reader.of(session_user(request, session)).statuses()
    lang = pick_language(request)
    _ = translator(lang)
    body = handout_html(
        request,
        timing.itinerary,
        title=fc.name,
        lessons=course_plan(session, route, visible=visible, words=_ if lang == "en" else None),
        photos=stop_photos(session, timing.itinerary, visible),
        instructors={s.site.slug: _instructor_line(s.instructor, _) for s in found if s.instructor},
    )
    return HTMLResponse(body, headers=PRIVATE)


def _instructor_line(person: Instructor, _: Translate) -> str:
    """Who teaches at a stop and how to reach them: name, unit, title, phone, email."""
    parts = [person.name, person.unit, person.title]
    if person.phone:
        parts.append(f"{_('handout.phone')} {person.phone}")
    parts.append(person.email)
    return " · ".join(p for p in parts if p)


@router.post("/classes/{slug}/rate", response_model=None)
def class_rate(request: Request, slug: str, form: FormDep, session: SessionDep) -> Response:
    """A staff rating from the class page (signed in, with the form's CSRF token)."""
    user = session_user(request, session)
    if user is None:
        msg = f"/classes/{slug}"
        raise SignInRequired(msg)
    fc = class_for(session, slug, Reader.of(user))
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    lang = pick_language(request)
    try:
        check_csrf(request, values.get("csrf"))
    except HTTPException:
        errors = [translator(lang)("err.form_expired")]
        return _class_page(request, session, fc, form=values, errors=errors, status=403)
    try:
        data = ev.EvaluationCreate.model_validate(
            {
                "rater_role": values.get("rater_role", ""),
                "site": values.get("site", ""),
                "scores": _scores(values),
                "comment": values.get("comment") or None,
            }
        )
        if data.rater_role not in ev.STAFF_RATERS:
            raise Forbidden("learners rate with the class token")  # noqa: EM101
        ev.evaluate(session, fc, data, user=user)
    except ValidationError as exc:
        errors = form_errors(exc, lang, labels=LABELS)
        return _class_page(request, session, fc, form=values, errors=errors, status=422)
    except Conflict:
        errors = [translator(lang)("err.class_repeat")]
        return _class_page(request, session, fc, form=values, errors=errors, status=409)
    except CatalogError as exc:
        errors = form_errors(exc, lang)
        return _class_page(request, session, fc, form=values, errors=errors, status=422)
    return RedirectResponse(f"/classes/{quote(fc.slug)}?rated=1#staff-rating", status_code=303)


def _class_page(
    request: Request,
    session: Session,
    fc: FieldClass,
    *,
    rated: bool = False,
    form: dict[str, str] | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    found = stops(session, fc)
    page = render(
        request,
        "class.html",
        {
            "fc": fc,
            "stops": found,
            "timing": class_timing(session, fc, found, request.app.state.settings),
            "learner_url": learner_url(request, fc),
            "summary": ev.summary(session, fc),
            "criteria": ev.CRITERIA,
            "roles": [r.value for r in ev.RaterRole],
            "csrf": csrf_token(request),
            "form_spec": form_json(session, fc, pick_language(request)),
            "form": form or {},
            "errors": errors or [],
            "rated": rated,
            "polls": _poll_results(request, session, fc),
        },
        status,
    )
    page.headers.update(PRIVATE)
    return page


def _poll_results(request: Request, session: Session, fc: FieldClass) -> list[dict[str, Any]]:
    """The class's polls with this class's results drawn as charts."""
    user = session_user(request, session)
    reader = Reader.of(user)
    lang = pick_language(request)
    out = []
    for poll in polls.class_polls(session, fc, learner=False, staff=reader.staff):
        results = poll_results(session, poll, [int(fc.id or 0)])
        out.append(
            {
                "poll": poll,
                "answers": results["answers"],
                "charts": charts(results, lang),
                "manage": polls.can_manage(session, poll, reader),
            }
        )
    return out


def _scores(values: dict[str, str]) -> dict[str, str]:
    """The scores a form sent: `score_<criterion>` boxes that were ticked."""
    return {k: values[f"score_{k}"] for k in ev.CRITERIA if values.get(f"score_{k}")}


@router.get("/classes/{slug}/qr.svg")
def class_qr(request: Request, slug: str, session: SessionDep) -> Response:
    """The QR code of the learner page (it carries the token: owner and staff only)."""
    url = learner_url(request, _owned(request, session, slug))
    if url is None:
        raise HTTPException(404, "the check-in token is revoked")
    buffer = io.BytesIO()
    qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2).save(buffer)
    return Response(buffer.getvalue(), media_type="image/svg+xml", headers=PRIVATE)


@router.get("/classes/{slug}/learn", response_class=HTMLResponse)
def learner_page(
    request: Request, slug: str, session: SessionDep, token: str = "", done: str = ""
) -> HTMLResponse:
    """The learners' phone page: check in at a stop, rate it."""
    return _learner_page(request, session, slug, token, done=done)


@router.post("/classes/{slug}/learn", response_model=None)
def learner_submit(request: Request, slug: str, form: FormDep, session: SessionDep) -> Response:
    """A learner's check-in or rating from the page; problems come back on the page, in the
    reader's language, with what they typed kept."""
    token = str(form.get("token", ""))
    action = str(form.get("action", ""))
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    ticked = {k: [str(v) for v in form.getlist(k) if isinstance(v, str)] for k in form}
    lang = pick_language(request)
    _ = translator(lang)
    try:
        fc = learner_class(request, session, slug, token)
    except HTTPException as exc:
        if exc.status_code != 429:
            return _learner_page(request, session, slug, token)
        errors = [_("err.class_busy")]
        page = _learner_page(
            request, session, slug, token, form=values, ticked=ticked, errors=errors, status=429
        )
        page.headers["Retry-After"] = "60"
        return page
    except NotFound:
        return _learner_page(request, session, slug, token)
    try:
        if action == "poll":
            _answer_poll(session, fc, values, form)
        elif action == "checkin":
            ev.check_in(
                session,
                fc,
                ev.CheckinCreate(name=values.get("name") or None, site=values.get("site", "")),
            )
        else:
            scores = _scores(values)
            data = ev.EvaluationCreate.model_validate(
                {
                    "site": values.get("site", ""),
                    "scores": scores,
                    "comment": values.get("comment") or None,
                    "learner": values.get("learner") or None,
                }
            )
            ev.evaluate(session, fc, data, user=None)
    except ValidationError as exc:
        errors = form_errors(exc, lang, labels=LABELS)
        return _learner_page(
            request, session, slug, token, form=values, ticked=ticked, errors=errors, status=422
        )
    except Conflict:
        errors = [_("err.poll_repeat" if action == "poll" else "err.class_repeat")]
        return _learner_page(
            request, session, slug, token, form=values, ticked=ticked, errors=errors, status=409
        )
    except NotFound:
        errors = [_("err.poll_gone")]
        return _learner_page(
            request, session, slug, token, form=values, ticked=ticked, errors=errors, status=404
        )
    except CatalogError as exc:
        errors = form_errors(exc, lang)
        return _learner_page(
            request, session, slug, token, form=values, ticked=ticked, errors=errors, status=422
        )
    done = action if action in ("checkin", "poll") else "evaluation"
    query = urlencode(
        {
            "token": token,
            "done": done,
            "site": values.get("site", ""),
            "poll": values.get("poll", ""),
        }
    )
    anchor = f"poll-{values.get('poll', '')}" if action == "poll" else done
    return RedirectResponse(f"/classes/{quote(fc.slug)}/learn?{query}#{anchor}", status_code=303)


def _answer_poll(session: Session, fc: FieldClass, values: dict[str, str], form: Any) -> None:
    """A learner's answers to one open poll, from the phone page."""
    raw = values.get("poll", "")
    poll_id = int(raw) if raw.isdigit() and len(raw) < 12 else 0
    poll = next((p for p in polls.class_polls(session, fc, learner=True) if p.id == poll_id), None)
    if poll is None:
        raise NotFound("poll", raw)  # noqa: EM101 (an entity name)
    data = polls.AnswerCreate.model_validate(
        {"learner": values.get("learner", ""), "answers": answers_from_form(poll, form)}
    )
    polls.answer(session, fc, poll_id, data)


def _learner_page(
    request: Request,
    session: Session,
    slug: str,
    token: str,
    *,
    done: str = "",
    form: dict[str, str] | None = None,
    ticked: dict[str, list[str]] | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The learner page, or its refusal (a bad link, a busy class) in the reader's language.

    `ticked` holds every value a field was sent with: a multiple-choice answer sent back with
    a refusal keeps all its boxes, not only the last one `form` holds."""
    lang = pick_language(request)
    context: dict[str, Any] = {"token": token, "errors": errors or [], "done": done}
    try:
        fc = class_by_token(session, slug, token) if token else None
    except NotFound:
        fc = None
    if fc is None:
        refused = translator(lang)("err.class_link")
        page = render(request, "class_learn.html", {**context, "refused": refused}, 404)
    else:
        site = (form or {}).get("site") or request.query_params.get("site", "")
        poll = request.query_params.get("poll", "")
        context |= {
            "fc": fc,
            "form_spec": form_json(session, fc, lang),
            "form": form or {"site": site, "poll": poll},
            "ticked": ticked or {},
            "polls": polls.class_polls(session, fc, learner=True),
            "retention_days": fc.retention_days,
        }
        page = render(request, "class_learn.html", context, status)
    page.headers.update(PRIVATE)
    page.headers["Referrer-Policy"] = "no-referrer"  # the token is in the address
    return page
