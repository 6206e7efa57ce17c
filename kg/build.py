"""The build: plan files → intermediate model → RDF → validation → inference → files in ``out/``.

Writes are atomic: everything goes to a temporary folder next to ``out/`` that replaces it only when
the build has finished, so a failed build leaves the previous ``out/`` intact.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from kg import oxi
from kg.errors import InputError, KehoachError
from kg.extract import read_plan
from kg.files import swap_folder
from kg.graph_files import GraphFiles
from kg.inference import Deriver
from kg.iris import DEFAULT_BASE, ONTOLOGY, Iris
from kg.model import Plan, Problem
from kg.rdf import AgencyBook, Triple, plan_triples
from kg.store import STORE_DIR
from kg.validate import Unit, ValidationReport, described_unit, load_cache, save_cache, unit_data, validate_units
from kg.vocab import ONTOLOGY_DIR, kind_triples, ontology_graph, scheme_graph, unit_triples

PLAN_SUFFIXES = (".txt", ".md")


@dataclass
class PlanResult:
    """One plan of a build: the model read, its IRI, its named graph and how many triples it holds."""

    plan: Plan
    iri: URIRef
    graph: URIRef
    triple_count: int = 0


@dataclass
class BuildResult:
    """What a build produced and what went wrong."""

    plans: list[PlanResult] = field(default_factory=list)
    failed: list[Problem] = field(default_factory=list)
    validation: ValidationReport | None = None
    inferred: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    validation_runs: dict[str, int] = field(default_factory=dict)  # units validated now / reused
    out: Path | None = None

    @property
    def ok(self) -> bool:
        return self.validation is None or not self.validation.violations


def find_inputs(inputs: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """Plan files named directly or found in folders (``*.txt``, ``*.md``), sorted, without repeats."""
    files: list[Path] = []
    problems: list[Problem] = []
    for item in inputs:
        if item.is_dir():
            files += sorted(p for p in item.rglob("*") if p.is_file() and p.suffix.lower() in PLAN_SUFFIXES)
        elif item.is_file():
            files.append(item)
        else:
            problems.append(Problem(str(item), None, "missing", "no such file or folder", "error"))
    unique = sorted(dict.fromkeys(p.resolve() for p in files))
    return unique, problems


def _ticker(total: int, what: str, enabled: bool) -> tuple[Callable[[], None], Callable[[], None]]:
    """A progress bar (on a terminal, for long work): (tick, close)."""
    if not enabled or total < 10:
        return (lambda: None), (lambda: None)
    from tqdm import tqdm

    bar = tqdm(total=total, desc=what, unit="plan", file=sys.stderr)
    return (lambda: bar.update()), bar.close


def read_all(files: list[Path], *, progress: bool = False,
             on_problem: Callable[[Problem], None] | None = None) -> tuple[list[Plan], list[Problem]]:
    """Read every file; a file that cannot be read is reported and the others go on."""
    plans: list[Plan] = []
    failed: list[Problem] = []
    tick, close = _ticker(len(files), "reading plans", progress)
    for path in files:
        tick()
        try:
            plans.append(read_plan(path))
        except InputError as error:
            problem = Problem(path.name, error.line, error.what, error.detail, "error")
            failed.append(problem)
            if on_problem:
                on_problem(problem)
        except (OSError, UnicodeError, ValueError) as error:  # unreadable file: report, go on
            problem = Problem(path.name, None, "unreadable", f"{type(error).__name__}: {error}", "error")
            failed.append(problem)
            if on_problem:
                on_problem(problem)
    close()
    return plans, failed


def plan_graphs(plans: list[Plan], iris: Iris, book: AgencyBook) -> Iterator[tuple[PlanResult, list[Triple]]]:
    """Each plan with the triples of its named graph, in the order of the graphs' IRIs; the agencies
    go into ``book``."""
    taken: set[str] = set()
    tails = []
    for plan in sorted(plans, key=lambda p: (p.issuer.unit_key, p.period, p.file)):
        tail = iris.plan_tail(plan, taken)
        if tail in taken or tail != iris.plan_tail(plan):
            plan.problems.append(Problem(plan.file, None, "duplicate-plan", "another plan of the same "
                                         f"issuer and period is in this build; this one is {tail}"))
        taken.add(tail)
        tails.append((str(iris.plan_graph(tail)), tail, plan))
    for _, tail, plan in sorted(tails, key=lambda item: item[0]):
        triples = plan_triples(plan, tail, iris, book)
        yield PlanResult(plan, iris.plan(tail), iris.plan_graph(tail), len(triples)), triples


def vocabulary(plans: list[Plan]) -> list[Triple]:
    """The vocabulary a build needs: agency kinds, the admin units of its communes, the schemes."""
    units = {p.issuer.unit_key for p in plans if p.issuer.commune_code}
    return [*kind_triples(), *unit_triples(units), *((s, p, o) for s, p, o in scheme_graph())]  # type: ignore[misc,list-item]


def to_rdf(plans: list[Plan], iris: Iris) -> tuple[list[tuple[PlanResult, list[Triple]]], list[Triple], list[Triple]]:
    """Each plan with its triples, the agencies' descriptions and the vocabulary, in memory (small inputs)."""
    book = AgencyBook()
    results = list(plan_graphs(plans, iris, book))
    return results, book.triples(), vocabulary(plans)


