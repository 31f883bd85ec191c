"""Bulk validation: one file row in, a `SiteCreate` or the list of everything wrong with it out.

Rows are checked with the same `SiteCreate` schema the API uses, so an import can accept nothing
the registry would refuse one by one. Errors are collected, not raised (a report lists every bad
row), and each names the row as the user sees it, the column header they wrote, and the value.
Cells are converted by `cells`, the location checked by `location`.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from redres.catalog.io.cells import (
    DAYS_AHEAD,
    convert_cell,
    is_blank,
    is_ticket_sentence,
    price_in_words,
    shown_value,
)
from redres.catalog.io.citations import SourceRef
from redres.catalog.io.location import locate
from redres.catalog.io.reasons import check_reason
from redres.catalog.io.rows import ParsedRow, RawRow, RowContext, RowError
from redres.catalog.schemas import SiteCreate
from redres.messages import Message, said

_PRESENT: dict[frozenset[str], frozenset[str]] = {}
"""One shared set per distinct column layout, instead of one per row of a 100,000-row file."""


def parse_row(raw: RawRow, ctx: RowContext) -> ParsedRow | list[RowError]:
    """Check one row completely; every problem is reported, not just the first."""
    errors: list[RowError] = []
    header_of: dict[str, str] = {}
    data: dict[str, Any] = {}
    parent: str | None = None
    sources: tuple[SourceRef, ...] = ()
    filled: set[str] = set()
    price_words = ""
    values = raw.values
    for header, name in ctx.columns.items():
        value = values.get(header)
        blank = is_blank(value)
        if name in filled or (blank and name in header_of):
            continue  # two headers for one field (类别 and category): the first filled one wins
        header_of[name] = header
        if blank:
            if name in ("lon", "lat"):
                data[name] = None
            continue
        filled.add(name)
        if name == "status":
            continue
        try:
            converted = convert_cell(name, value, ctx)
        except ValueError as exc:
            if name == "ticket_price" and isinstance(value, str) and is_ticket_sentence(value):
                price_words = value.strip()  # ticket rules written in the price column
                continue
            errors.append(RowError(raw.number, header, shown_value(value), said(exc)))
            continue
        if name == "parent":
            parent = converted
        elif name == "sources":
            sources = tuple(converted or ())
        elif converted is not None or name in ("lon", "lat"):
            data[name] = converted
        if name == "reservation" and isinstance(value, str):
            days = DAYS_AHEAD.search(value)
            if days and "reservation_days" not in ctx.columns.values():
                data["reservation_days"] = int(days.group(1))
    present = _columns_present(ctx)
    if price_words:
        data["ticket_price"] = price_in_words(price_words)
        if data.get("admission") is None:
            data["admission"] = price_words  # kept as the sheet wrote it, with the rules
            present |= {"admission"}
        elif price_words not in str(data["admission"]):
            data["admission"] = f"{data['admission']}；{price_words}"
    if raw.footprint is not None and data.get("footprint") is None:
        data["footprint"] = raw.footprint
        present |= {"footprint"}
    errors.extend(locate(raw, data, header_of, ctx))
    if "lon" in data or "lat" in data or raw.point is not None:
        present |= {"lon", "lat"}
    data["status"] = ctx.status
    if errors:
        # still run the schema so the report shows every problem of the row at once
        data = {k: v for k, v in data.items() if k not in {e_field(e, ctx) for e in errors}}
    try:
        site = SiteCreate.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else ""
            if (
                name in ("name", "category")
                and name not in data
                and any(e_field(e, ctx) == name for e in errors)
            ):
                continue  # already reported with the value the user wrote
            column: str | None = header_of.get(name, name or None)
            shown = (
                shown_value(raw.values.get(column))
                if column and column in raw.values
                else data.get(name)
            )
            reason = check_reason(err)  # a sentence pages and the CLI translate
            if name in ("name", "category") and err["type"] == "missing":
                reason = Message("e_required", field=Message(f"field_{name}"))
            errors.append(RowError(raw.number, column, shown, reason))
        return errors
    if errors:
        return errors
    return ParsedRow(raw.number, site, parent, _PRESENT.setdefault(present, present), sources)


_PRESENT_KEY = ("", type(None), None)
"""The memo entry of the file's column fields (no cell conversion has an empty field name)."""


def _columns_present(ctx: RowContext) -> frozenset[str]:
    """The fields the file's columns name (made once per file, not once per row)."""
    found = ctx.memo.get(_PRESENT_KEY)
    if found is None:
        found = ctx.memo[_PRESENT_KEY] = frozenset(ctx.columns.values())
    return found


def e_field(error: RowError, ctx: RowContext) -> str | None:
    """The registry field of an error's column (None for row-level errors)."""
    return ctx.columns.get(error.column or "")
