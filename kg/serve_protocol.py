"""The SPARQL 1.1 Protocol side of ``kehoach serve``: what a request asks and how it may be answered.

Content negotiation (``Accept`` or ``format=``, :func:`negotiate`), the :class:`Job` a request
becomes, the :class:`Reply` it gets, and the checks a query text passes before any store sees it.

SERVICE and updates are found with rdflib's SPARQL parser (its parse tree, in the worker, under the
time limit); a text it cannot parse is refused with 400 before Oxigraph sees it (fail closed). A
regular expression on the text is fooled by literals and comments, and pyoxigraph 0.5 has no Python
hook for SERVICE. The parse tree also gives the query form (to negotiate before evaluating) and
whether the query has FROM (pyoxigraph's union default graph would silently override it). Two
parsers may still read one text differently: Oxigraph ends a comment at a bare CR and rdflib does
not, so ``# x<CR>SERVICE <…> {…}`` passed rdflib and reached Oxigraph, whose SERVICE makes real HTTP
requests. So the text is normalised first (:func:`normalise_query`: CR/CRLF → LF, ``\\u`` escapes
refused) and Oxigraph runs the normalised text; and, defence in depth, each worker forbids itself
every socket but AF_UNIX (:func:`kg.serve_workers.block_network`, seccomp, Linux), so a SERVICE that
slips past the parser cannot connect anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import pyoxigraph as ox

from kg.errors import KehoachError
from kg.query import to_term
from kg.remote import keywords, leading_values

BoundTerm = ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple

UPDATE_REFUSED = "SPARQL Update is not allowed: this endpoint is read-only (chỉ đọc)"
SERVICE_REFUSED = "SERVICE is not allowed: this endpoint does not send queries to other services"

Format = ox.QueryResultsFormat | ox.RdfFormat
# media type accepted → (format, Content-Type sent); the first entry is the default for */*.
SOLUTION_TYPES: dict[str, tuple[Format, str]] = {
    "application/sparql-results+json": (ox.QueryResultsFormat.JSON, "application/sparql-results+json"),
    "application/sparql-results+xml": (ox.QueryResultsFormat.XML, "application/sparql-results+xml"),
    "text/csv": (ox.QueryResultsFormat.CSV, "text/csv; charset=utf-8"),
    "text/tab-separated-values": (ox.QueryResultsFormat.TSV, "text/tab-separated-values; charset=utf-8"),
    "application/json": (ox.QueryResultsFormat.JSON, "application/sparql-results+json"),
    "application/xml": (ox.QueryResultsFormat.XML, "application/sparql-results+xml"),
    "text/xml": (ox.QueryResultsFormat.XML, "application/sparql-results+xml"),
}
GRAPH_TYPES: dict[str, tuple[Format, str]] = {
    "text/turtle": (ox.RdfFormat.TURTLE, "text/turtle; charset=utf-8"),
    "application/n-triples": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    "application/ld+json": (ox.RdfFormat.JSON_LD, "application/ld+json"),
    "application/rdf+xml": (ox.RdfFormat.RDF_XML, "application/rdf+xml"),
    "application/x-turtle": (ox.RdfFormat.TURTLE, "text/turtle; charset=utf-8"),
    "application/json": (ox.RdfFormat.JSON_LD, "application/ld+json"),
    "application/xml": (ox.RdfFormat.RDF_XML, "application/rdf+xml"),
}
# short names of the ``format`` parameter → the Accept header they stand for
FORMAT_NAMES = {
    "json": "application/sparql-results+json, application/ld+json",
    "xml": "application/sparql-results+xml, application/rdf+xml",
    "csv": "text/csv", "tsv": "text/tab-separated-values",
    "turtle": "text/turtle", "ttl": "text/turtle",
    "ntriples": "application/n-triples", "n-triples": "application/n-triples", "nt": "application/n-triples",
    "jsonld": "application/ld+json", "json-ld": "application/ld+json",
    "rdfxml": "application/rdf+xml", "rdf": "application/rdf+xml", "html": "text/html",
}


class Refused(KehoachError):
    """A request the endpoint answers with an error status (``status``) and a plain-text message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Job:
    """One query for a worker: the text, the Accept header it must satisfy, the protocol's dataset,
    ``$name`` bindings (raw values) and the row limit."""

    text: str
    accept: str | None = None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    bindings: dict[str, str] = field(default_factory=dict)
    max_results: int = 100_000


@dataclass
class Reply:
    """An HTTP answer: status, body, Content-Type and extra headers."""

    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def text(cls, status: int, message: str) -> Reply:
        """A plain-text answer."""
        return cls(status, (message + "\n").encode("utf-8"))


# --- content negotiation -------------------------------------------------------------------------

