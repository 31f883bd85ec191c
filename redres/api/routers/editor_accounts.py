"""The admin's accounts page: list, add, disable or enable, change a role, and hand out a
one-time password link; and the link's own page, where the user sets a new password.

Every change is audited (entity `user`) and every form carries a CSRF token. A new account gets
no password from the admin: it starts with a one-time link, like a reset, so no admin ever
knows another person's password.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, select

from redres.api.deps import PageAdminDep, SessionDep
from redres.api.form_errors import form_errors
from redres.api.history_lines import entry_rows
from redres.api.i18n import pick_language, translator
from redres.api.links import absolute
from redres.api.session import check_csrf, csrf_token, prelogin_token, remember_prelogin
from redres.api.templating import render
from redres.catalog.account_tables import AuditLog, User
from redres.catalog.accounts import (
    AuthenticationError,
    create_user,
    disable_user,
    enable_user,
    list_users,
    set_role,
)
from redres.catalog.enums import Role
from redres.catalog.password_reset import issue_reset_link, reset_user, use_reset_link

router = APIRouter(include_in_schema=False)

Csrf = Annotated[str, Form(max_length=200)]
Name = Annotated[str, Form(max_length=64)]


@router.get("/editor/accounts", response_class=HTMLResponse)
def accounts_page(request: Request, session: SessionDep, user: PageAdminDep) -> Response:
    """Every account with its role and state, and the forms that change them."""
    return _page(request, session, user)


@router.post("/editor/accounts", response_class=HTMLResponse)
def add_account(
    request: Request,
    session: SessionDep,
    user: PageAdminDep,
    username: Name,
    role: Annotated[Role, Form()],
    csrf: Csrf = "",
) -> Response:
    """Add an account; it starts with a one-time link to set its password, shown once."""
    check_csrf(request, csrf)
    try:
        made = create_user(
            session, username.strip(), secrets.token_urlsafe(32), role, actor=user.username
        )
        token = issue_reset_link(session, made.username, actor=user.username)
    except ValueError as exc:  # a bad or taken name (Conflict is a ValueError too)
        session.rollback()
        return _page(request, session, user, errors=form_errors(exc, pick_language(request)))
    session.commit()
    return _page(request, session, user, link=(made.username, _link(request, token)))


@router.post("/editor/accounts/{username}/{change}", response_class=HTMLResponse)
def change_account(
    request: Request,
    username: str,
    change: str,
    session: SessionDep,
    user: PageAdminDep,
    role: Annotated[Role | None, Form()] = None,
    csrf: Csrf = "",
) -> Response:
    """Disable, enable, change the role of, or make a password link for an account."""
    check_csrf(request, csrf)
    link = None
    try:
        if change == "disable":
            disable_user(session, username, actor=user.username)
        elif change == "enable":
            enable_user(session, username, actor=user.username)
        elif change == "role" and role is not None:
            set_role(session, username, role, actor=user.username)
        elif change == "reset":
            token = issue_reset_link(session, username, actor=user.username)
            link = (username, _link(request, token))
        else:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such change")
    except ValueError as exc:  # the last admin kept (Conflict); unknown names are 404s
        session.rollback()
        errors = form_errors(exc, pick_language(request))
        return _page(request, session, user, errors=errors, code=409)
    session.commit()
    if link is None:
        return RedirectResponse("/editor/accounts", status_code=303)
    return _page(request, session, user, link=link)


@router.get("/password/{token}", response_class=HTMLResponse)
def password_form(request: Request, token: str, session: SessionDep) -> Response:
    """The page of a one-time link: a form for the new password, or why the link is dead."""
    try:
        owner = reset_user(session, token)
    except AuthenticationError as exc:
        return _password_page(request, None, form_errors(exc, pick_language(request)), 410)
    return _password_page(request, owner, [])


@router.post("/password/{token}", response_class=HTMLResponse)
def password_set(
    request: Request,
    token: str,
    session: SessionDep,
    password: Annotated[str, Form(max_length=300)] = "",
    again: Annotated[str, Form(max_length=300)] = "",
    csrf: Csrf = "",
) -> Response:
    """Set the new password; the link is spent and the user signs in with it."""
    check_csrf(request, csrf)
    lang = pick_language(request)
    try:
        owner = reset_user(session, token)
    except AuthenticationError as exc:
        return _password_page(request, None, form_errors(exc, lang), 410)
    if password != again:
        return _password_page(request, owner, [translator(lang)("msg.e_password_mismatch")], 422)
    try:
        use_reset_link(session, token, password)
    except (AuthenticationError, ValueError) as exc:
        session.rollback()
        owner = reset_user(session, token)
        return _password_page(request, owner, form_errors(exc, lang), 422)
    session.commit()
    return RedirectResponse("/login?reset=1", status_code=303)


def _link(request: Request, token: str) -> str:
    return absolute(request, f"/password/{token}")


def _page(
    request: Request,
    session: Session,
    user: User,
    *,
    errors: list[str] | None = None,
    link: tuple[str, str] | None = None,
    code: int | None = None,
) -> HTMLResponse:
    lang = pick_language(request)
    recent = session.exec(
        select(AuditLog)
        .where(AuditLog.entity == "user")
        .order_by(col(AuditLog.id).desc())
        .limit(30)
    ).all()
    context: dict[str, Any] = {
        "me": user.username,
        "users": list_users(session),
        "roles": [str(r) for r in Role],
        "errors": errors or [],
        "link": link,
        "log": entry_rows(session, recent, translator(lang), lang),
        "csrf": csrf_token(request),
    }
    return render(request, "editor_accounts.html", context, code or (422 if errors else 200))


def _password_page(
    request: Request, owner: User | None, errors: list[str], code: int = 200
) -> HTMLResponse:
    signed_in = csrf_token(request)  # an admin may open the link in their own browser
    token = signed_in or prelogin_token(request)
    page = render(
        request,
        "password_reset.html",
        {"owner": owner.username if owner else None, "errors": errors, "csrf": token},
        code,
    )
    if not signed_in:
        remember_prelogin(request, page, token)
    return page
