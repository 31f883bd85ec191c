"""Rate limits hold across processes: `redres serve --workers N` counts each client once."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import Engine, func, select

from redres.rate_window import RateHit, RateWindow

_CHECKER = textwrap.dedent(
    """
    import sys
    from redres.db import make_engine
    from redres.rate_window import RateWindow
    window = RateWindow(make_engine(sys.argv[1]), int(sys.argv[2]), 60.0)
    sys.stdin.readline()  # start together
    print(sum(window.check("login|203.0.113.7") is None for _ in range(int(sys.argv[3]))))
    """
)


@pytest.mark.slow
def test_processes_share_one_limit(db_url: str, engine: Engine) -> None:
    """Two processes calling at once get 25 calls through between them, not 25 each."""
    with engine.begin() as conn:
        conn.execute(RateHit.__table__.delete())  # type: ignore[attr-defined]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _CHECKER, db_url, "25", "40"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    allowed = [int(p.communicate(timeout=120)[0]) for p in procs]
    assert sum(allowed) == 25, allowed
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(RateHit)).scalar_one()
    assert stored == 25


def test_the_window_slides_and_answers_the_wait(engine: Engine) -> None:
    now = [5000.0]
    window = RateWindow(engine, 3, 60.0, clock=lambda: now[0])
    for step in range(3):
        now[0] += 10 * step
        assert window.check("plan|198.51.100.1") is None
    # calls at 5000, 5010, 5030: the fourth waits until the first leaves the window
    assert window.check("plan|198.51.100.1") == pytest.approx(30.0)
    now[0] = 5060.5
    assert window.check("plan|198.51.100.1") is None
    assert window.check("plan|198.51.100.2") is None  # other clients are not affected


@pytest.mark.parametrize(("limit", "seconds"), [(0, 60.0), (5, 0.0), (5, 90_000.0)])
def test_nonsense_limits_are_refused(engine: Engine, limit: int, seconds: float) -> None:
    with pytest.raises(ValueError, match="rate limit"):
        RateWindow(engine, limit, seconds)
