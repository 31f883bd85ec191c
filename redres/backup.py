"""Backup and restore of a whole redres database, checked for completeness on the way back.

A backup is one consistent snapshot, even while the app writes. SQLite copies the file with its
online backup API (one read transaction on the source) and counts the rows in the copy.
PostgreSQL opens a REPEATABLE READ, READ ONLY transaction, counts every table in it and hands
its exported snapshot to `pg_dump --snapshot`, so the dump and the counts see the same rows.

A backup is `FILE` (the database) plus `FILE.manifest.json`: the manifest format, the engine,
the schema revision and the row count of every table. A restore is all or nothing: it
commits only when every table holds exactly the manifest's count. The media files go beside it
in `FILE.media/` (`backup_media`), under the manifest's `media` key with their own check.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, create_engine, func, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

import redres.tables  # noqa: F401  (every table is on SQLModel.metadata to be counted)
from redres.backup_media import (
    MediaPart,
    back_up_media,
    check_media_backup,
    media_dir,
    media_keys,
    restore_media,
)
from redres.errors import RedresError
from redres.media_store import MediaStore

FORMAT = 2
"""The manifest layout this code writes and the newest it reads (2 added `media`)."""

_TABLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class BackupError(RedresError):
    """A backup or restore that could not be made, or a restore that came back incomplete."""


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a backup holds: the schema revision and the row count of every table."""

    engine: str
    revision: str | None
    counts: dict[str, int]
    media: MediaPart | None = None

    def write(self, path: Path) -> None:
        """Save next to the backup file, whole or not at all."""
        data: dict[str, object] = {
            "format": FORMAT if self.media else 1,
            "engine": self.engine,
            "revision": self.revision,
            "counts": self.counts,
        }
        if self.media is not None:
            data["media"] = self.media.as_json()
        tmp = path.with_name(path.name + ".partial")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """Load the manifest of a backup.

        Raises
        ------
        BackupError
            When it is missing, unreadable, from a newer redres, or its counts are not a
            table name -> row count mapping.
        """
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            version, engine = data.get("format", 1), data["engine"]
            revision, counts = data["revision"], data["counts"]
            media = MediaPart.from_json(data["media"]) if "media" in data else None
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            msg = f"cannot read the backup manifest {str(path)!r}: {exc}"
            raise BackupError(msg) from exc
        if not isinstance(version, int) or version > FORMAT:
            msg = f"the backup manifest {str(path)!r} has format {version!r}; upgrade redres"
            raise BackupError(msg)
        if not isinstance(counts, dict) or not all(
            isinstance(t, str)
            and _TABLE_NAME.fullmatch(t)
            and isinstance(n, int)
            and not isinstance(n, bool)
            and n >= 0
            for t, n in counts.items()
        ):
            msg = f"the backup manifest {str(path)!r} has malformed row counts"
            raise BackupError(msg)
        return cls(engine=str(engine), revision=revision, counts=counts, media=media)


def manifest_path(file: Path) -> Path:
    """Where the manifest of a backup file lives."""
    return file.with_name(file.name + ".manifest.json")


