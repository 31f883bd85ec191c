"""Benchmark readers: counts, budgets and the distance conventions the best-known scores need."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from redres.routes.read import read, read_op, read_toptw

BENCH = Path(__file__).resolve().parents[3] / "shared" / "bench" / "instances"
DATA = Path(__file__).resolve().parents[1] / "data"

needs_bench = pytest.mark.skipif(not BENCH.exists(), reason="shared/bench not beside the repo")


@needs_bench
def test_solomon_file() -> None:
    inst = read(BENCH / "toptw" / "c101.txt", m=3)
    data = inst.data
    assert (inst.family, inst.param, data.num_nodes, data.num_days) == ("toptw", 3.0, 100, 3)
    assert data.day_window.tolist() == [[0.0, 1236.0]] * 3  # Tmax is C of vertex 0
    depot = int(data.day_start[0])
    # vertex 0 (40, 50) to vertex 1 (45, 68): sqrt(349) = 18.68.. truncated to 18.6
    assert data.travel[depot, 0] == 18.6
    assert inst.node_ids.tolist() == list(range(1, 101))
    assert (data.service[0], data.scores[0], list(data.windows[0][0])) == (
        90.0,
        10.0,
        [(912.0, 967.0)],
    )


@needs_bench
def test_cordeau_file_truncates_to_two_decimals() -> None:
    inst = read_toptw(BENCH / "toptw" / "pr01.txt")
    data = inst.data
    assert data.num_nodes == 48
    assert data.day_window[0].tolist() == [0.0, 1000.0]
    raw = math.dist((-10.442, 19.999), (-29.730, 64.136))
    assert data.travel[48, 0] == math.floor(raw * 100) / 100


@needs_bench
def test_op_file_start_first_end_second() -> None:
    inst = read(BENCH / "op" / "Tsiligirides_1" / "tsiligirides_problem_1_budget_05.txt")
    data = inst.data
    assert (inst.family, inst.param, data.num_nodes, data.num_days) == ("op", 5.0, 30, 1)
    start, end = int(data.day_start[0]), int(data.day_end[0])
    assert data.travel[start, end] == pytest.approx(math.dist((10.5, 14.4), (11.2, 14.1)))
    assert data.travel[start, 0] == pytest.approx(math.dist((10.5, 14.4), (18.0, 15.9)))
    assert inst.node_ids[0] == 2
    assert data.scores[0] == 10.0


def test_tiny_files_and_routes_in_file_numbering() -> None:
    op = read_op(DATA / "op" / "tiny7.txt")
    assert op.data.num_nodes == 7
    assert op.param == 30.0
    assert op.file_routes(((0, 4),)) == [[2, 6]]
    toptw = read(DATA / "toptw" / "tiny6.txt", m=2)
    assert toptw.file_routes(((0,), (5, 1))) == [[1], [6, 2]]
    assert np.all(toptw.data.travel == toptw.data.travel.T)


def test_unknown_layout_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("1 2 3\n")
    with pytest.raises(ValueError, match="neither"):
        read(bad)
