"""Where media files live: a small key-value interface, content-addressed by the caller.

`MediaStore` is what the rest of redres uses (put/get/delete by key), so an S3-compatible
store can be added later beside `DirectoryStore`, the default: one directory
(`REDRES_MEDIA_DIR`). Keys are ours (`originals/<sha256>`, `derivatives/<sha256>.webp`),
never a user's file name.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

_KEY = re.compile(r"(originals|derivatives)/[0-9a-f]{64}(\.[a-z0-9]{1,5})?")


class MediaStore(Protocol):
    """Put, get and delete files by key."""

    def put(self, key: str, data: bytes) -> None:
        """Store `data` under `key`, durably, before returning."""

    def get(self, key: str) -> bytes:
        """The bytes under `key`; KeyError when there are none."""

    def delete(self, key: str) -> None:
        """Forget `key` (nothing happens when it is absent)."""


def content_key(prefix: str, data: bytes, suffix: str = "") -> str:
    """The key of `data`: its SHA-256, so the same bytes are stored once."""
    return f"{prefix}/{hashlib.sha256(data).hexdigest()}{suffix}"


def check_key(key: str) -> str:
    """A key of the form redres makes; anything else (`..`, slashes) is refused."""
    if not _KEY.fullmatch(key):
        msg = f"not a media key: {key!r}"
        raise KeyError(msg)
    return key


class DirectoryStore:
    """Files under one directory, fanned out by the first hash characters."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        prefix, name = check_key(key).split("/", 1)
        return self.root / prefix / name[:2] / name

    def put(self, key: str, data: bytes) -> None:
        """Write to a temporary file, fsync it, rename it into place and fsync the directory,
        so a key that exists always holds its whole content, even after a crash."""
        path = self._path(key)
        if path.exists() and path.stat().st_size == len(data):
            return  # content-addressed: the same key holds the same bytes
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def get(self, key: str) -> bytes:
        """The stored bytes; KeyError for a missing key."""
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as exc:
            raise KeyError(key) from exc

    def delete(self, key: str) -> None:
        """Remove the file when it is there."""
        self._path(key).unlink(missing_ok=True)
