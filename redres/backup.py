"""Backup and restore of a whole redres database, checked for completeness on the way back.

SQLite uses its online backup API (safe while the app runs); PostgreSQL uses pg_dump and
pg_restore in the custom format. Each backup records the row count of every table in a
manifest beside the file (`FILE.manifest.json`); a restore is complete only when the restored
database has exactly those counts.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from redres.db import current_revision, make_engine
from redres.errors import RedresError


class BackupError(RedresError):
    """A backup or restore that could not be made, or a restore that came back incomplete."""


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a backup holds: the schema revision and the row count of every table."""

    engine: str
    revision: str | None
    counts: dict[str, int]

    def write(self, path: Path) -> None:
        """Save next to the backup file."""
        data = {"engine": self.engine, "revision": self.revision, "counts": self.counts}
        path.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """Load the manifest of a backup.

        Raises
        ------
        BackupError
            When it is missing or unreadable.
        """
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(engine=data["engine"], revision=data["revision"], counts=data["counts"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            msg = f"cannot read the backup manifest {str(path)!r}: {exc}"
            raise BackupError(msg) from exc


def manifest_path(file: Path) -> Path:
    """Where the manifest of a backup file lives."""
    return file.with_name(file.name + ".manifest.json")


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows per redres table, the yardstick of a complete restore."""
    existing = set(inspect(engine).get_table_names())
    counts = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in existing:
                counts[table.name] = int(
                    conn.execute(select(func.count()).select_from(table)).scalar_one()
                )
    return counts


def backup(engine: Engine, file: Path) -> Manifest:
    """Write a consistent copy of the database to `file` and its manifest beside it."""
    if current_revision(engine) is None:
        msg = "the database has no redres schema; nothing to back up"
        raise BackupError(msg)
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_name(file.name + ".partial")
    if engine.dialect.name == "sqlite":
        source = _sqlite_path(engine)
        with sqlite3.connect(source) as src, sqlite3.connect(tmp) as dst:
            src.backup(dst)
        manifest = Manifest(
            "sqlite",
            current_revision(make_engine(f"sqlite:///{tmp}")),
            table_counts(make_engine(f"sqlite:///{tmp}")),
        )
    else:
        manifest = Manifest("postgresql", current_revision(engine), table_counts(engine))
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(tmp), _libpq_url(engine)])
    tmp.replace(file)
    manifest.write(manifest_path(file))
    return manifest


def restore(file: Path, engine: Engine, *, force: bool = False) -> Manifest:
    """Load a backup into `engine`'s database and check every table came back whole.

    Raises
    ------
    BackupError
        When the target already holds data (unless `force`), the engines differ, a tool
        fails, or the restored counts differ from the manifest.
    """
    manifest = Manifest.read(manifest_path(file))
    if manifest.engine != engine.dialect.name:
        msg = f"a {manifest.engine} backup cannot be restored into {engine.dialect.name}"
        raise BackupError(msg)
    if not force and any(table_counts(engine).values()):
        msg = "the target database is not empty; restore into a new database or use --force"
        raise BackupError(msg)
    if engine.dialect.name == "sqlite":
        with sqlite3.connect(file) as src:
            if src.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                msg = f"{str(file)!r} is damaged (integrity check failed)"
                raise BackupError(msg)
            engine.dispose()
            with sqlite3.connect(_sqlite_path(engine)) as dst:
                src.backup(dst)
    else:
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                _libpq_url(engine),
                str(file),
            ]
        )
    got = table_counts(engine)
    missing = {t: (n, got.get(t)) for t, n in manifest.counts.items() if got.get(t) != n}
    if missing:
        msg = f"restore incomplete: table (expected, found) {missing}"
        raise BackupError(msg)
    return manifest


def _sqlite_path(engine: Engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:":
        msg = "an in-memory SQLite database cannot be backed up or restored"
        raise BackupError(msg)
    return database


def _libpq_url(engine: Engine) -> str:
    url = make_url(str(engine.url.render_as_string(hide_password=False)))
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        msg = f"{command[0]} is not installed (Debian: postgresql-client)"
        raise BackupError(msg)
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        msg = f"{command[0]} failed: {result.stderr.strip()[:2000]}"
        raise BackupError(msg)