NOT_COUNTED = frozenset({"catalogueversion"})
"""Bookkeeping a new database already has a row in (its migration writes it): not data."""


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows per redres table, the yardstick of a complete restore."""
    with engine.connect() as conn:
        return _counts(conn)


def backup(engine: Engine, file: Path, *, media: MediaStore | None = None) -> Manifest:
    """Write a consistent snapshot of the database to `file` and its manifest beside it, and
    with `media`, every media file the database refers to in `FILE.media/`.

    Raises
    ------
    BackupError
        When the database has no redres schema or a tool fails.
    MediaBackupError
        When a media file is missing from the store or damaged.
    """
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_name(file.name + ".partial")
    try:
        if engine.dialect.name == "sqlite":
            manifest = _sqlite_backup(engine, tmp)
        else:
            manifest = _pg_backup(engine, tmp)
        tmp.replace(file)
    finally:
        tmp.unlink(missing_ok=True)
    if media is not None:  # after the snapshot: files are never deleted, so these cover it
        part = back_up_media(media, media_keys(engine), media_dir(file))
        manifest = replace(manifest, media=part)
    manifest.write(manifest_path(file))
    return manifest


def restore(
    file: Path, engine: Engine, *, force: bool = False, media: MediaStore | None = None
) -> Manifest:
    """Load a backup into `engine`'s database; nothing stays unless every table came back whole.
    A backup with media files puts them into `media`, each checked against its hash first.

    Raises
    ------
    BackupError
        When the target already holds data (unless `force`), the engines differ, a tool
        fails, the restored counts differ from the manifest, or the backup has media files and
        no `media` store is given.
    MediaBackupError
        When the backup's media files are not the manifest's, or one is damaged (checked
        before the database is touched).
    """
    manifest = Manifest.read(manifest_path(file))
    if manifest.engine != engine.dialect.name:
        msg = f"a {manifest.engine} backup cannot be restored into {engine.dialect.name}"
        raise BackupError(msg)
    if not file.is_file():
        msg = f"no backup file {str(file)!r}"
        raise BackupError(msg)
    if not force and any(table_counts(engine).values()):
        msg = "the target database is not empty; restore into a new database or use --force"
        raise BackupError(msg)
    keys: list[str] = []
    if manifest.media is not None:
        if media is None:
            msg = "this backup has media files; say where they go (REDRES_MEDIA_DIR)"
            raise BackupError(msg)
        keys = check_media_backup(media_dir(file), manifest.media)
    if engine.dialect.name == "sqlite":
        _sqlite_restore(file, engine, manifest)
    else:
        _pg_restore(file, engine, manifest)
    _check_counts(manifest.counts, table_counts(engine))
    if media is not None and keys:
        missing = set(media_keys(engine)) - set(keys)
        if missing:
            msg = f"the backup lacks {len(missing)} media files its database refers to"
            raise BackupError(msg)
        restore_media(media_dir(file), media, keys)
    return manifest


def _manifest(conn: Connection) -> Manifest:
    """The manifest of what `conn`'s transaction sees."""
    revision = MigrationContext.configure(conn).get_current_revision()
    if revision is None:
        msg = "the database has no redres schema; nothing to back up"
        raise BackupError(msg)
    return Manifest(conn.dialect.name, revision, _counts(conn))


def _counts(conn: Connection) -> dict[str, int]:
    existing = set(inspect(conn).get_table_names())
    return {
        table.name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
        for table in SQLModel.metadata.sorted_tables
        if table.name in existing and table.name not in NOT_COUNTED
    }


def _check_counts(expected: dict[str, int], found: dict[str, int]) -> None:
    wrong = {t: (n, found.get(t)) for t, n in expected.items() if found.get(t) != n}
    if wrong:
        msg = f"restore incomplete: table (expected, found) {wrong}"
        raise BackupError(msg)


def _sqlite_backup(engine: Engine, tmp: Path) -> Manifest:
    """Copy the file in one step (one read transaction), then count the copy itself."""
    source = _sqlite_path(engine)
    if not Path(source).is_file():
        msg = f"no SQLite database at {source!r}"
        raise BackupError(msg)
    try:
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(tmp)) as dst:
            src.backup(dst)
    except sqlite3.Error as exc:
        msg = f"cannot copy {source!r}: {exc}"
        raise BackupError(msg) from exc
    copy = create_engine(f"sqlite:///{tmp}")  # plain: the copy gets no pragmas, no WAL switch
    try:
        with copy.connect() as conn:
            return _manifest(conn)
    finally:
        copy.dispose()


def _sqlite_restore(file: Path, engine: Engine, manifest: Manifest) -> None:
    """Check the backup file against its manifest, then copy it over the target in one step."""
    source = create_engine(f"sqlite:///{file}")
    try:
        with source.connect() as conn:
            if conn.exec_driver_sql("PRAGMA integrity_check").scalar() != "ok":
                msg = f"{str(file)!r} is damaged (integrity check failed); nothing was restored"
                raise BackupError(msg)
            _check_counts(manifest.counts, _counts(conn))
            engine.dispose()
            checked = conn.connection.driver_connection  # the copy is of what was counted
            assert isinstance(checked, sqlite3.Connection)
            with closing(sqlite3.connect(_sqlite_path(engine))) as dst:
                checked.backup(dst)
    except (sqlite3.Error, DBAPIError) as exc:
        reason = exc.orig if isinstance(exc, DBAPIError) else exc
        msg = f"cannot restore {str(file)!r}, nothing was restored: {reason}"
        raise BackupError(msg) from exc
    finally:
        source.dispose()


