"""The embedded persistent store: an on-disk Oxigraph database written by the build (``out/store``).

Queries, the endpoint and the views read from it. Its default graph is empty: every triple lives in a
named graph (one per plan, ``graph/agencies``, ``graph/vocab``, the ontology, ``graph/inferred``), and
readers query the union of them.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.errors import KehoachError

STORE_DIR = "store"


def open_store(out: Path | str) -> ox.Store:
    """Open the store of a build output folder (``out``) read-only."""
    path = Path(out) / STORE_DIR
    if not path.is_dir():
        raise KehoachError(f"no store in {Path(out)}: run 'kehoach build --out {out}' first")
    try:
        return ox.Store.read_only(str(path))
    except OSError as error:
        raise KehoachError(f"cannot open the store {path}: {error}") from error
