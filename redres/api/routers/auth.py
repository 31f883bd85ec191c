"""Sign in for the API: the OAuth2 password flow hands out a bearer token."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, OAuth2PasswordRequestForm

from redres.api.deps import SessionDep
from redres.catalog.accounts import AuthenticationError, authenticate, issue_token, revoke_token

router = APIRouter(prefix="/api/auth", tags=["auth"])


def _login_limit(request: Request) -> None:
    request.app.state.login_limiter(request)


@router.post("/token", dependencies=[Depends(_login_limit)])
def token(
    request: Request,
    session: SessionDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> dict[str, str]:
    """Exchange a staff name and password for a bearer token."""
    try:
        user = authenticate(session, form.username[:64], form.password[:256])
    except AuthenticationError as exc:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, str(exc), headers={"WWW-Authenticate": "Bearer"}
        ) from exc
    ttl = timedelta(minutes=request.app.state.settings.token_ttl_minutes)
    return {"access_token": issue_token(session, user, ttl=ttl), "token_type": "bearer"}


@router.post("/logout", status_code=204)
def logout(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(HTTPBearer())],
) -> None:
    """Revoke the token this request carries."""
    if credentials is not None:
        revoke_token(session, credentials.credentials)
