"""`redres serve --workers N`: several processes answer, a killed worker is replaced, and what
was acknowledged by any worker is in the database."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlmodel import Session, select

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.catalog.models import Site
from redres.db import init_db, make_engine
from tests.api.forms import PASSWORD
from tests.conftest import new_database
from tests.test_crash_durability import free_port, serve, wait_up


def _workers(master: int) -> set[int]:
    """The master's worker processes (not multiprocessing's resource tracker)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return {
        int(pid) for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    }


def _wait_workers(master: int, n: int, *, not_in: frozenset[int] = frozenset()) -> set[int]:
    for _ in range(300):
        pids = _workers(master) - not_in
        if len(pids) >= n:
            return pids
        time.sleep(0.1)
    msg = f"{n} workers did not come up"
    raise AssertionError(msg)


@pytest.mark.slow  # three interpreter starts per engine
def test_two_workers_survive_the_loss_of_one(db_kind: str, tmp_path: Path) -> None:
    with new_database(db_kind, tmp_path) as url:
        engine = make_engine(url)
        init_db(engine)
        with Session(engine) as s:
            create_user(s, "editor", PASSWORD, Role.editor)
            s.commit()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = serve(url, port, tmp_path, "--workers", "2")
        slugs: list[str] = []
        try:
            wait_up(base, proc)
            first = _wait_workers(proc.pid, 2)
            with httpx.Client(base_url=base, timeout=30) as c:
                r = c.post("/api/auth/token", data={"username": "editor", "password": PASSWORD})
                auth = {"Authorization": f"Bearer {r.json()['access_token']}"}

                def write(i: int) -> None:
                    site = {"name": f"旧址{i}", "category": "other", "lon": 114.3, "lat": 30.5}
                    r = c.post("/api/sites", json=site | {"slug": f"w-{i}"}, headers=auth)
                    assert r.status_code == 201, r.text
                    slugs.append(f"w-{i}")

                for i in range(4):
                    write(i)
                victim = min(first)
                os.kill(victim, signal.SIGKILL)
                _wait_workers(proc.pid, 2, not_in=frozenset({victim}))
                for i in range(4, 8):  # the token signed by one worker works on every worker
                    write(i)
                assert c.get("/healthz").status_code == 200
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        engine.dispose()
        with Session(engine) as s:
            assert sorted(site.slug for site in s.exec(select(Site))) == sorted(slugs)
        engine.dispose()
