"""The admin's accounts page and its rules, on both engines: roles, the last admin kept,
one-time password links (single use, expiring), disabled accounts refused and signed out,
every change audited, CSRF on every form."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from redres.catalog.account_tables import AuditLog
from redres.catalog.accounts import (
    AuthenticationError,
    authenticate,
    create_user,
    disable_user,
    get_user,
    set_role,
)
from redres.catalog.enums import Role
from redres.catalog.errors import Conflict
from redres.catalog.password_reset import issue_reset_link, use_reset_link
from redres.config import Settings
from tests.api.forms import PASSWORD, csrf, sign_in

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def catalogue(session: Session) -> None:
    create_user(session, "boss", PASSWORD, Role.admin)
    create_user(session, "editor", PASSWORD, Role.editor)
    session.commit()


@pytest.fixture
def app_settings() -> Settings:
    return Settings(database_url="sqlite://", secret_key="x" * 40)


@pytest.fixture
def follow_redirects() -> bool:
    return False


def _post(client: TestClient, path: str, **data: str) -> object:
    page = client.get("/editor/accounts").text
    return client.post(path, data={"csrf": csrf(page), **data})


def _link(html: str) -> str:
    match = re.search(r'id="reset-link" readonly value="[^"]*(/password/[^"]+)"', html)
    assert match, "no one-time link on the page"
    return match.group(1)


def test_only_admins_see_the_accounts_page(client: TestClient) -> None:
    assert client.get("/editor/accounts").status_code == 303  # anonymous: sign in first
    sign_in(client, "editor")
    assert client.get("/editor/accounts").status_code == 403
    assert "/editor/accounts" not in client.get("/editor").text


def test_add_an_account_that_sets_its_own_password(client: TestClient, session: Session) -> None:
    sign_in(client, "boss")
    page = client.get("/editor/accounts")
    assert page.status_code == 200
    assert "管理员" in page.text
    assert "boss" in page.text
    forged = client.post("/editor/accounts", data={"username": "li", "role": "editor"})
    assert forged.status_code == 403
    made = _post(client, "/editor/accounts", username="li.wei", role="editor")
    assert made.status_code == 200  # type: ignore[attr-defined]
    link = _link(made.text)  # type: ignore[attr-defined]
    assert "只显示这一次" in made.text  # type: ignore[attr-defined]
    assert link not in client.get("/editor/accounts").text  # shown once, never again
    visitor = TestClient(client.app, follow_redirects=False)
    form = visitor.get(link)
    assert form.status_code == 200
    assert "li.wei" in form.text
    mismatch = visitor.post(
        link, data={"password": NEW_PASSWORD, "again": "other", "csrf": csrf(form.text)}
    )
    assert mismatch.status_code == 422
    assert "两次输入的密码不一致" in mismatch.text
    short = visitor.post(
        link, data={"password": "short", "again": "short", "csrf": csrf(form.text)}
    )
    assert short.status_code == 422
    assert "密码须为 10–256 个字符" in short.text
    done = visitor.post(
        link, data={"password": NEW_PASSWORD, "again": NEW_PASSWORD, "csrf": csrf(form.text)}
    )
    assert done.status_code == 303
    sign_in(visitor, "li.wei", NEW_PASSWORD)
    again = visitor.get(link)
    assert again.status_code == 410  # single use
    assert "此密码链接无效、已使用或已过期" in again.text
    session.expire_all()
    actions = session.exec(
        select(AuditLog.action).where(AuditLog.entity == "user").order_by(col(AuditLog.id))
    ).all()
    assert actions == ["create", "reset_link", "password"]


def test_bad_or_taken_names_are_refused_in_chinese(client: TestClient) -> None:
    sign_in(client, "boss")
    taken = _post(client, "/editor/accounts", username="editor", role="editor")
    assert taken.status_code == 422  # type: ignore[attr-defined]
    assert "用户名“editor”已被使用" in taken.text  # type: ignore[attr-defined]
    bad = _post(client, "/editor/accounts", username="张 三", role="editor")
    assert "须为 2–64 个字母" in bad.text  # type: ignore[attr-defined]


def test_disabled_account_is_signed_out_and_refused(client: TestClient) -> None:
    editor = TestClient(client.app, follow_redirects=False)
    sign_in(editor, "editor")
    assert editor.get("/editor").status_code == 200
    sign_in(client, "boss")
    r = _post(client, "/editor/accounts/editor/disable")
    assert r.status_code == 303  # type: ignore[attr-defined]
    assert editor.get("/editor").status_code == 303  # the open session stopped working
    form = editor.get("/login")
    refused = editor.post(
        "/login", data={"username": "editor", "password": PASSWORD, "csrf": csrf(form.text)}
    )
    assert refused.status_code == 401
    assert "已停用" in client.get("/editor/accounts").text
    _post(client, "/editor/accounts/editor/enable")
    sign_in(editor, "editor")


def test_the_last_admin_cannot_be_disabled_or_demoted(client: TestClient) -> None:
    sign_in(client, "boss")
    demote = _post(client, "/editor/accounts/boss/role", role="editor")
    assert demote.status_code == 409  # type: ignore[attr-defined]
    assert "最后一个在用的管理员" in demote.text  # type: ignore[attr-defined]
    off = _post(client, "/editor/accounts/boss/disable")
    assert off.status_code == 409  # type: ignore[attr-defined]
    _post(client, "/editor/accounts/editor/role", role="admin")  # a second admin
    assert _post(client, "/editor/accounts/boss/role", role="teacher").status_code == 303  # type: ignore[attr-defined]
    assert client.get("/editor/accounts").status_code == 403  # a teacher now


def test_role_rules_in_the_catalogue(session: Session) -> None:
    create_user(session, "root", PASSWORD, Role.admin)
    create_user(session, "ed", PASSWORD, Role.editor)
    with pytest.raises(Conflict):
        set_role(session, "root", Role.editor, actor="root")
    with pytest.raises(Conflict):
        disable_user(session, "root", actor="root")
    disable_user(session, "ed", actor="root")
    with pytest.raises(AuthenticationError):
        authenticate(session, "ed", PASSWORD)
    set_role(session, "ed", Role.admin, actor="root")
    with pytest.raises(Conflict):  # a disabled admin manages nothing: root is still the last
        set_role(session, "root", Role.editor, actor="root")
    audited = session.exec(
        select(AuditLog.action, AuditLog.actor).where(AuditLog.entity == "user")
    ).all()
    assert sorted(audited) == [("disable", "root"), ("role", "root")]


def test_reset_link_expires_and_works_once(session: Session) -> None:
    create_user(session, "ed", PASSWORD, Role.editor)
    old = issue_reset_link(session, "ed", actor="root", ttl=timedelta(seconds=-1))
    with pytest.raises(AuthenticationError):
        use_reset_link(session, old, NEW_PASSWORD)
    first = issue_reset_link(session, "ed", actor="root")
    second = issue_reset_link(session, "ed", actor="root")
    with pytest.raises(ValueError, match="characters"):
        use_reset_link(session, first, "short")  # refused, and the link not spent
    use_reset_link(session, first, NEW_PASSWORD)
    assert authenticate(session, "ed", NEW_PASSWORD).username == "ed"
    for spent in (first, second):  # using one spends every link of the account
        with pytest.raises(AuthenticationError):
            use_reset_link(session, spent, "yet another passphrase")
    assert get_user(session, "ed").password_hash
