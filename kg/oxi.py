"""Bridge from rdflib terms (used to build and validate) to pyoxigraph (used to store, query and
serialise fast), and deterministic serialisation: the same quads always give the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.rdf import Triple

PREFIXES = {
    "kh": "https://w3id.org/kehoach/ontology#",
    "khr": "https://w3id.org/kehoach/def/role/",
    "khk": "https://w3id.org/kehoach/def/agency-kind/",
    "khc": "https://w3id.org/kehoach/def/agency-category/",
    "khg": "https://w3id.org/kehoach/def/ascc/",
    "khd": "https://w3id.org/kehoach/def/doc-type/",
    "khu": "https://w3id.org/kehoach/def/admin-unit/",
    "khm": "https://w3id.org/kehoach/def/comparator/",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "oa": "http://www.w3.org/ns/oa#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
}

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def term(node: Node) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        if node.datatype and str(node.datatype) != _XSD_STRING:
            return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
        return ox.Literal(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    raise TypeError(f"not an RDF term: {node!r}")


def quads(triples: Iterable[Triple], graph: URIRef | None) -> list[ox.Quad]:
    """rdflib triples as pyoxigraph quads in ``graph`` (None: the default graph)."""
    name = ox.NamedNode(str(graph)) if graph is not None else ox.DefaultGraph()
    return [ox.Quad(term(s), term(p), term(o), name) for s, p, o in triples]  # type: ignore[arg-type]


def _key(quad: ox.Quad) -> tuple[str, str, str, str]:
    return (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))


def _prefixes(fmt: ox.RdfFormat) -> dict[str, str] | None:
    return None if fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS) else PREFIXES


def write(items: Iterable[ox.Quad], path: Path, fmt: ox.RdfFormat, *, dataset: bool = False) -> int:
    """Serialise sorted quads (``dataset``) or their triples to ``path``; return the count written."""
    ordered = sorted(set(items), key=_key)
    if dataset:
        data: list[ox.Quad] | list[ox.Triple] = ordered
    else:
        unique = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in ordered},
                        key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        data = unique
    ox.serialize(data, str(path), fmt, prefixes=_prefixes(fmt))
    return len(data)
