"""A catalogue with its media as one zip: `catalogue.geojson` (sites with their stories, people,
events, themes and sources), `media.csv` (one row per file: the media fields, the owner by
kind and slug, the file's SHA-256) and `media/<sha256><suffix>`, the files as uploaded.

Importing runs the GeoJSON through the ordinary importer (duplicates skipped) and then adds
each file that its owner does not already hold (same owner, same content hash), so importing
the same bundle twice changes nothing. Files are checked again on the way in (`media_files`).
The bundle holds the originals, GPS and all: it is for editors moving a catalogue, not for
the public.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
import zipfile
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import cast

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from redres.catalog.attachment_tables import Media
from redres.catalog.enums import STAFF, Status
from redres.catalog.errors import CatalogError
from redres.catalog.io.errors import InterchangeError
from redres.catalog.io.exporter import export_file
from redres.catalog.io.import_options import ImportOptions, OnDuplicate
from redres.catalog.io.importer import ImportReport, import_file
from redres.catalog.io.limits import ImportLimits
from redres.catalog.io.zips import check_zip, read_member
from redres.catalog.media import (
    FILE_SUFFIX,
    MEDIA_FIELDS,
    MediaFields,
    add_media,
)
from redres.catalog.media_owners import OWNERS
from redres.catalog.media_rules import Owner
from redres.catalog.media_videos import add_video
from redres.catalog.models import Site, pk
from redres.catalog.video_links import DEFAULT_VIDEO_HOSTS, check_video_url, parse_hosts
from redres.media_store import MediaStore
from redres.messages import Message

CATALOGUE = "catalogue.geojson"
MANIFEST = "media.csv"
COLUMNS = (
    "file",
    "sha256",
    "owner_kind",
    "owner_slug",
    "stop_site_slug",
    "kind",
    "mime",
    *MEDIA_FIELDS,
    "url",
)
"""The manifest's columns (the media model's fields, the owner by slug, the file; `url` is a
video's address, whose row has no file)."""
REQUIRED = tuple(c for c in COLUMNS if c != "url")
"""Bundles from before video links have no `url` column."""
_TEXT = (
    "caption",
    "caption_en",
    "alt",
    "credit",
    "licence",
    "source",
    "date",
    "transcript",
    "transcript_en",
)
_IMAGE_SUFFIX = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "image/heic": ".heic",
    "image/heif": ".heic",
}


@dataclass
class BundleReport:
    """What an import of a bundle did: the catalogue's report and the files' counts."""

    catalogue: ImportReport
    added: int = 0
    """Files added (a video link is no file: `videos_added`)."""
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    """Rows not imported, each with why (owner missing, file refused, hash mismatch)."""
    videos_added: int = 0
    videos_unchanged: int = 0

    def to_dict(self) -> dict[str, object]:
        """The report as JSON (the CLI's --json, the API's answer)."""
        return {
            "catalogue": self.catalogue.to_dict(),
            "media": {"added": self.added, "unchanged": self.unchanged, "skipped": self.skipped},
            "videos": {"added": self.videos_added, "unchanged": self.videos_unchanged},
        }


@dataclass(frozen=True, slots=True)
class Exported:
    """What a bundle holds besides its catalogue: files, and video links (an address, no file),
    counted apart so a summary never calls a link a file."""

    files: int
    videos: int


