"""A route's share links and history: what its owner and editors do with it besides editing.

Same paths as `routes` (`/api/routes/{id_or_slug}/share`, `/history`); who may act is
`redres.catalog.route_access`.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import Response

from redres.api.audit_bodies import RouteHistory, history_entries
from redres.api.deps import MemberDep, SessionDep
from redres.api.links import absolute
from redres.api.route_bodies import ShareLink
from redres.catalog import route_access
from redres.catalog.audit import history
from redres.catalog.route_access import Reader

router = APIRouter(prefix="/api/routes", tags=["routes"])


@router.post("/{id_or_slug}/share")
def share_route(
    id_or_slug: str, request: Request, session: SessionDep, user: MemberDep
) -> ShareLink:
    """Make (or repeat) a share link for a route; its owner until it is published, or an editor.

    `url` is the absolute link to hand out (from REDRES_PUBLIC_URL), `api` the JSON path.
    """
    route = route_access.route_to_change(session, id_or_slug, Reader.of(user))
    token = route_access.share(session, route, actor=user.username)
    url = absolute(request, f"/routes/shared/{token}")
    return ShareLink(token=token, url=url, api=f"/api/routes/shared/{token}")


@router.delete("/{id_or_slug}/share", status_code=204)
def unshare_route(id_or_slug: str, session: SessionDep, user: MemberDep) -> Response:
    """Revoke a route's share link: whoever has the old link gets 404 from now on."""
    route = route_access.route_to_change(session, id_or_slug, Reader.of(user))
    route_access.unshare(session, route, actor=user.username)
    return Response(status_code=204)


@router.get("/{id_or_slug}/history")
def route_history(id_or_slug: str, session: SessionDep, user: MemberDep) -> RouteHistory:
    """The route's audit entries, oldest first; its owner and editors."""
    reader = Reader.of(user)
    route = route_access.find_route(session, id_or_slug, reader)
    if not route_access.can_see_history(route, reader):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only the route's owner or an editor")
    entries = history(session, entity="route", entity_id=route.id or 0)
    return RouteHistory(route=route.slug, entries=history_entries(entries))
