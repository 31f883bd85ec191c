"""Images uploaded before the small copy existed get it from their kept original, the same bytes
an upload makes; nothing else changes, archived items are left alone, a second run does nothing,
and a missing original is reported (the CLI exits 2)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from redres.catalog.attachment_tables import Media
from redres.catalog.media import add_media, archive_media, read_fields
from redres.catalog.media_backfill import add_small_copies
from redres.cli import app
from redres.config import get_settings
from redres.db import init_db, make_engine
from redres.media_store import DirectoryStore
from tests.api import media_samples as samples
from tests.factories import add_toy_sites

CREDIT = {"credit": "武汉革命博物馆", "licence": "CC0-1.0"}


def _old_images(session: Session, store: DirectoryStore) -> list[Media]:
    """Two live photos and an archived one, as they were before migration 0022."""
    site = add_toy_sites(session)[0]
    made = [
        add_media(
            session,
            store,
            site,
            samples.jpeg_with_gps(size=(1200 + n, 800)),
            read_fields({**CREDIT, "caption": f"照片 {n}"}),
            actor="t",
        )
        for n in range(2)
    ]
    gone = add_media(
        session,
        store,
        site,
        samples.png_with_alpha(),
        read_fields({**CREDIT, "caption": "撤"}),
        actor="t",
    )
    archive_media(session, gone, actor="t")
    session.commit()
    return [*made, gone]


def test_small_copies_are_made_once_for_live_images(session: Session, tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path / "media")
    items = _old_images(session, store)
    expected = [(m.small_key, m.small_width) for m in items]
    assert all(key for key, _width in expected)
    for media in items:
        media.small_key, media.small_width = None, None
        session.add(media)
    session.commit()
    keep = {m.id: (m.thumb_key, m.display_key, m.caption) for m in items}

    report = add_small_copies(session, store)
    assert report.done == 2
    assert report.failed == []
    for media, (key, width) in zip(items[:2], expected[:2], strict=True):
        session.refresh(media)
        assert (media.small_key, media.small_width) == (key, width)  # what an upload makes
        assert store.get(media.small_key or "")
        assert (media.thumb_key, media.display_key, media.caption) == keep[media.id]
    session.refresh(items[2])
    assert items[2].small_key is None  # archived: never served, left alone
    assert add_small_copies(session, store).done == 0


@pytest.fixture
def cli_media(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """The CLI's media directory (settings are cached)."""
    monkeypatch.setenv("REDRES_MEDIA_DIR", str(tmp_path / "media"))
    get_settings.cache_clear()
    yield tmp_path / "media"
    get_settings.cache_clear()


def test_the_cli_reports_a_missing_original(cli_media: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(db)
    init_db(engine)
    store = DirectoryStore(cli_media)
    with Session(engine) as s:
        items = _old_images(s, store)
        for media in items:
            media.small_key = None
            s.add(media)
        s.commit()
        store.delete(items[1].original_key)
        fine, broken = items[0].id, items[1].id
    runner = CliRunner()
    result = runner.invoke(app, ["media", "small-copies", "--db", db])
    assert result.exit_code == 2, result.output
    assert "made 1 small copies" in result.output
    assert f"media {broken}: the original file is missing from the media store" in result.output
    with Session(engine) as s:
        done = s.exec(select(Media).where(Media.small_key.is_not(None))).all()  # type: ignore[union-attr]
        assert [m.id for m in done] == [fine]
    engine.dispose()
