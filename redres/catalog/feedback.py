"""Visitors' ratings and comments, held for moderation before anyone else sees them."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints, field_validator
from sqlalchemy import func, literal, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from redres.catalog import audit
from redres.catalog.attachment_tables import Feedback
from redres.catalog.enums import PUBLIC, FeedbackStatus, Status
from redres.catalog.errors import Conflict, NotFound
from redres.catalog.models import Route, Site, pk
from redres.catalog.paging import Page, substring
from redres.messages import Message
from redres.plain_text import PlainTextModel

_LINK = re.compile(r"(https?://|www\.|\.(com|cn|net|org)\b)", re.IGNORECASE)


class FeedbackCreate(PlainTextModel):
    """What a visitor sends: plain text; links are refused, the commonest spam."""

    model_config = ConfigDict(extra="forbid")

    target: Literal["site", "route"]
    slug: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    rating: Annotated[int, Field(ge=1, le=5)]
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None

    @field_validator("comment")
    @classmethod
    def _no_links(cls, value: str | None) -> str | None:
        if value and _LINK.search(value):
            raise ValueError(Message("e_no_links"))
        return value or None


def submit(session: Session, data: FeedbackCreate) -> Feedback:
    """Hold a visitor's feedback for moderation; only published targets take feedback.

    Raises
    ------
    NotFound
        When the site or route is not published.
    """
    model = Site if data.target == "site" else Route
    target = session.exec(
        select(model).where(model.slug == data.slug, model.status == Status.published)
    ).first()
    if target is None:
        raise NotFound(data.target, data.slug)
    item = Feedback(
        target=data.target, target_id=pk(target), rating=data.rating, comment=data.comment
    )
    session.add(item)
    session.flush()
    return item


def moderate(
    session: Session, feedback_id: int, decision: FeedbackStatus, *, actor: str
) -> Feedback:
    """Approve or reject a pending item; the decision is audited.

    Raises
    ------
    NotFound
        For an unknown id.
    Conflict
        When the item was already decided the same way.
    """
    item = session.get(Feedback, feedback_id)
    if item is None:
        raise NotFound("feedback", feedback_id)  # noqa: EM101 (an entity name)
    if item.status == decision:
        msg = Message(
            "e_feedback_decided", id=feedback_id, decision=Message(f"decision_{decision}")
        )
        raise Conflict(msg)
    before = audit.snapshot(item)
    item.status = decision
    session.add(item)
    session.flush()
    audit.record(
        session,
        entity="feedback",
        entity_id=feedback_id,
        action=str(decision),
        actor=actor,
        before=before,
        after=audit.snapshot(item),
    )
    return item


def feedback_page(
    session: Session,
    *,
    status: FeedbackStatus,
    target: str | None = None,
    slug: str | None = None,
    visible: Collection[Status] = PUBLIC,
    q: str = "",
    limit: int = 100,
    offset: int = 0,
) -> Page[dict[str, Any]]:
    """Feedback in one moderation state, newest first, one page of it with the total.

    Optionally for one site or route (`target`, `slug`), or with `q` in the slug or comment.
    Only feedback on sites and routes whose status is in `visible` is listed: a record
    withdrawn after it was rated must not be named to those who may not see it.
    """
    parts: list[Any] = []
    for kind, model in (("site", Site), ("route", Route)):
        if target is not None and target != kind:
            continue
        stmt: Any = (
            sa_select(
                col(Feedback.id).label("id"),
                literal(kind).label("target"),
                col(model.slug).label("slug"),
                col(model.name).label("name"),
                col(Feedback.rating).label("rating"),
                col(Feedback.comment).label("comment"),
                col(Feedback.status).label("status"),
                col(Feedback.created_at).label("created_at"),
            )
            .join(model, col(Feedback.target_id) == model.id)
            .where(col(Feedback.target) == kind, col(Feedback.status) == status)
            .where(col(model.status).in_(list(visible)))
        )
        if slug is not None:
            stmt = stmt.where(col(model.slug) == slug)
        if q.strip():
            stmt = stmt.where(substring(q.strip(), model.slug, Feedback.comment))
        parts.append(stmt)
    if not parts:
        return Page(total=0, items=[])
    both = union_all(*parts).subquery()
    total = session.connection().execute(sa_select(func.count()).select_from(both)).scalar_one()
    rows = session.connection().execute(
        sa_select(both)
        .order_by(both.c.created_at.desc(), both.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    items = [
        {
            "id": r.id,
            "target": r.target,
            "slug": r.slug,
            "name": r.name,
            "rating": r.rating,
            "comment": r.comment,
            "status": str(FeedbackStatus(r.status)),
            "created_at": r.created_at.isoformat(),
        }
        for r in rows
    ]
    return Page(total=int(total), items=items)


def list_feedback(
    session: Session,
    *,
    status: FeedbackStatus,
    target: str | None = None,
    slug: str | None = None,
    visible: Collection[Status] = PUBLIC,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """The first `limit` items of `feedback_page` (a site's page shows the newest few)."""
    found = feedback_page(
        session, status=status, target=target, slug=slug, visible=visible, limit=limit
    )
    return found.items


def summary(session: Session) -> dict[str, Any]:
    """Counts per moderation state and the mean approved rating."""
    counts = dict(
        session.exec(select(Feedback.status, func.count()).group_by(col(Feedback.status))).all()
    )
    mean = session.exec(
        select(func.avg(Feedback.rating)).where(Feedback.status == FeedbackStatus.approved)
    ).one()
    return {
        "pending": int(counts.get(FeedbackStatus.pending, 0)),
        "approved": int(counts.get(FeedbackStatus.approved, 0)),
        "rejected": int(counts.get(FeedbackStatus.rejected, 0)),
        "mean_rating": None if mean is None else round(float(mean), 2),
    }
