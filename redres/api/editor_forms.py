"""The editor's page forms read into the API's own input models, so a form accepts exactly what
the API accepts (lengths, plain text, slugs, choices) and refuses the rest the same way.

A form sends text boxes; these functions only turn that text into the shape the models take
(a route's stops are `slug | note | English note` lines with a blank line between days). Validation is the
models' alone: `RouteUpdate` here, `StoryWrite` in its room; the site form is `site_form`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from redres.catalog.enums import Status
from redres.catalog.route_schemas import RouteUpdate

STORY_FIELDS = ("title", "title_en", "summary", "summary_en", "body")
"""The story's own text fields, shown as they are stored."""
STORY_FORM = (*STORY_FIELDS, "status", "audience", "language", "sites", "people", "events")
"""Every box of the story form (sites, people and events one slug a line)."""
ROUTE_FORM = (
    "name",
    "name_en",
    "description",
    "description_en",
    "mode",
    "theme",
    "status",
    "stops",
)
"""Every box of the route form."""
ROUTE_LABELS = {
    "name": "route_name",
    "name_en": "route_name_en",
    "description": "description",
    "description_en": "description_en",
    "mode": "mode",
    "theme": "theme",
    "status": "status",
    "days": "form_stops",
}
"""The page-text key of each route field's label, for error lines."""
STORY_LABELS = {
    name: f"story_{name}"
    for name in (
        "title",
        "title_en",
        "summary",
        "summary_en",
        "body",
        "sites",
        "audience",
        "language",
    )
} | {"people": "story_people", "events": "story_events", "status": "status"}
"""The page-text key of each story field's label, for error lines."""


class RouteForm(RouteUpdate):
    """What the editor's route form changes: the API's `RouteUpdate`, and the status too."""

    status: Status | None = None


def read_route_form(values: Mapping[str, str]) -> RouteForm:
    """The route form's boxes as the API's model; raises pydantic's ValidationError as it does.

    Empty optional boxes mean "none"; the name is always sent, so an empty one is refused.
    """
    return RouteForm.model_validate(
        {
            "name": values.get("name", ""),
            "name_en": values.get("name_en") or None,
            "description": values.get("description") or None,
            "description_en": values.get("description_en") or None,
            "mode": values.get("mode") or None,
            "theme": values.get("theme") or None,
            "status": values.get("status") or None,
            "days": stop_days(values.get("stops", "")),
        }
    )


def stop_days(text: str) -> list[list[dict[str, str | None]]]:
    """`slug | note | English note` lines (both notes optional), days split by a blank line, as
    the API's `days` list.

    >>> stop_days("a | 讲会议 | Tell of it\\nb |  | Only English")
    [[{'site': 'a', 'note': '讲会议', 'note_en': 'Tell of it'}, \
{'site': 'b', 'note': None, 'note_en': 'Only English'}]]
    """
    days = []
    for block in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        stops = []
        for line in block.splitlines():
            if not line.strip():
                continue
            site, _bar, notes = line.partition("|")
            note, _bar, note_en = notes.partition("|")
            stops.append(
                {
                    "site": site.strip(),
                    "note": note.strip() or None,
                    "note_en": note_en.strip() or None,
                }
            )
        if stops:
            days.append(stops)
    return days


def stop_line(slug: str, note: str | None, note_en: str | None) -> str:
    """One stop as the route form shows it (the inverse of a `stop_days` line).

    >>> stop_line("a", "讲会议", None), stop_line("a", None, "Tell"), stop_line("a", None, None)
    ('a | 讲会议', 'a |  | Tell', 'a')
    """
    if note_en:
        return f"{slug} | {note or ''} | {note_en}"
    return f"{slug} | {note}" if note else slug


def text_lines(text: str) -> list[str]:
    """The non-blank lines of a textarea (one slug a line), stripped.

    >>> text_lines(" a \\n\\n b")
    ['a', 'b']
    """
    return [line.strip() for line in text.splitlines() if line.strip()]
