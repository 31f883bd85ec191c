"""Read the registry: `/api/sites` as GeoJSON, and one site with its stories."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from redres.api.audit_bodies import SiteHistory, history_entries
from redres.api.caching import IfMatchDep, cached_json, tag_write
from redres.api.deps import EditorDep, SessionDep, VisibleDep, require_editor
from redres.api.responses import PRECONDITION, ok
from redres.api.restoring import add_restore_endpoint
from redres.api.site_bodies import SiteCollection, SiteDetailFeature, StaffSiteFeature
from redres.catalog.audit import history
from redres.catalog.detail import site_detail
from redres.catalog.enums import PUBLIC, STAFF, Category, Period, Protection, Status
from redres.catalog.errors import Conflict, InvalidQuery, NotFound
from redres.catalog.features import site_detail_feature, site_feature
from redres.catalog.former_slugs import renamed_site
from redres.catalog.listing import SiteQuery, list_sites
from redres.catalog.models import Site, pk
from redres.catalog.schemas import SiteCreate, SiteUpdate
from redres.catalog.sites import (
    archive_site,
    create_site,
    get_site,
    restore_site,
    restore_version,
    set_status,
    update_site,
)
from redres.catalog.versions import claim
from redres.geo import parse_bbox, parse_lon_lat
from redres.messages import Message

router = APIRouter(prefix="/api/sites", tags=["sites"])


@router.get("", response_model=None, responses=ok(SiteCollection))
def read_sites(
    request: Request,
    session: SessionDep,
    visible: VisibleDep,
    q: Annotated[
        str | None, Query(max_length=100, description="Chinese, English or pinyin")
    ] = None,
    theme: Annotated[str | None, Query(max_length=80)] = None,
    category: Category | None = None,
    period: Period | None = None,
    district: Annotated[str | None, Query(max_length=100)] = None,
    protection: Protection | None = None,
    status: Status | None = None,
    bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat")] = None,
    near: Annotated[str | None, Query(description="lon,lat")] = None,
    radius_m: Annotated[float | None, Query(gt=0)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """Sites as a GeoJSON FeatureCollection with `total`, filtered, searched and paged."""
    try:
        query = SiteQuery(
            q=q,
            theme=theme,
            category=category,
            period=period,
            district=district,
            protection=protection,
            status=status,
            bbox=parse_bbox(bbox) if bbox else None,
            near=parse_lon_lat(near) if near else None,
            radius_m=radius_m,
            limit=limit,
            offset=offset,
        )
    except ValueError as exc:
        raise InvalidQuery(str(exc)) from exc
    page = list_sites(session, query, visible=visible)
    body = {
        "type": "FeatureCollection",
        "total": page.total,
        "total_approximate": page.total_approximate,
        "limit": limit,
        "offset": offset,
        "features": [site_feature(h.site, distance_m=h.distance_m) for h in page.items],
    }
    return cached_json(request, body, public=visible == PUBLIC)


@router.get("/{id_or_slug}", response_model=None, responses=ok(SiteDetailFeature))
def read_site(
    request: Request, id_or_slug: str, session: SessionDep, visible: VisibleDep
) -> Response:
    """One site as a GeoJSON Feature with its stories, themes, people and events.

    A slug an editor has since changed answers 307 to the site's current address (the page
    `/sites/{old}` answers 302): temporary, since the old slug may later go to another site.
    """
    try:
        site = get_site(session, id_or_slug, visible=visible)
    except NotFound:
        moved = renamed_site(session, id_or_slug, visible=visible)
        if moved is None:
            raise
        query = f"?{request.url.query}" if request.url.query else ""
        path = request.url_for("read_site", id_or_slug=moved.slug).path
        return RedirectResponse(path + query, status_code=307)
    detail = site_detail(session, site, visible=visible)
    body = site_detail_feature(detail, staff=visible == STAFF)
    return cached_json(request, body, public=visible == PUBLIC, version=site.version)


@router.post("", status_code=201, response_model=StaffSiteFeature)
def create(
    body: SiteCreate, session: SessionDep, editor: EditorDep, response: Response
) -> dict[str, Any]:
    """Add a site (a draft unless `status` says otherwise); editors only."""
    site = create_site(session, body, actor=editor.username)
    return _staff_feature(session, site, response)


class SitePatch(SiteUpdate):
    """A partial change, plus an optional move between draft and published."""

    status: Literal[Status.draft, Status.published] | None = None


@router.patch("/{id_or_slug}", response_model=StaffSiteFeature, responses=PRECONDITION)
def patch(
    id_or_slug: str,
    body: SitePatch,
    session: SessionDep,
    editor: EditorDep,
    expected: IfMatchDep,
    response: Response,
) -> dict[str, Any]:
    """Change some fields of a site; an archived site comes back with `status`.

    With `If-Match` (an ETag of a read), nothing is written if the site changed since: 412.
    """
    site = get_site(session, id_or_slug, visible=STAFF)
    claim(session, site, expected)
    fields = body.model_dump(exclude_unset=True, exclude={"status"})
    if fields:
        if site.status == Status.archived:
            msg = Message("e_archived_restore", entity=Message("entity_site"), slug=site.slug)
            raise Conflict(msg)
        update_site(session, site, SiteUpdate(**fields), actor=editor.username)
    if body.status is not None and body.status != site.status:
        if site.status == Status.archived:
            restore_site(session, site, actor=editor.username, status=body.status)
        else:
            set_status(session, site, body.status, actor=editor.username)
    return _staff_feature(session, site, response)


@router.delete("/{id_or_slug}", response_model=StaffSiteFeature, responses=PRECONDITION)
def archive(
    id_or_slug: str,
    session: SessionDep,
    editor: EditorDep,
    expected: IfMatchDep,
    response: Response,
) -> dict[str, Any]:
    """Archive a site (a soft delete: its data and history stay); `If-Match` as for PATCH."""
    site = get_site(session, id_or_slug, visible=STAFF)
    claim(session, site, expected)
    archive_site(session, site, actor=editor.username)
    return _staff_feature(session, site, response)


@router.get("/{id_or_slug}/history")
def read_history(id_or_slug: str, session: SessionDep, _editor: EditorDep) -> SiteHistory:
    """Who changed the site, when, and the values before and after; editors only."""
    site = get_site(session, id_or_slug, visible=STAFF)
    entries = history(session, entity="site", entity_id=pk(site))
    return SiteHistory(site=site.slug, entries=history_entries(entries))


add_restore_endpoint(
    router,
    key="id_or_slug",
    who=require_editor,
    find=lambda session, key, _editor: get_site(session, key, visible=STAFF),
    restore=lambda _request, session, site, entry, editor: restore_version(
        session, site, entry, actor=editor.username
    ),
    answer=lambda session, site, _editor: _staff_feature(session, site),
    response_model=StaffSiteFeature,
    description="Bring the site back to the version recorded by a history entry; editors only.",
)


def _staff_feature(
    session: Session, site: Site, response: Response | None = None
) -> dict[str, Any]:
    """The site as staff read it, with the ETag such a read would carry."""
    session.flush()
    body = site_detail_feature(site_detail(session, site, visible=STAFF), staff=True)
    if response is not None:
        tag_write(response, body, site.version)
    return body
