"""The editors' dashboard as JSON."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from redres.api.deps import EditorDep, SessionDep
from redres.catalog.dashboard import dashboard

router = APIRouter(prefix="/api", tags=["dashboard"])


@router.get("/dashboard")
def read_dashboard(session: SessionDep, _editor: EditorDep) -> dict[str, Any]:
    """Counts, survey progress, repair list, data-quality gaps, route coverage, feedback."""
    return dashboard(session)
