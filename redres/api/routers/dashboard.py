"""The editors' dashboard as JSON."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from redres.api.dashboard_bodies import DashboardBody
from redres.api.deps import EditorDep, SessionDep
from redres.catalog.dashboard import dashboard

router = APIRouter(prefix="/api", tags=["dashboard"])


@router.get("/dashboard", response_model=DashboardBody)
def read_dashboard(session: SessionDep, _editor: EditorDep) -> dict[str, Any]:
    """Counts, survey progress, repair list, data-quality gaps, route coverage, feedback."""
    return dashboard(session)
