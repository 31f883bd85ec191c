"""Signing editors in and out of the pages: the sign-in form, its check, and sign-out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from redres.api.deps import SessionDep
from redres.api.i18n import pick_language, translator
from redres.api.session import (
    check_csrf,
    end_session,
    prelogin_token,
    remember_prelogin,
    start_session,
)
from redres.api.templating import render
from redres.catalog.accounts import AuthenticationError, authenticate
from redres.plain_text import reject_control_characters

router = APIRouter(include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/editor") -> Response:
    """The sign-in form, with a pre-login CSRF cookie."""
    token = prelogin_token(request)
    page = render(request, "login.html", {"csrf": token, "next": safe_next(next)})
    remember_prelogin(request, page, token)
    return page


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/editor",
) -> Response:
    """Check the name and password, then start a session and go on.

    Input no account can have (empty, too long, control characters) is a wrong sign-in like
    any other, answered on the form.
    """
    check_csrf(request, csrf, prelogin=True)
    request.app.state.login_limiter(request)
    try:
        if not plausible_login(username, password):
            raise AuthenticationError("bad login")  # noqa: EM101 (never shown: the page words it)
        user = authenticate(session, username, password)
    except AuthenticationError:
        _ = translator(pick_language(request))
        request.state.prelogin_csrf = request.cookies.get("redres_csrf", "")
        return render(
            request,
            "login.html",
            {"csrf": csrf, "next": safe_next(next), "error": _("bad_login")},
            401,
        )
    response = RedirectResponse(safe_next(next), status_code=303)
    start_session(request, response, session, user)
    return response


@router.post("/logout")
def logout(
    request: Request, session: SessionDep, csrf: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    """End the session."""
    check_csrf(request, csrf)
    response = RedirectResponse("/", status_code=303)
    end_session(request, response, session)
    return response


def plausible_login(username: str, password: str) -> bool:
    """Whether a name and password could belong to an account (sized, plain text).

    >>> plausible_login("editor", "secret"), plausible_login("", "x"), plausible_login("a\\x00", "x")
    (True, False, False)
    """
    try:
        reject_control_characters([username, password])
    except ValueError:
        return False
    return 0 < len(username) <= 64 and 0 < len(password) <= 256


def safe_next(target: str) -> str:
    """Only same-site paths, so the login form cannot bounce a user to another site.

    >>> safe_next("/editor/sites"), safe_next("//evil.example"), safe_next("https://x")
    ('/editor/sites', '/editor', '/editor')
    """
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/editor"
    return target
