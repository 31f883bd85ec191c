"""The app on the Wuhan demo catalogue, served on 127.0.0.1 for the visitor's browser tests.

Shared by the visitor tests (language, map, footer, QR, previews); unlike the toy server of
`conftest`, the demo has real gaps: sites without a point, notes written in one language.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlmodel import Session

from redres.api.app import create_app
from redres.catalog.demo import load_demo
from redres.config import Settings
from redres.db import init_db, make_engine
from tests.browser.serving import serving

DEMO_DIR = Path(__file__).resolve().parents[2] / "data" / "wuhan"
PUBLIC_URL = "https://red.example.cn"
ICP, PSB = "鄂ICP备12345678号-1", "鄂公网安备 42010602000001号"


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
