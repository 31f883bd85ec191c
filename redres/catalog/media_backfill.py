"""Give images uploaded before the list-sized derivative existed (migration 0022) their small
copy, made from the kept original as an upload makes it, so their pages weigh what new ones do.

Only the missing copy is written: a row's other derivatives and fields stay as they are, and a
second run finds nothing to do. Archived items are left alone (never served).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from redres.catalog.attachment_tables import Media
from redres.catalog.enums import Status
from redres.catalog.media_files import MediaRefused, inspect
from redres.catalog.models import pk
from redres.media_store import MediaStore, content_key

BATCH = 50
"""Rows committed together: a long backfill stopped half-way keeps what it did."""


@dataclass
class BackfillReport:
    """How many images got their small copy, and those that could not (id, why)."""

    done: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)


def add_small_copies(session: Session, store: MediaStore) -> BackfillReport:
    """Make the small copy of every live image that lacks one, committing every `BATCH`."""
    report = BackfillReport()
    last = 0
    while True:
        rows = list(
            session.exec(
                select(Media)
                .where(
                    Media.kind == "image",
                    col(Media.small_key).is_(None),
                    col(Media.status) != Status.archived,
                    col(Media.id) > last,
                )
                .order_by(col(Media.id))
                .limit(BATCH)
            )
        )
        if not rows:
            return report
        for media in rows:
            last = pk(media)
            try:
                small = inspect(store.get(media.original_key)).small
            except KeyError:
                report.failed.append((last, "the original file is missing from the media store"))
                continue
            except MediaRefused as exc:
                report.failed.append((last, str(exc)))
                continue
            if small is None:
                continue
            media.small_key = content_key("derivatives", small.data, ".webp")
            media.small_width = small.width
            store.put(media.small_key, small.data)
            session.add(media)
            report.done += 1
        session.commit()
