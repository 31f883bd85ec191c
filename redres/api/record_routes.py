"""The JSON endpoints people and events share, built once from what each declares.

`/api/people` and `/api/events` each have: one record with its links (cached, filtered by
what the caller may see), an audited create and change (with `If-Match`), and the audit
history. A `RecordApi` declares what differs: the catalogue kind, input models and examples,
the body, and the words of the documentation. List endpoints stay in the routers: their
filters differ.

No `from __future__ import annotations` here: FastAPI reads the built handlers' annotations,
which name the declared input models, at run time.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Generic

from fastapi import APIRouter, Body, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlmodel import Session

from redres.api.audit_bodies import history_entries
from redres.api.caching import IfMatchDep, cached_json, tag_write
from redres.api.deps import EditorDep, SessionDep, VisibleDep
from redres.api.responses import PRECONDITION, ok
from redres.catalog.audit import history
from redres.catalog.enums import PUBLIC, STAFF, Status
from redres.catalog.models import pk
from redres.catalog.record_kinds import (
    DatedPatch,
    Record,
    RecordKind,
    create_record,
    get_record,
    update_record,
)
from redres.catalog.versions import claim


@dataclass(frozen=True)
class RecordApi(Generic[Record]):
    """What the endpoints of one kind of record declare as their own."""

    kind: RecordKind[Record]
    new: type[DatedPatch]
    change: type[DatedPatch]
    body: Callable[[Session, Record, frozenset[Status]], BaseModel]
    body_model: type[BaseModel]
    history_model: type[BaseModel]
    new_examples: dict[str, Any]
    change_examples: dict[str, Any]
    summaries: dict[str, str] = field(default_factory=dict)
    """Summary of each endpoint: `read`, `create`, `patch`, `history`."""
    descriptions: dict[str, str] = field(default_factory=dict)
    """Description of each endpoint, by the same names."""


def add_record_routes(router: APIRouter, api: RecordApi[Any]) -> None:
    """Add `GET /{slug}`, `POST ""`, `PATCH /{slug}` and `GET /{slug}/history` to `router`."""
    kind = api.kind

    def read(request: Request, slug: str, session: SessionDep, visible: VisibleDep) -> Response:
        record = get_record(session, kind, slug)
        body = api.body(session, record, visible).model_dump(mode="json")
        return cached_json(request, body, public=visible == PUBLIC, version=record.version)

    def create(
        body: Annotated[api.new, Body(openapi_examples=api.new_examples)],  # type: ignore[name-defined]
        session: SessionDep,
        editor: EditorDep,
    ) -> Any:
        record = create_record(session, kind, body, actor=editor.username)
        return api.body(session, record, STAFF)

    def patch(
        slug: str,
        body: Annotated[api.change, Body(openapi_examples=api.change_examples)],  # type: ignore[name-defined]
        session: SessionDep,
        editor: EditorDep,
        expected: IfMatchDep,
        response: Response,
    ) -> Any:
        record = get_record(session, kind, slug)
        claim(session, record, expected)
        update_record(session, kind, record, body, actor=editor.username)
        written = api.body(session, record, STAFF)
        tag_write(response, written.model_dump(mode="json"), record.version)
        return written

    def read_history(slug: str, session: SessionDep, _editor: EditorDep) -> Any:
        record = get_record(session, kind, slug)
        entries = history(session, entity=kind.entity, entity_id=pk(record))
        return api.history_model.model_validate(
            {kind.entity: record.slug, "entries": history_entries(entries)}
        )

    def add(name: str, path: str, handler: Callable[..., Any], method: str, **options: Any) -> None:
        router.add_api_route(
            path,
            handler,
            methods=[method],
            summary=api.summaries.get(name),
            description=api.descriptions.get(name, ""),
            **options,
        )

    add("read", "/{slug}", read, "GET", response_model=None, responses=ok(api.body_model))
    add("create", "", create, "POST", status_code=201, response_model=api.body_model)
    add("patch", "/{slug}", patch, "PATCH", response_model=api.body_model, responses=PRECONDITION)
    add("history", "/{slug}/history", read_history, "GET", response_model=api.history_model)