def negotiate(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offer the ``Accept`` header prefers: highest q of its most specific matching range, the
    earlier offer on ties; the first offer when there is no header; None when nothing is acceptable.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+json", ["text/csv", "application/sparql-results+json"])
    'application/sparql-results+json'
    >>> negotiate("text/*;q=0.9, */*;q=0.1", ["application/sparql-results+json", "text/csv"])
    'text/csv'
    >>> negotiate(None, ["text/turtle"]), negotiate("image/png", ["text/turtle"])
    ('text/turtle', None)
    """
    if accept is None or not accept.strip():
        return offers[0] if offers else None
    ranges: list[tuple[str, str, float]] = []
    for item in accept.split(","):
        kind, *params = [part.strip() for part in item.split(";")]
        if "/" not in kind:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        main, _, sub = kind.lower().partition("/")
        ranges.append((main, sub, quality))
    best, best_q = None, 0.0
    for offer in offers:
        main, _, sub = offer.partition("/")
        specificity, quality = -1, 0.0
        for r_main, r_sub, r_q in ranges:
            score = 2 if (r_main, r_sub) == (main, sub) else 1 if (r_main, r_sub) == (main, "*") else \
                0 if (r_main, r_sub) == ("*", "*") else -1
            if score > specificity:
                specificity, quality = score, r_q
        if specificity >= 0 and quality > best_q:
            best, best_q = offer, quality
    return best


def accept_of(format_param: str | None, accept_header: str | None) -> str | None:
    """The Accept header a request stands for: its ``format`` parameter (a short name or a media
    type) wins over its header.

    >>> accept_of("csv", "application/json"), accept_of(None, "text/turtle"), accept_of("text/csv", None)
    ('text/csv', 'text/turtle', 'text/csv')
    """
    if format_param is None or not format_param.strip():
        return accept_header
    name = format_param.strip().lower()
    if name in FORMAT_NAMES:
        return FORMAT_NAMES[name]
    if "/" not in name:
        raise Refused(406, f"unknown format {format_param!r}: use one of {', '.join(FORMAT_NAMES)} or a media type")
    return name


# --- checking a query ----------------------------------------------------------------------------

def _tree_nodes(tree: object) -> Iterator[object]:
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, str | bytes):
            continue
        if isinstance(node, Mapping):  # rdflib's CompValue; pyparsing's named results
            stack.extend(node.values())
        if not isinstance(node, dict) and hasattr(node, "__iter__"):  # ParseResults is also a list
            stack.extend(cast(Any, node))


def _syntax_message(error: Exception) -> str:
    line, column, message = (getattr(error, name, None) for name in ("lineno", "col", "msg"))
    if line is not None and column is not None and message:
        return f"SPARQL syntax error at line {line}, column {column}: {message}"
    return f"SPARQL syntax error: {error}"


def normalise_query(text: str) -> str:
    """The text both parsers read the same way: line ends made ``\\n`` (Oxigraph ends a ``#`` comment
    at a bare CR, rdflib does not: ``# x<CR>SERVICE …`` hid a SERVICE from rdflib); ``\\u`` escapes
    refused (rdflib expands them everywhere before parsing, Oxigraph only inside strings and IRIs).

    >>> normalise_query("ASK {} # x\\rSERVICE")
    'ASK {} # x\\nSERVICE'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if re.search(r"\\[uU][0-9A-Fa-f]{4}", text):
        raise Refused(400, "\\u and \\U escapes are not accepted by this endpoint (its two SPARQL parsers read "
                           "them differently): write the character itself")
    return text


_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
_UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")


def quick_inspect(text: str) -> tuple[str, bool] | None:
    """:func:`inspect_query`'s answer for a plain query, read from its keywords in microseconds
    instead of rdflib's parse (15-170 ms for the named queries); None when the text needs that parse:
    the word SERVICE anywhere (even in a string or comment), a FROM, an update keyword first, no form.
    A text that is not SPARQL is then refused by Oxigraph's parser (see ``serve_workers.answer``).

    >>> quick_inspect('PREFIX ask: <urn:x#> SELECT ?ask WHERE { ?s ask:from "CONSTRUCT" } # DESCRIBE')
    ('select', False)
    >>> quick_inspect("describe <urn:x>"), quick_inspect("SELECT * FROM <urn:g> { }")
    (('describe', False), None)
    >>> quick_inspect("INSERT DATA { <a:b> <a:c> <a:d> }"), quick_inspect('ASK { ?s ?p "service" }')
    (None, None)
    """
    if "service" in text.lower():
        return None
    words = [word for word in keywords(text) if word in _FORMS + _UPDATES + ("FROM",)]
    if not words or words[0] not in _FORMS or "FROM" in words:
        return None
    return words[0].lower(), False


def inspect_query(text: str) -> tuple[str, bool]:
    """The form of a query (select, construct, describe, ask) and whether it names its own dataset
    (FROM / FROM NAMED), read from rdflib's parse tree; raises :class:`Refused` for an update (403),
    a SERVICE pattern (403) or a text that does not parse (400).

    >>> inspect_query('SELECT ?s WHERE { ?s ?p "SERVICE <http://example.org/> { }" }')
    ('select', False)
    >>> inspect_query('ASK FROM <http://example.org/g> { SERVICE <http://example.org/> { ?s ?p ?o } }')
    Traceback (most recent call last):
    kg.serve_protocol.Refused: SERVICE is not allowed: this endpoint does not send queries to other services
    """
    from rdflib.plugins.sparql import parser
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        tree = parser.parseQuery(text)
    except Exception as error:  # pyparsing's ParseException, RecursionError on absurd nesting
        try:
            parser.parseUpdate(text)
        except Exception:
            raise Refused(400, _syntax_message(error)) from None
        raise Refused(403, UPDATE_REFUSED) from None
    for node in _tree_nodes(tree):
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            raise Refused(403, SERVICE_REFUSED)
    query = tree[1]
    form = query.name.removesuffix("Query").lower()
    return form, bool("datasetClause" in query and query["datasetClause"])  # (CompValue.get is odd)


def inline_values(text: str) -> tuple[str, dict[ox.Variable, BoundTerm]] | None:
    """A query whose WHERE group starts with a one-row VALUES block (how ``kehoach query --endpoint``,
    :func:`kg.remote.bind`, binds parameters), as the query without the block and the block's values,
    to be given as substitutions; None for any other query.

    Oxigraph joins a VALUES block with the rest of the query after evaluating it, sub-selects and
    UNIONs included, for every plan of the country (compare-plans-by-kind: over 60 s), while a
    substituted value is matched first (18 ms). The answers are the same: Oxigraph substitutes a
    variable only where the VALUES block would bind it, and refuses (RuntimeError) a variable the
    query does not project, for which the caller keeps the block. The query as sent must parse
    (a BIND to a bound variable does not), so nothing is answered that would have been refused.

    >>> inline_values('SELECT ?n ?a WHERE { VALUES (?a) { ("Hà Tĩnh"@vi) } ?x ?a ?n }')
    ('SELECT ?n ?a WHERE {  ?x ?a ?n }', {<Variable value=a>: <Literal value=Hà Tĩnh language=vi>})
    >>> inline_values("SELECT ?a WHERE { VALUES ?a { <urn:x:1> <urn:x:2> } }") is None  # two rows
    True
    """
    split = leading_values(text)
    if split is None:
        return None
    stripped, block, prologue = split
    empty = ox.Store()
    try:
        empty.query(text)
        answer = cast(ox.QuerySolutions, empty.query(f"{prologue}SELECT * WHERE {{ {block} }}"))
    except (SyntaxError, ValueError, RuntimeError):
        return None
    variables = list(answer.variables)
    rows = list(answer)
    if len(rows) != 1 or any(rows[0][v] is None for v in variables):
        return None
    return stripped, {v: rows[0][v] for v in variables}


def binding_term(value: str) -> BoundTerm:
    """The RDF term of a ``$name=value`` request parameter: ``<iri>``; ``"text"@lang``;
    ``"text"^^<datatype>``; ``"text"`` (a string); otherwise as :func:`kg.query.to_term` reads a
    parameter (an http(s)/urn IRI or a prefixed name of the project, else a string).

    >>> binding_term("<https://w3id.org/kehoach/id/org/42/so-y-te>")
    <NamedNode value=https://w3id.org/kehoach/id/org/42/so-y-te>
    >>> binding_term('"Sở Y tế"@vi'), binding_term("khr:chu-tri").value
    (<Literal value=Sở Y tế language=vi>, 'https://w3id.org/kehoach/def/role/chu-tri')
    """
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        return ox.NamedNode(text[1:-1])
    tagged = re.fullmatch(r'"(.*)"@([A-Za-z]+(?:-[A-Za-z0-9]+)*)', text, re.DOTALL)
    if tagged:
        return ox.Literal(tagged[1], language=tagged[2])
    typed = re.fullmatch(r'"(.*)"\^\^<([^<>]+)>', text, re.DOTALL)
    if typed:
        return ox.Literal(typed[1], datatype=ox.NamedNode(typed[2]))
    quoted = re.fullmatch(r'"(.*)"', text, re.DOTALL)
    if quoted:
        return ox.Literal(quoted[1])
    try:
        return to_term(text)
    except KehoachError as error:
        raise Refused(400, f"cannot bind the value {value!r}: {error}") from None