def export_bundle(
    session: Session, store: MediaStore, path: Path, *, statuses: Collection[Status] = STAFF
) -> Exported:
    """Write the bundle of the sites with `statuses` and every live media item; the count of
    files and of video links. Written next to `path` and moved into place (no half-written
    bundle)."""
    kinds = dict(OWNERS.values())
    slugs = {
        kind: dict(session.exec(select(table.id, table.slug)).all())
        for kind, table in kinds.items()
    }
    site_slugs = slugs["site"]
    rows: list[dict[str, str]] = []
    stored: dict[str, bytes] = {}
    media = session.exec(
        select(Media).where(col(Media.status) != Status.archived).order_by(col(Media.id))
    )
    for m in media:
        if m.kind == "video":
            rows.append(_video_row(m, slugs, site_slugs))
            continue
        data = store.get(m.original_key)
        digest = m.original_key.rsplit("/", 1)[-1]
        suffix = FILE_SUFFIX.get(m.mime) or _IMAGE_SUFFIX.get(m.mime, "")
        name = f"media/{digest}{suffix}"
        stored[name] = data
        row = {
            "file": name,
            "sha256": digest,
            "owner_kind": m.owner_kind,
            "owner_slug": slugs[m.owner_kind].get(m.owner_id, ""),
            "stop_site_slug": site_slugs.get(m.stop_site_id, "") if m.stop_site_id else "",
            "kind": m.kind,
            "mime": m.mime,
            "position": str(m.position),
            "is_cover": "true" if m.is_cover else "",
            "url": "",
        }
        row |= {k: getattr(m, k) or "" for k in _TEXT}
        rows.append(row)
    with tempfile.TemporaryDirectory(prefix="redres-bundle-") as tmp:
        catalogue = Path(tmp) / CATALOGUE
        export_file(session, catalogue, statuses=statuses)
        partial = path.with_name(f".{path.name}.part")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as out:
            out.write(catalogue, CATALOGUE)
            out.writestr(MANIFEST, _manifest(rows))
            for name, data in stored.items():
                out.writestr(name, data, compress_type=zipfile.ZIP_STORED)
        partial.replace(path)
    videos = sum(1 for row in rows if row["kind"] == "video")
    return Exported(files=len(rows) - videos, videos=videos)


def _video_row(
    m: Media, slugs: dict[str, dict[int | None, str]], site_slugs: dict[int | None, str]
) -> dict[str, str]:
    """A video link's manifest row: its address, no file."""
    row = {
        "file": "",
        "sha256": "",
        "owner_kind": m.owner_kind,
        "owner_slug": slugs[m.owner_kind].get(m.owner_id, ""),
        "stop_site_slug": site_slugs.get(m.stop_site_id, "") if m.stop_site_id else "",
        "kind": m.kind,
        "mime": m.mime,
        "position": str(m.position),
        "is_cover": "",
        "url": m.video_url or "",
    }
    return row | {k: getattr(m, k) or "" for k in _TEXT}


def import_bundle(
    session: Session,
    store: MediaStore,
    path: Path,
    *,
    actor: str,
    status: Status = Status.draft,
    limits: ImportLimits | None = None,
    video_hosts: Collection[str] | None = None,
) -> BundleReport:
    """Stage the bundle's catalogue and files in `session` (the caller commits).

    Video links are checked against `video_hosts` (the approved hosts; None: the default list)
    as an editor's are.

    Raises
    ------
    InterchangeError
        The file is not a bundle (no catalogue or manifest, a damaged or bomb zip, bad columns).
    """
    limits = limits or ImportLimits()
    members = {m.filename: m for m in check_zip(path, limits)}
    for needed in (CATALOGUE, MANIFEST):
        if needed not in members:
            msg = f"{path.name!r} is not a media bundle: it has no {needed}"
            raise InterchangeError(msg)
    with tempfile.TemporaryDirectory(prefix="redres-bundle-") as tmp:
        catalogue = Path(tmp) / CATALOGUE
        catalogue.write_bytes(read_member(path, members[CATALOGUE], limits))
        options = ImportOptions(on_duplicate=OnDuplicate.skip, status=status, actor=actor)
        report = BundleReport(import_file(session, catalogue, options))
    if report.catalogue.errors:
        return report
    session.flush()
    text = read_member(path, members[MANIFEST], limits).decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or not set(REQUIRED) <= set(reader.fieldnames):
        msg = f"{MANIFEST} needs the columns {', '.join(REQUIRED)}"
        raise InterchangeError(msg)
    hosts = parse_hosts(DEFAULT_VIDEO_HOSTS) if video_hosts is None else tuple(video_hosts)
    for n, row in enumerate(reader, start=2):
        if row["kind"] == "video":
            _import_video(session, row, n, actor, report, hosts)
        else:
            _import_row(session, store, path, members, row, n, actor, report, limits)
    return report


