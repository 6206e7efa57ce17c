"""``kehoach serve``: the SPARQL 1.1 Protocol endpoint over the built store, its limits and its page.

Servers on 127.0.0.1 (port 0) over one build of the sample corpus: a normal one, a strict one (1 s
time limit, 10 results) for the limits, and one answering from memory (``--in-memory``). No request
leaves this machine.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import platform
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from answers import assert_same_answers, example
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF
from SPARQLWrapper import GET, JSON, POST, SPARQLWrapper

from kg.build import build
from kg.cli import main
from kg.commands.serve import announce_memory
from kg.query import bind_params, load_queries
from kg.remote import bind
from kg.serve import SparqlServer
from kg.serve_description import named_queries, page_html
from kg.serve_protocol import inline_values
from kg.store import MEMORY_PER_QUAD, load_in_memory

PLANS = Path(__file__).resolve().parent.parent / "data" / "plans"  # as in conftest (runs under plain pytest too)

KH = "PREFIX kh: <https://w3id.org/kehoach/ontology#>\n"
PLAN = "https://w3id.org/kehoach/id/plan/75/2026-2030"
TASKS = KH + f"""SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {{
  ?t a kh:Task ; kh:inPlan <{PLAN}> .
  FILTER NOT EXISTS {{ ?t a kh:Duty }}
}}"""
PER_PLAN = KH + """SELECT ?plan (COUNT(?t) AS ?n) WHERE { ?t a kh:Task ; kh:inPlan ?plan } GROUP BY ?plan ORDER BY ?plan"""
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
PLAN_GRAPH = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER (?s = <{PLAN}>) }}"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
JSON_LD_WARNING = "ignore:ConjunctiveGraph is deprecated:DeprecationWarning"  # rdflib's own JSON-LD parser


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("serve") / "out"
    build([PLANS], out, check=False)
    return out


@pytest.fixture(scope="session")
def server(built: Path) -> Iterator[SparqlServer]:
    running = SparqlServer(built, host="127.0.0.1", port=0, timeout=30, max_results=100_000, workers=2,
                           quiet=True).start()
    yield running
    running.close()


@pytest.fixture(scope="session")
def strict(built: Path) -> Iterator[SparqlServer]:
    running = SparqlServer(built, host="127.0.0.1", port=0, timeout=1, max_results=10, workers=1,
                           quiet=True).start()
    yield running
    running.close()


@pytest.fixture(scope="session")
def in_memory(built: Path) -> Iterator[SparqlServer]:
    running = SparqlServer(built, host="127.0.0.1", port=0, timeout=30, max_results=100_000, workers=1,
                           quiet=True, in_memory=True).start()
    yield running
    running.close()


def call(server: SparqlServer, path: str = "sparql", *, params: dict[str, str] | None = None,
         data: bytes | dict[str, str] | None = None, headers: dict[str, str] | None = None,
         method: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request to ``server``: status, headers (lower-case names), body."""
    url = server.url + path + ("?" + urllib.parse.urlencode(params) if params else "")
    body = urllib.parse.urlencode(data).encode() if isinstance(data, dict) else data
    request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        with NO_PROXY.open(request, timeout=60) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def count(server: SparqlServer, query: str = COUNT_ALL) -> int:
    status, _, body = call(server, params={"query": query})
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def wrapper(server: SparqlServer, method: str = POST) -> SPARQLWrapper:
    sparql = SPARQLWrapper(server.url + "sparql")
    sparql.setMethod(method)
    sparql.setTimeout(30)
    sparql.setOnlyConneg(True)
    sparql.setReturnFormat(JSON)
    return sparql


# --- the protocol -----------------------------------------------------------------------------------

