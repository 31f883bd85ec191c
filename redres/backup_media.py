"""The media files of a backup: copied beside the database dump and checked both ways.

Files are content-addressed (`media_store`), so each file's key names the SHA-256 of its bytes:
a copy is checked by hashing it, on the way out (a damaged store is noticed when the backup is
made, not when it is needed) and on the way back. Media files are never deleted (a deleted
record archives its media), so the keys read after the database snapshot hold every file the
snapshot refers to.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, inspect, select

from redres.catalog.attachment_tables import Media
from redres.errors import RedresError
from redres.media_store import DirectoryStore, MediaStore


class MediaBackupError(RedresError):
    """A media file missing or damaged, in the store or in a backup."""


@dataclass(frozen=True, slots=True)
class MediaPart:
    """What the media part of a backup holds: how many files, their bytes, and a digest of
    their keys so a restore knows it has exactly that set."""

    files: int
    bytes: int
    keys_digest: str

    def as_json(self) -> dict[str, int | str]:
        """The manifest's `media` entry."""
        return {"files": self.files, "bytes": self.bytes, "keys_digest": self.keys_digest}

    @classmethod
    def from_json(cls, data: object) -> MediaPart:
        """Read a manifest's `media` entry; TypeError or ValueError when it is malformed."""
        if not isinstance(data, dict):
            msg = "media is not an object"
            raise TypeError(msg)
        files, size, digest = data.get("files"), data.get("bytes"), data.get("keys_digest")
        if not (
            isinstance(files, int)
            and isinstance(size, int)
            and isinstance(digest, str)
            and files >= 0
            and size >= 0
        ):
            msg = "media counts are malformed"
            raise ValueError(msg)
        return cls(files, size, digest)


KEY_COLUMNS = ("original_key", "display_key", "thumb_key", "small_key")
"""The media columns naming stored files (a database from before a derivative lacks its column)."""


def media_dir(file: Path) -> Path:
    """Where the media files of backup `file` live."""
    return file.with_name(file.name + ".media")


def media_keys(engine: Engine) -> list[str]:
    """Every key the media table refers to (originals and derivatives), sorted."""
    table = Media.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        if not inspect(conn).has_table(table.name):
            return []
        present = {c["name"] for c in inspect(conn).get_columns(table.name)}
        columns = [table.c[name] for name in KEY_COLUMNS if name in present]
        rows = conn.execute(select(*columns))
        return sorted({key for row in rows for key in row if key})


def back_up_media(store: MediaStore, keys: list[str], dest: Path) -> MediaPart:
    """Copy `keys` from `store` to `dest` (whole or not at all), each checked by its hash."""
    partial = dest.with_name(dest.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    out = DirectoryStore(partial)
    size = 0
    try:
        for key in keys:
            data = _checked(store, key, "the media store")
            out.put(key, data)
            size += len(data)
        shutil.rmtree(dest, ignore_errors=True)
        partial.rename(dest) if keys else dest.mkdir(parents=True, exist_ok=True)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return MediaPart(len(keys), size, _digest(keys))


def check_media_backup(source: Path, part: MediaPart) -> list[str]:
    """Before anything is restored: the backup holds exactly the manifest's files, undamaged.

    Returns their keys.
    """
    keys = sorted(
        f"{prefix.name}/{path.name}"
        for prefix in (source.iterdir() if source.is_dir() else [])
        if prefix.is_dir()
        for path in prefix.glob("*/*")
        if not path.name.startswith(".tmp-")
    )
    if len(keys) != part.files or _digest(keys) != part.keys_digest:
        msg = (
            f"the backup's media folder {source} holds {len(keys)} files, its manifest "
            f"{part.files}; the backup is not whole"
        )
        raise MediaBackupError(msg)
    store = DirectoryStore(source)
    for key in keys:
        _checked(store, key, "the backup")
    return keys


def restore_media(source: Path, store: MediaStore, keys: list[str]) -> None:
    """Put every file of `keys` from the backup into `store` (already there: left as is)."""
    backup_store = DirectoryStore(source)
    for key in keys:
        store.put(key, _checked(backup_store, key, "the backup"))


def _checked(store: MediaStore, key: str, where: str) -> bytes:
    """The bytes under `key`, refused when missing or when they do not hash to the key."""
    try:
        data = store.get(key)
    except KeyError as exc:
        msg = f"media file {key} is missing from {where}"
        raise MediaBackupError(msg) from exc
    expected = key.split("/", 1)[1][:64]
    if hashlib.sha256(data).hexdigest() != expected:
        msg = f"media file {key} in {where} is damaged (its content does not match its name)"
        raise MediaBackupError(msg)
    return data


def _digest(keys: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()
