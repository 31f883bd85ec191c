"""A process killed in the middle of an import leaves the registry exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from redres.catalog.io import import_file
from tests.catalog.test_io_helpers import counts, write_csv
from tests.factories import add_toy_sites

pytestmark = pytest.mark.slow  # imports killed in subprocesses: CI runs them (--runslow)

CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from redres.catalog.io import import_file
    from redres.db import make_engine, session_scope

    def progress(done, total):
        print(f"written {done} of {total}", flush=True)
        time.sleep(60)  # hold the open transaction until the parent kills us

    with session_scope(make_engine(sys.argv[1])) as session:
        import_file(session, Path(sys.argv[2]), progress=progress)
    """
)


def test_killed_import_leaves_the_database_as_it_was(
    session: Session, engine: Engine, tmp_path: Path
) -> None:
    add_toy_sites(session)
    session.close()
    before = counts(session)
    rows = [["编号", "名称", "类别", "经度", "纬度"]]
    rows += [[f"K{i:05d}", f"第{i}号旧址", "旧址", 110 + i / 1000, 30.0] for i in range(2500)]
    path = write_csv(tmp_path / "big.csv", rows)
    url = engine.url.render_as_string(hide_password=False)
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("written 2000 of 2500"), line  # rows are in the open transaction
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
    assert counts(session) == before
    report = import_file(session, path)  # and the registry still takes the import
    session.commit()
    assert report.created == 2500
