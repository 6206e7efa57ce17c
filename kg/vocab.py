"""The vocabulary graph: the ontology, its SKOS schemes, the agency kinds of the gazetteer and the
administrative units (official codes) the plans need.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, RDF, SKOS

from kg.admin import units
from kg.gazetteer import Gazetteer, default
from kg.iris import CATEGORY, DEF, KIND, official_code, unit_iri
from kg.rdf import Triple, plain, vi

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
KIND_SCHEME = URIRef(DEF + "agency-kind")
UNIT_SCHEME = URIRef(DEF + "admin-unit")


def _canonical(graph: Graph) -> Graph:
    """The graph with blank nodes renamed from their content, so output bytes are stable."""
    return to_canonical_graph(graph)


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """``ontology/kehoach.ttl`` (blank nodes of OWL lists named canonically)."""
    return _canonical(Graph().parse(ONTOLOGY_DIR / "kehoach.ttl", format="turtle"))


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """``ontology/shapes.ttl``."""
    return Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")


@lru_cache(maxsize=1)
def scheme_graph() -> Graph:
    """Every SKOS scheme written by hand in ``ontology/schemes/``."""
    graph = Graph()
    for path in sorted((ONTOLOGY_DIR / "schemes").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return _canonical(graph)


def kind_triples(gazetteer: Gazetteer | None = None) -> list[Triple]:
    """The agency-kind scheme, one concept per gazetteer kind ("Sở Y tế" of every province)."""
    gazetteer = gazetteer or default()
    out: list[Triple] = [
        (KIND_SCHEME, RDF.type, SKOS.ConceptScheme),
        (KIND_SCHEME, SKOS.prefLabel, vi("Loại cơ quan, tổ chức")),
        (KIND_SCHEME, SKOS.prefLabel, Literal("Agency kinds", lang="en")),
        (KIND_SCHEME, DCTERMS.source, plain("data/gazetteer/agencies.csv")),
    ]
    for slug in sorted(gazetteer.kinds):
        kind = gazetteer.kinds[slug]
        iri = KIND[slug]
        out += [(iri, RDF.type, SKOS.Concept), (iri, SKOS.inScheme, KIND_SCHEME),
                (iri, SKOS.topConceptOf, KIND_SCHEME), (iri, SKOS.notation, plain(slug)),
                (iri, SKOS.prefLabel, vi(kind.label_vi)),
                (iri, URIRef("https://w3id.org/kehoach/ontology#category"), CATEGORY[kind.category.value])]
        if kind.label_en:
            out.append((iri, SKOS.prefLabel, Literal(kind.label_en, lang="en")))
    return out


def unit_triples(codes: set[str]) -> list[Triple]:
    """The 34 provinces, and the communes in ``codes`` ("31/10882"), as SKOS concepts."""
    table = units()
    out: list[Triple] = [
        (UNIT_SCHEME, RDF.type, SKOS.ConceptScheme),
        (UNIT_SCHEME, SKOS.prefLabel, vi("Đơn vị hành chính (QĐ 19/2025/QĐ-TTg)")),
        (UNIT_SCHEME, SKOS.prefLabel, Literal("Administrative units of Viet Nam", lang="en")),
    ]
    wanted = {code for code in table.by_code if "/" not in code} | set(codes)
    for key in sorted(wanted, key=lambda k: [int(p) for p in k.split("/") if p.isdigit()]):
        unit = table.by_code.get(key)
        if unit is None:
            continue
        commune = unit.province_code is not None
        iri = unit_iri(unit.code, commune=commune)
        out += [(iri, RDF.type, SKOS.Concept), (iri, SKOS.inScheme, UNIT_SCHEME),
                (iri, SKOS.notation, plain(official_code(unit.code, commune=commune))),
                (iri, SKOS.prefLabel, vi(unit.full_name)), (iri, DCTERMS.type, vi(unit.level))]
        if unit.province_code:
            out.append((iri, SKOS.broader, unit_iri(unit.province_code, commune=False)))
        else:
            out.append((iri, SKOS.topConceptOf, UNIT_SCHEME))
    return out
