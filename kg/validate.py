"""SHACL validation of the asserted graph with pySHACL and ``ontology/shapes.ttl``."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl
from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef, plugin
from rdflib.namespace import RDF, SH
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Processor
from rdflib.term import _toPythonMapping

from kg.files import atomic_write
from kg.vocab import ONTOLOGY_DIR, ontology_graph, shapes_graph


@dataclass(frozen=True)
class Violation:
    """One SHACL result: which node broke which shape, and why."""

    focus: str
    shape: str
    path: str | None
    value: str | None
    message: str
    severity: str  # Violation | Warning | Info

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        value = f" = {self.value}" if self.value else ""
        return f"{self.severity}: <{self.focus}>{where}{value}: {self.message} [{self.shape}]"


@dataclass
class ValidationReport:
    """The outcome of validating a graph."""

    conforms: bool
    results: list[Violation] = field(default_factory=list)

    @property
    def violations(self) -> list[Violation]:
        return [r for r in self.results if r.severity == "Violation"]


class PreparedQueries(SPARQLProcessor):
    """rdflib's SPARQL processor, keeping each query text it has parsed.

    pySHACL sends the text of every SPARQL constraint again with each run; parsing them was a third
    of the time of validating one plan. rdflib supports running a prepared query many times
    (``prepareQuery``): this prepares each text once per process. Registered for the name "sparql"
    by :func:`validate`.
    """

    @staticmethod
    @lru_cache(maxsize=512)
    def _prepared(text: str, base: str | None, namespaces: tuple[tuple[str, Any], ...]) -> Query:
        return translateQuery(parseQuery(text), base, dict(namespaces))

    def query(self, strOrQuery: str | Query, initBindings: Any = None,  # type: ignore[override]  # noqa: N803
              initNs: Any = None, base: str | None = None, DEBUG: bool = False) -> Any:  # noqa: N803
        if isinstance(strOrQuery, str):
            strOrQuery = self._prepared(strOrQuery, base, tuple(sorted((initNs or {}).items())))
        return super().query(strOrQuery, initBindings, initNs, base, DEBUG)


@contextmanager
def rdflib_datatypes_kept() -> Iterator[None]:
    """Undo what owlrl does to rdflib's process-wide lexical-to-Python conversions.

    pySHACL's RDFS/OWL inference runs owlrl, which swaps rdflib's table of datatype conversions for
    its own and leaves it swapped: afterwards, in the same process, a valid "--11-15"^^xsd:gMonthDay
    reads as ill-typed. Every pySHACL run of this package goes through here.
    """
    saved = dict(_toPythonMapping)
    try:
        yield
    finally:
        _toPythonMapping.clear()
        _toPythonMapping.update(saved)


def validate(data: Graph) -> ValidationReport:
    """Validate ``data`` against the project's shapes (the ontology supplies the class hierarchy)."""
    plugin.register("sparql", Processor, __name__, "PreparedQueries")
    with rdflib_datatypes_kept():
        conforms, report, _ = shacl_validate(data, shacl_graph=shapes_graph(), ont_graph=ontology_graph(),
                                             inference="none", advanced=True, allow_warnings=True)
    results: list[Violation] = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        def one(prop: URIRef, node: object = node) -> str | None:
            value = report.value(node, prop)
            return str(value) if value is not None else None

        severity = (one(SH.resultSeverity) or "").rsplit("#", 1)[-1] or "Violation"
        results.append(Violation(focus=one(SH.focusNode) or "", shape=one(SH.sourceShape) or "",
                                 path=one(SH.resultPath), value=one(SH.value),
                                 message=one(SH.resultMessage) or "", severity=severity))
    results.sort(key=lambda r: (r.severity, r.shape, r.focus, r.path or "", r.value or ""))
    has_violation = any(r.severity == "Violation" for r in results)
    return ValidationReport(conforms=bool(conforms) or not has_violation, results=results)


# --- validation by units: one plan at a time, in worker processes, remembered between builds ---------
#
# pySHACL's time grows with the focus nodes and it holds the whole data graph in memory: a country of
# plans (millions of triples) cannot be validated as one graph. The build validates *units* instead:
# each plan's graph with the descriptions (agencies, vocabulary) of what it names, plus one unit of
# every plan's description of the legal documents (two plans citing one document with different dates
# is a cross-plan finding). The union of the units' results is the result of validating the whole
# graph (a test compares them on the sample). Each unit is validated in a worker process and its
# result is kept in a cache keyed by the unit's content and the shapes, so the next build re-validates
# only the plans that changed.

