"""The build: plan files → intermediate model → RDF → validation → inference → files in ``out/``.

Writes are atomic: everything goes to a temporary folder next to ``out/`` that replaces it only when
the build has finished, so a failed build leaves the previous ``out/`` intact.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg import oxi
from kg.errors import InputError, KehoachError
from kg.extract import read_plan
from kg.files import swap_folder
from kg.inference import GraphName, infer
from kg.iris import DEFAULT_BASE, ONTOLOGY, Iris
from kg.model import Plan, Problem
from kg.rdf import AgencyBook, Triple, plan_triples
from kg.store import STORE_DIR, write_store
from kg.validate import ValidationReport, validate
from kg.vocab import ONTOLOGY_DIR, kind_triples, ontology_graph, scheme_graph, unit_triples

PLAN_SUFFIXES = (".txt", ".md")


@dataclass
class PlanResult:
    """One plan of a build: the model read, its IRI and its named graph."""

    plan: Plan
    iri: URIRef
    graph: URIRef
    triples: list[Triple]


@dataclass
class BuildResult:
    """What a build produced and what went wrong."""

    plans: list[PlanResult] = field(default_factory=list)
    failed: list[Problem] = field(default_factory=list)
    validation: ValidationReport | None = None
    inferred: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
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


def _progress(items: list[Path], enabled: bool) -> Iterable[Path]:
    if not enabled or len(items) < 10:
        return items
    from tqdm import tqdm

    return tqdm(items, desc="reading plans", unit="plan", file=sys.stderr)


def read_all(files: list[Path], *, progress: bool = False,
             on_problem: Callable[[Problem], None] | None = None) -> tuple[list[Plan], list[Problem]]:
    """Read every file; a file that cannot be read is reported and the others go on."""
    plans: list[Plan] = []
    failed: list[Problem] = []
    for path in _progress(files, progress):
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
    return plans, failed


def to_rdf(plans: list[Plan], iris: Iris) -> tuple[list[PlanResult], list[Triple], list[Triple]]:
    """Each plan's triples, the agencies' descriptions and the vocabulary."""
    book = AgencyBook()
    results: list[PlanResult] = []
    taken: set[str] = set()
    for plan in sorted(plans, key=lambda p: (p.issuer.unit_key, p.period, p.file)):
        tail = iris.plan_tail(plan, taken)
        if tail in taken or tail != iris.plan_tail(plan):
            plan.problems.append(Problem(plan.file, None, "duplicate-plan", "another plan of the same "
                                         f"issuer and period is in this build; this one is {tail}"))
        taken.add(tail)
        results.append(PlanResult(plan, iris.plan(tail), iris.plan_graph(tail),
                                  plan_triples(plan, tail, iris, book)))
    units = {p.issuer.unit_key for p in plans if p.issuer.commune_code}
    vocab = [*kind_triples(), *unit_triples(units)]
    vocab += [(s, p, o) for s, p, o in scheme_graph()]  # type: ignore[misc]
    return results, book.triples(), vocab


def build(inputs: Iterable[Path | str], out: Path | str, *, base_iri: str = DEFAULT_BASE, check: bool = True,
          progress: bool = False, on_problem: Callable[[Problem], None] | None = None) -> BuildResult:
    """Build the knowledge graph of ``inputs`` into ``out``."""
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

    mark = time.perf_counter()
    result.plans, agencies, vocab = to_rdf(plans, iris)
    ontology: list[Triple] = [(s, p, o) for s, p, o in ontology_graph()]  # type: ignore[misc]
    result.timings["rdf"] = time.perf_counter() - mark

    mark = time.perf_counter()
    store = ox.Store()
    store.bulk_extend(oxi.quads(ontology, ONTOLOGY))
    store.bulk_extend(oxi.quads(vocab, iris.vocab_graph()))
    store.bulk_extend(oxi.quads(agencies, iris.agencies_graph()))
    for item in result.plans:
        store.bulk_extend(oxi.quads(item.triples, item.graph))
    graphs = [iris.agencies_graph(), *(p.graph for p in result.plans)]
    asserted: list[GraphName] = [ox.NamedNode(str(g)) for g in graphs]
    result.inferred = infer(store, asserted, ox.NamedNode(str(iris.inferred_graph())))
    result.timings["infer"] = time.perf_counter() - mark

    if check:
        mark = time.perf_counter()
        data = Graph()
        for triple in agencies + vocab:
            data.add(triple)
        for item in result.plans:
            for triple in item.triples:
                data.add(triple)
        result.validation = validate(data)
        result.timings["validate"] = time.perf_counter() - mark

    mark = time.perf_counter()
    result.out = write_outputs(store, Path(out), result, iris)
    result.timings["write"] = time.perf_counter() - mark
    result.timings["total"] = time.perf_counter() - started
    return result


def write_outputs(store: ox.Store, out: Path, result: BuildResult, iris: Iris) -> Path:
    """Write every output file into a temporary folder, then swap it in place of ``out``."""
    from kg.report import write_reports

    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    os.chmod(staging, 0o755)
    try:
        everything = list(store)
        inferred = ox.NamedNode(str(iris.inferred_graph()))
        ontology = ox.NamedNode(str(ONTOLOGY))
        asserted = [q for q in everything if q.graph_name not in (inferred, ontology)]
        result.counts["quads"] = oxi.write(everything, staging / "graph.trig", ox.RdfFormat.TRIG, dataset=True)
        result.counts["asserted"] = oxi.write(asserted, staging / "graph.ttl", ox.RdfFormat.TURTLE)
        oxi.write(asserted, staging / "graph.nt", ox.RdfFormat.N_TRIPLES)
        oxi.write(asserted, staging / "graph.jsonld", ox.RdfFormat.JSON_LD)
        result.counts["inferred"] = sum(1 for q in everything if q.graph_name == inferred)
        write_store(staging / STORE_DIR, everything)
        ontology_out = staging / "ontology"
        ontology_out.mkdir()
        for name in ("kehoach.ttl", "shapes.ttl", "alignments.ttl"):
            if (ONTOLOGY_DIR / name).exists():
                shutil.copyfile(ONTOLOGY_DIR / name, ontology_out / name)
        _ontology_html(ontology_out)
        write_reports(result, staging)
        swap_folder(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def _ontology_html(folder: Path) -> None:
    """The ontology documented as HTML by pyLODE (no network needed)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    from pylode import OntPub  # configures the root logger at import: undo that

    root.handlers[:] = handlers
    root.setLevel(level)
    html = OntPub(ontology=str(ONTOLOGY_DIR / "kehoach.ttl")).make_html()
    (folder / "index.html").write_text(html, encoding="utf-8")

