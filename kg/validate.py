"""SHACL validation of the asserted graph with pySHACL and ``ontology/shapes.ttl``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import _toPythonMapping

from kg.vocab import ontology_graph, shapes_graph


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
