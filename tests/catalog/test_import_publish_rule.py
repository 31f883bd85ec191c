"""An import may not publish what the editor could not: a draft whose media lack credit or
licence stays a draft, and the import names each item as the editor's page does.

Stories travel in GeoJSON with their status, so `--on-duplicate update` could move a draft to
published; sites' status is never changed by an update row (only new sites take the import's
status, and they have no media yet); a media bundle imported as published refuses an item
without credit, as an upload to a public record does.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import Session, select

from redres.catalog.attachment_tables import Media
from redres.catalog.enums import Status
from redres.catalog.io import ImportOptions, OnDuplicate, export_file, import_file
from redres.catalog.io.media_bundle import export_bundle, import_bundle
from redres.catalog.media import add_media, read_fields
from redres.catalog.models import Site, Story, StorySite
from redres.db import init_db, make_engine
from redres.media_store import DirectoryStore
from tests.api import media_samples as samples
from tests.conftest import new_database
from tests.factories import add_toy_sites


def _draft_story_with_uncredited_photo(session: Session, store: DirectoryStore) -> Story:
    site = add_toy_sites(session)[0]
    story = Story(slug="draft-story", title="草稿故事", body="正文", status=Status.draft)
    session.add(story)
    session.flush()
    session.add(StorySite(story_id=story.id or 0, site_id=site.id or 0))
    fields = read_fields({"caption": "无署名的照片"})
    add_media(session, store, story, samples.jpeg_with_gps(), fields, actor="t")
    session.commit()
    return story


def test_a_geojson_update_cannot_publish_a_story_whose_media_lack_credit(
    session: Session, tmp_path: Path
) -> None:
    store = DirectoryStore(tmp_path / "media")
    story = _draft_story_with_uncredited_photo(session, store)
    path = tmp_path / "catalogue.geojson"
    export_file(session, path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    (row,) = [s for s in doc["redres"]["stories"] if s["slug"] == "draft-story"]
    row["status"] = "published"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")

    report = import_file(session, path, ImportOptions(on_duplicate=OnDuplicate.update))
    session.rollback()
    assert not report.ok
    (error,) = report.errors
    assert error.column == "stories.status"
    assert error.reason.startswith("cannot publish")
    assert "无署名的照片" in error.reason
    assert "credit, licence" in error.reason
    assert getattr(error.reason, "key", None) == "e_media_incomplete"  # translated on pages
    session.refresh(story)
    assert story.status == Status.draft

    # once the photo is credited, the same file publishes it
    photo = session.exec(select(Media)).one()
    photo.credit, photo.licence = "武汉革命博物馆", "CC-BY-4.0"
    session.add(photo)
    session.commit()
    report = import_file(session, path, ImportOptions(on_duplicate=OnDuplicate.update))
    session.commit()
    assert report.ok, report.errors
    session.refresh(story)
    assert story.status == Status.published


def test_an_update_row_never_publishes_a_draft_site(session: Session, tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path / "media")
    site = add_toy_sites(session)[0]
    site.status = Status.draft
    session.add(site)
    session.commit()
    add_media(
        session, store, site, samples.jpeg_with_gps(), read_fields({"caption": "门"}), actor="t"
    )
    session.commit()
    path = tmp_path / "sites.geojson"
    export_file(session, path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    for feature in doc["features"]:
        feature["properties"]["status"] = "published"
        feature["properties"]["summary"] = "新的简介"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")

    options = ImportOptions(on_duplicate=OnDuplicate.update, status=Status.published)
    report = import_file(session, path, options)
    session.commit()
    assert report.ok, report.errors
    session.refresh(site)
    assert site.summary == "新的简介"
    assert site.status == Status.draft


def test_a_bundle_imported_as_published_refuses_uncredited_items(
    session: Session, db_kind: str, tmp_path: Path
) -> None:
    store = DirectoryStore(tmp_path / "media")
    site = add_toy_sites(session)[0]
    site.status = Status.draft
    session.add(site)
    session.commit()
    add_media(
        session, store, site, samples.jpeg_with_gps(), read_fields({"caption": "门"}), actor="t"
    )
    session.commit()
    bundle = tmp_path / "bundle.zip"
    assert export_bundle(session, store, bundle).files == 1
    slug = site.slug
    other = tmp_path / "other"  # a fresh registry: the bundle's sites come in published
    other.mkdir()
    with new_database(db_kind, other) as url:
        engine = make_engine(url)
        init_db(engine)
        with Session(engine) as fresh:
            report = import_bundle(
                fresh, DirectoryStore(other / "media"), bundle, actor="t", status=Status.published
            )
            fresh.commit()
            assert report.catalogue.ok
            assert report.added == 0
            (skipped,) = report.skipped
            assert "need credit and licence" in skipped
            assert "credit, licence" in skipped
            imported = fresh.exec(select(Site).where(Site.slug == slug)).one()
            assert imported.status == Status.published
        engine.dispose()
