"""Who the page header greets: the signed-in account of a page request, or nobody.

Every page shows the same header, so `templating.render` asks here, not each router. The
answer is the user a handler already looked up for this request (`session.session_user` keeps
it on the request), or one short lookup of the session cookie when no handler did.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from fastapi import Request
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from redres.api.session import LOOKED_UP, SESSION_COOKIE, csrf_token, session_user


@dataclass(frozen=True, slots=True)
class Account:
    """What the header shows of a signed-in user: the name, and the sign-out form's token."""

    name: str
    role: str
    csrf: str


def header_account(request: Request) -> Account | None:
    """The signed-in account the header greets, or None (signed out, or the cookie is stale)."""
    if not request.cookies.get(SESSION_COOKIE):
        return None
    if not hasattr(request.state, LOOKED_UP):
        engine = getattr(request.app.state, "engine", None)
        if engine is None:
            return None
        try:
            with Session(engine) as session:
                session_user(request, session)  # keeps the name and role on the request
        except SQLAlchemyError:  # an error page while the database is down: greet nobody
            return None
    found: tuple[str, str] | None = getattr(request.state, LOOKED_UP, None)
    if found is None:
        return None
    name, role = found
    return Account(name=name, role=role, csrf=csrf_token(request))


def sign_in_link(request: Request) -> str:
    """The sign-in page, coming back to this page (its path and query) afterwards.

    The query is already percent-encoded as the browser sent it, so only ``?``, ``&`` and
    ``=`` are encoded once more: decoding ``next`` once gives this page's URL back.
    """
    here = request.url.path
    if here in ("/login", "/logout"):
        return "/login"
    if request.url.query:
        here = f"{here}?{request.url.query}"
    return f"/login?next={quote(here, safe='/%')}"
