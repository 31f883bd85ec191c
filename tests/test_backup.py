"""Backup and restore give back every record; a process killed mid-write leaves the database whole."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlmodel import Session

from redres.backup import BackupError, backup, restore, table_counts
from redres.catalog.models import Site
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from redres.db import init_db, make_engine
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


def test_restore_refuses_a_manifest_mismatch(tmp_path: Path) -> None:
    source = make_engine(f"sqlite:///{tmp_path / 'source.db'}")
    init_db(source)
    with Session(source) as s:
        create_site(s, SiteCreate(name="起义门", category="monument"))
        s.commit()
    file = tmp_path / "b.db"
    backup(source, file)
    manifest = file.with_name(file.name + ".manifest.json")
    manifest.write_text(manifest.read_text().replace('"site": 1', '"site": 2'))
    target = make_engine(f"sqlite:///{tmp_path / 'target.db'}")
    with pytest.raises(BackupError, match="restore incomplete"):
        restore(file, target)
    with pytest.raises(BackupError, match="cannot be restored into postgresql"):
        restore(file, make_engine("postgresql://postgres@127.0.0.1/postgres"))


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
