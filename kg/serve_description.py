"""What ``kehoach serve`` says about itself: the SPARQL 1.1 Service Description (``/sparql`` with
no query) and the query page (``/``) with the named queries of ``queries/*.rq`` (``/queries.json``).

The page and its files come from ``kg/static``; nothing is loaded from another host.
"""

from __future__ import annotations

import html
import json
import sys
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

import pyoxigraph as ox

from kg.errors import KehoachError
from kg.oxi import PREFIXES
from kg.query import load_queries
from kg.serve_protocol import GRAPH_TYPES, SOLUTION_TYPES

SD = "http://www.w3.org/ns/sparql-service-description#"
W3C_JSON_LD = "http://www.w3.org/ns/formats/JSON-LD"  # pyoxigraph's RdfFormat.JSON_LD.iri is not the registered one
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def service_description(endpoint: str, graphs: Sequence[str], fmt: ox.RdfFormat) -> bytes:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint`` serving ``graphs``."""
    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    service, dataset = ox.NamedNode(endpoint), ox.NamedNode(endpoint + "#dataset")
    default = ox.NamedNode(endpoint + "#default-graph")
    title = ox.NamedNode("http://purl.org/dc/terms/title")
    description = ox.NamedNode("http://purl.org/dc/terms/description")
    triples = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(service, title, ox.Literal("Đồ thị tri thức các Kế hoạch thực hiện (kehoach-kg)", language="vi")),
        ox.Triple(service, title, ox.Literal("kehoach-kg knowledge graph (read-only)", language="en")),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, sd("Graph")),
        ox.Triple(default, description, ox.Literal("the union of all named graphs", language="en")),
    ]
    formats = {f for f, _ in [*SOLUTION_TYPES.values(), *GRAPH_TYPES.values()]}
    for fmt_iri in sorted(W3C_JSON_LD if f == ox.RdfFormat.JSON_LD else f.iri for f in formats):
        triples.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(fmt_iri)))
    for number, graph in enumerate(graphs, 1):
        node = ox.NamedNode(f"{endpoint}#graph-{number}")
        triples += [ox.Triple(dataset, sd("namedGraph"), node), ox.Triple(node, RDF_TYPE, sd("NamedGraph")),
                    ox.Triple(node, sd("name"), ox.NamedNode(graph))]
    prefixes = None if fmt == ox.RdfFormat.N_TRIPLES else {"sd": SD, "dcterms": "http://purl.org/dc/terms/"}
    return ox.serialize(triples, format=fmt, prefixes=prefixes) or b""


def named_queries() -> list[dict[str, Any]]:
    """The named queries of ``queries/`` (:func:`kg.query.load_queries`) as plain data for the page:
    name, titles, question, parameters (name, description, type, default, required) and text."""
    try:
        queries = load_queries()
    except (KehoachError, OSError, ValueError) as error:
        print(f"kehoach: warning: the query page has no examples: {error}", file=sys.stderr)
        return []
    return [{"name": q.name, "title_vi": q.title_vi, "title_en": q.title_en, "question": q.question,
             "params": [{"name": p.name, "description": p.description, "type": p.type, "default": p.default,
                         "required": p.required} for p in q.params], "text": q.text} for q in queries.values()]


def static_file(name: str) -> bytes:
    """The bytes of ``kg/static/<name>`` (the page, its script and its style sheet)."""
    return resources.files("kg").joinpath("static", name).read_bytes()


def page_html(queries: Sequence[Mapping[str, Any]]) -> bytes:
    """The query page, with the named queries as escaped ``<option>``s and a JSON data block."""
    options = "\n".join(
        f'<option value="{html.escape(str(q["name"]))}">{html.escape(str(q["title_vi"] or q["name"]))}'
        f'{" — " + html.escape(str(q["title_en"])) if q["title_en"] else ""}</option>' for q in queries)
    data = json.dumps({"queries": list(queries), "prefixes": PREFIXES}, ensure_ascii=False)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    page = static_file("index.html").decode("utf-8")
    return page.replace("<!--kehoach:options-->", options).replace("<!--kehoach:data-->", data).encode("utf-8")
