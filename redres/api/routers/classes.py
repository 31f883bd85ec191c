"""Field classes over HTTP: teachers make them, learners check in and rate with the class token.

Learners hold no account: the token from the class's QR code lets them read the evaluation form,
check in and rate as `learner`, nothing more. Staff rate signed in (bearer token, or the page
session with its CSRF token in `X-CSRF-Token`). Submissions with a token are limited per class
(counted in the database), never per network address: a class of sixty shares one.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import Response
from sqlmodel import Session

from redres.api.class_access import PRIVATE, form_json, learner_class
from redres.api.class_bodies import (
    CheckinSaved,
    CheckinToken,
    ClassBody,
    ClassList,
    EvaluationForm,
    EvaluationSaved,
    EvaluationSummary,
)
from redres.api.deps import MemberDep, ReaderDep, SessionDep, UserDep
from redres.api.i18n import pick_language
from redres.api.session import csrf_token, session_user
from redres.catalog import class_evaluations as ev
from redres.catalog.account_tables import User
from redres.catalog.class_tables import FieldClass
from redres.catalog.classes import (
    ClassCreate,
    class_brief,
    class_by_token,
    class_dict,
    class_for,
    create_class,
    delete_class,
    list_classes,
    set_token,
)
from redres.catalog.route_access import Reader
from redres.hours.china_time import CHINA_TIME

router = APIRouter(prefix="/api/classes", tags=["classes"])

TokenQuery = Annotated[str | None, Query(max_length=64, description="the class's check-in token")]


def rater(request: Request, session: SessionDep, user: UserDep) -> User | None:
    """The signed-in caller of a write: a bearer token, or the page session when the request
    also carries its CSRF token in `X-CSRF-Token` (so a cross-site form cannot rate)."""
    if user is not None:
        return user
    sent = request.headers.get("x-csrf-token", "")
    if sent and sent == csrf_token(request):
        return session_user(request, session)
    return None


RaterDep = Annotated[User | None, Depends(rater)]


@router.post("", status_code=201, response_model=ClassBody)
def add_class(
    request: Request, body: ClassCreate, session: SessionDep, user: MemberDep
) -> dict[str, Any]:
    """Make a class on a route the caller may read; 409 names a class an instructor is
    already booked at on overlapping dates."""
    ev.purge_expired(session, dt.datetime.now(CHINA_TIME).date())
    fc = create_class(
        session, body, user, retention_days=request.app.state.settings.class_retention_days
    )
    return class_dict(session, fc)


@router.get("", response_model=ClassList)
def read_classes(session: SessionDep, user: MemberDep, response: Response) -> dict[str, Any]:
    """The caller's classes (every class for editors), without their tokens."""
    response.headers.update(PRIVATE)
    data = [class_brief(session, fc) for fc in list_classes(session, Reader.of(user))]
    return {"data": data, "total": len(data)}


@router.get("/{slug}", response_model=ClassBody)
def read_class(
    slug: str, session: SessionDep, reader: ReaderDep, response: Response
) -> dict[str, Any]:
    """A class, for its owner and staff (404 for anyone else)."""
    response.headers.update(PRIVATE)
    return class_dict(session, class_for(session, slug, reader))


@router.delete("/{slug}", status_code=204)
def remove_class(slug: str, session: SessionDep, user: MemberDep) -> Response:
    """Delete a class with the names, comments and check-ins learners left in it."""
    delete_class(session, class_for(session, slug, Reader.of(user)), actor=user.username)
    return Response(status_code=204)


@router.post("/{slug}/token", status_code=201)
def renew_token(slug: str, session: SessionDep, user: MemberDep) -> CheckinToken:
    """A new check-in token (the old one stops working); the QR sheet must be printed again."""
    fc = class_for(session, slug, Reader.of(user))
    return CheckinToken(checkin_token=set_token(session, fc, revoke=False, actor=user.username))


@router.delete("/{slug}/token", status_code=204)
def revoke_token(slug: str, session: SessionDep, user: MemberDep) -> Response:
    """Revoke the check-in token: learners' links stop working at once."""
    fc = class_for(session, slug, Reader.of(user))
    set_token(session, fc, revoke=True, actor=user.username)
    return Response(status_code=204)


@router.get("/{slug}/evaluation", response_model=EvaluationForm)
def evaluation_form(
    request: Request,
    slug: str,
    session: SessionDep,
    user: UserDep,
    response: Response,
    token: TokenQuery = None,
) -> dict[str, Any]:
    """The evaluation form: criteria (labels in the reader's language, both given), the roles
    and the stops. For holders of the class token, or its owner and staff."""
    fc = _class_for_token_or_staff(session, slug, token, user)
    response.headers.update(PRIVATE)
    return form_json(session, fc, pick_language(request))


@router.post("/{slug}/evaluations", status_code=201)
def add_evaluation(
    request: Request,
    slug: str,
    body: ev.EvaluationCreate,
    session: SessionDep,
    user: RaterDep,
    token: TokenQuery = None,
) -> EvaluationSaved:
    """One evaluation of a stop: `learner` with the class token, a staff role signed in."""
    if body.rater_role in ev.STAFF_RATERS:
        if user is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                f"rating as {body.rater_role} needs signing in; the class token rates as learner",
                headers={"WWW-Authenticate": "Bearer"},
            )
        fc = class_for(session, slug, Reader.of(user))
    else:
        fc = learner_class(request, session, slug, token)
    row = ev.evaluate(session, fc, body, user=user if body.rater_role in ev.STAFF_RATERS else None)
    return EvaluationSaved(id=row.id, site=body.site, rater_role=row.rater_role, scores=row.scores)


@router.post("/{slug}/checkins", status_code=201)
def add_checkin(
    request: Request,
    slug: str,
    body: ev.CheckinCreate,
    session: SessionDep,
    token: TokenQuery = None,
) -> CheckinSaved:
    """A learner checks in at a stop with the class token."""
    fc = learner_class(request, session, slug, token)
    row = ev.check_in(session, fc, body)
    return CheckinSaved(id=row.id, site=body.site, name=row.name)


@router.get("/{slug}/evaluations/summary", response_model=EvaluationSummary)
def evaluation_summary(
    slug: str, session: SessionDep, reader: ReaderDep, response: Response
) -> dict[str, Any]:
    """Per stop and criterion, the mean and count by rater role, and the comments; for the
    class's owner and staff only."""
    ev.purge_expired(session, dt.datetime.now(CHINA_TIME).date())
    response.headers.update(PRIVATE)
    return ev.summary(session, class_for(session, slug, reader))


def _class_for_token_or_staff(
    session: Session, slug: str, token: str | None, user: User | None
) -> FieldClass:
    if token:
        return class_by_token(session, slug, token)
    if user is not None:
        return class_for(session, slug, Reader.of(user))
    raise HTTPException(status.HTTP_401_UNAUTHORIZED, "the class token is required")
