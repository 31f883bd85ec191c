"""Signing in, for page and API tests: the CSRF token of a page, the login form, a bearer token."""

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


def bearer(client: TestClient, name: str, password: str = PASSWORD) -> dict[str, str]:
    """The Authorization header of an API token for `name`, asked for as a client would."""
    r = client.post("/api/auth/token", data={"username": name, "password": password})
    assert r.status_code == 200, r.text
    assert r.json()["token_type"] == "bearer"
    return {"Authorization": f"Bearer {r.json()['access_token']}"}
