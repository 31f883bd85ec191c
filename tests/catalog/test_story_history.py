"""A story's history replays to any earlier version, and restoring one is audited as a revert."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from redres.catalog import audit
from redres.catalog.enums import Status
from redres.catalog.errors import Conflict, NotFound
from redres.catalog.models import Event, Person, Story, pk
from redres.catalog.partial_dates import check_partial_date, not_before
from redres.catalog.sites import get_site
from redres.catalog.stories import (
    restore_story_version,
    save_story,
    set_story_status,
    story_version_at,
    update_story,
)
from redres.catalog.story_schemas import StoryIn, StoryPatch, StoryWrite
from tests.factories import add_toy_sites

AUG7 = "site-of-the-august-7-conference"
CONGRESS = "site-of-the-5th-national-congress-of-the-cpc"


@pytest.fixture
def story_session(session: Session) -> Session:
    """Toy sites, a person and an event."""
    add_toy_sites(session)
    session.add_all([Person(slug="qu-qiubai", name="瞿秋白"), Event(slug="aug7", name="八七会议")])
    session.flush()
    return session


def _story(session: Session) -> Story:
    return save_story(
        session,
        StoryWrite(
            slug="s", title="第一版", body="一", sites=[AUG7], people=["qu-qiubai"], events=["aug7"]
        ),
        actor="a",
    )


def test_version_at_replays_the_changes_up_to_an_entry(story_session: Session) -> None:
    story = _story(story_session)
    story_id = pk(story)
    update_story(story_session, story, StoryPatch(title="第二版"), actor="b")
    update_story(story_session, story, StoryPatch(body="三", sites=[CONGRESS]), actor="c")
    entries = audit.history(story_session, entity="story", entity_id=story_id)
    assert [e.action for e in entries] == ["create", "update", "update"]
    second = story_version_at(story_session, story, entries[1].id or 0)
    assert (second["title"], second["body"], second["sites"]) == ("第二版", "一", [AUG7])
    assert second["people"] == ["qu-qiubai"]
    with pytest.raises(NotFound):
        story_version_at(story_session, story, 10**9)


def test_restore_brings_back_fields_and_links_keeps_status_and_is_audited(
    story_session: Session,
) -> None:
    story = _story(story_session)
    created = audit.history(story_session, entity="story", entity_id=pk(story))[0]
    update_story(
        story_session,
        story,
        StoryPatch(title="改", summary="新摘要", sites=[CONGRESS], people=[], events=[]),
        actor="b",
    )
    set_story_status(story_session, story, Status.published, actor="b")
    restore_story_version(story_session, story, created.id or 0, actor="editor")
    assert (story.title, story.summary, story.body) == ("第一版", None, "一")
    assert story.status == Status.published
    last = audit.history(story_session, entity="story", entity_id=pk(story))[-1]
    assert (last.action, last.actor) == ("revert", "editor")
    assert last.after is not None
    assert last.after["sites"] == [AUG7]
    assert last.after["people"] == ["qu-qiubai"]
    assert last.after["events"] == ["aug7"]
    assert "status" not in last.after


def test_restoring_a_version_whose_site_is_gone_changes_nothing(story_session: Session) -> None:
    story = _story(story_session)
    created = audit.history(story_session, entity="story", entity_id=pk(story))[0]
    update_story(story_session, story, StoryPatch(title="改"), actor="b")
    story_session.delete(get_site(story_session, AUG7))
    story_session.flush()
    with pytest.raises(Conflict, match=AUG7):
        restore_story_version(story_session, story, created.id or 0, actor="editor")


def test_an_entry_of_another_story_cannot_be_restored(story_session: Session) -> None:
    story = _story(story_session)
    other = save_story(story_session, StoryIn(title="别的故事"), actor="a")
    entry = audit.history(story_session, entity="story", entity_id=pk(other))[0]
    with pytest.raises(NotFound):
        restore_story_version(story_session, story, entry.id or 0, actor="editor")


def test_the_editor_form_leaves_people_events_audience_as_they_are(story_session: Session) -> None:
    story = _story(story_session)
    story.audience = "students"
    save_story(
        story_session, StoryIn(title="表单改的", body="一", sites=[AUG7]), actor="b", story=story
    )
    assert story.audience == "students"
    last = audit.history(story_session, entity="story", entity_id=pk(story))[-1]
    assert last.after == {"title": "表单改的"}


def test_archived_stories_refuse_field_changes(story_session: Session) -> None:
    story = _story(story_session)
    set_story_status(story_session, story, Status.archived, actor="b")
    with pytest.raises(Conflict):
        update_story(story_session, story, StoryPatch(title="x"), actor="b")
    update_story(story_session, story, StoryPatch(status=Status.draft), actor="b")
    actions = [e.action for e in audit.history(story_session, entity="story", entity_id=pk(story))]
    assert actions[-2:] == ["archive", "restore"]


@pytest.mark.parametrize("value", ["1927", "1927-08", "1927-08-07", "2024-02-29"])
def test_partial_dates_accept_years_months_and_days(value: str) -> None:
    assert check_partial_date(value) == value


@pytest.mark.parametrize("value", ["27", "1927-8", "1927-13", "1927-02-30", "1927/08/07", ""])
def test_partial_dates_refuse_the_rest(value: str) -> None:
    with pytest.raises(ValueError, match="date"):
        check_partial_date(value)


def test_order_compares_only_the_shared_precision() -> None:
    assert not_before("1927", "1927-08-07")
    assert not_before("1927-08-07", "1927")
    assert not not_before("1927-08", "1927-07-31")
    assert not_before(None, "1900")


def test_text_with_control_characters_is_refused_but_newlines_are_kept() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="control characters"):
        StoryIn(title="a\x00b")
    with pytest.raises(ValidationError, match="control characters"):
        StoryPatch(sites=None, body="\x1b[31m")
    assert StoryIn(title="t", body="a\n\tb\r\n").body == "a\n\tb"