def build(inputs: Iterable[Path | str], out: Path | str, *, base_iri: str = DEFAULT_BASE, check: bool = True,
          jobs: int | None = None, progress: bool = False,
          on_problem: Callable[[Problem], None] | None = None) -> BuildResult:
    """Build the knowledge graph of ``inputs`` into ``out``.

    One pass over the plans: each plan's graph is made, its inferences derived, both written to the
    on-disk store and to the output files, and the graph set aside for validation, before the next
    plan; nothing is read back. Memory grows with the plans' models, not with the graph.
    ``jobs``: validation worker processes (default: one per CPU).
    """
    started = time.perf_counter()
    paths = [Path(item) for item in inputs]
    iris = Iris(base_iri)
    result = BuildResult()
    files, missing = find_inputs(paths)
    result.failed += missing
    if not files:
        raise KehoachError("no plan files found in: " + ", ".join(str(p) for p in paths))
    plans, failed = read_all(files, progress=progress, on_problem=on_problem)
    result.failed += failed
    result.timings["read"] = time.perf_counter() - started

    target = Path(out).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    os.chmod(staging, 0o755)
    try:
        work = staging / ".work"
        (work / "graphs").mkdir(parents=True)
        (work / "units").mkdir()
        run = _Run(iris, ox.Store(str(staging / STORE_DIR)), GraphFiles(work / "graphs"), work / "units", check)
        run.plans(plans, result, progress)
        described = run.shared(plans, result)
        if check:
            mark = time.perf_counter()
            result.validation = run.validate(described, result, staging, target, jobs, progress)
            result.timings["validate"] = time.perf_counter() - mark
        mark = time.perf_counter()
        run.files.finish(staging)
        shutil.rmtree(work)
        result.counts.update(quads=run.files.quads, asserted=run.files.triples, inferred=run.inferred)
        _ontology_files(staging / "ontology")
        from kg.report import write_reports

        write_reports(result, staging)
        run.close()
        swap_folder(staging, target)
        result.timings["write"] = time.perf_counter() - mark
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result.out = target
    result.timings["total"] = time.perf_counter() - started
    return result


