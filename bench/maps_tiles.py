"""Benchmark: the site map's first view at national scale (server mode, `/api/map/clusters`).

The synthetic catalogue of ``catalog_queries.py`` (seed 0: clusters around 35 provincial
capitals and base areas, a tenth uniform over China), built once into a kept SQLite file
(``--sqlite-path``; built there when empty) and/or a PostgreSQL database (``--pg-url``, built
when it holds no sites). The app serves ``/maps/sites.html`` in a thread of this process;
Debian's Chromium opens it at 1280x800 in a fresh context each time (empty browser cache),
map tiles answered locally with a 1x1 PNG.

For each engine:

- ``cold``: the first view after the app starts, made ready as ``redres serve`` makes a worker
  (``start_serving``: routes, templates; the planner's warm-up off), so nothing is cached yet;
- ``changed``: the first view after a change to the catalogue on an app that has served
  before (its version moved on: the page cache, the extent and every tile miss), the case of
  a running server after a publish;
- ``warm``: the next visitors' first view (fresh browsers, the server's page cache holding the
  tiles of the catalogue's current version).

``first_clusters_ms``: navigation start to the first cluster or marker icon in the DOM (a
MutationObserver); ``all_drawn_ms``: every tile of the first view answered and drawn;
``bytes``: encoded bodies + headers of every response of the app; ``tiles``: cluster requests;
the ``*_ms`` fields of the timeline (navigation start to the page's response, its scripts, the
first tile asked and answered, the last answered) say where the time goes;
``cpu_ms``: CPU time of this process (the app's threads, plus Playwright's client, a small
share) from navigation to all drawn: on a loaded machine wall times are mostly waiting for a
core, and this is what the server itself spent.

Usage::

    python bench/maps_tiles.py --sqlite-path /tmp/mapscale/q1m.db [--pg-url URL] [--repeat 3] \
        [--query category=museum]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import uvicorn
from catalog_queries import load, make_sites
from fastapi import FastAPI
from maps_page import ARGS, CHROMIUM, FIRST_MARKER, PNG_1X1, poll
from playwright.sync_api import Browser, sync_playwright
from sqlalchemy import Engine, text

from redres.api.app import create_app, start_serving
from redres.config import Settings
from redres.db import init_db, make_engine


@contextlib.contextmanager
def serve_app(app: FastAPI) -> Iterator[str]:
    """`app` on a free port of 127.0.0.1 in a thread, while the block runs."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()


def ensure_catalogue(url: str, n: int, seed: int) -> int:
    """The number of sites in `url`, after loading the synthetic catalogue when it is empty."""
    engine = make_engine(url)
    init_db(engine)  # also migrates a file built by an older checkout
    with engine.connect() as conn:
        held = int(conn.execute(text("SELECT count(*) FROM site")).scalar_one())
    if held == 0:
        started = time.perf_counter()
        load(engine, make_sites(n, seed), analyze_sqlite=True)
        print(f"# built {n} sites in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        held = n
    engine.dispose()
    return held


TIMELINE = """(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const scripts = res.filter(r => r.initiatorType === 'script' || r.name.endsWith('.js'));
  const tiles = res.filter(r => r.name.includes('/api/map/clusters'));
  const end = (list, f) => list.length ? Math.max(...list.map(f)) : null;
  const start = (list, f) => list.length ? Math.min(...list.map(f)) : null;
  return {
    html_ms: nav.responseEnd,
    dom_content_loaded_ms: nav.domContentLoadedEventEnd,
    scripts_ms: end(scripts, r => r.responseEnd),
    first_tile_asked_ms: start(tiles, r => r.startTime),
    first_tile_answered_ms: start(tiles, r => r.responseEnd),
    last_tile_answered_ms: end(tiles, r => r.responseEnd),
  };
})()"""
"""Where the first view's time goes: navigation start to the page, its scripts and the tiles."""


def first_view(browser: Browser, url: str) -> dict[str, float]:
    """One first view in a fresh browser context."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.add_init_script(FIRST_MARKER)
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))

    def route(r: Any) -> None:
        if r.request.url.startswith(("http://127.0.0.1", "data:")):
            r.continue_()
        else:
            r.fulfill(body=PNG_1X1, content_type="image/png")

    page.route("**/*", route)
    cpu = time.process_time()
    page.goto(url)
    ready = poll(page, "window.redres && redres.siteLayers && redres.siteLayers[0].redresReady")
    first = poll(page, "window.__firstMarker")
    # every tile of the view answered: no request of the layer still waiting
    drawn = poll(
        page,
        "(() => { const l = redres.siteLayers[0]; return l.redresPending() === 0"
        " ? performance.now() : null; })()",
    )
    cpu_ms = (time.process_time() - cpu) * 1000
    timeline = page.evaluate(TIMELINE)
    shown = int(page.evaluate("redres.siteLayers[0].redresShown()"))
    tiled = bool(page.evaluate("redres.siteLayers[0].redresTiled"))
    transferred = 0
    tiles = 0
    for response in responses:
        if response.url.startswith("http://127.0.0.1"):
            sizes = response.request.sizes()
            transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]
            tiles += "/api/map/clusters" in response.url
    context.close()
    return {
        "first_clusters_ms": first,
        "ready_ms": ready,
        "all_drawn_ms": drawn,
        "cpu_ms": cpu_ms,
        "bytes": transferred,
        "tiles": tiles,
        "shown": shown,
        "tiled": tiled,
        **timeline,
    }


def served_app(url: str, engine: Engine) -> FastAPI:
    """An app made ready as `redres serve` makes a worker's (routes resolved, templates
    compiled, start-up objects frozen), the planner's warm-up off: a first view measures the
    page, not the app's own start."""
    app = create_app(Settings(database_url=url, solver_warm_up=False), engine=engine)
    start_serving(app)
    app.state.import_jobs.stop()  # no imports here; its thread would only poll
    return app


