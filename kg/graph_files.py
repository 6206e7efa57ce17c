"""The build's RDF files, written as the build goes: ``graph.trig`` (every named graph) and
``graph.nt`` (the union of the asserted graphs, each triple once), then ``graph.ttl`` and
``graph.jsonld`` converted from ``graph.nt`` by streaming.

A country of plans is millions of quads: they are never all held, sorted or read back from the store.
Each graph is serialised when it is complete (a plan's graph as soon as the plan is converted), sorted
on its own, into a *part* file; a part holds the graphs whose IRIs sort together (all plan graphs
share the prefix ``graph/plan/``, and the build makes them in IRI order). At the end the parts are
joined in the order of their first graph's IRI, under one block of prefixes. The same input always
gives the same bytes.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg.oxi import PREFIXES

PREFIX_LINE = b"@prefix "


def _key(quad: ox.Quad) -> tuple[str, str, str]:
    return (str(quad.subject), str(quad.predicate), str(quad.object))


def digest(triple: ox.Triple | ox.Quad) -> bytes:
    """A short fingerprint of a triple, to remember which were written without keeping them."""
    text = f"{triple.subject} {triple.predicate} {triple.object}"
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def _body(chunk: bytes) -> tuple[bytes, bytes]:
    """(the prefix lines, the rest) of a serialisation."""
    at = 0
    while chunk.startswith(PREFIX_LINE, at):
        at = chunk.index(b"\n", at) + 1
    return chunk[:at], chunk[at:]


@dataclass
class _Part:
    first: str  # IRI of the first graph written to it: parts are joined in this order
    trig: BinaryIO
    nt: BinaryIO | None  # None: not an asserted graph (the ontology, inferences)
    paths: tuple[Path, Path]
    current: str = ""  # the graph whose block is open: a further piece of it goes into the same block

    def write_block(self, graph: str, block: bytes) -> None:
        """Write one graph's block ("<g> {" … "}"); pieces of one graph share one block."""
        head = block.index(b"\n") + 1
        if not block.endswith(b"}\n"):
            raise ValueError("unexpected TriG from the serialiser")
        if graph != self.current:
            self.close_block()
            self.trig.write(block[:head])
            self.current = graph
        self.trig.write(block[head:-2])

    def close_block(self) -> None:
        if self.current:
            self.trig.write(b"}\n")
            self.current = ""


@dataclass
class GraphFiles:
    """Collects graphs into part files in ``folder`` (a scratch folder) and joins them at the end."""

    folder: Path
    quads: int = 0
    triples: int = 0  # distinct asserted triples written to graph.nt
    _parts: dict[str, _Part] = field(default_factory=dict)
    _header: bytes = b""
    _shared: set[bytes] = field(default_factory=set)

    def add(self, part: str, graph: ox.NamedNode, quads: list[ox.Quad], *, asserted: bool = True,
            owner: str | None = None) -> None:
        """Append one named graph (or a further piece of the ``part``'s current graph) to ``part``.

        ``quads`` are sorted here. In graph.nt a triple is written once: those about the graph's own
        resources (IRIs under ``owner``, the plan's IRI) cannot be in another graph and are written
        as they come; the others (a cited document, an agency) are remembered by fingerprint.
        """
        if not quads:
            return
        ordered = sorted(set(quads), key=_key)  # a graph is a set: the vocabulary lists may overlap
        target = self._part(part, graph.value, asserted)
        header, body = _body(ox.serialize(ordered, format=ox.RdfFormat.TRIG, prefixes=PREFIXES) or b"")
        self._header = self._header or header
        target.write_block(graph.value, body)
        self.quads += len(ordered)
        if target.nt is None:
            return
        union = []
        for quad in ordered:
            subject = quad.subject.value if isinstance(quad.subject, ox.NamedNode) else ""
            if owner is None or not (subject == owner or subject.startswith(owner + "/")):
                mark = digest(quad)
                if mark in self._shared:
                    continue
                self._shared.add(mark)
            union.append(ox.Triple(quad.subject, quad.predicate, quad.object))
        target.nt.write(ox.serialize(union, format=ox.RdfFormat.N_TRIPLES) or b"")
        self.triples += len(union)

    def _part(self, name: str, first: str, asserted: bool) -> _Part:
        if name not in self._parts:
            paths = (self.folder / f"{len(self._parts):02d}.trig", self.folder / f"{len(self._parts):02d}.nt")
            self._parts[name] = _Part(first, paths[0].open("wb"), paths[1].open("wb") if asserted else None, paths)
        return self._parts[name]

    def finish(self, out: Path) -> None:
        """Join the parts into ``out``/graph.trig and graph.nt; convert graph.nt to Turtle and JSON-LD."""
        parts = sorted(self._parts.values(), key=lambda p: p.first)
        for part in parts:
            part.close_block()
            part.trig.close()
            if part.nt:
                part.nt.close()
        with (out / "graph.trig").open("wb") as trig:
            trig.write(self._header)
            for part in parts:
                with part.paths[0].open("rb") as piece:
                    shutil.copyfileobj(piece, trig, 1 << 20)
        with (out / "graph.nt").open("wb") as nt:
            for part in parts:
                if part.nt:
                    with part.paths[1].open("rb") as piece:
                        shutil.copyfileobj(piece, nt, 1 << 20)
        for name, fmt in (("graph.ttl", ox.RdfFormat.TURTLE), ("graph.jsonld", ox.RdfFormat.JSON_LD)):
            triples = (q.triple for q in ox.parse(path=str(out / "graph.nt"), format=ox.RdfFormat.N_TRIPLES))
            ox.serialize(triples, str(out / name), fmt, prefixes=PREFIXES)
        shutil.rmtree(self.folder, ignore_errors=True)
