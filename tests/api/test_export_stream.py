"""Catalogue exports over HTTP: text formats streamed page by page from one read snapshot,
byte for byte what a file export writes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlmodel import Session

import redres.catalog.io.exporter as exporter
import redres.catalog.io.records as records
from redres.catalog.enums import Category, Status
from redres.catalog.io.exporter import export_file, export_stream
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from redres.db import read_snapshot
from tests.factories import add_toy_sites

# On both engines in every run: an export reads one snapshot, each engine's own way.
pytestmark = pytest.mark.both_engines

MANY = 23
PAGE = 5


@pytest.fixture
def catalogue(session: Session) -> None:
    """The toy catalogue (five published sites, with themes and a closure or two)."""
    add_toy_sites(session)


def _add_sites(session: Session, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        data = SiteCreate(
            name=f"测试纪念碑{i:03d}",
            category=Category.monument,
            lon=114.0 + i / 1000,
            lat=30.0,
            status=Status.published,
        )
        create_site(session, data)
    session.commit()


@pytest.mark.parametrize("fmt", ["csv", "geojson", "kml", "json"])
@pytest.mark.parametrize("params", [{}, {"theme": "martyrs", "crs": "gcj02"}])
def test_a_streamed_export_is_the_file_export(
    client: TestClient, session: Session, tmp_path: Path, fmt: str, params: dict[str, str]
) -> None:
    r = client.get(f"/api/export.{fmt}", params=params)
    assert r.status_code == 200
    assert r.headers["content-disposition"] == f'attachment; filename="redres.{fmt}"'
    assert "content-length" not in r.headers  # sent as it is made
    path = tmp_path / f"file.{fmt}"
    export_file(session, path, statuses=(Status.published,), **params)
    assert r.content == path.read_bytes()
    assert b"\xe6\x96\xbd\xe6\xb4\x8b" in r.content  # 施洋 (a martyr's tomb), as UTF-8


def _page_reads(engine: Engine) -> tuple[list[str], Any]:
    """The keyset page queries of the export, recorded as they run."""
    seen: list[str] = []

    def listen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "ORDER BY site.id" in statement and "LIMIT" in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", listen)
    return seen, listen


@pytest.mark.parametrize("suffix", [".csv", ".geojson"])
def test_the_first_bytes_come_after_one_page_and_pages_stay_small(
    engine: Engine, session: Session, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    _add_sites(session, MANY)
    monkeypatch.setattr(records, "PAGE", PAGE)
    monkeypatch.setattr(exporter, "STREAM_CHUNK", 1)  # every piece is a chunk of its own
    seen, listen = _page_reads(engine)
    try:
        with read_snapshot(engine) as snap:
            chunks = export_stream(snap, suffix, statuses=(Status.published,))
            got = b""
            while "测试纪念碑000".encode() not in got:
                got += next(chunks)
            assert len(seen) == 1  # the first site went out after one page, not the catalogue
            count = got.count("测试纪念碑".encode())
            for chunk in chunks:
                count += chunk.count("测试纪念碑".encode())
                assert len(seen) <= -(-count // PAGE) + 1  # the pages sent, and one ahead at most
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert count == MANY
    assert len(seen) == -(-MANY // PAGE) + 1  # every page, and the empty one that ends it


def test_an_export_reads_one_snapshot_while_others_write(
    engine: Engine, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add_sites(session, MANY)
    monkeypatch.setattr(records, "PAGE", PAGE)
    monkeypatch.setattr(exporter, "STREAM_CHUNK", 1)
    with read_snapshot(engine) as snap:
        chunks = export_stream(snap, ".csv", statuses=(Status.published,))
        got = b"".join(_until(chunks, "测试纪念碑000".encode()))
        # committed by another session while the export is half-way: a site past the pages
        # read so far, which paging by id would meet if each page saw the latest state
        with Session(engine) as other:
            _add_sites(other, 1, start=MANY)
        got += b"".join(chunks)
    text = got.decode("utf-8-sig")
    assert text.count("测试纪念碑") == MANY
    assert f"测试纪念碑{MANY:03d}" not in text
    # and the next export sees it
    with read_snapshot(engine) as snap:
        after = b"".join(export_stream(snap, ".csv", statuses=(Status.published,)))
    assert f"测试纪念碑{MANY:03d}".encode() in after


def _until(chunks: Iterator[bytes], marker: bytes) -> Iterator[bytes]:
    """Chunks up to and including the one that completes `marker`."""
    got = b""
    for chunk in chunks:
        got += chunk
        yield chunk
        if marker in got:
            return
