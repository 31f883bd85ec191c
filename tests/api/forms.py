"""Helpers for page tests that submit forms: the CSRF token of a page, and signing in."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"
"""The password the page tests give every user they create."""


def csrf(html: str) -> str:
    """The CSRF token of the (first) form on a page."""
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "form without a CSRF token"
    return match.group(1)


def sign_in(
    client: TestClient, name: str, password: str = PASSWORD, *, to: str = "/editor"
) -> None:
    """Sign in through the login form; the session cookie is HttpOnly and SameSite=lax."""
    form = client.get("/login")
    r = client.post(
        "/login", data={"username": name, "password": password, "csrf": csrf(form.text), "next": to}
    )
    assert r.status_code == 303
    assert r.headers["location"] == to
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("redres_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
