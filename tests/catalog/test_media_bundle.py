"""A catalogue with its media as one zip: exported, imported into an empty registry with every
field and file, and imported again without any change (idempotent by content hash)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from redres.catalog.account_tables import AuditLog
from redres.catalog.attachment_tables import Media
from redres.catalog.enums import Status
from redres.catalog.io.media_bundle import MANIFEST, Exported, export_bundle, import_bundle
from redres.catalog.media import add_media, read_fields
from redres.catalog.media_videos import add_video
from redres.catalog.models import Person, Site
from redres.catalog.video_links import DEFAULT_VIDEO_HOSTS, parse_hosts
from redres.cli import app
from redres.config import get_settings
from redres.db import make_engine
from redres.media_store import DirectoryStore
from tests.api import media_samples as samples
from tests.factories import add_toy_sites

runner = CliRunner()
CREDIT = {"credit": "武汉革命博物馆", "licence": "CC-BY-4.0"}


@pytest.fixture
def bundle(session: Session, tmp_path: Path) -> Path:
    """Toy sites with a cover photo, an audio guide with its transcript and a draft's
    uncredited photo; a person with a portrait; all exported to one zip."""
    store = DirectoryStore(tmp_path / "media")
    sites = add_toy_sites(session)
    first = sites[0]
    person = Person(slug="shi-yang", name="施洋")
    session.add(person)
    session.flush()
    fields = {**CREDIT, "caption": "正门", "alt": "旧址正门", "is_cover": "on", "date": "1927"}
    add_media(session, store, first, samples.jpeg_with_gps(), read_fields(fields), actor="t")
    guide = {**CREDIT, "caption": "讲解", "transcript": "这里是旧址。", "position": "5"}
    add_media(session, store, first, samples.mp3(), read_fields(guide), actor="t")
    add_media(
        session,
        store,
        person,
        samples.png_with_alpha(),
        read_fields({**CREDIT, "caption": "肖像"}),
        actor="t",
    )
    session.commit()
    path = tmp_path / "bundle.zip"
    assert export_bundle(session, store, path).files == 3
    return path


def test_the_bundle_holds_the_catalogue_a_manifest_and_the_files(bundle: Path) -> None:
    with zipfile.ZipFile(bundle) as z:
        names = set(z.namelist())
        rows = list(csv.DictReader(io.StringIO(z.read(MANIFEST).decode())))
        catalogue = json.loads(z.read("catalogue.geojson"))
        assert {r["file"] for r in rows} <= names
        assert all(z.read(r["file"]) for r in rows)
    assert "catalogue.geojson" in names
    assert len(catalogue["features"]) == 5
    by_caption = {r["caption"]: r for r in rows}
    assert by_caption["正门"]["is_cover"] == "true"
    assert by_caption["正门"]["alt"] == "旧址正门"
    assert by_caption["讲解"]["transcript"] == "这里是旧址。"
    assert by_caption["讲解"]["position"] == "5"
    assert by_caption["肖像"]["owner_kind"] == "person"
    assert by_caption["肖像"]["owner_slug"] == "shi-yang"


def test_importing_it_again_changes_nothing(session: Session, bundle: Path, tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path / "media")
    before = session.exec(select(func.count()).select_from(AuditLog)).one()
    report = import_bundle(session, store, bundle, actor="t")
    session.commit()
    assert (report.added, report.unchanged, report.skipped) == (0, 3, [])
    assert report.catalogue.created == 0
    assert session.exec(select(func.count()).select_from(Media)).one() == 3
    assert session.exec(select(func.count()).select_from(AuditLog)).one() == before


@pytest.fixture
def fresh_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """The CLI reads its media directory from the environment (settings are cached)."""
    monkeypatch.setenv("REDRES_MEDIA_DIR", str(tmp_path / "fresh-media"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("fresh_settings")
def test_round_trip_into_an_empty_registry(bundle: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'fresh.db'}"
    env: dict[str, str] = {}
    result = runner.invoke(app, ["media", "import", str(bundle), "--db", db, "--json"], env=env)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["media"] == {"added": 3, "unchanged": 0, "skipped": []}
    again = runner.invoke(app, ["media", "import", str(bundle), "--db", db, "--json"], env=env)
    assert again.exit_code == 0, again.output
    assert json.loads(again.output)["media"] == {"added": 0, "unchanged": 3, "skipped": []}
    engine = make_engine(db)
    with Session(engine) as s:
        media = list(s.exec(select(Media).order_by(col(Media.id))))
        assert [(m.caption, m.is_cover, m.position) for m in media] == [
            ("正门", True, 0),
            ("讲解", False, 5),
            ("肖像", False, 0),
        ]
        assert media[1].transcript == "这里是旧址。"
        site = s.exec(select(Site).where(Site.id == media[0].owner_id)).one()
        assert site.status == Status.draft
        assert media[2].owner_kind == "person"
        store = DirectoryStore(tmp_path / "fresh-media")
        assert store.get(media[0].original_key) == samples.jpeg_with_gps()
        assert store.get(media[0].thumb_key or "")  # derivatives made anew
        assert store.get(media[0].small_key or "")  # the list-sized copy too
        assert media[2].small_key is not None  # the portrait's
    engine.dispose()
    out = tmp_path / "again.zip"
    result = runner.invoke(app, ["media", "export", str(out), "--db", db], env=env)
    assert result.exit_code == 0, result.output
    assert "3 media files" in result.output


def test_a_file_that_does_not_match_its_hash_is_skipped(
    session: Session, bundle: Path, tmp_path: Path
) -> None:
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(tampered, "w") as out:
        rows = list(csv.DictReader(io.StringIO(src.read(MANIFEST).decode())))
        for item in src.infolist():
            data = src.read(item)
            if item.filename == rows[0]["file"]:
                data = samples.png_with_alpha()
            out.writestr(item, data)
    for m in session.exec(select(Media)):
        session.delete(m)
    session.commit()
    report = import_bundle(session, DirectoryStore(tmp_path / "m2"), tampered, actor="t")
    assert report.added == 2
    assert "SHA-256" in report.skipped[0]


@pytest.mark.usefixtures("fresh_settings")
def test_the_cli_counts_video_links_apart_from_files(session: Session, tmp_path: Path) -> None:
    """A video link is an address, not a file: the summaries say how many of each."""
    store = DirectoryStore(tmp_path / "media")
    site = add_toy_sites(session)[0]
    photo = read_fields({**CREDIT, "caption": "正门"})
    add_media(session, store, site, samples.jpeg_with_gps(), photo, actor="t")
    film = "https://www.bilibili.com/video/BV1xx411c7mD"
    hosts = parse_hosts(DEFAULT_VIDEO_HOSTS)
    video = read_fields({**CREDIT, "caption": "纪录片"})
    add_video(session, site, film, video, hosts=hosts, actor="t")
    session.commit()
    path = tmp_path / "bundle.zip"
    db = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert export_bundle(session, store, path) == Exported(files=1, videos=1)
    first = runner.invoke(app, ["media", "import", str(path), "--db", db])
    assert first.exit_code == 0, first.output
    assert "media files: 1 added, 0 already there; video links: 1 added" in first.output
    again = runner.invoke(app, ["media", "import", str(path), "--db", db, "--json"])
    assert json.loads(again.output)["media"] == {"added": 0, "unchanged": 1, "skipped": []}
    assert json.loads(again.output)["videos"] == {"added": 0, "unchanged": 1}
    out = runner.invoke(app, ["media", "export", str(tmp_path / "out.zip"), "--db", db])
    assert out.exit_code == 0, out.output
    assert "with 1 media files and 1 video links" in out.output
