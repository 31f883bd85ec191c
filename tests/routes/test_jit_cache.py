"""The solver's compiled kernels are kept per source: a change anywhere in the solver (not only
in the module defining a kernel) must not load machine code compiled from the old source."""

from __future__ import annotations

import shutil
from pathlib import Path

import numba

from redres.routes.solver import jit_cache


def test_any_solver_module_change_moves_the_cache(tmp_path: Path) -> None:
    copy = tmp_path / "solver"
    shutil.copytree(jit_cache.SOLVER_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = jit_cache.source_digest(copy)
    assert jit_cache.source_digest(copy) == before  # the same source, the same folder
    order = copy / "order.py"
    order.write_text(order.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert jit_cache.source_digest(copy) != before


def test_the_kernels_are_cached_in_the_folder_of_this_source() -> None:
    from redres.routes.solver.search import iterate

    folder = Path(numba.config.CACHE_DIR)
    assert folder.name == jit_cache.source_digest()
    assert Path(iterate._cache._cache_path).is_relative_to(folder)