def _pg_backup(engine: Engine, tmp: Path) -> Manifest:
    """Count inside one snapshot and have pg_dump dump that same snapshot.

    The counting transaction stays open (holding its ACCESS SHARE locks, so no migration can
    change a table in between) until pg_dump has finished.
    """
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
            manifest = _manifest(conn)
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    f"--snapshot={snapshot}",
                    "--file",
                    str(tmp),
                    _libpq_url(engine),
                ]
            )
    return manifest


def _pg_restore(file: Path, engine: Engine, manifest: Manifest) -> None:
    """Replay the dump and check the counts in one transaction that psql commits last.

    pg_restore writes the SQL script and psql runs it in one transaction. The count check
    follows the script only when pg_restore finished cleanly; otherwise psql is stopped before
    its input ends, so it never commits and the server rolls everything back.
    """
    for tool in ("pg_restore", "psql"):
        _require_tool(tool)
    script = ["pg_restore", "--no-owner", "--clean", "--if-exists", "--exit-on-error", "--file=-"]
    load = ["psql", "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1"]
    check = _pg_count_check(manifest.counts).encode()
    with tempfile.TemporaryFile() as script_errors, tempfile.TemporaryFile() as load_errors:
        with (
            subprocess.Popen(
                [*script, str(file)], stdout=subprocess.PIPE, stderr=script_errors
            ) as dump,
            subprocess.Popen(
                [*load, "--dbname", _libpq_url(engine), "--file=-"],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=load_errors,
                bufsize=0,
            ) as loader,
        ):
            assert dump.stdout is not None
            assert loader.stdin is not None
            try:
                shutil.copyfileobj(dump.stdout, loader.stdin)
                if dump.wait() == 0:
                    loader.stdin.write(b"\n" + check)
                    loader.stdin.close()
                else:
                    loader.kill()
            except BrokenPipeError:  # psql stopped at an error and rolled back
                dump.kill()
        script_failed = _tail(script_errors) if dump.returncode != 0 else None
        load_failed = _tail(load_errors) if loader.returncode != 0 else None
    engine.dispose()
    if load_failed is not None and "restore incomplete:" in load_failed:
        detail = load_failed[load_failed.index("restore incomplete:") :].splitlines()[0]
        msg = f"{detail}; nothing was restored"
        raise BackupError(msg)
    if script_failed is not None or load_failed is not None:
        tool, text = ("pg_restore", script_failed) if script_failed else ("psql", load_failed)
        msg = f"{tool} failed, nothing was restored: {text}"
        raise BackupError(msg)


def _pg_count_check(counts: dict[str, int]) -> str:
    """SQL that raises, and so rolls the restore back, when a table's count is off.

    The names were checked by `Manifest.read`; the JSON is quoted as a literal all the same.
    """
    literal = "'" + json.dumps(counts).replace("'", "''") + "'"
    return (
        "RESET search_path;\n"  # the restore script empties it
        "DO $check$\n"
        "DECLARE wrong text := ''; t text; want bigint; got bigint;\n"
        "BEGIN\n"
        f"  FOR t, want IN SELECT key, value::bigint FROM json_each_text({literal}) LOOP\n"
        "    got := NULL;\n"
        "    IF to_regclass(quote_ident(t)) IS NOT NULL THEN\n"
        "      EXECUTE format('SELECT count(*) FROM %I', t) INTO got;\n"
        "    END IF;\n"
        "    IF got IS DISTINCT FROM want THEN\n"
        "      wrong := wrong || format(' %s (expected %s, found %s)', t, want, got);\n"
        "    END IF;\n"
        "  END LOOP;\n"
        "  IF wrong <> '' THEN RAISE EXCEPTION 'restore incomplete:%', wrong; END IF;\n"
        "END $check$;"
    )


def _sqlite_path(engine: Engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:":
        msg = "an in-memory SQLite database cannot be backed up or restored"
        raise BackupError(msg)
    return database


def _libpq_url(engine: Engine) -> str:
    url = make_url(str(engine.url.render_as_string(hide_password=False)))
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _require_tool(name: str) -> None:
    if shutil.which(name) is None:
        msg = f"{name} is not installed (Debian: postgresql-client)"
        raise BackupError(msg)


def _tail(stream: IO[bytes]) -> str:
    """The last 2,000 characters a tool wrote to `stream`."""
    stream.seek(0)
    return stream.read().decode(errors="replace").strip()[-2000:]


def _run(command: list[str]) -> None:
    _require_tool(command[0])
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        msg = f"{command[0]} failed: {result.stderr.strip()[:2000]}"
        raise BackupError(msg)