@pytest.mark.parametrize("method", [POST, GET])
def test_sparqlwrapper_counts_the_appendix_tasks_of_dong_nai(server: SparqlServer, method: str) -> None:
    sparql = wrapper(server, method)
    sparql.setQuery(TASKS)
    converted: Any = sparql.queryAndConvert()
    rows = converted["results"]["bindings"]
    assert rows == [{"n": {"type": "literal", "value": "88", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]


def test_get_form_post_and_direct_post_give_the_same_rows(server: SparqlServer) -> None:
    answers = [
        call(server, params={"query": PER_PLAN}),
        call(server, data={"query": PER_PLAN}),
        call(server, data=PER_PLAN.encode(), headers={"Content-Type": "application/sparql-query"}),
    ]
    assert {status for status, _, _ in answers} == {200}
    bodies = [json.loads(body) for _, _, body in answers]
    assert bodies[0] == bodies[1] == bodies[2]
    assert len(bodies[0]["results"]["bindings"]) == 5  # the five sample plans
    assert all(headers["content-type"].startswith("application/sparql-results+json") for _, headers, _ in answers)


@pytest.mark.parametrize(("accept", "format_name"), [
    ("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"), ("text/tab-separated-values", "tsv")])
def test_every_results_format_parses(server: SparqlServer, accept: str, format_name: str) -> None:
    by_header = call(server, params={"query": PER_PLAN}, headers={"Accept": accept})
    by_param = call(server, params={"query": PER_PLAN, "format": format_name})
    assert by_header[0] == by_param[0] == 200
    assert by_header[1]["content-type"].split(";")[0] == accept == by_param[1]["content-type"].split(";")[0]
    assert by_header[2] == by_param[2]
    text = by_header[2].decode("utf-8")
    if format_name == "json":
        plans = [row["plan"]["value"] for row in json.loads(text)["results"]["bindings"]]
    elif format_name == "xml":
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        root = ET.fromstring(text)
        assert [v.get("name") for v in root.iterfind("r:head/r:variable", ns)] == ["plan", "n"]
        plans = [uri.text or "" for uri in root.iterfind("r:results/r:result/r:binding[@name='plan']/r:uri", ns)]
    elif format_name == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["plan", "n"]
        plans = [row[0] for row in rows[1:]]
    else:
        lines = [line.split("\t") for line in text.splitlines()]
        assert lines[0] == ["?plan", "?n"]
        plans = [cells[0].strip("<>") for cells in lines[1:]]
    assert PLAN in plans and len(plans) == 5


def test_ask_answers_in_json_and_xml(server: SparqlServer) -> None:
    status, _, body = call(server, params={"query": f"ASK {{ <{PLAN}> a ?type }}"})
    assert status == 200 and json.loads(body)["boolean"] is True
    status, _, body = call(server, params={"query": "ASK { ?s a <urn:x:nothing> }", "format": "xml"})
    assert status == 200 and b"<boolean>false</boolean>" in body


@pytest.mark.filterwarnings(JSON_LD_WARNING)
@pytest.mark.parametrize(("accept", "rdflib_format"), [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml")])
def test_construct_in_every_graph_format_parses(server: SparqlServer, accept: str, rdflib_format: str) -> None:
    status, headers, body = call(server, data={"query": PLAN_GRAPH}, headers={"Accept": accept})
    assert status == 200, body
    assert headers["content-type"].split(";")[0] == accept
    graph = Graph().parse(data=body.decode("utf-8"), format=rdflib_format)
    assert len(graph) > 20
    assert (URIRef(PLAN), RDF.type, URIRef("https://w3id.org/kehoach/ontology#Plan")) in graph


def test_describe_defaults_to_turtle(server: SparqlServer) -> None:
    status, headers, body = call(server, params={"query": f"DESCRIBE <{PLAN}>"})
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    assert (URIRef(PLAN), None, None) in Graph().parse(data=body.decode("utf-8"), format="turtle")


def test_dataset_parameters_and_from_are_honoured(server: SparqlServer) -> None:
    vocab = "https://w3id.org/kehoach/id/graph/vocab"
    in_vocab = count(server, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{vocab}> {{ ?s ?p ?o }} }}")
    assert 0 < in_vocab < count(server)
    status, _, body = call(server, params={"query": COUNT_ALL, "default-graph-uri": vocab})
    assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) == in_vocab
    assert count(server, f"SELECT (COUNT(*) AS ?n) FROM <{vocab}> WHERE {{ ?s ?p ?o }}") == in_vocab
    graphs = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(server, graphs) == 9
    status, _, body = call(server, params={"query": graphs, "named-graph-uri": vocab})
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "1"


def test_bindings_are_substituted_not_pasted(server: SparqlServer) -> None:
    query = KH + "SELECT ?plan (COUNT(?t) AS ?n) WHERE { ?t a kh:Task ; kh:inPlan ?plan } GROUP BY ?plan"
    status, _, body = call(server, data={"query": query, "$plan": PLAN})
    assert status == 200, body
    rows = json.loads(body)["results"]["bindings"]
    assert [row["plan"]["value"] for row in rows] == [PLAN]
    # a value that would break out of the query if it were pasted is only ever a literal
    hostile = 'x" } ; DROP ALL #'
    status, _, body = call(server, data={"query": "SELECT ?x WHERE { }", "$x": hostile})
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["x"] == {"type": "literal", "value": hostile}
    status, _, body = call(server, data={"query": "SELECT ?x WHERE { ?x ?p ?o }", "$y": "khr:chu-tri"})
    assert status == 400 and b"?y" in body


def test_cors_on_the_endpoint(server: SparqlServer) -> None:
    status, headers, _ = call(server, params={"query": "ASK {}"})
    assert status == 200 and headers["access-control-allow-origin"] == "*"
    status, headers, _ = call(server, method="OPTIONS", headers={
        "Origin": "http://localhost:9999", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert status == 204 and headers["access-control-allow-origin"] == "*"
    assert "POST" in headers["access-control-allow-methods"]
    status, headers, _ = call(server, params={"query": "SELEC"})
    assert status == 400 and headers["access-control-allow-origin"] == "*"


# --- refusals ---------------------------------------------------------------------------------------

def test_updates_are_refused_and_change_nothing(server: SparqlServer) -> None:
    before = count(server)
    insert = "INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> <urn:x:o> } }"
    attempts = [
        call(server, data={"update": insert}),
        call(server, data=insert.encode(), headers={"Content-Type": "application/sparql-update"}),
        call(server, data={"query": insert}),
        call(server, params={"query": "DELETE WHERE { ?s ?p ?o }"}),
        call(server, data={"query": "DROP ALL"}),
    ]
    for status, _, body in attempts:
        assert status == 403, body
        assert b"read-only" in body
    assert count(server) == before
    assert count(server, "SELECT (COUNT(*) AS ?n) WHERE { <urn:x:s> ?p ?o }") == 0


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "select * where { ?s ?p ?o . optional { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } } }",
    "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o FILTER EXISTS { SERVICE ?where { ?s ?p ?o } } } } }",
    # Oxigraph ends a comment at a bare CR, rdflib did not: the SERVICE was hidden from the parser
    "SELECT * WHERE { # a comment\r SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o }\n}",
])
def test_service_is_refused(server: SparqlServer, query: str) -> None:
    status, _, body = call(server, data={"query": query})
    assert status == 403, body
    assert body.startswith(b"SERVICE is not allowed")


@pytest.mark.parametrize("query", [
    "ASK { \\u0053ERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    # rdflib expands \u0022 into a quote everywhere, Oxigraph only inside the string: the parsers disagreed
    'SELECT * WHERE { VALUES ?x { "a\\u0022" } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } #" } }',
])
def test_unicode_escapes_are_refused(server: SparqlServer, query: str) -> None:
    status, _, body = call(server, data={"query": query})
    assert status == 400 and b"escapes are not accepted" in body


def _connections_while(code: str, listener: socket.socket) -> int:
    """How many connections reach ``listener`` while a fresh interpreter runs ``code`` (each one is
    accepted and closed at once, so the client fails instead of waiting)."""
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    listener.settimeout(0.2)
    accepted, deadline = 0, time.monotonic() + 60
    try:
        while process.poll() is None and time.monotonic() < deadline:
            with contextlib.suppress(TimeoutError):
                listener.accept()[0].close()
                accepted += 1
    finally:
        if process.poll() is None:
            process.kill()
        _, errors = process.communicate()
    assert process.returncode == 0, errors
    return accepted


@pytest.mark.skipif(sys.platform != "linux" or platform.machine() not in ("x86_64", "aarch64"),
                    reason="the seccomp sandbox is for Linux x86-64 and arm64")
def test_workers_cannot_open_network_sockets(server: SparqlServer) -> None:
    assert server.pool.sandboxed
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        service = (f"import pyoxigraph as ox\ntry:\n list(ox.Store().query('SELECT * WHERE {{ SERVICE "
                   f"<http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}'))\nexcept Exception as e: print(e)\n")
        assert _connections_while(service, listener) == 1  # the control: Oxigraph's SERVICE does connect
        sandboxed = "from kg.serve_workers import block_network\nassert block_network()\n" + service
        assert _connections_while(sandboxed, listener) == 0


def test_the_word_service_in_a_literal_or_comment_is_fine(server: SparqlServer) -> None:
    query = ('SELECT ?x WHERE { BIND("SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o }" AS ?x) }\n'
             "# SERVICE <http://127.0.0.1:9/sparql> { }")
    status, _, body = call(server, data={"query": query})
    assert status == 200, body
    assert json.loads(body)["results"]["bindings"][0]["x"]["value"].startswith("SERVICE <")


def test_a_syntax_error_is_400_with_a_message(server: SparqlServer) -> None:
    status, headers, body = call(server, params={"query": "SELECT ?s WHERE { ?s ?p }"})
    assert status == 400 and headers["content-type"].startswith("text/plain")
    assert b"syntax error" in body and b"line 1" in body


@pytest.mark.parametrize(("query", "headers", "params"), [
    (PER_PLAN, {"Accept": "image/png"}, {}),
    (PER_PLAN, {"Accept": "text/turtle"}, {}),  # a table is not a graph
    (PLAN_GRAPH, {"Accept": "text/csv"}, {}),  # a graph is not a table
    (PER_PLAN, {}, {"format": "pdf"}),
])
def test_an_unsatisfiable_accept_is_406(server: SparqlServer, query: str, headers: dict[str, str],
                                         params: dict[str, str]) -> None:
    status, _, body = call(server, params={"query": query, **params}, headers=headers)
    assert status == 406, body
    assert b"available" in body or b"unknown format 'pdf': use one of json" in body


def test_a_body_over_one_megabyte_is_413(server: SparqlServer) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 1_100_000
    status, _, body = call(server, data=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert status == 413 and b"limit" in body


def test_other_request_bodies_are_415_and_unknown_paths_404(server: SparqlServer) -> None:
    assert call(server, data=b"{}", headers={"Content-Type": "application/json"})[0] == 415
    assert call(server, "nothing-here")[0] == 404


# --- every named query: the same rows through SPARQLWrapper as from the embedded store -------------

QUERIES = load_queries()


@pytest.mark.parametrize(("name", "variant"), [(n, v) for n in sorted(QUERIES)
                                               for v in ("defaults", "params") if v == "defaults" or QUERIES[n].params])
@pytest.mark.parametrize("mode", ["disk", "memory"])
def test_named_query_gives_the_rows_of_the_embedded_store(request: pytest.FixtureRequest, built: Path,
                                                          mode: str, name: str, variant: str) -> None:
    query = QUERIES[name]
    endpoint = request.getfixturevalue("server" if mode == "disk" else "in_memory").url + "sparql"
    params = {p.name: example(p) for p in query.params if p.required or variant == "params"}
    assert_same_answers(endpoint, built, query, params)


@pytest.mark.parametrize("name", sorted(n for n, q in QUERIES.items() if q.params))
def test_parameters_bound_for_an_endpoint_are_substituted_again(name: str) -> None:
    query = QUERIES[name]
    bound = bind_params(query, {p.name: example(p) for p in query.params})
    inlined = inline_values(bind(query.text, bound))
    assert inlined is not None
    assert {v.value: term for v, term in inlined[1].items()} == bound
    assert re.sub(r"\s+", " ", inlined[0]) == re.sub(r"\s+", " ", query.text)


@pytest.mark.parametrize(("query", "expected"), [
    # ?plan not projected: Oxigraph refuses to substitute it, the VALUES block stays
    (KH + f"SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {{ VALUES ?plan {{ <{PLAN}> }} ?t a kh:Task ; kh:inPlan ?plan . "
     "FILTER NOT EXISTS { ?t a kh:Duty } }", ["88"]),
    (KH + f"SELECT ?plan (COUNT(DISTINCT ?t) AS ?n) WHERE {{ VALUES ?plan {{ <{PLAN}> }} ?t a kh:Task ; "
     "kh:inPlan ?plan . FILTER NOT EXISTS { ?t a kh:Duty } } GROUP BY ?plan", ["88"]),
    (KH + f"SELECT ?plan (COUNT(DISTINCT ?t) AS ?n) WHERE {{ VALUES ?plan {{ <{PLAN}> <urn:x:none> }} ?t a kh:Task ; "
     "kh:inPlan ?plan . FILTER NOT EXISTS { ?t a kh:Duty } } GROUP BY ?plan", ["88"]),
])
def test_a_values_block_binds_as_written(server: SparqlServer, query: str, expected: list[str]) -> None:
    status, _, body = call(server, data={"query": query})
    assert status == 200, body
    assert [row["n"]["value"] for row in json.loads(body)["results"]["bindings"]] == expected


def test_a_bind_to_a_values_variable_is_still_an_error(server: SparqlServer) -> None:
    status, _, body = call(server, data={"query": "SELECT ?p WHERE { VALUES ?p { <urn:x:a> } BIND (<urn:x:b> AS ?p) }"})
    assert status == 400 and b"syntax error" in body.lower()


def test_the_in_memory_server_holds_every_quad_of_the_store(server: SparqlServer, in_memory: SparqlServer) -> None:
    quads = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(in_memory, quads) == count(server, quads) > 30_000
    assert count(in_memory, TASKS) == 88


def test_without_graph_trig_the_store_itself_is_loaded(built: Path, tmp_path: Path) -> None:
    copy = tmp_path / "out"
    shutil.copytree(built / "store", copy / "store")
    (copy / "graph.trig").write_text("<urn:x:a> <urn:x:b> <urn:x:c> .\n", encoding="utf-8")  # another build's
    memory = load_in_memory(copy / "store")
    assert len(memory) == len(ox.Store.read_only(str(built / "store"))) == len(load_in_memory(built / "store"))
    (copy / "graph.trig").unlink()
    assert len(load_in_memory(copy / "store")) == len(memory)


# --- limits -----------------------------------------------------------------------------------------

def test_a_slow_query_is_stopped_and_the_server_goes_on(strict: SparqlServer) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 27,000³ rows
    started = time.monotonic()
    status, _, body = call(strict, data={"query": slow})
    elapsed = time.monotonic() - started
    assert status == 503, body
    assert b"query stopped after 1 s" in body
    assert elapsed < 6
    status, _, body = call(strict, params={"query": TASKS})  # the one worker was replaced
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "88"


def test_more_rows_than_the_limit_is_413(strict: SparqlServer) -> None:
    for fmt in ("json", "csv", "tsv", "xml"):
        status, _, body = call(strict, params={"query": "SELECT * WHERE { ?s ?p ?o }", "format": fmt})
        assert status == 413 and b"more than 10 rows" in body
    status, _, body = call(strict, params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 10", "format": "csv"})
    assert status == 200 and len(list(csv.reader(io.StringIO(body.decode())))) == 11
    status, _, body = call(strict, params={"query": PLAN_GRAPH})
    assert status == 413 and b"more than 10 triples" in body
    status, _, body = call(strict, params={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 10", "format": "nt"})
    assert status == 200 and len(Graph().parse(data=body.decode(), format="nt")) == 10


def test_values_survive_the_row_count(strict: SparqlServer) -> None:
    query = 'SELECT ?x WHERE { VALUES ?x { "a\\tb\\nc"@vi 1 2.5 <urn:x:y> "Hà Tĩnh" } }'
    status, _, body = call(strict, params={"query": query})
    assert status == 200
    values = [row["x"] for row in json.loads(body)["results"]["bindings"]]
    assert values[0] == {"type": "literal", "value": "a\tb\nc", "xml:lang": "vi"}
    assert values[3] == {"type": "uri", "value": "urn:x:y"} and values[4]["value"] == "Hà Tĩnh"


# --- service description and page -------------------------------------------------------------------

@pytest.mark.filterwarnings(JSON_LD_WARNING)
def test_service_description_in_turtle_and_json_ld(server: SparqlServer) -> None:
    status, headers, body = call(server, headers={"Accept": "text/turtle"})
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=body.decode("utf-8"), format="turtle")
    endpoint = URIRef(server.url + "sparql")
    assert (endpoint, RDF.type, SD.Service) in graph
    assert (endpoint, SD.endpoint, endpoint) in graph
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (endpoint, SD.resultFormat, URIRef("http://www.w3.org/ns/formats/SPARQL_Results_CSV")) in graph
    names = set(graph.objects(None, SD.name))
    assert URIRef("https://w3id.org/kehoach/id/graph/plan/75/2026-2030") in names and len(names) == 9
    status, headers, body = call(server, headers={"Accept": "application/ld+json"})
    assert status == 200 and headers["content-type"] == "application/ld+json"
    assert len(Graph().parse(data=body.decode("utf-8"), format="json-ld")) == len(graph)
    assert call(server)[1]["content-type"].startswith("text/turtle")  # no Accept: Turtle


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.options: list[str] = []
        self.inline_styles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href", "action", "srcset", "poster", "data") and value is not None:
                self.links.append(value)
            if name == "style" and value:
                self.inline_styles.append(value)
        if tag == "option":
            self.options.append(dict(attrs).get("value") or "")


def _is_relative(link: str) -> bool:
    return not re.match(r"^\s*([a-z][a-z0-9+.-]*:|//)", link, re.IGNORECASE)


def test_the_page_loads_nothing_from_another_host(server: SparqlServer) -> None:
    status, headers, body = call(server, "")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in headers["content-security-policy"]
    parser = _Links()
    parser.feed(body.decode("utf-8"))
    assert parser.links and all(_is_relative(link) for link in parser.links), parser.links
    assert "static/app.js" in parser.links and "static/style.css" in parser.links
    for asset in ("static/app.js", "static/style.css"):
        status, _, text = call(server, asset)
        assert status == 200
        assert b"http://" not in text and b"https://" not in text and b"//cdn" not in text
        assert all(_is_relative(u) for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", text.decode()))
    assert all("url(" not in style for style in parser.inline_styles)
    assert b"innerHTML" not in call(server, "static/app.js")[2]


def test_the_page_lists_the_named_queries(server: SparqlServer) -> None:
    status, _, body = call(server, "")
    parser = _Links()
    parser.feed(body.decode("utf-8"))
    names = [q["name"] for q in named_queries()]
    assert names, "queries/*.rq should hold named queries"
    assert [o for o in parser.options if o] == names
    for query in named_queries():
        assert query["title_vi"] in body.decode("utf-8")
    status, _, listed = call(server, "queries.json")
    assert [q["name"] for q in json.loads(listed)] == names


def test_a_browser_asking_the_endpoint_gets_the_page(server: SparqlServer) -> None:
    status, headers, body = call(server, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert status == 200 and headers["content-type"].startswith("text/html") and b"<select" in body


def test_titles_are_escaped_in_the_page() -> None:
    evil = "<script>alert(1)</script>"
    page = page_html([{"name": "x\"><script>", "title_vi": evil, "title_en": "</script><b>", "question": evil,
                       "params": [], "text": "SELECT * WHERE { ?s ?p " + repr(evil) + " }"}]).decode("utf-8")
    assert evil not in page and "</script><b>" not in page and 'x"><script>' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    data = page.split('id="kehoach-data">')[1].split("</script>")[0]
    assert json.loads(data)["queries"][0]["title_vi"] == evil  # intact for textContent in the page


# --- the command ------------------------------------------------------------------------------------

def test_serve_is_a_subcommand(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["serve", "--help"])
    assert stop.value.code == 0
    help_text = capsys.readouterr().out
    for option in ("--out-dir", "--host", "--port", "--timeout", "--max-results", "--workers", "--in-memory"):
        assert option in help_text
    assert main(["serve", "--out-dir", str(tmp_path), "--port", "0"]) == 2
    assert "no store" in capsys.readouterr().err
    assert main(["serve", "--out-dir", str(tmp_path), "--port", "0", "--in-memory"]) == 2
    assert "no store" in capsys.readouterr().err


def test_in_memory_says_what_memory_it_takes(built: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    quads = len(ox.Store.read_only(str(built / "store")))
    announce_memory(built, 3)
    told = capsys.readouterr().err
    assert f"~{quads * MEMORY_PER_QUAD / 2**20:,.0f} MB per worker" in told
    assert f"~{3 * quads * MEMORY_PER_QUAD / 2**20:,.0f} MB for 3" in told and "warning" not in told
    monkeypatch.setattr("kg.store.memory_estimate", lambda store: (2 * 2**30, 3 * 2**30))
    announce_memory(built, 2)
    assert "warning: only 3,072 MB of memory available; use fewer --workers" in capsys.readouterr().err


def test_a_literal_is_not_mistaken_for_anything(server: SparqlServer) -> None:
    query = KH + 'SELECT ?t WHERE { ?t kh:code "INSERT DATA { <a:b> <a:c> <a:d> }" }'
    status, _, body = call(server, data={"query": query})
    assert status == 200 and json.loads(body)["results"]["bindings"] == []
