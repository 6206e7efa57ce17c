"""Validation of a release catalogue against the official DCAT-AP 3.0.1 SHACL shapes, offline.

The shape files are vendored unmodified in ``ontology/dcat-ap/3.0.1/`` (CC-BY 4.0, © European Union;
see ``ontology/dcat-ap/README.md``). Two defects of those files are worked around here, at load time,
as shared/validation/dcat-ap/README.md explains:

1. ``html-shacl/shapes.ttl`` writes ``sh:shape`` (not a SHACL term) where it means ``sh:node`` for the
   date checks of dct:issued, dct:modified, dcat:startDate and dcat:endDate, so a date such as
   "15/01/2025" passes unnoticed. :func:`shapes` reads every ``sh:shape`` as ``sh:node``.
2. ``shacl/dcat-ap-SHACL.ttl`` (with ``shacl/ranges.ttl``) refers with ``sh:property`` to five property
   shapes defined nowhere, and pySHACL aborts on them. :func:`shapes` drops each ``sh:property`` whose
   object has no ``sh:path``.

The data graph is the catalogue plus ``ontology/dcat-ap/background.ttl`` (the EU concepts it names,
typed by hand: the EU tables are remote). What still fails offline is expected and listed, one line per
(severity, shape, path, value), with the reason, in ``ontology/dcat-ap/expected-warnings.txt``; any other
result fails the export.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, SH

from kg.dcat import DCAT_AP_DIR, PREFIXES
from kg.validate import rdflib_datatypes_kept

SHAPES_DIR = DCAT_AP_DIR / "3.0.1"
# The split files the DCAT-AP 3.0.1 specification names for validation ("Base", "Range", recommended,
# controlled vocabularies, deprecated terms), then the one-shape-per-constraint release ("Full1").
SPLIT_SHAPES = ("html-shacl/shapes.ttl", "html-shacl/range.ttl", "html-shacl/shapes_recommended.ttl",
                "html-shacl/mdr-vocabularies.shape.ttl", "html-shacl/deprecateduris.ttl")
FULL_SHAPES = ("shacl/dcat-ap-SHACL.ttl", "shacl/ranges.ttl")
SH_SHAPE = URIRef(str(SH) + "shape")  # not a SHACL term: the defect worked around below
EXPECTED_FILE = DCAT_AP_DIR / "expected-warnings.txt"
BACKGROUND_FILE = DCAT_AP_DIR / "background.ttl"


@dataclass(frozen=True)
class Finding:
    """One SHACL result, with the named shape that owns the constraint."""

    severity: str  # Violation | Warning | Info
    shape: str  # the named node shape (prefixed: "dcatap-shapes:Dataset_ShapeCV"), or the shape itself
    path: str  # prefixed ("dct:publisher"), "" when none
    focus: str
    value: str
    message: str
    run: str  # "split" or "full"

    def __str__(self) -> str:
        value = f" = {self.value}" if self.value else ""
        return f"{self.severity}: <{self.focus}> {self.path}{value}: {self.message} [{self.shape}, {self.run}]"


@dataclass(frozen=True)
class Expectation:
    """A line of ``expected-warnings.txt``: a result that is expected offline, and why."""

    severity: str
    shape: str
    path: str
    value_prefix: str  # "" = any value; "{base}" stands for the build's instance base
    why: str

    def matches(self, finding: Finding, base: str) -> bool:
        prefix = self.value_prefix.replace("{base}", base)
        return (finding.severity == self.severity and finding.shape == self.shape and finding.path == self.path
                and finding.value.startswith(prefix))


@dataclass
class CatalogueCheck:
    """The outcome: expected findings (by expectation) and unexpected ones (which fail the export)."""

    expected: list[tuple[Finding, Expectation]] = field(default_factory=list)
    unexpected: list[Finding] = field(default_factory=list)
    runs: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unexpected

    def summary(self) -> dict[tuple[str, str, str], int]:
        """Expected findings counted by (severity, shape, path)."""
        counts: dict[tuple[str, str, str], int] = {}
        for _, expectation in self.expected:
            key = (expectation.severity, expectation.shape, expectation.path)
            counts[key] = counts.get(key, 0) + 1
        return counts


_SHAPE_PREFIXES = {"dcatap-shapes": "http://data.europa.eu/r5r#",
                   "dcatap-full": "https://semiceu.github.io/DCAT-AP/releases/3.0.1#"}


def short(iri: str) -> str:
    """An IRI with a known prefix: ``dct:publisher``.

    >>> short("http://purl.org/dc/terms/publisher")
    'dct:publisher'
    """
    for prefix, namespace in (*_SHAPE_PREFIXES.items(), *sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


@lru_cache(maxsize=2)
def shapes(run: str) -> Graph:
    """The shapes of ``run`` ("split" or "full"), both defects worked around (see the module doc)."""
    graph = Graph()
    for name in SPLIT_SHAPES if run == "split" else FULL_SHAPES:
        graph.parse(SHAPES_DIR / name, format="turtle")
    for s, _, o in list(graph.triples((None, SH_SHAPE, None))):  # defect 1: sh:shape meant sh:node
        graph.remove((s, SH_SHAPE, o))
        graph.add((s, SH.node, o))
    for s, _, o in list(graph.triples((None, SH.property, None))):  # defect 2: dangling property shapes
        if graph.value(o, SH.path) is None:
            graph.remove((s, SH.property, o))
    return graph


@lru_cache(maxsize=1)
def background() -> Graph:
    """``ontology/dcat-ap/background.ttl``."""
    return Graph().parse(BACKGROUND_FILE, format="turtle")


def expectations(text: str | None = None) -> list[Expectation]:
    """Parse ``expected-warnings.txt``: ``severity shape path value-prefix  why`` (``-`` = none)."""
    if text is None:
        text = EXPECTED_FILE.read_text(encoding="utf-8")
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = re.split(r"\s+", line, maxsplit=4)
        if len(parts) < 5:
            raise ValueError(f"{EXPECTED_FILE.name}:{number}: expected 'severity shape path value why': {line}")
        severity, shape, path, value, why = parts
        out.append(Expectation(severity, shape, "" if path == "-" else path, "" if value == "-" else value, why))
    return out


def _owner(graph: Graph, shape: URIRef | BNode) -> str:
    """The named node shape a property shape (or an anonymous node shape) belongs to."""
    for _ in range(5):
        if isinstance(shape, URIRef) and graph.value(shape, SH.path) is None:
            break
        parent = next(graph.subjects(SH.property, shape), None) or next(graph.subjects(SH.node, shape), None)
        if parent is None:
            break
        shape = parent  # type: ignore[assignment]
    return short(str(shape)) if isinstance(shape, URIRef) else "_:anonymous"


def findings(data: Graph, run: str) -> list[Finding]:
    """Every SHACL result of ``run`` on ``data`` (which already holds the background)."""
    shape_graph = shapes(run)
    with rdflib_datatypes_kept():
        _, report, _ = shacl_validate(data, shacl_graph=shape_graph, inference="rdfs" if run == "full" else "none",
                                      advanced=True, allow_warnings=True, do_owl_imports=False)
    out = []
    top = report.value(predicate=RDF.type, object=SH.ValidationReport, any=False)
    for node in report.objects(top, SH.result):  # nested sh:detail results explain these; not counted
        def one(prop: URIRef, node: object = node) -> str:
            value = report.value(node, prop)  # type: ignore[arg-type]
            return "" if value is None else str(value)

        source = report.value(node, SH.sourceShape)  # type: ignore[arg-type]
        out.append(Finding(severity=one(SH.resultSeverity).rsplit("#", 1)[-1],
                           shape=_owner(shape_graph, source) if source is not None else "",  # type: ignore[arg-type]
                           path=short(one(SH.resultPath)), focus=one(SH.focusNode), value=one(SH.value),
                           message=one(SH.resultMessage), run=run))
    return sorted(set(out), key=lambda f: (f.severity, f.shape, f.path, f.focus, f.value, f.message))


def check(catalogue: Graph, base: str, *, runs: Iterable[str] = ("split", "full"),
          expected: list[Expectation] | None = None) -> CatalogueCheck:
    """Validate ``catalogue`` (with the background) and sort the findings into expected and not."""
    expected = expectations() if expected is None else expected
    data = Graph()
    for triple in catalogue:
        data.add(triple)
    for triple in background():
        data.add(triple)
    result = CatalogueCheck()
    for run in runs:
        result.runs.append(run)
        for finding in findings(data, run):
            match = next((e for e in expected if e.matches(finding, base)), None)
            if match is None:
                result.unexpected.append(finding)
            else:
                result.expected.append((finding, match))
    return result
