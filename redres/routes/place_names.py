"""Start and end points given by a site's name: resolved with the catalogue's own search.

A teacher types the school's hotel or "八七会议会址", not a slug. The name (or an alias, or its
pinyin) is looked up exactly as the site search does (`redres.catalog.listing.list_sites`); one
exact match, or a single hit at all, is the site; several, or none, is an `InvalidPlanRequest`
that lists the candidates, so the caller can pick one by its slug.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

from sqlmodel import Session

from redres.catalog.enums import PUBLIC, Status
from redres.catalog.listing import SiteQuery, list_sites
from redres.catalog.models import Site
from redres.catalog.search import RANK_EXACT, SearchText, parse_query, rank
from redres.messages import Message, Name, Sentences
from redres.routes.errors import InvalidPlanRequest
from redres.routes.model import PlanRequest, SiteName

MAX_CANDIDATES = 8
"""How many candidates an ambiguous name lists (best ranked first)."""


def resolve_place_names(
    session: Session, request: PlanRequest, *, visible: Collection[Status] = PUBLIC
) -> PlanRequest:
    """`request` with every start or end given by name replaced by the site's slug.

    Raises
    ------
    InvalidPlanRequest
        When a name matches no visible site, or several equally well (the message lists them).
    """
    changes: dict[str, str] = {}
    for role in ("start", "end"):
        ref = getattr(request, role)
        if isinstance(ref, SiteName):
            changes[role] = site_by_name(session, ref.name, role=role, visible=visible).slug
    return dataclasses.replace(request, **changes) if changes else request  # type: ignore[arg-type]


def site_by_name(
    session: Session, name: str, *, role: str, visible: Collection[Status] = PUBLIC
) -> Site:
    """The one site `name` stands for (exact name, alias or pinyin first; else the only hit).

    Raises
    ------
    InvalidPlanRequest
        As `resolve_place_names`.
    """
    query = parse_query(name)
    hits = (
        []
        if query is None
        else list_sites(session, SiteQuery(q=name, limit=50), visible=visible).items
    )
    sites = [h.site for h in hits]
    if query is not None:
        exact = [s for s in sites if rank(query, _text(s)) == RANK_EXACT]
        if len(exact) == 1:
            return exact[0]
        if len(exact) > 1:
            sites = exact
    if len(sites) == 1:
        return sites[0]
    label = Message(f"role_{role}")
    if not sites:
        raise InvalidPlanRequest(Message("e_place_name_unknown", role=label, name=name))
    listed = Sentences(
        Message("site_slug", name=Name(s.name, s.name_en), slug=s.slug)
        for s in sites[:MAX_CANDIDATES]
    )
    msg = Message("e_place_name_ambiguous", role=label, name=name, count=len(sites), sites=listed)
    raise InvalidPlanRequest(msg)


def _text(site: Site) -> SearchText:
    return SearchText(
        name=site.name,
        aliases=tuple(site.aliases or ()),
        name_en=site.name_en,
        address=site.address,
        code=site.code,
    )