def _import_row(
    session: Session,
    store: MediaStore,
    path: Path,
    members: dict[str, zipfile.ZipInfo],
    row: dict[str, str],
    n: int,
    actor: str,
    report: BundleReport,
    limits: ImportLimits,
) -> None:
    where = Message("e_bundle_line", n=n)
    owner = _owner(session, row)
    name = str(PurePosixPath(row["file"]))
    if owner is None or name not in members or not name.startswith("media/"):
        kind, slug = row["owner_kind"], repr(row["owner_slug"])
        report.skipped.append(Message("e_bundle_no_owner", where=where, kind=kind, slug=slug))
        return
    data = read_member(path, members[name], limits)
    digest = hashlib.sha256(data).hexdigest()
    if digest != row["sha256"]:
        report.skipped.append(Message("e_bundle_hash", where=where))
        return
    if _held(session, row, owner, col(Media.original_key) == f"originals/{digest}"):
        report.unchanged += 1
        return
    stop = _stop(session, row)
    try:
        fields = _fields(row, is_cover=row["is_cover"].lower() in ("true", "1", "yes"))
        with session.begin_nested():
            add_media(session, store, owner, data, fields, actor=actor, stop=stop)
    except (CatalogError, ValueError) as exc:
        report.skipped.append(_refused(where, exc))
        return
    report.added += 1


def _owner(session: Session, row: dict[str, str]) -> Owner | None:
    table = next((t for kind, t in OWNERS.values() if kind == row["owner_kind"]), None)
    if table is None:
        return None
    return cast(
        "Owner | None", session.exec(select(table).where(table.slug == row["owner_slug"])).first()
    )


def _import_video(
    session: Session,
    row: dict[str, str],
    n: int,
    actor: str,
    report: BundleReport,
    hosts: tuple[str, ...],
) -> None:
    """A video link's row: added unless its record already links that address."""
    where = Message("e_bundle_line", n=n)
    owner = _owner(session, row)
    if owner is None:
        kind, slug = row["owner_kind"], repr(row["owner_slug"])
        report.skipped.append(Message("e_bundle_no_owner", where=where, kind=kind, slug=slug))
        return
    try:
        url = check_video_url(row.get("url") or "", hosts)
        if _held(session, row, owner, col(Media.video_url) == url):
            report.videos_unchanged += 1
            return
        stop = _stop(session, row)
        with session.begin_nested():
            add_video(session, owner, url, _fields(row), hosts=hosts, actor=actor, stop=stop)
    except (CatalogError, ValueError) as exc:
        report.skipped.append(_refused(where, exc))
        return
    report.videos_added += 1


def _held(session: Session, row: dict[str, str], owner: Owner, same: ColumnElement[bool]) -> bool:
    """Whether the record already has this file or link (a bundle loaded twice adds nothing)."""
    found = session.exec(
        select(Media.id).where(
            Media.owner_kind == row["owner_kind"],
            Media.owner_id == pk(owner),
            same,
            col(Media.status) != Status.archived,
        )
    ).first()
    return found is not None


def _stop(session: Session, row: dict[str, str]) -> Site | None:
    """The route stop a row's item belongs to, when it names one that is here."""
    if not row["stop_site_slug"]:
        return None
    return session.exec(select(Site).where(Site.slug == row["stop_site_slug"])).first()


def _fields(row: dict[str, str], *, is_cover: bool = False) -> MediaFields:
    """A row's captions, credits and place in the gallery."""
    values = {k: row[k] or None for k in _TEXT}
    return MediaFields(
        **{k: v for k, v in values.items() if v is not None},
        position=int(row["position"] or 0),
        is_cover=is_cover,
    )


def _refused(where: Message, exc: Exception) -> Message:
    """Why a row was skipped, in the words the catalogue gave."""
    reason = exc.args[0] if exc.args and isinstance(exc.args[0], Message) else str(exc)
    return Message("e_bundle_refused", where=where, reason=reason)


def _manifest(rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()
