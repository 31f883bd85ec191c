"""What an editor may write in a story: the input models the API, the forms and the import share.

Validation only; `catalog.stories` saves what passes, links it and keeps the audit log.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints

from redres.catalog.enums import Status
from redres.catalog.schemas import Slug
from redres.plain_text import PlainTextModel

__all__ = ["Audience", "Language", "SlugList", "StoryIn", "StoryPatch", "StoryWrite", "Title"]

Audience = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,31}$")]
"""Who a story is written for (`general`, `students`, ...): a short lowercase word."""
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")]
"""A language tag such as `zh`, `en` or `zh-Hant`."""
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
SlugList = Annotated[list[Slug], Field(max_length=100)]


class StoryIn(PlainTextModel):
    """A story as an editor writes it; `sites` are the slugs it is about."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    title_en: Annotated[str, StringConstraints(max_length=300)] | None = None
    summary: Annotated[str, StringConstraints(max_length=1000)] | None = None
    summary_en: Annotated[str, StringConstraints(max_length=1000)] | None = None
    body: Annotated[str, StringConstraints(max_length=50_000)] = ""
    status: Status = Status.draft
    sites: list[Slug] = Field(default_factory=list, max_length=100)


class StoryWrite(StoryIn):
    """What the API also sets: a slug (on creation), audience, language, people and events.

    `people` and `events` left out (None) keep the links the story has.
    """

    slug: Slug | None = None
    audience: Audience = "general"
    language: Language = "zh"
    people: SlugList | None = None
    events: SlugList | None = None


class StoryPatch(PlainTextModel):
    """A partial change of a story; `status` moves it between draft and published."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: Title | None = None
    title_en: Annotated[str, StringConstraints(max_length=300)] | None = None
    summary: Annotated[str, StringConstraints(max_length=1000)] | None = None
    summary_en: Annotated[str, StringConstraints(max_length=1000)] | None = None
    body: Annotated[str, StringConstraints(max_length=50_000)] | None = None
    audience: Audience | None = None
    language: Language | None = None
    status: Literal[Status.draft, Status.published] | None = None
    sites: SlugList | None = None
    people: SlugList | None = None
    events: SlugList | None = None
