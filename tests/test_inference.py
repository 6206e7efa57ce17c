"""The SPARQL rules of kg/rules/ derive exactly what owlrl derives from the ontology's OWL axioms.

owlrl is the reference: on a small plan its OWL 2 RL closure of ontology + plan is computed, and for
each inferred property the rules must give the same pairs (minus the self-loops owlrl's chain gives
every lead, which the rules leave out on purpose, and restricted to plans for kh:involvedIn, as the
ontology documents).
"""

from __future__ import annotations

from pathlib import Path

import owlrl
import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF

from kg import oxi
from kg.build import to_rdf
from kg.extract import read_plan
from kg.inference import infer
from kg.iris import Iris
from kg.vocab import ontology_graph

CASE = Path(__file__).resolve().parent / "cases" / "table-five-columns" / "input.txt"
KH = "https://w3id.org/kehoach/ontology#"
PROPERTIES = ["involvedIn", "sharesLeadWith", "supportedBy", "isPartOf", "implementsTransitively"]


@pytest.fixture(scope="module")
def both() -> tuple[Graph, Graph]:
    """(owlrl closure, rule output) for the small five-column plan."""
    iris = Iris()
    results, agencies, _ = to_rdf([read_plan(CASE)], iris)
    asserted = Graph()
    for triple in agencies + results[0][1]:
        asserted.add(triple)

    closure = Dataset()
    closure.graph(URIRef("urn:x:data")).__iadd__(asserted)
    closure.graph(URIRef("urn:x:ontology")).__iadd__(ontology_graph())
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, improved_datatypes=False).expand(closure)
    reference = Graph()
    for s, p, o, _ in closure.quads((None, None, None, None)):
        reference.add((s, p, o))

    store = ox.Store()
    graph = ox.NamedNode("urn:x:data")
    store.bulk_extend(oxi.quads(list(asserted), URIRef("urn:x:data")))
    infer(store, [graph], ox.NamedNode("urn:x:inferred"))
    derived = Graph()
    for quad in store.quads_for_pattern(None, None, None, ox.NamedNode("urn:x:inferred")):
        derived.add((URIRef(quad.subject.value), URIRef(quad.predicate.value), _term(quad.object)))
    return reference, derived


def _term(node: ox.NamedNode | ox.Literal | ox.BlankNode) -> URIRef:
    return URIRef(node.value)


def pairs(graph: Graph, name: str) -> set[tuple[str, str]]:
    return {(str(s), str(o)) for s, o in graph.subject_objects(URIRef(KH + name)) if s != o}


@pytest.mark.parametrize("name", PROPERTIES)
def test_rules_equal_owlrl(both: tuple[Graph, Graph], name: str) -> None:
    reference, derived = both
    expected = pairs(reference, name)
    if name == "involvedIn":
        plans = {str(p) for p in reference.subjects(RDF.type, URIRef(KH + "Plan"))}
        expected = {(a, p) for a, p in expected if p in plans}
    assert pairs(derived, name) == expected
    if name in ("involvedIn", "sharesLeadWith", "supportedBy", "isPartOf"):
        assert expected, f"the fixture must exercise {name}"


def test_owlrl_finds_no_clash(both: tuple[Graph, Graph]) -> None:
    reference, _ = both
    errors = set(reference.subjects(RDF.type, URIRef("http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage")))
    assert errors == set()


def test_joint_leads_share_the_lead(both: tuple[Graph, Graph]) -> None:
    _, derived = both
    org = "https://w3id.org/kehoach/id/org/42/"
    assert (org + "so-y-te", org + "cong-an") in pairs(derived, "sharesLeadWith")
    assert (org + "cong-an", org + "so-y-te") in pairs(derived, "sharesLeadWith")
