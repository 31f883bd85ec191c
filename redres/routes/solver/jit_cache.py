"""Where numba keeps the solver's compiled kernels: a folder named for the solver's source.

numba's own cache (`cache=True`) is checked against the file that defines each kernel only, so a
change to a kernel it calls in another module (an operator in `order.py` called by
`search.iterate`) would leave the old machine code in use. Keying the folder by a digest of every
module of the solver makes any change start from a fresh compile instead.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numba

SOLVER_DIR = Path(__file__).resolve().parent


def source_digest(folder: Path = SOLVER_DIR) -> str:
    """A short digest of the solver's modules, in name order."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def use_source_keyed_cache() -> Path:
    """Point numba's cache at a folder for this source; must run before any kernel is defined.

    The folder is under `NUMBA_CACHE_DIR` when it is set, else under the user's cache folder
    (`XDG_CACHE_HOME`, else ``~/.cache``), so an installed package needs no write access to its
    own directory.
    """
    base = os.environ.get("NUMBA_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "redres", "numba"
    )
    folder = Path(base) / source_digest()
    numba.config.CACHE_DIR = str(folder)  # type: ignore[attr-defined]  # set from the environment
    return folder
