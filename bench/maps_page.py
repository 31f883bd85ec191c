"""Benchmark: site-map page weight and time to first marker for 1,000 / 10,000 / 40,000 sites.

Two ways a map reaches a browser are measured in headless Chromium (Debian's, /usr/bin/chromium):

- ``served``: the app's ``/maps/sites.html`` on a SQLite catalogue of N published sites, which
  fetches ``/maps/sites.json`` (gzipped); bytes are what crossed the wire (encoded sizes of every
  response), the first view of a fresh browser context with an empty cache.
- ``file``: the standalone file of ``redres map --out`` (every asset and the data inlined),
  opened from disk; bytes are the file size.

Times are from navigation start: ``first_marker_ms`` when the first marker or cluster icon is in
the DOM, ``all_markers_ms`` when the index holds all N sites and the view is drawn (search and
theme filters ready). Tile requests are answered locally with a 1x1 PNG so the network does not count.

Sites are the 5,060 national key units of ``../shared/data/national/`` (WGS-84 points), each
repeated with a jitter of a few kilometres until N are reached; names carry a sequence number.

Usage::

    python bench/maps_page.py [--sizes 1000 10000 40000] [--repeat 3] [--out bench/maps_page.csv]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import uvicorn
from playwright.sync_api import Browser, sync_playwright
from sqlmodel import Session

from redres.api.app import create_app
from redres.catalog.enums import Status
from redres.catalog.models import Site
from redres.config import Settings
from redres.db import init_db, make_engine
from redres.hours.holidays_cn import default_calendar
from redres.maps.options import MapSettings
from redres.maps.render import site_map, to_html

NATIONAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "national"
PROJ = NATIONAL / "moonlight216__moonlight216.github.io" / "data" / "proj.json"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
CATEGORIES = ["former_site", "memorial_hall", "martyrs_cemetery", "monument", "museum", "other"]
FIRST_MARKER = """
window.__firstMarker = null;
new MutationObserver(function (records, obs) {
  if (document.querySelector('.leaflet-marker-icon')) {
    window.__firstMarker = performance.now();
    obs.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""


def sites(n: int, *, seed: int = 0) -> list[dict[str, Any]]:
    """N site records around the national key units (or uniform over China without the file)."""
    rng = random.Random(seed)
    seeds: list[tuple[str, float, float]] = []
    if PROJ.is_file():
        for row in json.loads(PROJ.read_text(encoding="utf-8")):
            try:
                seeds.append((row["NAME"], float(row["LON"]), float(row["LAT"])))
            except (KeyError, ValueError):
                continue
    if not seeds:
        seeds = [(f"站点{i}", rng.uniform(75, 134), rng.uniform(18, 53)) for i in range(5000)]
    out = []
    for i in range(n):
        name, lon, lat = seeds[i % len(seeds)]
        if i >= len(seeds):
            lon += rng.gauss(0, 0.05)
            lat += rng.gauss(0, 0.05)
        out.append(
            {
                "name": f"{name}（{i}）" if i >= len(seeds) else name,
                "slug": f"site-{i}",
                "category": CATEGORIES[i % len(CATEGORIES)],
                "lon": round(lon, 6),
                "lat": round(lat, 6),
                "opening_hours": "Tu-Su 09:00-17:00; PH open" if i % 3 == 0 else None,
                "period": "anti_japanese_war" if i % 4 == 0 else None,
                "protection": "national" if i < len(seeds) else "provincial",
            }
        )
    return out


def build_db(records: list[dict[str, Any]], path: Path) -> str:
    """A SQLite catalogue holding the records as published sites (bulk insert, no search index)."""
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    init_db(engine)
    with Session(engine) as session:
        session.add_all(Site(**r, status=Status.published) for r in records)
        session.commit()
    engine.dispose()
    return url


def serve(url: str) -> tuple[uvicorn.Server, threading.Thread, str]:
    """The app on a free port of 127.0.0.1, in a thread."""
    app = create_app(Settings(database_url=url))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def measure(browser: Browser, url: str, n: int) -> dict[str, float]:
    """One cold load: time to first marker, to all markers, and the bytes transferred."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.add_init_script(FIRST_MARKER)
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))

    def route(r: Any) -> None:
        if r.request.url.startswith(("http://127.0.0.1", "file:", "data:")):
            r.continue_()
        else:
            r.fulfill(body=PNG_1X1, content_type="image/png")

    page.route("**/*", route)
    page.goto(url)
    # poll from here: the app's CSP forbids the eval that page.wait_for_function relies on
    all_markers = poll(
        page,
        f"window.redres && redres.siteLayers && redres.siteLayers[0].redresShown() === {n}"
        " ? redres.siteLayers[0].redresReady : null",
    )
    first = poll(page, "window.__firstMarker")
    transferred = 0
    for response in responses:
        if response.url.startswith("http://127.0.0.1"):
            sizes = response.request.sizes()
            transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    context.close()
    return {"first_marker_ms": first, "all_markers_ms": all_markers, "bytes": transferred}


def poll(page: Any, expression: str, *, timeout_s: float = 120.0) -> float:
    """Evaluate `expression` every 20 ms until it is a number (a page timestamp)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = page.evaluate(expression)
        if value is not None:
            return float(value)
        time.sleep(0.02)
    msg = f"timed out waiting for {expression!r}"
    raise TimeoutError(msg)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print (and optionally write) one CSV row per size and mode."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 40_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for n in args.sizes:
            records = sites(n)
            db = build_db(records, Path(tmp) / f"sites_{n}.db")
            server, thread, base = serve(db)
            t0 = time.perf_counter()
            with urllib.request.urlopen(f"{base}/maps/sites.json") as r:
                r.read()
            cold_json_ms = (time.perf_counter() - t0) * 1000
            served = [measure(browser, f"{base}/maps/sites.html", n) for _ in range(args.repeat)]
            server.should_exit = True
            thread.join()
            features = [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
                    "properties": r,
                }
                for r in records
            ]
            settings = MapSettings(assets="inline")
            page = to_html(
                site_map(features, settings=settings, calendar=default_calendar()),
                settings=settings,
            )
            file = Path(tmp) / f"map_{n}.html"
            file.write_text(page, encoding="utf-8")
            standalone = [measure(browser, file.as_uri(), n) for _ in range(args.repeat)]
            for mode, runs in (("served", served), ("file", standalone)):
                row = {
                    "sites": n,
                    "mode": mode,
                    "bytes": int(statistics.median(r["bytes"] for r in runs))
                    if mode == "served"
                    else file.stat().st_size,
                    "first_marker_ms": round(statistics.median(r["first_marker_ms"] for r in runs)),
                    "all_markers_ms": round(statistics.median(r["all_markers_ms"] for r in runs)),
                    "cold_server_json_ms": round(cold_json_ms) if mode == "served" else "",
                }
                rows.append(row)
                print(row, file=sys.stderr, flush=True)
        browser.close()
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    if args.out:
        with args.out.open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
