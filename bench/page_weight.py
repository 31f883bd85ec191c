"""Benchmark: page weight and time to first contentful paint of the visitor pages, cold cache.

The Wuhan demo catalogue is loaded into a temporary SQLite file and served by uvicorn in a thread
of this process on 127.0.0.1; Debian's headless Chromium (``/usr/bin/chromium``, driven by
Playwright) opens each page in a fresh browser context (empty cache), N times:

- ``/`` (the home page: search, list and the site map),
- a site page (``/sites/august-7-conference-site``: facts, mini-map, stories),
- a route page (``/routes/hankou-1927-great-revolution-walk``: schedule and route map).

``kb_before_data`` counts what crossed the wire (encoded body + headers of every response from
the app: the page, its frames, scripts, stylesheets, icons) *before map data*: the site map's
``/maps/sites.json`` is left out and counted in ``kb_all``. Tile requests are answered locally
with a 1x1 PNG and counted nowhere (the basemap provider's bytes are not ours). ``ttfb_ms`` is
the page's first byte (the server's time), ``fcp_ms`` its first-contentful-paint entry,
``load_ms`` its load event (frames and map scripts included). Medians of N runs.

Usage::

    python bench/page_weight.py [--runs 5] [--width 390] [--out bench/page_weight.csv]
"""

from __future__ import annotations

import argparse
import csv
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from playwright.sync_api import Browser, sync_playwright
from sqlmodel import Session

from redres.api.app import create_app
from redres.catalog.demo import load_demo
from redres.config import Settings
from redres.db import init_db, make_engine

DEMO = Path(__file__).resolve().parents[1] / "data" / "wuhan"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--no-first-run"]
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
PAGES = {
    "home": "/",
    "site": "/sites/august-7-conference-site",
    "route": "/routes/hankou-1927-great-revolution-walk",
}
MAP_DATA = ("/maps/sites.json",)
"""Requests that are map data (left out of ``kb_before_data``)."""


@contextmanager
def demo_server(directory: Path) -> Iterator[str]:
    """The demo catalogue served on a free port of 127.0.0.1; its base URL."""
    url = f"sqlite:///{directory / 'redres.db'}"
    engine = make_engine(url)
    init_db(engine)
    with Session(engine) as session:
        load_demo(session, DEMO)
        session.commit()
    app = create_app(Settings(database_url=url, secret_key="b" * 40), engine=engine)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        engine.dispose()


def measure(browser: Browser, url: str, width: int) -> dict[str, float]:
    """One cold view of `url`: bytes before map data, all bytes, FCP and load times (ms)."""
    phone = width < 600
    context = browser.new_context(
        viewport={"width": width, "height": 844 if phone else 900}, is_mobile=phone
    )
    page = context.new_page()
    done: list[Any] = []

    def route(r: Any) -> None:
        if r.request.url.startswith("http://127.0.0.1"):
            r.continue_()
        else:  # a tile: answered here, counted nowhere
            r.fulfill(body=PNG_1X1, content_type="image/png")

    page.route("**/*", route)
    page.on("requestfinished", lambda request: done.append(request))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    timing = page.evaluate(
        """() => ({
        fcp: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime,
        ttfb: performance.getEntriesByType('navigation')[0].responseStart,
        load: performance.getEntriesByType('navigation')[0].loadEventEnd })"""
    )
    before = total = 0
    for request in done:
        if not request.url.startswith("http://127.0.0.1"):
            continue
        sizes = request.sizes()
        size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        total += size
        if not any(part in request.url for part in MAP_DATA):
            before += size
    context.close()
    return {
        "kb_before_data": before / 1024,
        "kb_all": total / 1024,
        "requests": len(done),
        "ttfb_ms": float(timing["ttfb"]),
        "fcp_ms": float(timing["fcp"] or 0.0),
        "load_ms": float(timing["load"]),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a Markdown table of medians (and a CSV with --out)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--width", type=int, default=390, help="viewport width (phone < 600)")
    parser.add_argument("--pages", nargs="*", default=list(PAGES), choices=list(PAGES))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    rows: list[dict[str, Any]] = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        demo_server(Path(tmp)) as base,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name in args.pages:
            path = PAGES[name]
            measure(browser, base + path, args.width)  # warm the server, not the browser
            runs = [measure(browser, base + path, args.width) for _ in range(args.runs)]
            row: dict[str, Any] = {"page": name, "path": path}
            for key in runs[0]:
                row[key] = round(statistics.median(r[key] for r in runs), 1)
            rows.append(row)
        browser.close()
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for row in rows:
        print("| " + " | ".join(str(row[k]) for k in keys) + " |")
    if args.out is not None:
        with args.out.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=keys)
            writer.writeheader()
            writer.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