CACHE_FILE = "validation-cache.json"


@dataclass(frozen=True)
class Unit:
    """What one validation run sees: a name for messages and sorted N-Triples."""

    name: str
    data: bytes

    @property
    def key(self) -> str:
        return hashlib.sha256(_rules_digest().encode() + b"\n" + self.data).hexdigest()


@lru_cache(maxsize=1)
def _rules_digest() -> str:
    """What else a unit's result depends on: shapes, ontology, pySHACL's version."""
    digest = hashlib.sha256(pyshacl.__version__.encode())
    for name in ("shapes.ttl", "kehoach.ttl"):
        digest.update((ONTOLOGY_DIR / name).read_bytes())
    return digest.hexdigest()


def unit_data(triples: Iterable[ox.Triple]) -> bytes:
    """Sorted, deduplicated N-Triples: the same triples always give the same bytes (and key)."""
    ordered = sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return ox.serialize(ordered, format=ox.RdfFormat.N_TRIPLES) or b""


def validate_unit(data: bytes) -> list[Violation]:
    """Validate one unit's N-Triples (run in a worker process)."""
    graph = Graph()
    graph.parse(data=data.decode("utf-8"), format="nt")
    return validate(graph).results


def load_cache(folder: Path | None) -> dict[str, list[Violation]]:
    """The results a previous build left in ``folder`` (empty if none or unreadable)."""
    path = folder / CACHE_FILE if folder else None
    if path is None or not path.is_file():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("rules") != _rules_digest():
            return {}
        return {key: [Violation(**item) for item in items] for key, items in raw["units"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}  # a damaged cache costs time, never correctness


def save_cache(folder: Path, results: dict[str, list[Violation]]) -> None:
    data = {"rules": _rules_digest(),
            "units": {key: [asdict(v) for v in items] for key, items in sorted(results.items())}}
    atomic_write(folder / CACHE_FILE, json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n")


def validate_units(units: Iterable[Unit], *, jobs: int = 1, cache: dict[str, list[Violation]] | None = None,
                   tick: Callable[[], None] | None = None) -> tuple[ValidationReport, dict[str, list[Violation]]]:
    """Validate every unit (cached ones are not run again); return the merged report and the new cache.

    Units are consumed as they come, with at most two per worker waiting: a country of plans is
    never held at once (3,355 units were 1.5 GB).
    """
    cache = cache or {}
    done: dict[str, list[Violation]] = {}
    running: dict[Future[list[Violation]], str] = {}
    pool: ProcessPoolExecutor | None = None

    def finish(future: Future[list[Violation]]) -> None:
        done[running.pop(future)] = future.result()
        if tick:
            tick()

    try:
        for unit in units:
            key = unit.key
            if key in done or key in running.values():
                continue
            if key in cache:
                done[key] = cache[key]
                if tick:
                    tick()
            elif jobs <= 1:
                done[key] = validate_unit(unit.data)
                if tick:
                    tick()
            else:
                if pool is None:  # spawn, not fork: the build holds an open store
                    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"))
                running[pool.submit(validate_unit, unit.data)] = key
                while len(running) >= 2 * jobs:
                    finish(next(iter(wait(running, return_when=FIRST_COMPLETED).done)))
        while running:
            finish(next(iter(wait(running, return_when=FIRST_COMPLETED).done)))
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    results = sorted({v for items in done.values() for v in items},
                     key=lambda r: (r.severity, r.shape, r.focus, r.path or "", r.value or ""))
    has_violation = any(r.severity == "Violation" for r in results)
    return ValidationReport(conforms=not has_violation, results=results), done


def described_unit(name: str, triples: set[ox.Triple], described: ox.Store, depth: int = 3) -> Unit:
    """A unit of ``triples`` with what ``described`` (agencies and vocabulary) says of the IRIs they
    name, following links ``depth`` deep (agency → its kind → the kind's scheme)."""
    frontier = {t.object for t in triples if isinstance(t.object, ox.NamedNode)}
    seen: set[ox.NamedNode] = set()
    for _ in range(depth):
        found: set[ox.NamedNode] = set()
        for node in frontier - seen:
            seen.add(node)
            for quad in described.quads_for_pattern(node, None, None):
                triples.add(quad.triple)
                if isinstance(quad.object, ox.NamedNode):
                    found.add(quad.object)
        frontier = found
    return Unit(name, unit_data(triples))
