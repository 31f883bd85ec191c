"""The app on the Wuhan demo catalogue, served on 127.0.0.1 for the visitor's browser tests.

Shared by the visitor tests (language, map, footer, QR, previews); unlike the toy server of
`conftest`, the demo has real gaps: sites without a point, notes written in one language.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from sqlmodel import Session

from redres.api.app import create_app
from redres.catalog.demo import load_demo
from redres.config import Settings
from redres.db import init_db, make_engine

DEMO_DIR = Path(__file__).resolve().parents[2] / "data" / "wuhan"
PUBLIC_URL = "https://red.example.cn"
ICP, PSB = "鄂ICP备12345678号-1", "鄂公网安备 42010602000001号"


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """`app` on a free port of 127.0.0.1 in a thread; its base URL while the block runs."""
    sock = socket.socket()  # bound here and handed over: no other process can take the port
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", ws="none", lifespan="off")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    if not uv.started:
        pytest.fail("the app did not start serving on 127.0.0.1 within 30 s", pytrace=False)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        uv.should_exit = True
        thread.join(timeout=5)
        sock.close()


@contextmanager
def demo_app(directory: Path, **settings: object) -> Iterator[str]:
    """The demo catalogue in a SQLite file under `directory`, served with `settings`."""
    url = f"sqlite:///{directory / 'redres.db'}"
    engine = make_engine(url)
    init_db(engine)
    with Session(engine) as session:
        load_demo(session, DEMO_DIR)
        session.commit()
    app = create_app(
        Settings(database_url=url, secret_key="v" * 40, public_url=PUBLIC_URL, **settings),  # type: ignore[arg-type]
        engine=engine,
    )
    try:
        with serving(app) as base:
            yield base
    finally:
        engine.dispose()
