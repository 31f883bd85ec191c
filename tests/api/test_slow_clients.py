"""A few slow clients cannot take the site down: no database connection is held while a
client trickles its body or leaves a response unread, and both are cut off after a while."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx2 as httpx
import pytest
import uvicorn
from sqlalchemy import Engine
from sqlmodel import Session

from redres.api.app import create_app
from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.config import Settings
from redres.db import init_db, make_engine
from tests.api.forms import PASSWORD, csrf
from tests.conftest import new_database
from tests.db_copy import Snapshot, restore_snapshot

POOL = 2
"""Database connections the server gets: fewer than the slow clients of each kind."""
SLOW = 4


@dataclass
class Server:
    url: str
    host: str
    port: int


@pytest.fixture
def server(
    db_kind: str, tmp_path_factory: pytest.TempPathFactory, demo_snapshot: Snapshot
) -> Iterator[Server]:
    """The demo catalogue served by uvicorn on a socket whose send buffer is small, so an
    unread response blocks the sender after a few kilobytes, as with a stalled phone."""
    with new_database(db_kind, tmp_path_factory.mktemp("slow")) as url:
        setup = make_engine(url)
        init_db(setup)
        restore_snapshot(setup, demo_snapshot)
        with Session(setup) as s:
            create_user(s, "editor", PASSWORD, Role.editor)
            s.commit()
        setup.dispose()
        engine: Engine = make_engine(url, pool_size=POOL, max_overflow=0, pool_timeout=3)
        settings = Settings(client_idle_seconds=1.0, client_body_seconds=2.0)
        listener = socket.create_server(("127.0.0.1", 0))
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8192)
        port = listener.getsockname()[1]
        config = uvicorn.Config(create_app(settings, engine=engine), log_level="warning")
        srv = uvicorn.Server(config)
        thread = threading.Thread(target=srv.run, kwargs={"sockets": [listener]}, daemon=True)
        thread.start()
        while not srv.started:
            time.sleep(0.05)
        try:
            yield Server(f"http://127.0.0.1:{port}", "127.0.0.1", port)
        finally:
            srv.should_exit = True
            thread.join(10)
            listener.close()
            engine.dispose()


def _raw(server: Server, request: bytes) -> socket.socket:
    """A client that sends `request` and then reads nothing (a tiny receive window)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((server.host, server.port))
    sock.sendall(request)
    return sock


def _signed_in(server: Server) -> tuple[str, str]:
    """An editor's session cookie and the CSRF token of the new-site form."""
    with httpx.Client(base_url=server.url, follow_redirects=False) as c:
        login = c.get("/login")
        data = {"username": "editor", "password": PASSWORD, "csrf": csrf(login.text)}
        assert c.post("/login", data=data | {"next": "/editor"}).status_code == 303
        token = csrf(c.get("/editor/sites/new").text)
        return c.cookies["redres_session"], token


@pytest.mark.slow  # clients that trickle on purpose, against a real server
def test_slow_readers_and_slow_bodies_leave_the_database_to_others(server: Server) -> None:
    cookie, token = _signed_in(server)
    readers = [
        _raw(server, b"GET /api/export.geojson HTTP/1.1\r\nHost: x\r\n\r\n") for _ in range(SLOW)
    ]
    form = f"csrf={token}&name=%E6%96%BD%E6%B4%8B&category=other&lon=114.3&lat=30.5".encode()
    head = (
        "POST /editor/sites/new HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Cookie: redres_session={cookie}\r\nContent-Length: {len(form)}\r\n\r\n"
    ).encode()
    tricklers = [_raw(server, head + form[:10]) for _ in range(SLOW)]
    try:
        time.sleep(0.5)  # every slow client is in, none has finished
        with httpx.Client(base_url=server.url, timeout=10) as c:
            for _ in range(3):
                assert c.get("/healthz").status_code == 200
                r = c.get("/api/sites", params={"q": "八七"})
                assert r.status_code == 200
                assert r.json()["total"] >= 1
        # The tricklers are told their body came too slowly; nothing was written for them.
        for sock in tricklers:
            sock.settimeout(10)
            assert sock.recv(200).startswith(b"HTTP/1.1 408")
        # The readers that never read are dropped: draining one ends in EOF, not a hang.
        sock = readers[0]
        sock.settimeout(10)
        time.sleep(1.5)  # past the idle limit
        received = 0
        while chunk := sock.recv(1 << 16):
            received += len(chunk)
        assert received > 0
    finally:
        for sock in readers + tricklers:
            sock.close()
