"""Paging of the editor's lists: the query parameters they take and their previous/next links.

Every staff list page takes `q` (text), `status` and `page`; the links to the neighbouring
pages keep every other parameter of the request, so a filtered list pages through its filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Query, Request

from redres.catalog.enums import Status
from redres.catalog.errors import InvalidQuery
from redres.catalog.paging import MAX_QUERY_LENGTH
from redres.catalog.staff_lists import MAX_PAGE, ListFilter
from redres.catalog.staff_lists import PAGE_SIZE as PAGE_SIZE  # tests set a smaller page


def list_filter(
    q: Annotated[str, Query(max_length=MAX_QUERY_LENGTH)] = "",
    status: Annotated[str, Query(max_length=20)] = "",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> ListFilter:
    """The filter of an editor list from its query string (out-of-range values are a 422).

    An empty `status` (the form's "all") means every status.
    """
    try:
        chosen = Status(status) if status else None
    except ValueError as exc:
        msg = f"status {status!r} is not one of {[s.value for s in Status]}"
        raise InvalidQuery(msg) from exc
    return ListFilter(q=q.replace("\x00", ""), status=chosen, page=page, size=PAGE_SIZE)


ListFilterDep = Annotated[ListFilter, Depends(list_filter)]


@dataclass(frozen=True, slots=True)
class Pager:
    """Where one page sits in a list: its number, the page count and the neighbours' links."""

    page: int
    pages: int
    total: int
    prev_href: str | None
    next_href: str | None


def pager(request: Request, f: ListFilter, total: int) -> Pager:
    """Links to the previous and next page of this list, the request's other parameters kept."""
    pages = max(1, -(-total // f.size))
    return Pager(
        page=f.page,
        pages=pages,
        total=total,
        prev_href=_href(request, f.page - 1) if f.page > 1 else None,
        next_href=_href(request, f.page + 1) if f.page * f.size < total else None,
    )


def _href(request: Request, page: int) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    params.append(("page", str(page)))
    return f"{request.url.path}?{urlencode(params)}"
