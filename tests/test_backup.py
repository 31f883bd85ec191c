"""Backup and restore give back every record; a process killed mid-write leaves the database whole."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, and_, func, inspect, select, text
from sqlmodel import Session, SQLModel

from redres.backup import BackupError, backup, restore, table_counts
from redres.backup_media import MediaBackupError
from redres.catalog.attachment_tables import Media
from redres.catalog.media import MediaFields, add_media
from redres.catalog.models import Site, Story
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from redres.catalog.stories import save_story
from redres.catalog.story_schemas import StoryIn
from redres.catalog.themes import ThemeIn, create_theme
from redres.db import init_db, make_engine, session_scope
from redres.media_store import DirectoryStore
from tests.api.media_samples import jpeg_with_gps
from tests.conftest import new_database


def test_backup_then_restore_into_a_fresh_database(
    demo_engine: Engine, db_kind: str, tmp_path: Path
) -> None:
    file = tmp_path / "redres.backup"
    manifest = backup(demo_engine, file)
    assert manifest.counts["site"] == 45
    with new_database(db_kind, tmp_path) as url:
        target = make_engine(url)
        restore(file, target)
        assert table_counts(target) == table_counts(demo_engine)
        with Session(target) as s:
            names = sorted(s.exec(select(Site.name)).all())
        with Session(demo_engine) as s:
            assert names == sorted(s.exec(select(Site.name)).all())
        with pytest.raises(BackupError, match="not empty"):
            restore(file, target)
        target.dispose()


def test_restore_refuses_a_manifest_mismatch(db_kind: str, tmp_path: Path) -> None:
    """Counts that differ from the manifest undo the whole restore: the target stays empty."""
    with new_database(db_kind, tmp_path) as url:
        source = make_engine(url)
        init_db(source)
        with Session(source) as s:
            create_site(s, SiteCreate(name="起义门", category="monument"))
            s.commit()
        file = tmp_path / "b.backup"
        backup(source, file)
        source.dispose()
    manifest = file.with_name(file.name + ".manifest.json")
    manifest.write_text(manifest.read_text().replace('"site": 1', '"site": 2'))
    (tmp_path / "target").mkdir()
    with new_database(db_kind, tmp_path / "target") as target_url:
        target = make_engine(target_url)
        with pytest.raises(BackupError, match=r"restore incomplete.*site.*2.*1"):
            restore(file, target)
        assert not any(table_counts(target).values())
        assert "site" not in inspect(target).get_table_names()
        target.dispose()
    other = "postgresql://postgres@127.0.0.1/postgres" if db_kind == "sqlite" else "sqlite://"
    with pytest.raises(BackupError, match="cannot be restored into"):
        restore(file, make_engine(other))


def test_forced_restore_replaces_what_was_there(
    demo_engine: Engine, db_kind: str, tmp_path: Path
) -> None:
    file = tmp_path / "demo.backup"
    manifest = backup(demo_engine, file)
    with new_database(db_kind, tmp_path) as url:
        target = make_engine(url)
        init_db(target)
        with session_scope(target) as s:
            create_site(s, SiteCreate(name="不在备份里的旧址", category="former_site"))
        restore(file, target, force=True)
        assert table_counts(target) == manifest.counts
        with Session(target) as s:
            assert s.exec(select(Site).where(Site.name == "不在备份里的旧址")).first() is None
        target.dispose()


def test_a_damaged_backup_restores_nothing(
    demo_engine: Engine, db_kind: str, tmp_path: Path
) -> None:
    """A backup cut short (a full disk, a broken copy) is refused and the target stays empty."""
    file = tmp_path / "cut.backup"
    backup(demo_engine, file)
    whole = file.read_bytes()
    file.write_bytes(whole[: len(whole) * 2 // 3])
    with new_database(db_kind, tmp_path) as url:
        target = make_engine(url)
        with pytest.raises(BackupError, match="nothing was restored"):
            restore(file, target)
        assert not any(table_counts(target).values())
        target.dispose()


def test_restore_refuses_a_malformed_manifest(tmp_path: Path) -> None:
    """Table names in a manifest reach SQL, so anything but a plain name is refused."""
    source = make_engine(f"sqlite:///{tmp_path / 'source.db'}")
    init_db(source)
    file = tmp_path / "b.db"
    backup(source, file)
    manifest = file.with_name(file.name + ".manifest.json")
    manifest.write_text(manifest.read_text().replace('"site":', '"site\\"; DROP TABLE x; --":'))
    with pytest.raises(BackupError, match="malformed row counts"):
        restore(file, make_engine(f"sqlite:///{tmp_path / 'target.db'}"))


@pytest.mark.slow
def test_killed_write_leaves_nothing_half_written(db_kind: str, tmp_path: Path) -> None:
    """Kill a process that has written the whole demo but not committed: nothing may remain."""
    with new_database(db_kind, tmp_path) as url:
        engine = make_engine(url)
        init_db(engine)
        child = (
            "import sys, time\n"
            "from sqlmodel import Session\n"
            "from redres.db import make_engine\n"
            "from redres.catalog.demo import load_demo\n"
            "from tests.conftest import DEMO_DIR\n"
            f"s = Session(make_engine({url!r}))\n"
            "load_demo(s, DEMO_DIR)\n"
            "s.flush()\n"
            "print('written', flush=True)\n"
            "time.sleep(60)\n"
            "s.commit()\n"
        )
        proc = subprocess.Popen(
            [sys.executable, "-c", child],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "written"
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()
        engine.dispose()
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(Site.__table__)).scalar_one() == 0
            if engine.dialect.name == "sqlite":
                assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        # The database stays usable: the demo loads fully afterwards.
        with Session(engine) as s:
            from redres.catalog.demo import load_demo
            from tests.conftest import DEMO_DIR

            load_demo(s, DEMO_DIR)
            s.commit()
        assert table_counts(engine)["site"] == 45
        engine.dispose()


ROOT = Path(__file__).resolve().parent.parent


def redres_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real `redres` entry point (main: its messages and exit codes) on this checkout."""
    return subprocess.run(
        [sys.executable, "-c", "from redres.cli import main; main()", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )


class Writer(threading.Thread):
    """Writes the catalogue without a pause, one committed transaction after another.

    Each transaction adds a site linked to a theme, a published story about it (story-site
    link, search terms, audit rows) and moves the previous story onto the new site, so rows
    are inserted and deleted in several tables tied by foreign keys.
    """

    def __init__(self, url: str) -> None:
        super().__init__(name="catalogue-writer", daemon=True)
        self.url = url
        self.commits = 0
        self.error: BaseException | None = None
        self.running = threading.Event()
        self.stop = threading.Event()

    def run(self) -> None:
        engine = make_engine(self.url)
        try:
            previous: Story | None = None
            while not self.stop.is_set():
                n = self.commits
                with session_scope(engine) as s:
                    site = create_site(
                        s,
                        SiteCreate(
                            name=f"旧址{n}",
                            category="former_site",
                            lon=114.3 + n / 100_000,
                            lat=30.55,
                            themes={"march": 1.0},
                        ),
                    )
                    story = save_story(
                        s,
                        StoryIn(title=f"故事{n}", status="published", sites=[site.slug]),
                        actor="writer",
                    )
                    if previous is not None:
                        save_story(
                            s,
                            StoryIn(title=previous.title, status="published", sites=[site.slug]),
                            actor="writer",
                            story=s.get(Story, previous.id),
                        )
                self.commits += 1
                previous = story
                if self.commits == 5:
                    self.running.set()
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            self.running.set()
            engine.dispose()


def orphans(engine: Engine) -> dict[str, int]:
    """Rows whose foreign key points at no row, per constraint (empty when all are satisfied)."""
    existing = set(inspect(engine).get_table_names())
    found = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name not in existing:
                continue
            for fk in table.foreign_key_constraints:
                parent = fk.referred_table.alias()
                linked = and_(*(parent.c[e.column.name] == e.parent for e in fk.elements))
                stmt = (
                    select(func.count())
                    .select_from(table)
                    .where(*(e.parent.is_not(None) for e in fk.elements))
                    .where(~select(parent).where(linked).exists())
                )
                if n := conn.execute(stmt).scalar_one():
                    found[f"{table.name}({', '.join(fk.column_keys)})"] = n
    return found


@pytest.mark.slow
def test_backup_taken_during_writes_restores_whole(db_kind: str, tmp_path: Path) -> None:
    """`redres backup` while the catalogue is written: one snapshot, restored with all its rows."""
    file = tmp_path / "busy.backup"
    with new_database(db_kind, tmp_path) as url:
        source = make_engine(url)
        init_db(source)
        with session_scope(source) as s:
            create_theme(s, ThemeIn(slug="march", name="长征"), actor="test")
        writer = Writer(url)
        writer.start()
        try:
            writer.running.wait()
            before = writer.commits
            made = redres_cli("backup", str(file), "--db", url)
            during = writer.commits - before
        finally:
            writer.stop.set()
            writer.join()
            source.dispose()
        assert writer.error is None, writer.error
        assert made.returncode == 0, made.stderr
        assert during > 0  # the writes really went on while the backup ran
        manifest = json.loads(file.with_name(file.name + ".manifest.json").read_text())
        assert before <= manifest["counts"]["site"] <= before + during
        (tmp_path / "target").mkdir()
        with new_database(db_kind, tmp_path / "target") as target_url:
            back = redres_cli("restore", str(file), "--db", target_url)
            assert back.returncode == 0, back.stderr
            target = make_engine(target_url)
            counts = table_counts(target)
            assert counts == manifest["counts"]
            assert counts["storysite"] == counts["story"] == counts["site"]
            assert counts["auditlog"] > counts["site"]
            assert orphans(target) == {}
            target.dispose()


def _dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _site_with_photo(engine: Engine, store: DirectoryStore) -> Media:
    with Session(engine, expire_on_commit=False) as s:
        site = create_site(s, SiteCreate(name="八七会议会址", category="former_site"), actor="t")
        fields = MediaFields(caption="会址外景", credit="测试", licence="CC0-1.0")
        photo = jpeg_with_gps(size=(1200, 800))  # wide enough for three distinct derivatives
        media = add_media(s, store, site, photo, fields, actor="t")
        s.commit()
        return media


def test_media_files_come_back_byte_for_byte(db_kind: str, tmp_path: Path) -> None:
    """backup → restore into a new database and an empty media folder: the same derivative
    bytes under the same keys, every file checked against its hash."""
    with new_database(db_kind, _dir(tmp_path / "a")) as source_url:
        source = make_engine(source_url)
        init_db(source)
        store = DirectoryStore(tmp_path / "media")
        media = _site_with_photo(source, store)
        file = tmp_path / "out" / "redres.backup"
        manifest = backup(source, file, media=store)
        assert manifest.media is not None
        assert manifest.media.files == 4  # the original, display image, thumbnail, small copy
        with new_database(db_kind, _dir(tmp_path / "b")) as target_url:
            target = make_engine(target_url)
            restored_store = DirectoryStore(tmp_path / "media2")
            restore(file, target, media=restored_store)
            keys = (media.original_key, media.display_key, media.thumb_key, media.small_key)
            assert len(set(keys)) == 4
            for key in keys:
                assert key is not None
                assert restored_store.get(key) == store.get(key)
            target.dispose()
        source.dispose()


def test_a_damaged_media_file_restores_nothing(db_kind: str, tmp_path: Path) -> None:
    with new_database(db_kind, _dir(tmp_path / "a")) as source_url:
        source = make_engine(source_url)
        init_db(source)
        store = DirectoryStore(tmp_path / "media")
        media = _site_with_photo(source, store)
        file = tmp_path / "redres.backup"
        backup(source, file, media=store)
        assert media.thumb_key is not None
        name = media.thumb_key.split("/", 1)[1]
        damaged = next((tmp_path / "redres.backup.media").rglob(name))
        damaged.write_bytes(damaged.read_bytes()[:-10] + b"0123456789")
        with new_database(db_kind, _dir(tmp_path / "b")) as target_url:
            target = make_engine(target_url)
            init_db(target)
            with pytest.raises(MediaBackupError, match="damaged"):
                restore(file, target, media=DirectoryStore(tmp_path / "media2"))
            assert not any(table_counts(target).values())  # the database was not touched
            assert not (tmp_path / "media2").exists()
            target.dispose()
        source.dispose()


def test_a_store_missing_a_file_is_noticed_at_backup(tmp_path: Path) -> None:
    source = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    init_db(source)
    store = DirectoryStore(tmp_path / "media")
    media = _site_with_photo(source, store)
    assert media.display_key is not None
    store.delete(media.display_key)
    with pytest.raises(MediaBackupError, match="missing"):
        backup(source, tmp_path / "redres.backup", media=store)
    assert not (tmp_path / "redres.backup.media").exists()
