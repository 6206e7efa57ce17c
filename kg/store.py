"""The embedded persistent store: an on-disk Oxigraph database written by the build (``out/store``).

Queries, the endpoint and the views read from it. Its default graph is empty: every triple lives in a
named graph (one per plan, ``graph/agencies``, ``graph/vocab``, the ontology, ``graph/inferred``), and
readers query the union of them.

:func:`load_in_memory` copies a build into an in-memory Oxigraph store for ``kehoach serve
--in-memory``: each lookup costs ~1-2 µs there against 10-30 µs in the on-disk store, so queries that
read tens of thousands of rows (a whole country's listings) answer ~6-10x faster, for ~400 bytes of
memory per quad (2.5 GB for the 6.3 M quads of a country) and a load at start.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.errors import KehoachError

STORE_DIR = "store"
TRIG_FILE = "graph.trig"
MEMORY_PER_QUAD = 420  # bytes of a process holding an in-memory store (country: 2,512 MB for 6,275,274 quads)


def open_store(out: Path | str) -> ox.Store:
    """Open the store of a build output folder (``out``) read-only."""
    path = Path(out) / STORE_DIR
    if not path.is_dir():
        raise KehoachError(f"no store in {Path(out)}: run 'kehoach build --out {out}' first")
    return _read_only(path)


def _read_only(path: Path) -> ox.Store:
    try:
        return ox.Store.read_only(str(path))
    except OSError as error:
        raise KehoachError(f"cannot open the store {path}: {error}") from error


def load_in_memory(store_dir: Path | str) -> ox.Store:
    """The quads of the on-disk store ``store_dir`` (``out/store``) in an in-memory store.

    The build's ``graph.trig`` next to the store holds the same quads and parses ~2.5x faster than
    the store can be read out quad by quad (country: 29 s against 74 s), so it is loaded first; when
    it is missing, or its quad count differs from the store's (a TriG file from another build), the
    store itself is copied.
    """
    store_dir = Path(store_dir)
    disk = _read_only(store_dir)
    expected = len(disk)
    memory = ox.Store()
    trig = store_dir.parent / TRIG_FILE
    if trig.is_file():
        try:
            memory.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
        except (OSError, SyntaxError) as error:
            raise KehoachError(f"cannot load {trig} into memory: {error}") from error
        if len(memory) == expected:
            return memory
        memory.clear()
    memory.bulk_extend(disk)
    return memory


def memory_estimate(store_dir: Path | str) -> tuple[int, int | None]:
    """The bytes one in-memory copy of ``store_dir`` needs (``MEMORY_PER_QUAD`` per quad), and the
    bytes this machine has available (``MemAvailable``, Linux; else None)."""
    needed = len(_read_only(Path(store_dir))) * MEMORY_PER_QUAD
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            fields = dict(line.split(":", 1) for line in meminfo)
        return needed, int(fields["MemAvailable"].split()[0]) * 1024
    except (OSError, KeyError, ValueError):
        return needed, None