@dataclass
class _Run:
    """The state of one build between its stages."""

    iris: Iris
    store: ox.Store
    files: GraphFiles
    units: Path  # each plan's graph as N-Triples, kept for validation
    check: bool
    deriver: Deriver = field(init=False)
    book: AgencyBook = field(default_factory=AgencyBook)
    documents: set[ox.Triple] = field(default_factory=set)
    inferred: int = 0
    _pending: list[ox.Quad] = field(default_factory=list)

    BATCH = 250_000  # quads per call of the store's bulk loader (it writes a file per call)

    def __post_init__(self) -> None:
        self.deriver = Deriver(self.iris.base)

    def _store(self, quads: Iterable[ox.Quad], *, flush: bool = False) -> None:
        self._pending += quads
        if flush or len(self._pending) >= self.BATCH:
            self.store.bulk_extend(self._pending)
            self._pending = []

    def _infer(self, triples: list[ox.Triple]) -> None:
        graph = ox.NamedNode(str(self.iris.inferred_graph()))
        quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
        self._store(quads)
        self.files.add("inferred", graph, quads, asserted=False)
        self.inferred += len(quads)

    def plans(self, plans: list[Plan], result: BuildResult, progress: bool) -> None:
        """Make, infer from, store and write each plan's graph."""
        timing = {"rdf": 0.0, "infer": 0.0}
        tick, close = _ticker(len(plans), "building", progress)
        mark = time.perf_counter()
        for item, triples in plan_graphs(plans, self.iris, self.book):
            graph = ox.NamedNode(str(item.graph))
            quads = oxi.quads(triples, item.graph)
            self._store(quads)
            self.files.add("plans", graph, quads, owner=str(item.iri))
            if self.check:
                unit = {q.triple for q in quads}
                (self.units / f"{len(result.plans):06d}.nt").write_bytes(unit_data(unit))
                documents = _documents(unit)
                self.documents |= {t for t in unit if t.subject in documents}
            result.plans.append(item)
            now = time.perf_counter()
            timing["rdf"] += now - mark
            self._infer(self.deriver.plan(quads))
            mark = time.perf_counter()
            timing["infer"] += mark - now
            tick()
        close()
        result.timings.update(timing)

    def shared(self, plans: list[Plan], result: BuildResult) -> ox.Store:
        """The agencies, the vocabulary, the ontology and the corpus rules; returns an in-memory store
        of the agencies and vocabulary (what validation looks things up in)."""
        mark = time.perf_counter()
        described = ox.Store()
        for name, triples, graph in (("agencies", self.book.triples(), self.iris.agencies_graph()),
                                     ("vocab", vocabulary(plans), self.iris.vocab_graph()),
                                     ("ontology", list(ontology_graph()), ONTOLOGY)):
            quads = oxi.quads(triples, graph)  # type: ignore[arg-type]
            self._store(quads)
            self.files.add(name, ox.NamedNode(str(graph)), quads, asserted=name != "ontology")
            if name != "ontology":
                described.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
        self._store([], flush=True)
        result.timings["rdf"] = result.timings.get("rdf", 0.0) + time.perf_counter() - mark
        mark = time.perf_counter()
        self._infer(self.deriver.corpus(self.store))
        self._store([], flush=True)
        result.inferred = dict(self.deriver.counts)
        result.timings["infer"] = result.timings.get("infer", 0.0) + time.perf_counter() - mark
        return described

    def validate(self, described: ox.Store, result: BuildResult, staging: Path, target: Path,
                 jobs: int | None, progress: bool) -> ValidationReport:
        """Validate plan by plan (see ``kg.validate``), reusing the results the previous build kept."""
        def units() -> Iterator[Unit]:
            for index, item in enumerate(result.plans):
                data = (self.units / f"{index:06d}.nt").read_bytes()
                triples = {q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}
                yield described_unit(str(item.graph), triples, described)
            yield described_unit("documents", set(self.documents), described)

        tick, close = _ticker(len(result.plans) + 1, "validating", progress)
        cache = load_cache(target if target.is_dir() else None)
        report, done = validate_units(units(), jobs=jobs or os.cpu_count() or 1, cache=cache, tick=tick)
        close()
        save_cache(staging, done)
        reused = sum(1 for key in done if key in cache)
        result.validation_runs = {"validated": len(done) - reused, "reused": reused}
        return report

    def close(self) -> None:
        self.store.flush()
        self.store.optimize()  # compacted: the bulk loader's many files make every later lookup slower
        del self.store
        gc.collect()  # the store is closed when its object is freed: before the folder is renamed


def _documents(triples: set[ox.Triple]) -> set[ox.NamedNode | ox.BlankNode]:
    """The legal documents a plan's graph describes."""
    return {t.subject for t in triples  # type: ignore[misc]  # subjects of rdf:type are never quoted triples
            if t.predicate == RDF_TYPE and t.object == LEGAL_DOCUMENT}


RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LEGAL_DOCUMENT = ox.NamedNode("https://w3id.org/kehoach/ontology#LegalDocument")


def _ontology_files(folder: Path) -> None:
    """The ontology, its shapes and alignments, and its documentation, into ``folder``."""
    folder.mkdir()
    for name in ("kehoach.ttl", "shapes.ttl", "alignments.ttl"):
        if (ONTOLOGY_DIR / name).exists():
            shutil.copyfile(ONTOLOGY_DIR / name, folder / name)
    _ontology_html(folder)


def _ontology_html(folder: Path) -> None:
    """The ontology documented as HTML by pyLODE (no network needed)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    from pylode import OntPub  # configures the root logger at import: undo that

    root.handlers[:] = handlers
    root.setLevel(level)
    html = OntPub(ontology=str(ONTOLOGY_DIR / "kehoach.ttl")).make_html()
    (folder / "index.html").write_text(html, encoding="utf-8")