def run_engine(
    browser: Browser, name: str, url: str, repeat: int, query: str = ""
) -> dict[str, Any]:
    """Cold then warm first views on one engine, each on a fresh app."""
    engine = make_engine(url)
    app = served_app(url, engine)
    path = f"/maps/sites.html{'?' + query if query else ''}"
    with serve_app(app) as base:
        page = f"{base}{path}"
        cold = first_view(browser, page)
        print(f"# {name} cold {cold}", file=sys.stderr, flush=True)
        warm = [first_view(browser, page) for _ in range(repeat)]
        for w in warm:
            print(f"# {name} warm {w}", file=sys.stderr, flush=True)
        # after a change: the same (warmed) app, the catalogue's version moved on
        changed = []
        for _ in range(repeat):
            with engine.begin() as conn:
                conn.execute(text("UPDATE catalogueversion SET version = version + 1"))
            changed.append(first_view(browser, page))
            print(f"# {name} changed {changed[-1]}", file=sys.stderr, flush=True)
        # cold again, as after a publish: a fresh app on the same database
    engine.dispose()
    colds = [cold]
    for _ in range(repeat - 1):
        engine = make_engine(url)
        with serve_app(served_app(url, engine)) as base:
            again = first_view(browser, f"{base}{path}")
            print(f"# {name} cold {again}", file=sys.stderr, flush=True)
            colds.append(again)
        engine.dispose()
    return {"engine": name, "cold": colds, "warm": warm, "changed": changed}


def summary(runs: list[dict[str, float]]) -> dict[str, float]:
    """Medians and ranges of the timed fields."""
    out: dict[str, float] = {}
    for key in ("first_clusters_ms", "all_drawn_ms", "cpu_ms", "bytes", "tiles"):
        values = [float(r[key]) for r in runs]
        out[key] = round(statistics.median(values))
        out[f"{key}_min"] = round(min(values))
        out[f"{key}_max"] = round(max(values))
    return out


def main(argv: list[str] | None = None) -> int:
    """Build (once) and measure; print a Markdown table, write JSON with --out."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sites", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--sqlite-path", type=Path)
    p.add_argument("--pg-url", help="a PostgreSQL database (built when it holds no sites)")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--out", type=Path)
    p.add_argument("--query", default="", help="the map page's filters, e.g. category=museum")
    args = p.parse_args(argv)
    engines = []
    if args.sqlite_path:
        engines.append(("sqlite", f"sqlite:///{args.sqlite_path}"))
    if args.pg_url:
        engines.append(("postgres", args.pg_url))
    if not engines:
        p.error("give --sqlite-path and/or --pg-url")
    results = []
    load_before = os.getloadavg()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, url in engines:
            held = ensure_catalogue(url, args.sites, args.seed)
            result = run_engine(browser, name, url, args.repeat, args.query)
            result["sites"] = held
            results.append(result)
        browser.close()
    load_after = os.getloadavg()
    print(f"load average before {load_before}, after {load_after}")
    print(
        "| engine | sites | view | first clusters ms | all drawn ms | server CPU ms | bytes "
        "| tile requests |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for r in results:
        for view in ("cold", "changed", "warm"):
            s = summary(r[view])
            print(
                f"| {r['engine']} | {r['sites']:,} | {view} | {s['first_clusters_ms']:,} "
                f"({s['first_clusters_ms_min']:,}-{s['first_clusters_ms_max']:,}) | "
                f"{s['all_drawn_ms']:,} ({s['all_drawn_ms_min']:,}-{s['all_drawn_ms_max']:,}) | "
                f"{s['cpu_ms']:,} ({s['cpu_ms_min']:,}-{s['cpu_ms_max']:,}) | "
                f"{s['bytes']:,} | {s['tiles']} |"
            )
    if args.out:
        data = {"load_before": load_before, "load_after": load_after, "results": results}
        args.out.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
