"""Request-scoped dependencies: a database session per request, and who is asking."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from redres.catalog.enums import Status
from redres.catalog.sites import PUBLIC


def get_session(request: Request) -> Iterator[Session]:
    """One session and transaction per request, committed when the handler returns."""
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def visible_statuses() -> frozenset[Status]:
    """What the caller may read; anonymous readers see published records only.

    Accounts arrive with the accounts issue; until then every caller is anonymous.
    """
    return PUBLIC


SessionDep = Annotated[Session, Depends(get_session)]
VisibleDep = Annotated[frozenset[Status], Depends(visible_statuses)]
