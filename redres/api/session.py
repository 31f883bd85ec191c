"""Signed-in pages: a session cookie holding an API token, and CSRF tokens for every form.

The cookie is HttpOnly and SameSite=Lax, Secure over HTTPS (or always, by setting). Forms carry
a CSRF token: before sign-in a random double-submit cookie, after it an HMAC of the session.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from fastapi import HTTPException, Request, Response, status
from sqlmodel import Session

from redres.catalog.account_tables import User
from redres.catalog.accounts import AuthenticationError, issue_token, revoke_token, user_for_token

SESSION_COOKIE = "redres_session"
PRELOGIN_COOKIE = "redres_csrf"
LOOKED_UP = "page_user"
"""Where `session_user` keeps its answer on the request, for the page header to reuse: the
user's name and role as plain strings (None when signed out), never the row itself, which
goes stale once the handler's session ends."""


def session_user(request: Request, session: Session) -> User | None:
    """The signed-in user of a page request, or None."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        user: User | None = user_for_token(session, token)
    except AuthenticationError:
        user = None
    setattr(request.state, LOOKED_UP, None if user is None else (user.username, str(user.role)))
    return user


def start_session(request: Request, response: Response, session: Session, user: User) -> None:
    """Sign a user in: a fresh token in the session cookie (the pre-login cookie is dropped)."""
    settings = request.app.state.settings
    token = issue_token(session, user, ttl=timedelta(minutes=settings.token_ttl_minutes))
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.token_ttl_minutes * 60,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    response.delete_cookie(PRELOGIN_COOKIE, path="/")


def end_session(request: Request, response: Response, session: Session) -> None:
    """Sign out: revoke the token and clear the cookie."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        revoke_token(session, token)
    response.delete_cookie(SESSION_COOKIE, path="/")


def csrf_token(request: Request) -> str:
    """The token a signed-in user's forms must send back, bound to the session."""
    session_token = request.cookies.get(SESSION_COOKIE)
    return _sign(request, session_token) if session_token else ""


def prelogin_token(request: Request) -> str:
    """The double-submit token of the sign-in form: the visitor's cookie, or a new one."""
    return request.cookies.get(PRELOGIN_COOKIE) or secrets.token_urlsafe(24)


def remember_prelogin(request: Request, response: Response, token: str) -> None:
    """Set the cookie that the sign-in form's token must match."""
    response.set_cookie(
        PRELOGIN_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request), path="/"
    )


def check_csrf(request: Request, sent: str | None, *, prelogin: bool = False) -> None:
    """403 unless the form's token matches the session (or the pre-login cookie).

    The sign-in form always carries the pre-login token (`prelogin`): a browser still holding
    an ended session's cookie (expired, revoked, account disabled) must be able to sign in.
    """
    session_token = None if prelogin else request.cookies.get(SESSION_COOKIE)
    expected = (
        _sign(request, session_token) if session_token else request.cookies.get(PRELOGIN_COOKIE)
    )
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "missing or invalid CSRF token")


def _sign(request: Request, value: str) -> str:
    key = request.app.state.secret_key.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def _secure(request: Request) -> bool:
    return bool(request.app.state.settings.cookie_secure) or request.url.scheme == "https"
