"""The production proxy, `deploy/nginx.conf`, run by Debian's nginx in front of `redres serve` on
loopback: TLS, the redirect to it, forwarded headers (the client's address for rate limits only
from the proxy), compression, cached static files and the app's upload limit."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import text

from redres.config import Settings
from redres.db import init_db, make_engine
from tests.test_crash_durability import free_port, serve, wait_up

ROOT = Path(__file__).resolve().parent.parent
SITE_FILE = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

pytestmark = [
    pytest.mark.slow,  # two servers to start
    pytest.mark.skipif(
        NGINX is None,
        reason="Debian's nginx is not installed (scripts/test-prereqs.sh installs it as root: "
        "apt-get install nginx)",
    ),
]


def _site_file(app_port: int, http_port: int, https_port: int, tmp: Path) -> str:
    """deploy/nginx.conf with this test's ports, certificate and cache directory."""
    conf = SITE_FILE.read_text(encoding="utf-8")
    swaps = {
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "/etc/letsencrypt/live/red.example.cn/": f"{tmp}/",
        "/var/cache/nginx/redres": str(tmp / "cache"),
        "/var/www/letsencrypt": str(tmp / "acme"),
    }
    for old, new in swaps.items():
        assert old in conf, f"deploy/nginx.conf no longer has {old!r}; update this test"
        conf = conf.replace(old, new)
    return re.sub(r"^\s*listen \[::\]:.*$", "", conf, flags=re.M)  # no IPv6 on every box


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The app (SQLite, one worker) and nginx in front of it, both on loopback."""
    tmp = tmp_path_factory.mktemp("nginx")
    url = f"sqlite:///{tmp / 'redres.db'}"
    engine = make_engine(url)
    init_db(engine)
    cert = ["-subj", "/CN=localhost", "-keyout", str(tmp / "privkey.pem")]
    cert += ["-out", str(tmp / "fullchain.pem")]
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", *cert],
        check=True,
        capture_output=True,
    )
    app_port, http_port, https_port = free_port(), free_port(), free_port()
    (tmp / "redres.conf").write_text(_site_file(app_port, http_port, https_port, tmp))
    user = "user root;" if os.geteuid() == 0 else ""
    temp = " ".join(
        f"{k}_temp_path {tmp / k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp / "nginx.conf").write_text(
        f"{user}\nworker_processes 1;\npid {tmp / 'nginx.pid'};\nerror_log {tmp / 'error.log'};\n"
        "events { worker_connections 64; }\n"
        f"http {{ include /etc/nginx/mime.types; access_log {tmp / 'access.log'}; {temp}\n"
        f"include {tmp / 'redres.conf'}; }}\n"
    )
    app = serve(url, app_port, tmp, "--no-access-log")
    proxy = subprocess.Popen(
        [str(NGINX), "-c", str(tmp / "nginx.conf"), "-p", str(tmp), "-g", "daemon off;"],
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_up(f"http://127.0.0.1:{app_port}", app)
        for _ in range(100):
            assert proxy.poll() is None, (tmp / "error.log").read_text()
            try:
                httpx.get(f"http://127.0.0.1:{http_port}/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield {
            "https": f"https://127.0.0.1:{https_port}",
            "http": f"http://127.0.0.1:{http_port}",
            "app": f"http://127.0.0.1:{app_port}",
            "db": url,
        }
    finally:
        for proc in (proxy, app):
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        engine.dispose()


def _client(local: str = "127.0.0.1") -> httpx.Client:
    return httpx.Client(
        verify=False, timeout=30, transport=httpx.HTTPTransport(local_address=local, verify=False)
    )


def test_pages_come_through_tls_and_plain_http_is_sent_there(stack: dict[str, str]) -> None:
    with _client() as c:
        page = c.get(stack["https"] + "/themes", headers={"Accept-Encoding": "gzip"})
        assert page.status_code == 200
        assert "<html" in page.text
        assert page.headers["content-encoding"] == "gzip"  # nginx compressed it
        assert "Accept-Encoding" in page.headers["vary"]
        assert page.headers["strict-transport-security"].startswith("max-age=")
        assert "ETag" in page.headers or "etag" in page.headers  # the app's revalidation
        plain = c.get(stack["http"] + "/themes?lang=en")
        assert plain.status_code == 301
        assert plain.headers["location"].endswith("/themes?lang=en")
        assert plain.headers["location"].startswith("https://")


def test_the_app_sees_https_and_sets_secure_cookies(stack: dict[str, str]) -> None:
    with _client() as c:
        r = c.get(stack["https"] + "/login")
        assert r.status_code == 200
        assert "Secure" in r.headers["set-cookie"]
        direct = c.get(stack["app"] + "/login")
        assert "Secure" not in direct.headers["set-cookie"]


def _counted_addresses(db: str) -> set[str]:
    engine = make_engine(db)
    try:
        with engine.connect() as conn:
            keys = conn.execute(text("SELECT key FROM ratehit")).scalars().all()
    finally:
        engine.dispose()
    return {k.rsplit("|", 1)[1] for k in keys if k.startswith("/api/auth/token|")}


def test_rate_limits_count_the_real_client_and_believe_only_the_proxy(
    stack: dict[str, str],
) -> None:
    login = {"username": "nobody", "password": "wrong"}
    spoof = {"X-Forwarded-For": "10.9.9.9"}
    with _client("127.0.0.3") as via_proxy:  # the client's own address, seen by nginx
        r = via_proxy.post(stack["https"] + "/api/auth/token", data=login, headers=spoof)
        assert r.status_code == 401
    with _client("127.0.0.4") as direct:  # not the trusted proxy: its header is ignored
        r = direct.post(stack["app"] + "/api/auth/token", data=login, headers=spoof)
        assert r.status_code == 401
    counted = _counted_addresses(stack["db"])
    assert "127.0.0.3" in counted
    assert "127.0.0.4" in counted
    assert "10.9.9.9" not in counted


def test_static_files_are_kept_by_nginx(stack: dict[str, str]) -> None:
    css = next((ROOT / "redres" / "api" / "static").rglob("*.css"))
    path = "/static/api/" + css.relative_to(ROOT / "redres" / "api" / "static").as_posix()
    with _client() as c:
        first = c.get(stack["https"] + path)
        second = c.get(stack["https"] + path, headers={"Accept-Encoding": "gzip"})
        third = c.get(stack["https"] + path)
    assert first.status_code == second.status_code == 200
    assert first.content == css.read_bytes()
    assert second.content == css.read_bytes()
    assert first.headers["x-cache-status"] in ("MISS", "EXPIRED")
    assert second.headers["x-cache-status"] == third.headers["x-cache-status"] == "HIT"
    assert "max-age=3600" in second.headers["cache-control"]


def test_uploads_up_to_the_apps_limit_reach_the_app(stack: dict[str, str]) -> None:
    limit = re.search(r"client_max_body_size (\d+)m;", SITE_FILE.read_text(encoding="utf-8"))
    assert limit is not None
    assert int(limit.group(1)) << 20 == Settings().max_upload_bytes
    body = b"x" * (3 << 20)  # past nginx's own 1 MiB default
    with _client() as c:
        r = c.post(
            stack["https"] + "/api/import",
            files={"file": ("sites.csv", body, "text/csv")},
        )
    assert r.status_code == 401, r.text  # the app answered (sign in first), not nginx's 413
    assert r.headers["content-type"].startswith("application/json")
