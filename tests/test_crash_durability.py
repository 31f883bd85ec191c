"""An acknowledged write survives the server being killed (kill -9) right after it answered."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlmodel import Session, select

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role, Status
from redres.catalog.models import Site
from redres.db import init_db, make_engine
from tests.api.forms import PASSWORD
from tests.conftest import new_database

pytestmark = pytest.mark.slow  # servers killed mid-write, in subprocesses: CI runs them (--runslow)

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(url: str, port: int, tmp: Path, *extra: str) -> subprocess.Popen[bytes]:
    """`redres serve` of this checkout in a process of its own, without the solver warm-up."""
    env = os.environ | {
        "PYTHONPATH": str(ROOT),
        "REDRES_SECRET_FILE": str(tmp / "secret"),
        "REDRES_SOLVER_WARM_UP": "false",
    }
    code = "from redres.cli import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--db", url, "--port", str(port), *extra],
        cwd=tmp,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        assert proc.poll() is None, "the server exited at start"
        try:
            up = httpx.get(f"{base}/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            up = False  # not listening yet
        if up:
            return
        time.sleep(0.1)
    pytest.fail("the server did not start")


def test_writes_acknowledged_before_a_kill_are_there_after_it(db_kind: str, tmp_path: Path) -> None:
    with new_database(db_kind, tmp_path) as url:
        engine = make_engine(url)
        init_db(engine)
        with Session(engine) as s:
            create_user(s, "editor", PASSWORD, Role.editor)
            s.commit()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = serve(url, port, tmp_path)
        acknowledged: list[str] = []
        try:
            wait_up(base, proc)
            with httpx.Client(base_url=base, timeout=30) as c:
                r = c.post("/api/auth/token", data={"username": "editor", "password": PASSWORD})
                auth = {"Authorization": f"Bearer {r.json()['access_token']}"}
                for i in range(5):
                    site = {
                        "name": f"测试旧址{i}",
                        "category": "former_site",
                        "lon": 114.3,
                        "lat": 30.5,
                    }
                    r = c.post("/api/sites", json=site | {"slug": f"site-{i}"}, headers=auth)
                    assert r.status_code == 201, r.text
                    acknowledged.append(f"site-{i}")
                r = c.patch("/api/sites/site-0", json={"address": "鄱阳街139号"}, headers=auth)
                assert r.status_code == 200
                r = c.delete("/api/sites/site-1", headers=auth)
                assert r.status_code == 200
                proc.send_signal(signal.SIGKILL)  # at once: no chance to finish anything
        finally:
            proc.kill()
            proc.wait()
        engine.dispose()
        with Session(engine) as s:
            sites = {site.slug: site for site in s.exec(select(Site))}
        engine.dispose()
        assert sorted(sites) == acknowledged
        assert sites["site-0"].address == "鄱阳街139号"
        assert sites["site-1"].status == Status.archived
