"""Stories, people, events, themes and sources travel in GeoJSON and GeoPackage exports.

The demo catalogue is exported, the file checked with the real GIS libraries, imported into an
empty database (same records and links) and into the same one again (nothing changes, no audit
rows); changed and broken related records follow --on-duplicate and the all-or-nothing rule.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyogrio
import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, SQLModel, col, select

from redres.catalog import search_index
from redres.catalog.account_tables import AuditLog
from redres.catalog.enums import STAFF, Status
from redres.catalog.io import ImportOptions, OnDuplicate, export_file, import_file
from redres.catalog.listing import SiteQuery, list_sites
from redres.catalog.models import (
    Citation,
    Event,
    EventPerson,
    EventSite,
    Person,
    Site,
    SiteTheme,
    Source,
    Story,
    StoryEvent,
    StoryPerson,
    StorySite,
    Theme,
)
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from redres.db import init_db, make_engine
from tests.conftest import new_database

FULL = [".geojson", ".gpkg"]


@pytest.fixture
def demo_file(
    demo_engine: Engine, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Path]:
    """The demo catalogue exported in the format of the test's parameter."""
    path = tmp_path / f"demo{request.param}"
    with Session(demo_engine) as s:
        report = export_file(s, path)
    assert report.related["stories"] > 0
    return path


