"""Record versions move on once per transaction that changes a record (its columns or its links),
never for a save of the same values, and `claim` refuses a writer that started from an old one."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import Session

from redres.catalog.enums import Status
from redres.catalog.events import EventIn, EventPatch, create_event, update_event
from redres.catalog.models import Person, Theme
from redres.catalog.people import PersonPatch, update_person
from redres.catalog.route_edits import create_route, update_route
from redres.catalog.schemas import SiteUpdate
from redres.catalog.sites import set_status, update_site
from redres.catalog.stories import save_story, update_story
from redres.catalog.story_schemas import StoryPatch, StoryWrite
from redres.catalog.themes import ThemePatch, update_theme
from redres.catalog.versions import StaleVersion, claim
from tests.factories import add_toy_sites

AUG7 = "site-of-the-august-7-conference"
CONGRESS = "site-of-the-5th-national-congress-of-the-cpc"


def _stored(session: Session, table: str, key: int | None) -> int:
    sql = text(f"SELECT version FROM {table} WHERE id = :i")
    row = session.connection().execute(sql, {"i": key})
    return int(row.scalar_one())


def test_site_counts_real_changes_once_per_transaction(session: Session) -> None:
    site = add_toy_sites(session)[0]
    assert _stored(session, "site", site.id) == 1
    update_site(session, site, SiteUpdate(district=site.district), actor="a")  # same value
    session.commit()
    assert _stored(session, "site", site.id) == 1
    update_site(session, site, SiteUpdate(district="江汉区"), actor="a")
    set_status(session, site, Status.draft, actor="a")  # same transaction: one more version
    session.commit()
    assert _stored(session, "site", site.id) == 2
    update_site(session, site, SiteUpdate(themes={"martyrs": 1.0}), actor="a")  # links only
    session.commit()
    assert _stored(session, "site", site.id) == 3
    assert site.version == 3


def test_links_and_columns_of_every_kind_count(session: Session) -> None:
    add_toy_sites(session)
    story = save_story(session, StoryWrite(title="八七会议", sites=[AUG7]), actor="a")
    event = create_event(session, EventIn(slug="aug7", name="八七会议"), actor="a")
    person = Person(slug="qu", name="瞿秋白")
    theme = session.get(Theme, 1)
    assert theme is not None
    session.add(person)
    route = create_route(session, actor="a", name="半日", stops=[[(AUG7, None)]])
    session.commit()
    records = {"story": story, "event": event, "person": person, "theme": theme, "route": route}
    start = {table: _stored(session, table, r.id) for table, r in records.items()}
    update_story(session, story, StoryPatch(sites=[CONGRESS]), actor="a")  # links only
    update_event(session, event, EventPatch(sites=[AUG7]), actor="a")  # links only
    update_person(session, person, PersonPatch(born="1899"), actor="a")
    update_theme(session, theme, ThemePatch(name_en="Theme"), actor="a")
    update_route(session, route, actor="a", name="半日", stops=[[(CONGRESS, None)]])  # stops
    session.commit()
    for table, before in start.items():
        assert _stored(session, table, locals()[table].id) == before + 1, table


def test_claim_checks_and_refuses_stale_versions(session: Session) -> None:
    site = add_toy_sites(session)[0]
    claim(session, site, None)  # no precondition
    claim(session, site, frozenset({1, 7}))
    update_site(session, site, SiteUpdate(district="江汉区"), actor="a")
    session.commit()
    with pytest.raises(StaleVersion) as caught:
        claim(session, site, frozenset({1}))
    assert caught.value.current == 2
    session.rollback()
    with pytest.raises(StaleVersion):
        claim(session, site, frozenset())
    session.rollback()
    claim(session, site, frozenset({2}))
    session.rollback()


def test_claim_reloads_what_another_writer_stored(session: Session) -> None:
    """A record read before someone else's commit is reloaded by a successful claim, so a save
    of a value equal to the stale one is still written."""
    site = add_toy_sites(session)[0]
    with Session(session.get_bind()) as other:
        theirs = other.get(type(site), site.id)
        assert theirs is not None
        update_site(other, theirs, SiteUpdate(district="江汉区"), actor="b")
        other.commit()
    assert site.district == "江岸区"  # stale in this session
    claim(session, site, frozenset({2}))
    assert site.district == "江汉区"
    update_site(session, site, SiteUpdate(district="江岸区"), actor="a")
    session.commit()
    assert _stored(session, "site", site.id) == 3


def test_route_restore_keeps_english_texts_and_reads_older_versions(session: Session) -> None:
    """A route's English description and notes are part of its versions; a version saved
    before routes had English notes (stops as [day, slug, note]) restores with none."""
    from redres.catalog import audit
    from redres.catalog.route_edits import restore_route_version
    from redres.catalog.route_store import route_stops

    add_toy_sites(session)
    route = create_route(
        session,
        actor="a",
        name="半日",
        stops=[[(AUG7, "讲会议", "Tell of the meeting")]],
        description="中文",
        description_en="English",
    )
    session.commit()
    first = audit.history(session, entity="route", entity_id=route.id or 0)[0].id
    update_route(session, route, actor="a", name="半日", stops=[[(CONGRESS, None)]])
    old = audit.record(
        session,
        entity="route",
        entity_id=route.id or 0,
        action="update",
        actor="a",
        before=None,
        after={"stops": [[1, CONGRESS, "旧格式"]]},
    )
    session.commit()
    assert route.description_en is None

    def stops() -> list[tuple[str, str | None, str | None]]:
        rows = route_stops(session, route, visible=frozenset(Status))
        return [(r.site.slug, r.stop.note, r.stop.note_en) for r in rows]

    restore_route_version(session, route, int(first or 0), actor="a")
    session.commit()
    assert route.description_en == "English"
    assert stops() == [(AUG7, "讲会议", "Tell of the meeting")]
    restore_route_version(session, route, int(old.id or 0), actor="a")
    session.commit()
    assert stops() == [(CONGRESS, "旧格式", None)]
