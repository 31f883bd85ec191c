"""Media: upload-to-derivatives time and peak memory for phone-sized photos, and the weight of
a site page with 12 photos before the reader scrolls.

Why this exists: editors upload straight from phones (24-megapixel JPEGs, 12-megapixel HEICs),
and every upload is decoded and re-encoded on the server, on 2 cores shared with everything
else; a visitor on a phone should not pay for twelve full-size photos to read a site page.

The pictures are generated here with Pillow (never downloaded): smooth colour gradients with
blurred noise, so they compress like photographs rather than like flat colour or pure noise.

1. Upload: each photo is sent as a multipart `POST /api/sites/{slug}/media` to the app on a
   temporary SQLite database (in-process TestClient, editor token), in a fresh Python process
   per run, so the peak resident memory (`ru_maxrss`) is that upload's; the baseline is the
   same process's RSS just before the upload (app, Pillow and the photo bytes loaded).
2. Page weight: a published site with 12 photos (3000x2000 JPEGs), served by uvicorn, opened
   in headless Chromium (Debian's) at 390x844 (2x, a phone) and at 1280x800 (1x); every byte
   the page fetched from the app before any scrolling is summed (bodies and headers).

Usage:

    .venv/bin/python bench/media.py --runs 3 --out /tmp/media.json
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from PIL import Image

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
FIELDS = {"caption": "基准照片", "credit": "基准测试", "licence": "CC0-1.0"}
SITE = {"name": "基准站点", "category": "other", "lon": 114.3, "lat": 30.55, "status": "published"}


def photo(width: int, height: int, fmt: str, *, seed: int = 0) -> bytes:
    """A photograph-like picture in `fmt` (JPEG or HEIF): colour gradients and detail at
    several scales (coarse shapes down to fine grain), so that it keeps detail when scaled
    down to a thumbnail, as a photograph does."""
    small = Image.new("RGB", (4, 3))
    small.putdata(
        [
            ((i * 53 + seed * 29) % 256, (i * 97 + seed * 7) % 256, (i * 31 + 80) % 256)
            for i in range(12)
        ]
    )
    picture = small.resize((width, height), Image.Resampling.BICUBIC)
    for scale, weight in ((64, 0.45), (12, 0.35), (3, 0.3), (1, 0.2)):
        size = (max(1, width // scale), max(1, height // scale))
        channels = [Image.effect_noise(size, 60 + 10 * c) for c in range(3)]
        layer = Image.merge("RGB", channels).resize((width, height), Image.Resampling.BICUBIC)
        picture = Image.blend(picture, layer, weight)
    buf = io.BytesIO()
    if fmt == "HEIF":
        from pillow_heif import register_heif_opener

        register_heif_opener()
        picture.save(buf, "HEIF", quality=80)
    else:
        picture.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def rss_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


PHOTOS = {
    "jpeg24": (6000, 4000, "JPEG", "IMG_24MP.jpg"),
    "heic12": (4000, 3000, "HEIF", "IMG_12MP.heic"),
}


def one_upload(kind: str, file: Path) -> dict[str, Any]:
    """Upload the photo in `file` through the API in this process; time and memory (the
    photo was made by the parent process, so making it does not count here)."""
    from fastapi.testclient import TestClient

    from redres.api.app import create_app
    from redres.catalog.accounts import create_user
    from redres.catalog.enums import Role
    from redres.config import Settings
    from redres.db import init_db, make_engine

    width, height, _fmt, name = PHOTOS[kind]
    data = file.read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        engine = make_engine(url)
        init_db(engine)
        from sqlmodel import Session

        with Session(engine) as session:
            create_user(session, "editor", "correct horse battery", Role.editor)
            session.commit()
        settings = Settings(database_url=url, media_dir=Path(tmp) / "media", secret_key="b" * 40)
        with TestClient(create_app(settings, engine=engine)) as client:
            token = client.post(
                "/api/auth/token", data={"username": "editor", "password": "correct horse battery"}
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            slug = client.post("/api/sites", json=SITE, headers=headers).json()["properties"][
                "slug"
            ]
            before = rss_mb()
            t0 = time.perf_counter()
            r = client.post(
                f"/api/sites/{slug}/media",
                files={"file": (name, data, "application/octet-stream")},
                data=FIELDS,
                headers=headers,
            )
            seconds = time.perf_counter() - t0
            assert r.status_code == 201, r.text
            item = r.json()
            display = client.get(item["url"]).content
            thumb = client.get(item["thumb_url"]).content
        engine.dispose()
    return {
        "kind": kind,
        "pixels": f"{width}x{height}",
        "upload_bytes": len(data),
        "seconds": round(seconds, 3),
        "baseline_rss_mb": round(before, 1),
        "peak_rss_mb": round(rss_mb(), 1),
        "display_bytes": len(display),
        "thumb_bytes": len(thumb),
    }


def page_weight() -> list[dict[str, Any]]:
    """Bytes a site page with 12 photos fetches before scrolling, phone and desktop."""
    import uvicorn
    from playwright.sync_api import sync_playwright
    from sqlmodel import Session

    from redres.api.app import create_app
    from redres.catalog.media import add_media, read_fields
    from redres.catalog.schemas import SiteCreate
    from redres.catalog.sites import create_site
    from redres.config import Settings
    from redres.db import init_db, make_engine
    from redres.media_store import DirectoryStore

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        engine = make_engine(url)
        init_db(engine)
        store = DirectoryStore(Path(tmp) / "media")
        with Session(engine) as session:
            site = create_site(session, SiteCreate(**SITE))
            for i in range(12):
                fields = read_fields({**FIELDS, "caption": f"照片 {i + 1}", "alt": f"照片 {i + 1}"})
                add_media(
                    session, store, site, photo(3000, 2000, "JPEG", seed=i), fields, actor="b"
                )
            session.commit()
            slug = site.slug
        app = create_app(
            Settings(database_url=url, media_dir=Path(tmp) / "media", secret_key="b" * 40),
            engine=engine,
        )
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for label, options in (
                (
                    "phone 390x844 @2x",
                    {
                        "viewport": {"width": 390, "height": 844},
                        "device_scale_factor": 2,
                        "is_mobile": True,
                    },
                ),
                ("desktop 1280x800 @1x", {"viewport": {"width": 1280, "height": 800}}),
            ):
                context = browser.new_context(locale="zh-CN", **options)
                page = context.new_page()
                responses: list[Any] = []
                page.on("response", lambda r, into=responses: into.append(r))
                page.route(
                    "**/*",
                    lambda r: (
                        r.continue_() if r.request.url.startswith("http://127.0.0.1") else r.abort()
                    ),
                )
                page.goto(f"http://127.0.0.1:{port}/sites/{slug}", wait_until="networkidle")
                time.sleep(1.0)
                total = images = 0
                for response in responses:
                    sizes = response.request.sizes()
                    total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
                    images += "/media/" in response.url
                rows.append(
                    {
                        "viewport": label,
                        "bytes": total,
                        "requests": len(responses),
                        "photos_loaded": images,
                    }
                )
                context.close()
            browser.close()
        server.should_exit = True
        thread.join(timeout=5)
        engine.dispose()
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run each upload in its own process `--runs` times, then the page weight."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--one", choices=list(PHOTOS), help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--pages-only", action="store_true", help="only the page weight")
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one_upload(args.one, args.file)))
        return 0
    uploads = []
    tmp = Path(tempfile.mkdtemp(prefix="redres-bench-media-"))
    for kind, (width, height, fmt, name) in () if args.pages_only else PHOTOS.items():
        file = tmp / name
        file.write_bytes(photo(width, height, fmt))
        runs = []
        for _ in range(args.runs):
            done = subprocess.run(
                [sys.executable, __file__, "--one", kind, "--file", str(file)],
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        summary = dict(runs[0])
        summary["seconds"] = round(statistics.median(r["seconds"] for r in runs), 3)
        summary["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
        summary["baseline_rss_mb"] = round(statistics.median(r["baseline_rss_mb"] for r in runs), 1)
        summary["runs"] = [r["seconds"] for r in runs]
        uploads.append(summary)
        print(json.dumps(summary), file=sys.stderr, flush=True)
        file.unlink()
    tmp.rmdir()
    pages = page_weight()
    result = {"uploads": uploads, "page_weight": pages}
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