@pytest.fixture
def empty(db_kind: str, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database of the test's engine kind."""
    (tmp_path / "empty").mkdir()
    with new_database(db_kind, tmp_path / "empty") as url:
        eng = make_engine(url)
        init_db(eng)
        yield eng
        eng.dispose()


def catalogue(session: Session) -> dict[str, Any]:
    """Everything that must survive a move, keyed by slugs and keys instead of ids."""
    site = {s.id: s.slug for s in session.exec(select(Site))}
    story = {s.id: s.slug for s in session.exec(select(Story))}
    person = {p.id: p.slug for p in session.exec(select(Person))}
    event = {e.id: e.slug for e in session.exec(select(Event))}
    theme = {t.id: t.slug for t in session.exec(select(Theme))}
    source = {s.id: s.key for s in session.exec(select(Source))}
    owners = {"site": site, "story": story, "person": person, "event": event}

    def rows(model: type[SQLModel], *names: str) -> list[tuple[Any, ...]]:
        return sorted(
            tuple(_plain(getattr(r, n)) for n in names)
            for r in session.exec(select(model))  # type: ignore[call-overload]
        )

    def pairs(
        model: type[SQLModel], a: str, b: str, left: dict[Any, str], right: dict[Any, str]
    ) -> list[tuple[str, str]]:
        return sorted(
            (left[getattr(r, a)], right[getattr(r, b)]) for r in session.exec(select(model))
        )  # type: ignore[call-overload]

    cites: dict[tuple[str, str], list[str]] = {}
    for c in session.exec(select(Citation).order_by(col(Citation.id))):
        cites.setdefault((c.entity, owners[c.entity][c.entity_id]), []).append(source[c.source_id])
    return {
        "stories": rows(
            Story, "slug", "title", "title_en", "summary", "body", "audience", "language", "status"
        ),
        "people": rows(Person, "slug", "name", "name_en", "born", "died", "summary"),
        "events": rows(Event, "slug", "name", "name_en", "date", "end_date", "summary"),
        "themes": rows(Theme, "slug", "name", "name_en", "description"),
        "sources": rows(Source, "key", "title", "url", "publisher", "accessed"),
        "site_themes": sorted(
            (site[r.site_id], theme[r.theme_id], r.weight) for r in session.exec(select(SiteTheme))
        ),
        "story_sites": pairs(StorySite, "story_id", "site_id", story, site),
        "story_people": pairs(StoryPerson, "story_id", "person_id", story, person),
        "story_events": pairs(StoryEvent, "story_id", "event_id", story, event),
        "event_sites": pairs(EventSite, "event_id", "site_id", event, site),
        "event_people": pairs(EventPerson, "event_id", "person_id", event, person),
        "citations": sorted(cites.items()),
        "site_summaries": rows(Site, "slug", "summary", "summary_en"),
    }


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


def _count(session: Session, model: type[SQLModel]) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


@pytest.mark.parametrize("demo_file", FULL, indirect=True)
def test_full_export_moves_the_demo_catalogue(
    demo_engine: Engine, empty: Engine, demo_file: Path
) -> None:
    with Session(demo_engine) as s:
        want = catalogue(s)
    assert want["stories"]
    assert want["event_people"]
    assert want["citations"]

    with Session(empty) as s:
        report = import_file(s, demo_file, ImportOptions(status=Status.published))
        s.commit()
        assert report.ok, report.errors[:5]
        assert report.related["stories"]["created"] == len(want["stories"])
        assert catalogue(s) == want
        # story titles are searchable for their sites, as after `redres demo`
        story, slug = s.exec(
            select(Story.title, Site.slug)
            .join(StorySite, col(StorySite.story_id) == Story.id)
            .join(Site, col(Site.id) == StorySite.site_id)
            .where(Story.status == Status.published)
        ).first() or ("", "")
        found = list_sites(s, SiteQuery(q=story[:4]), visible=STAFF)
        assert slug in {h.site.slug for h in found.items}

        audits = _count(s, AuditLog)
        again = import_file(s, demo_file)
        s.commit()
        assert again.ok, again.errors[:5]
        assert not again.written
        assert (again.created, again.updated) == (0, 0)
        assert all(c["created"] == c["updated"] == 0 for c in again.related.values())
        assert _count(s, AuditLog) == audits
        assert catalogue(s) == want


@pytest.mark.parametrize("demo_file", FULL, indirect=True)
def test_reimport_into_the_source_changes_nothing(demo_engine: Engine, demo_file: Path) -> None:
    with Session(demo_engine) as s:
        want, audits = catalogue(s), _count(s, AuditLog)
        for mode in OnDuplicate:
            report = import_file(s, demo_file, ImportOptions(on_duplicate=mode))
            s.rollback()  # the shared demo database is only read
            assert report.ok, report.errors[:5]
            assert not report.written
        assert catalogue(s) == want
        assert _count(s, AuditLog) == audits


def test_files_read_with_gis_libraries(demo_engine: Engine, tmp_path: Path) -> None:
    with Session(demo_engine) as s:
        stories = _count(s, Story)
        export_file(s, tmp_path / "a.gpkg")
        export_file(s, tmp_path / "a.geojson")
    layers = dict(pyogrio.list_layers(tmp_path / "a.gpkg"))
    assert layers["sites"] == "Point"
    for table in ("stories", "people", "events", "themes", "sources"):
        assert layers[table] is None  # attribute tables, not layers
    frame = pyogrio.read_dataframe(tmp_path / "a.gpkg", layer="stories", read_geometry=False)
    assert len(frame) == stories
    assert {"slug", "title", "body", "sites", "people", "events", "sources"} <= set(frame.columns)
    gj = pyogrio.read_dataframe(tmp_path / "a.geojson")  # GDAL passes over the foreign member
    assert len(gj) == _count_sites(demo_engine)
    doc = json.loads((tmp_path / "a.geojson").read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert len(doc["redres"]["stories"]) == stories
    story = doc["redres"]["stories"][0]
    assert isinstance(story["sites"], list)
    assert all(isinstance(k, str) for k in story["sources"])


def _count_sites(engine: Engine) -> int:
    with Session(engine) as s:
        return _count(s, Site)


def _doc(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


def _small_catalogue(session: Session, tmp_path: Path) -> Path:
    """Two sites, a person, an event and a story about the first site; exported as GeoJSON."""
    session.add(Theme(slug="martyrs", name="英烈"))
    session.commit()
    for code, name, lon in (("A1", "甲纪念馆", 114.3), ("A2", "乙旧址", 114.4)):
        create_site(
            session,
            SiteCreate(
                code=code,
                name=name,
                category="memorial_hall",
                lon=lon,
                lat=30.6,
                themes={"martyrs": 0.5},
                summary=f"{name}简介",
                status=Status.published,
            ),
        )
    person = Person(slug="shi-yang", name="施洋", born="1889", died="1923")
    event = Event(slug="er-qi", name="二七大罢工", date="1923-02")
    source = Source(key="book", title="《武汉革命遗址》", url="https://example.org/b")
    session.add_all([person, event, source])
    session.commit()
    story = Story(slug="s1", title="一个故事", body="正文", status=Status.published)
    session.add(story)
    session.commit()
    site = session.exec(select(Site).where(Site.code == "A1")).one()
    session.add_all(
        [
            StorySite(story_id=story.id or 0, site_id=site.id or 0),
            StoryPerson(story_id=story.id or 0, person_id=person.id or 0),
            EventSite(event_id=event.id or 0, site_id=site.id or 0),
            EventPerson(event_id=event.id or 0, person_id=person.id or 0),
            Citation(source_id=source.id or 0, entity="story", entity_id=story.id or 0),
        ]
    )
    session.commit()
    path = tmp_path / "small.geojson"
    export_file(session, path)
    return path


def test_changed_story_follows_on_duplicate(session: Session, tmp_path: Path) -> None:
    path = _small_catalogue(session, tmp_path)
    doc = _doc(path)
    doc["redres"]["stories"][0]["title"] = "改过的标题"
    doc["redres"]["people"][0]["died"] = "1923-02-15"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    audits = _count(session, AuditLog)

    refused = import_file(session, path)
    session.rollback()
    assert not refused.ok
    assert not refused.written
    assert {e.column for e in refused.errors} == {"stories.slug", "people.slug"}
    assert "--on-duplicate" in refused.errors[0].reason

    skipped = import_file(session, path, ImportOptions(on_duplicate=OnDuplicate.skip))
    session.commit()
    assert skipped.ok
    assert not skipped.written
    assert skipped.related["stories"]["skipped"] == 1
    assert session.exec(select(Story)).one().title == "一个故事"
    assert _count(session, AuditLog) == audits

    updated = import_file(session, path, ImportOptions(on_duplicate=OnDuplicate.update))
    session.commit()
    assert updated.ok
    assert updated.written
    assert updated.related["stories"]["updated"] == 1
    assert updated.related["people"]["updated"] == 1
    assert updated.related["events"]["unchanged"] == 1
    story = session.exec(select(Story)).one()
    session.refresh(story)
    assert story.title == "改过的标题"
    entries = session.exec(select(AuditLog).where(AuditLog.entity == "story")).all()
    assert [e.action for e in entries] == ["update"]
    assert entries[0].before == {"title": "一个故事"}
    assert _count(session, AuditLog) == audits + 2  # the story and the person
    # the new title is searchable for the story's site
    (site_id,) = {link.site_id for link in session.exec(select(StorySite))}
    assert ("zh", "标题") in search_index.terms_of(session.connection(), site_id)


@pytest.mark.parametrize(
    ("part", "field", "value", "column"),
    [
        ("stories", "sites", ["no-such-site"], "stories.sites"),
        ("stories", "people", ["nobody"], "stories.people"),
        ("events", "sources", ["no-key"], "events.sources"),
        ("stories", "title", "", "stories.title"),
        ("people", "name", None, "people.name"),
    ],
)
def test_broken_related_record_writes_nothing(
    session: Session, tmp_path: Path, part: str, field: str, value: Any, column: str
) -> None:
    path = _small_catalogue(session, tmp_path)
    doc = _doc(path)
    doc["redres"]["stories"][0]["slug"] = "new-story"  # a record the import would create
    doc["redres"]["people"][0]["slug"] = "new-person"
    doc["redres"]["stories"][0]["people"] = ["new-person"]
    doc["redres"]["events"][0]["people"] = ["new-person"]
    doc["redres"][part][0][field] = value
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    counts = (_count(session, Story), _count(session, Person), _count(session, AuditLog))

    report = import_file(session, path)
    session.commit()
    assert not report.ok
    assert not report.written
    assert column in {e.column for e in report.errors}
    assert all(e.row == 1 for e in report.errors)
    assert (_count(session, Story), _count(session, Person), _count(session, AuditLog)) == counts

    partial = import_file(session, path, ImportOptions(skip_invalid=True))
    session.commit()
    assert not partial.ok
    slugs = set(session.exec(select(Story.slug)).all())
    assert ("new-story" in slugs) == (part != "stories" and column != "people.name")


def test_public_export_leaves_drafts_out(session: Session, tmp_path: Path) -> None:
    path = _small_catalogue(session, tmp_path)
    draft = Story(slug="draft", title="草稿", status=Status.draft)
    session.add(draft)
    site = session.exec(select(Site).where(Site.code == "A2")).one()
    site.status = Status.draft
    session.add(site)
    session.commit()
    session.add(StorySite(story_id=draft.id or 0, site_id=site.id or 0))
    session.commit()
    export_file(session, path, statuses=(Status.published,))
    member = _doc(path)["redres"]
    assert [s["slug"] for s in member["stories"]] == ["s1"]
    assert "yi-jiu-zhi" not in json.dumps(member)
    assert [s["key"] for s in member["sources"]] == ["book"]


def test_plain_geojson_without_member_imports_as_before(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "plain.geojson"
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [114.3, 30.6]},
        "properties": {"名称": "丙纪念馆", "类别": "纪念馆"},
    }
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8"
    )
    report = import_file(session, path)
    session.commit()
    assert report.ok
    assert report.created == 1
    assert report.related == {}


def test_file_themes_let_sites_name_them(session: Session, empty: Engine, tmp_path: Path) -> None:
    path = _small_catalogue(session, tmp_path)
    with Session(empty) as s:
        report = import_file(s, path)
        s.commit()
        assert report.ok, report.errors
        assert s.exec(select(Theme.slug)).all() == ["martyrs"]
        assert len(s.exec(select(SiteTheme)).all()) == 2
        assert sorted(s.exec(select(Site.summary)).all()) == ["乙旧址简介", "甲纪念馆简介"]


def test_cli_moves_a_catalogue_between_installations(tmp_path: Path) -> None:
    """Through `redres export` and `redres import` (SQLite files; the engines are tested above)."""
    from typer.testing import CliRunner

    from redres.cli import app

    runner = CliRunner()
    a, b = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    assert runner.invoke(app, ["demo", "--db", a]).exit_code == 0
    out = tmp_path / "all.gpkg"
    exported = runner.invoke(app, ["export", str(out), "--db", a])
    assert exported.exit_code == 0, exported.output
    assert "45 stories" in exported.output
    imported = runner.invoke(app, ["import", str(out), "--db", b, "--status", "published"])
    assert imported.exit_code == 0, imported.output
    assert "stories: 45 new" in imported.output
    broken = tmp_path / "broken.geojson"
    runner.invoke(app, ["export", str(broken), "--db", a])
    doc = _doc(broken)
    doc["redres"]["stories"][0]["sites"] = ["no-such-site"]
    broken.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    refused = runner.invoke(app, ["import", str(broken), "--db", b])
    assert refused.exit_code == 2
    assert "stories.sites" in refused.output
    assert "nothing written" in refused.output
