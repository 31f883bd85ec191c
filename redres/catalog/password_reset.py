"""One-time password links: how an admin resets a password without ever knowing the new one.

The admin is shown the link once; only the token's SHA-256 is stored, it expires, and it works
a single time. Using it sets the password, ends the user's sessions and spends every other
link of the same user.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from redres.catalog import audit
from redres.catalog.account_tables import PasswordReset, User
from redres.catalog.accounts import (
    AuthenticationError,
    as_utc,
    get_user,
    set_password,
    token_digest,
)
from redres.catalog.models import pk, utcnow
from redres.messages import Message

RESET_TTL = timedelta(hours=24)
"""How long a link works: a day, enough to pass it on by phone or chat, short if it leaks."""


def issue_reset_link(
    session: Session, username: str, *, actor: str, ttl: timedelta = RESET_TTL
) -> str:
    """A new one-time token for `username` (the plain token is returned once, never stored)."""
    user = get_user(session, username)
    token = secrets.token_urlsafe(32)
    session.add(
        PasswordReset(
            user_id=pk(user),
            token_hash=token_digest(token),
            created_by=actor,
            expires_at=utcnow() + ttl,
        )
    )
    audit.record(
        session,
        entity="user",
        entity_id=pk(user),
        action="reset_link",
        actor=actor,
        before=None,
        after={"username": user.username, "expires_at": (utcnow() + ttl).isoformat()},
    )
    session.flush()
    return token


def reset_user(session: Session, token: str) -> User:
    """The account a link may still reset.

    Raises
    ------
    AuthenticationError
        When the link is unknown, used, expired, or its account is disabled.
    """
    row = _live(session, token)
    user = session.get(User, row.user_id)
    if user is None or user.disabled:
        raise AuthenticationError(Message("e_reset_link"))
    return user


def use_reset_link(session: Session, token: str, password: str) -> User:
    """Set the new password through a link, spending it (and the user's other links).

    Raises
    ------
    AuthenticationError
        When the link no longer works.
    ValueError
        When the password breaks the rules (the link is not spent).
    """
    user = reset_user(session, token)
    set_password(session, user, password)
    session.exec(
        update(PasswordReset)
        .where(col(PasswordReset.user_id) == pk(user), col(PasswordReset.used_at).is_(None))
        .values(used_at=utcnow())
    )
    audit.record(
        session,
        entity="user",
        entity_id=pk(user),
        action="password",
        actor=user.username,
        before=None,
        after={"username": user.username},
    )
    session.flush()
    return user


def _live(session: Session, token: str) -> PasswordReset:
    row = session.exec(
        select(PasswordReset).where(PasswordReset.token_hash == token_digest(token))
    ).first()
    if row is None or row.used_at is not None or as_utc(row.expires_at) <= datetime.now(UTC):
        raise AuthenticationError(Message("e_reset_link"))
    return row
