"""Request-scoped dependencies: a database session per request, and who is asking."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session
from starlette.datastructures import FormData

from redres.api.session import session_user
from redres.catalog.account_tables import User
from redres.catalog.accounts import AuthenticationError, user_for_token
from redres.catalog.enums import PUBLIC, STAFF, STAFF_ROLES, Role, Status
from redres.catalog.route_access import Reader

_bearer = HTTPBearer(auto_error=False, description="A token from POST /api/auth/token")


def get_session(request: Request) -> Iterator[Session]:
    """One session and transaction per request, committed before the response is sent.

    The dependency has `scope="function"`: FastAPI closes it when the handler has returned and
    the response is built, not after the response has gone out. So a 2xx to a write means the
    commit succeeded (a failed commit becomes an error response instead), and the pooled
    connection is back in the pool before a slow client starts reading the body.
    """
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


async def form_data(request: Request) -> FormData:
    """The whole form body, read before any session is opened.

    Declared before the session in a handler's parameters, so no database connection is held
    while a slow client sends its body.
    """
    return await request.form()


FormDep = Annotated[FormData, Depends(form_data)]


def current_user(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User | None:
    """The caller's account, or None for an anonymous visitor; a bad token is a 401, not anonymous.

    The page session cookie counts for reading only (GET/HEAD); writes through the API need a
    bearer token, so a cross-site form can never act with a visitor's cookie.
    """
    if credentials is None:
        if request.method in ("GET", "HEAD"):
            return session_user(request, session)
        return None
    try:
        return user_for_token(session, credentials.credentials)
    except AuthenticationError as exc:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, str(exc), headers={"WWW-Authenticate": "Bearer"}
        ) from exc


UserDep = Annotated[User | None, Depends(current_user)]


def visible_statuses(user: UserDep) -> frozenset[Status]:
    """What the caller may read: staff see drafts and archives, everyone else published only."""
    return STAFF if user is not None and user.role in STAFF_ROLES else PUBLIC


def require_editor(user: UserDep) -> User:
    """Editors and admins only: 401 for anonymous callers, 403 for other roles."""
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "sign in first", headers={"WWW-Authenticate": "Bearer"}
        )
    if user.role not in STAFF_ROLES:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "editors only")
    return user


def require_member(user: UserDep) -> User:
    """Any signed-in account (teachers save and share their own routes): 401 when anonymous."""
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "sign in first", headers={"WWW-Authenticate": "Bearer"}
        )
    return user


def route_reader(user: UserDep) -> Reader:
    """The caller as a route reader: owners see their own drafts, staff see everything."""
    return Reader.of(user)


VisibleDep = Annotated[frozenset[Status], Depends(visible_statuses)]
EditorDep = Annotated[User, Depends(require_editor)]
MemberDep = Annotated[User, Depends(require_member)]
ReaderDep = Annotated[Reader, Depends(route_reader)]


class SignInRequired(Exception):
    """A page that needs a signed-in editor was asked for anonymously: redirect to sign in."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def page_editor(request: Request, session: SessionDep) -> User:
    """The signed-in editor of a page request; sign-in for anonymous callers, 403 for others."""
    user = session_user(request, session)
    if user is None:
        raise SignInRequired(request.url.path)
    if user.role not in STAFF_ROLES:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "editors only")
    return user


PageEditorDep = Annotated[User, Depends(page_editor)]


def page_admin(user: PageEditorDep) -> User:
    """The signed-in admin of a page request: accounts are theirs alone (403 for editors)."""
    if user.role != Role.admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "admins only")
    return user


PageAdminDep = Annotated[User, Depends(page_admin)]
