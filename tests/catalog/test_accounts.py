"""Accounts: hashed passwords, tokens that expire and can be revoked, disabled users locked out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from redres.catalog.account_tables import ApiToken, User
from redres.catalog.accounts import (
    AuthenticationError,
    authenticate,
    create_user,
    disable_user,
    issue_token,
    revoke_token,
    set_role,
    user_for_token,
)
from redres.catalog.enums import Role
from redres.catalog.errors import Conflict

PASSWORD = "correct horse battery"


def test_password_is_hashed_and_checked(session: Session) -> None:
    create_user(session, "alice", PASSWORD, Role.editor)
    session.commit()
    stored = session.exec(select(User)).one()
    assert PASSWORD not in stored.password_hash
    assert stored.password_hash.startswith("$argon2")
    assert authenticate(session, "alice", PASSWORD).username == "alice"
    with pytest.raises(AuthenticationError, match="incorrect username or password"):
        authenticate(session, "alice", "wrong password!")
    with pytest.raises(AuthenticationError, match="incorrect username or password"):
        authenticate(session, "nobody", PASSWORD)


@pytest.mark.parametrize(
    ("name", "password", "error"),
    [("a", PASSWORD, "username"), ("bad name", PASSWORD, "username"), ("bob", "short", "10")],
)
def test_account_rules(session: Session, name: str, password: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        create_user(session, name, password, Role.teacher)


def test_names_are_unique(session: Session) -> None:
    create_user(session, "alice", PASSWORD, Role.editor)
    with pytest.raises(Conflict, match="alice"):
        create_user(session, "alice", PASSWORD, Role.admin)


def test_token_lifecycle(session: Session) -> None:
    user = create_user(session, "alice", PASSWORD, Role.editor)
    token = issue_token(session, user, ttl=timedelta(hours=1))
    session.commit()
    assert session.exec(select(ApiToken.token_hash)).one() != token  # only a digest is stored
    assert user_for_token(session, token).username == "alice"
    revoke_token(session, token)
    session.commit()
    with pytest.raises(AuthenticationError):
        user_for_token(session, token)


def test_expired_token_is_refused(session: Session) -> None:
    user = create_user(session, "alice", PASSWORD, Role.editor)
    token = issue_token(session, user, ttl=timedelta(seconds=-1))
    session.commit()
    with pytest.raises(AuthenticationError, match="expired"):
        user_for_token(session, token)


def test_disabled_user_loses_login_and_tokens(session: Session) -> None:
    user = create_user(session, "alice", PASSWORD, Role.editor)
    token = issue_token(session, user, ttl=timedelta(hours=1))
    disable_user(session, "alice")
    session.commit()
    with pytest.raises(AuthenticationError):
        user_for_token(session, token)
    with pytest.raises(AuthenticationError):
        authenticate(session, "alice", PASSWORD)


def test_set_role(session: Session) -> None:
    create_user(session, "alice", PASSWORD, Role.teacher)
    assert set_role(session, "alice", Role.admin).role == Role.admin
