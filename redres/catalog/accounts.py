"""Staff accounts and API tokens: who may change the registry, and proof of it per request.

Passwords are hashed with Argon2 (pwdlib). Tokens are random strings handed out once; only
their SHA-256 is stored, with an expiry, and they can be revoked one by one or all at once.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import update
from sqlmodel import Session, col, select

from redres.catalog import audit
from redres.catalog.account_tables import ApiToken, User
from redres.catalog.enums import Role
from redres.catalog.errors import Conflict, NotFound
from redres.catalog.models import pk, utcnow
from redres.errors import RedresError
from redres.messages import Message

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 256


class AuthenticationError(RedresError, PermissionError):
    """Wrong name or password, an unknown, expired or revoked token, or a disabled account."""


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    """Argon2id with the recommended cost; REDRES_ARGON2_PROFILE=fast is for test suites only.

    Each hash records its own parameters, so changing the profile never breaks a login.
    """
    if os.environ.get("REDRES_ARGON2_PROFILE") == "fast":
        return PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    return PasswordHash.recommended()


def create_user(
    session: Session, username: str, password: str, role: Role, *, actor: str | None = None
) -> User:
    """Add a staff account (audited when an `actor` made it; the CLI's and tests' are not).

    Raises
    ------
    ValueError
        When the name or password does not meet the rules.
    Conflict
        When the name is taken.
    """
    _check_username(username)
    _check_password(password)
    if session.exec(select(User).where(User.username == username)).first() is not None:
        raise Conflict(Message("e_user_exists", name=username))
    user = User(username=username, password_hash=_hasher().hash(password), role=Role(role))
    session.add(user)
    session.flush()
    if actor is not None:
        _audit(session, user, "create", actor, None)
    return user


def get_user(session: Session, username: str) -> User:
    """A user by name.

    Raises
    ------
    NotFound
        When there is no such user.
    """
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound("user", username)  # noqa: EM101 (an entity name, not the message)
    return user


def list_users(session: Session) -> list[User]:
    """Every account, by name."""
    return list(session.exec(select(User).order_by(col(User.username))))


def set_role(
    session: Session, username: str, role: Role, *, actor: str = audit.SYSTEM_ACTOR
) -> User:
    """Change what a user may do; takes effect on their next request.

    Raises
    ------
    Conflict
        When it would leave no active admin (the last admin cannot be demoted).
    """
    user = get_user(session, username)
    if user.role == Role(role):
        return user
    if Role(role) != Role.admin:
        _keep_an_admin(session, user)
    before = _state(user)
    user.role = Role(role)
    session.add(user)
    session.flush()
    _audit(session, user, "role", actor, before)
    return user


def disable_user(session: Session, username: str, *, actor: str = audit.SYSTEM_ACTOR) -> User:
    """Lock an account out and revoke its tokens at once, so its sessions end too.

    Raises
    ------
    Conflict
        When it is the last active admin.
    """
    user = get_user(session, username)
    if user.disabled:
        return user
    _keep_an_admin(session, user)
    before = _state(user)
    user.disabled = True
    session.add(user)
    revoke_tokens(session, user)
    _audit(session, user, "disable", actor, before)
    return user


def enable_user(session: Session, username: str, *, actor: str = audit.SYSTEM_ACTOR) -> User:
    """Let a disabled account sign in again (its old sessions stay revoked)."""
    user = get_user(session, username)
    if not user.disabled:
        return user
    before = _state(user)
    user.disabled = False
    session.add(user)
    session.flush()
    _audit(session, user, "enable", actor, before)
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """Replace a user's password and end every session they had (it may have been stolen)."""
    _check_password(password)
    user.password_hash = _hasher().hash(password)
    session.add(user)
    revoke_tokens(session, user)


def _keep_an_admin(session: Session, user: User) -> None:
    """Refuse to take away the last active admin: nobody could manage accounts after it."""
    if user.role != Role.admin or user.disabled:
        return
    admins = session.exec(
        select(User).where(User.role == Role.admin, col(User.disabled).is_(False))
    ).all()
    if len(admins) <= 1:
        raise Conflict(Message("e_last_admin", name=user.username))


def _state(user: User) -> dict[str, object]:
    return {"username": user.username, "role": str(user.role), "disabled": user.disabled}


def _audit(
    session: Session, user: User, action: str, actor: str, before: dict[str, object] | None
) -> None:
    audit.record(
        session,
        entity="user",
        entity_id=pk(user),
        action=action,
        actor=actor,
        before=before,
        after=_state(user),
    )


def authenticate(session: Session, username: str, password: str) -> User:
    """The user whose name and password these are.

    Raises
    ------
    AuthenticationError
        With the same message whatever was wrong, so names cannot be probed.
    """
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        _hasher().hash(password)  # spend the same time as a real check
        raise AuthenticationError(_BAD_LOGIN)
    if not _hasher().verify(password[:MAX_PASSWORD], user.password_hash) or user.disabled:
        raise AuthenticationError(_BAD_LOGIN)
    return user


def issue_token(session: Session, user: User, *, ttl: timedelta) -> str:
    """A new bearer token for `user`, valid for `ttl`; the plain token is never stored."""
    token = secrets.token_urlsafe(32)
    session.add(
        ApiToken(user_id=pk(user), token_hash=token_digest(token), expires_at=utcnow() + ttl)
    )
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User:
    """The active user a bearer token belongs to.

    Raises
    ------
    AuthenticationError
        When the token is unknown, expired or revoked, or the account is disabled.
    """
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == token_digest(token))).first()
    if row is None or row.revoked or as_utc(row.expires_at) <= datetime.now(UTC):
        msg = "invalid or expired token"
        raise AuthenticationError(msg)
    user = session.get(User, row.user_id)
    if user is None or user.disabled:
        msg = "invalid or expired token"
        raise AuthenticationError(msg)
    return user


def revoke_token(session: Session, token: str) -> None:
    """End one token's validity now (logout)."""
    session.exec(
        update(ApiToken).where(col(ApiToken.token_hash) == token_digest(token)).values(revoked=True)
    )


def revoke_tokens(session: Session, user: User) -> None:
    """End every token of a user (password change, account disabled)."""
    session.exec(update(ApiToken).where(col(ApiToken.user_id) == pk(user)).values(revoked=True))
    session.flush()


_BAD_LOGIN = "incorrect username or password"


def token_digest(token: str) -> str:
    """What is stored of a token (API or password link): its SHA-256, never the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def as_utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC one (SQLite hands them back without a zone)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _check_username(username: str) -> None:
    if not USERNAME_RE.match(username):
        raise ValueError(Message("e_username", name=username))


def _check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ValueError(Message("e_password_length", low=MIN_PASSWORD, high=MAX_PASSWORD))
