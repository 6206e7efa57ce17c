"""A read-only SPARQL 1.1 Protocol endpoint over the built store (``kehoach serve``), standard library only.

Paths:

- ``/sparql``: GET ``?query=``, POST ``application/x-www-form-urlencoded`` (``query=``) or POST
  ``application/sparql-query``; ``default-graph-uri`` / ``named-graph-uri`` honoured; ``$name=value``
  binds the projected variable ``?name`` (an extension in the style of RDF4J, used by the query page:
  values are bound by pyoxigraph's substitutions, never pasted into the query text); results by content
  negotiation (``Accept``, or ``format=json|xml|csv|tsv|turtle|ntriples|jsonld|rdfxml``). With no
  query: the SPARQL 1.1 Service Description (Turtle, JSON-LD, N-Triples, RDF/XML) or, for a browser,
  the query page. ``Access-Control-Allow-Origin: *`` on every answer, OPTIONS answers preflights.
- ``/``: the query page (``kg/static``; nothing is loaded from another host).
- ``/queries.json``: the named queries of ``queries/*.rq``.

Status codes: 200; 400 syntax error or bad parameter; 403 SPARQL Update (``update=``,
``application/sparql-update`` or an update sent as a query) or ``SERVICE``; 404; 406 no acceptable
format; 411/413 request body missing a length / over ``max_body``; 413 more than ``max_results``
rows or triples (refused, not truncated: a truncated count or table looks like a complete answer);
415 other request content types; 503 query stopped by the time limit, or every worker busy.

Time limit: Oxigraph cannot cancel a running query, so queries run in a pool of worker processes,
each with the store open read-only. The request thread waits ``timeout`` seconds for the answer
(parsing, evaluation and serialisation all count); past it the worker is killed and replaced.

SERVICE and updates are found with rdflib's SPARQL parser (its parse tree, in the worker, under the
time limit); a text it cannot parse is refused with 400 before Oxigraph sees it (fail closed). A
regular expression on the text is fooled by literals and comments, and pyoxigraph 0.5 has no Python
hook for SERVICE. The parse tree also gives the query form (to negotiate before evaluating) and
whether the query has FROM (pyoxigraph's union default graph would silently override it). Two
parsers may still read one text differently: Oxigraph ends a comment at a bare CR and rdflib does
not, so ``# x<CR>SERVICE <…> {…}`` passed rdflib and reached Oxigraph, whose SERVICE makes real HTTP
requests. So the text is normalised first (:func:`normalise_query`: CR/CRLF → LF, ``\\u`` escapes
refused) and Oxigraph runs the normalised text; and, defence in depth, each worker forbids itself
every socket but AF_UNIX (:func:`block_network`, seccomp, Linux), so a SERVICE that slips past the
parser cannot connect anywhere.
"""

from __future__ import annotations

import ctypes
import html
import ipaddress
import json
import os
import platform
import queue
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any, cast
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from kg.errors import KehoachError
from kg.oxi import PREFIXES
from kg.query import load_queries, to_term
from kg.store import STORE_DIR, open_store

MAX_BODY = 1_000_000
STARTUP_LIMIT = 60.0
SD = "http://www.w3.org/ns/sparql-service-description#"
W3C_JSON_LD = "http://www.w3.org/ns/formats/JSON-LD"  # pyoxigraph's RdfFormat.JSON_LD.iri is not the registered one
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
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
_STATIC = {"app.js": "text/javascript; charset=utf-8", "style.css": "text/css; charset=utf-8"}
_PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
                "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


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


# --- one query, in a worker ----------------------------------------------------------------------

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


def inspect_query(text: str) -> tuple[str, bool]:
    """The form of a query (select, construct, describe, ask) and whether it names its own dataset
    (FROM / FROM NAMED), read from rdflib's parse tree; raises :class:`Refused` for an update (403),
    a SERVICE pattern (403) or a text that does not parse (400).

    >>> inspect_query('SELECT ?s WHERE { ?s ?p "SERVICE <http://example.org/> { }" }')
    ('select', False)
    >>> inspect_query('ASK FROM <http://example.org/g> { SERVICE <http://example.org/> { ?s ?p ?o } }')
    Traceback (most recent call last):
    kg.serve.Refused: SERVICE is not allowed: this endpoint does not send queries to other services
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


def binding_term(value: str) -> ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple:
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


class _TsvRows:
    """A binary writer that keeps TSV results and stops after the header line and ``limit`` rows
    (TSV escapes newlines inside terms, so one line is one row)."""

    def __init__(self, limit: int) -> None:
        self.parts: list[bytes] = []
        self.lines = 0
        self.limit = limit
        self.exceeded = False

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit + 1:
            self.exceeded = True
            raise OverflowError("too many rows")
        self.parts.append(chunk)
        return len(chunk)

    def flush(self) -> None:
        """Nothing to flush."""


def _too_many(limit: int, what: str) -> Refused:
    return Refused(413, f"the result has more than {limit:,} {what} (limit --max-results {limit}); "
                        "add LIMIT to the query or download in parts")


def _serialise(result: ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean, fmt: Format, limit: int) -> bytes:
    if isinstance(result, ox.QueryBoolean):
        return result.serialize(format=cast(ox.QueryResultsFormat, fmt)) or b""
    if isinstance(result, ox.QueryTriples):
        triples = list(islice(result, limit + 1))
        if len(triples) > limit:
            raise _too_many(limit, "triples")
        prefixes = None if fmt == ox.RdfFormat.N_TRIPLES else PREFIXES
        return ox.serialize(triples, format=cast(ox.RdfFormat, fmt), prefixes=prefixes) or b""
    # Rows are counted on pyoxigraph's TSV (lossless) and converted only when within the limit.
    rows = _TsvRows(limit)
    try:
        result.serialize(cast(IO[bytes], rows), format=ox.QueryResultsFormat.TSV)
    except Exception:
        if rows.exceeded:
            raise _too_many(limit, "rows") from None
        raise
    tsv = b"".join(rows.parts)
    if fmt == ox.QueryResultsFormat.TSV:
        return tsv
    parsed = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV)
    return parsed.serialize(format=cast(ox.QueryResultsFormat, fmt)) or b""


def answer(store: ox.Store, job: Job) -> Reply:
    """Run ``job`` on ``store``: check it, negotiate the format, evaluate, serialise."""
    try:
        text = normalise_query(job.text)
        form, own_dataset = inspect_query(text)
        offers = GRAPH_TYPES if form in ("construct", "describe") else SOLUTION_TYPES
        chosen = negotiate(job.accept, list(offers))
        if chosen is None:
            canonical = sorted({content.split(";")[0] for _, content in offers.values()})
            raise Refused(406, f"cannot answer a {form.upper()} query in any type of Accept: {job.accept}; "
                               f"available: {', '.join(canonical)}")
        fmt, content_type = offers[chosen]
        substitutions: dict[ox.Variable, Any] | None = None
        if job.bindings:
            substitutions = {ox.Variable(name): binding_term(value) for name, value in job.bindings.items()}
        if job.default_graphs or job.named_graphs:
            result = store.query(text, default_graph=[ox.NamedNode(g) for g in job.default_graphs],
                                 named_graphs=[ox.NamedNode(g) for g in job.named_graphs],
                                 substitutions=substitutions)
        elif own_dataset:
            result = store.query(text, substitutions=substitutions)
        else:
            result = store.query(text, use_default_graph_as_union=True, substitutions=substitutions)
        body = _serialise(result, fmt, job.max_results)
    except Refused as refused:
        return Reply.text(refused.status, str(refused))
    except SyntaxError as error:
        return Reply.text(400, f"SPARQL syntax error: {error}")
    except (ValueError, RuntimeError) as error:  # a bad IRI or variable name, a binding not projected
        return Reply.text(400, f"cannot run the query: {error}")
    return Reply(200, body, content_type, {"Vary": "Accept"})


_SECCOMP_ARCH = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}  # audit arch, socket(2)


def block_network() -> bool:
    """Forbid this process every socket but AF_UNIX (a seccomp filter, Linux x86-64/arm64; for good:
    only ever call it in a worker). Defence in depth: even a SERVICE the parser missed cannot
    connect anywhere. Return whether the filter is in place."""
    if sys.platform != "linux" or platform.machine() not in _SECCOMP_ARCH:
        return False
    arch, socket_call = _SECCOMP_ARCH[platform.machine()]
    load, equal, give = 0x20, 0x15, 0x06  # BPF_LD|W|ABS, BPF_JMP|JEQ|K, BPF_RET|K
    allow, deny = 0x7FFF0000, 0x00050000 | 1  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EPERM
    program = [(load, 0, 0, 4), (equal, 1, 0, arch), (give, 0, 0, allow),  # another ABI: not judged
               (load, 0, 0, 0), (equal, 0, 3, socket_call),  # not socket(2): allow
               (load, 0, 0, 16), (equal, 1, 0, socket.AF_UNIX), (give, 0, 0, deny), (give, 0, 0, allow)]
    code = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *step) for step in program))

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
        return False
    filter_ = Program(len(program), ctypes.addressof(code))
    return bool(libc.prctl(22, 2, ctypes.byref(filter_), 0, 0) == 0)  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER


def worker_main(store_path: str, fd: int) -> None:
    """The loop of a worker process: open the store read-only, then answer :class:`Job`s on the
    connection ``fd`` until it closes."""
    conn = Connection(fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops its workers itself
    sandboxed = block_network()
    try:
        store = ox.Store.read_only(store_path)
        inspect_query("ASK {}")  # import and warm up the parser before saying ready
    except Exception as error:
        conn.send(("failed", f"cannot open the store {store_path}: {error}"))
        return
    conn.send(("ready", sandboxed))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the server has gone
            return
        try:
            reply = answer(store, job)
        except Exception as error:  # a bug must not kill the worker silently
            reply = Reply.text(500, f"internal error: {type(error).__name__}: {error}")
        conn.send(reply)


# --- the pool of worker processes ----------------------------------------------------------------

class _Worker:
    """A worker process (a fresh interpreter, not multiprocessing: spawn would re-run the caller's
    main script, fork is unsafe in a threaded server) and its end of a socket pair."""

    def __init__(self, store_path: str) -> None:
        ours, theirs = socket.socketpair()
        root = str(Path(__file__).resolve().parent.parent)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        code = "import sys; from kg.serve import worker_main; worker_main(sys.argv[1], int(sys.argv[2]))"
        self.process = subprocess.Popen([sys.executable, "-c", code, store_path, str(theirs.fileno())],
                                        pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, env=env,
                                        start_new_session=True)  # Ctrl-C in the terminal reaches the server only
        theirs.close()
        self.conn = Connection(ours.detach())
        self.ready = self.sandboxed = False

    def wait_ready(self, limit: float) -> None:
        if self.ready:
            return
        if not self.conn.poll(limit):
            raise KehoachError(f"a query worker did not start within {limit:g} s")
        try:
            state, detail = self.conn.recv()
        except (EOFError, OSError):
            state, detail = "failed", f"a query worker exited while starting (exit code {self.process.poll()})"
        if state != "ready":
            raise KehoachError(detail)
        self.ready, self.sandboxed = True, bool(detail)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        self.conn.close()


class WorkerPool:
    """Worker processes, each with the store open read-only; :meth:`run` gives a job to an idle one
    and kills it (starting a fresh one) when the answer takes longer than ``timeout`` seconds."""

    def __init__(self, store_path: Path, *, size: int = 2, timeout: float = 30.0) -> None:
        self.store_path = str(store_path)
        self.timeout = timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        workers = [self._start() for _ in range(max(1, size))]
        try:
            for worker in workers:
                worker.wait_ready(STARTUP_LIMIT)
        except BaseException:
            self.close()
            raise
        self.sandboxed = all(worker.sandboxed for worker in workers)  # no socket but AF_UNIX in the workers
        for worker in workers:
            self._idle.put(worker)

    def _start(self) -> _Worker:
        worker = _Worker(self.store_path)
        with self._lock:
            self._all.add(worker)
        return worker

    def _discard(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._all.discard(worker)
            if self._closed:
                return
        self._idle.put(self._start())

    def run(self, job: Job) -> Reply:
        """Answer ``job`` within the time limit."""
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return Reply.text(503, f"every query worker is busy (waited {self.timeout:g} s); try again later")
        try:
            worker.wait_ready(STARTUP_LIMIT)
            worker.conn.send(job)
            if not worker.conn.poll(self.timeout):
                self._discard(worker)
                return Reply.text(503, f"query stopped after {self.timeout:g} s (time limit --timeout); "
                                       "make it more selective or add LIMIT")
            reply = cast(Reply, worker.conn.recv())
        except (EOFError, OSError, KehoachError) as error:
            self._discard(worker)
            return Reply.text(500, f"the query worker failed: {error or type(error).__name__}")
        self._idle.put(worker)
        return reply

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()


# --- service description, named queries, the page -------------------------------------------------

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


def _static(name: str) -> bytes:
    return resources.files("kg").joinpath("static", name).read_bytes()


def page_html(queries: Sequence[Mapping[str, Any]]) -> bytes:
    """The query page, with the named queries as escaped ``<option>``s and a JSON data block."""
    options = "\n".join(
        f'<option value="{html.escape(str(q["name"]))}">{html.escape(str(q["title_vi"] or q["name"]))}'
        f'{" — " + html.escape(str(q["title_en"])) if q["title_en"] else ""}</option>' for q in queries)
    data = json.dumps({"queries": list(queries), "prefixes": PREFIXES}, ensure_ascii=False)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    page = _static("index.html").decode("utf-8")
    return page.replace("<!--kehoach:options-->", options).replace("<!--kehoach:data-->", data).encode("utf-8")


# --- HTTP ----------------------------------------------------------------------------------------

def is_loopback(host: str) -> bool:
    """Whether ``host`` only listens on this machine.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    app: SparqlServer


class _Handler(BaseHTTPRequestHandler):
    server_version = "kehoach-kg"
    protocol_version = "HTTP/1.1"
    timeout = 60  # a client that stalls mid-request loses its connection

    @property
    def app(self) -> SparqlServer:
        return cast(_HTTPServer, self.server).app

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        if not self.app.quiet:
            super().log_message(format, *args)

    def _send(self, reply: Reply, *, cors: bool = False) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        if cors:
            self.send_header("Access-Control-Allow-Origin", "*")
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    def _page(self) -> Reply:
        return Reply(200, self.app.page, "text/html; charset=utf-8",
                     {"Content-Security-Policy": _PAGE_POLICY, "Referrer-Policy": "no-referrer",
                      "Cache-Control": "no-cache"})

    def do_OPTIONS(self) -> None:  # noqa: N802 (http.server's naming)
        self._send(Reply(204, b"", "text/plain", {
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Accept, Content-Type", "Access-Control-Max-Age": "86400",
            "Allow": "GET, POST, OPTIONS"}), cors=True)

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path in ("/", "/index.html"):
            self._send(self._page())
        elif url.path.startswith("/static/") and url.path[8:] in _STATIC:
            name = url.path[8:]
            self._send(Reply(200, _static(name), _STATIC[name], {"Cache-Control": "no-cache"}))
        elif url.path == "/queries.json":
            body = json.dumps(self.app.queries, ensure_ascii=False, indent=1).encode("utf-8")
            self._send(Reply(200, body, "application/json"))
        elif url.path == "/favicon.ico":
            self._send(Reply(204, b""))
        elif url.path == "/sparql":
            self._send(self._sparql(parse_qs(url.query, keep_blank_values=True), get=True), cors=True)
        else:
            self._send(Reply.text(404, f"not found: {url.path}; the endpoint is /sparql, the query page /"))

    do_HEAD = do_GET

    def do_POST(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path != "/sparql":
            self._send(Reply.text(404, f"not found: {url.path}; POST queries to /sparql"))
            return
        self._send(self._post(url.query), cors=True)

    def _post(self, url_query: str) -> Reply:
        length_text = self.headers.get("Content-Length")
        if length_text is None or not length_text.strip().isdigit():
            self.close_connection = True
            return Reply.text(411, "a POST needs a Content-Length header")
        length = int(length_text)
        if length > self.app.max_body:
            self.close_connection = True
            if length <= 16 * self.app.max_body:  # read it away, else the client gets a reset, not the 413
                left = length
                while left > 0 and (chunk := self.rfile.read(min(65536, left))):
                    left -= len(chunk)
            return Reply.text(413, f"the request body has {length:,} bytes; the limit is {self.app.max_body:,}")
        body = self.rfile.read(length)
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = parse_qs(url_query, keep_blank_values=True)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return Reply.text(400, "the request body is not UTF-8")
        if content_type == "application/sparql-update":
            return Reply.text(403, UPDATE_REFUSED)
        if content_type == "application/x-www-form-urlencoded":
            for name, values in parse_qs(text, keep_blank_values=True).items():
                params.setdefault(name, []).extend(values)
        elif content_type == "application/sparql-query":
            params["query"] = [*params.get("query", []), text]
        else:
            return Reply.text(415, f"cannot read a request body of type {content_type or '(none)'}: send "
                                   "application/x-www-form-urlencoded or application/sparql-query")
        return self._sparql(params, get=False)

    def _sparql(self, params: dict[str, list[str]], *, get: bool) -> Reply:
        if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
            return Reply.text(403, UPDATE_REFUSED)
        texts = params.get("query", [])
        formats = params.get("format", [])
        try:
            accept = accept_of(formats[-1] if formats else None, self.headers.get("Accept"))
        except Refused as refused:
            return Reply.text(refused.status, str(refused))
        if len(texts) > 1:
            return Reply.text(400, "the request has more than one query parameter")
        if not texts:
            if not get:
                return Reply.text(400, "the request has no query parameter")
            return self._description(accept)
        if not texts[0].strip():
            return Reply.text(400, "the query is empty")
        job = Job(texts[0], accept, params.get("default-graph-uri", []), params.get("named-graph-uri", []),
                  {name[1:]: values[-1] for name, values in params.items() if name.startswith("$") and len(name) > 1},
                  self.app.max_results)
        return self.app.pool.run(job)

    def _description(self, accept: str | None) -> Reply:
        types = {"text/turtle": ox.RdfFormat.TURTLE, "application/ld+json": ox.RdfFormat.JSON_LD,
                 "application/n-triples": ox.RdfFormat.N_TRIPLES, "application/rdf+xml": ox.RdfFormat.RDF_XML,
                 "text/html": None, "application/json": ox.RdfFormat.JSON_LD, "application/xhtml+xml": None}
        chosen = negotiate(accept, list(types))
        if chosen is None:
            return Reply.text(406, f"cannot describe the service in any type of Accept: {accept}; available: "
                                   f"{', '.join(sorted(set(types) - {'application/json', 'application/xhtml+xml'}))}")
        fmt = types[chosen]
        if fmt is None:
            return self._page()
        host = self.headers.get("Host") or ""
        if not re.fullmatch(r"[A-Za-z0-9.\-]+(:\d+)?|\[[0-9A-Fa-f:.]+\](:\d+)?", host):
            host = self.app.url.split("/")[2]
        body = service_description(f"http://{host}/sparql", self.app.graphs, fmt)
        media = "text/turtle; charset=utf-8" if fmt == ox.RdfFormat.TURTLE else fmt.media_type
        return Reply(200, body, media, {"Vary": "Accept"})


class SparqlServer:
    """The endpoint over the store of the build folder ``out``: bind, start the workers, serve.

    ``port=0`` picks a free port (see :attr:`url`). :meth:`start` serves from a background thread,
    :meth:`serve_forever` from the calling one; :meth:`close` stops the server and the workers.
    """

    def __init__(self, out: Path | str, *, host: str = "127.0.0.1", port: int = 7878, timeout: float = 30.0,
                 max_results: int = 100_000, workers: int = 2, max_body: int = MAX_BODY,
                 quiet: bool = False) -> None:
        store = open_store(out)  # checks the folder; its graphs go into the service description
        self.graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
        del store
        self.max_results, self.max_body, self.quiet = max_results, max_body, quiet
        self.queries = named_queries()
        self.page = page_html(self.queries)
        try:
            self.httpd = _HTTPServer((host, port), _Handler)
        except OSError as error:
            raise KehoachError(f"cannot listen on {host}:{port}: {error}") from error
        self.httpd.app = self
        try:
            self.pool = WorkerPool(Path(out) / STORE_DIR, size=workers, timeout=timeout)
        except BaseException:
            self.httpd.server_close()
            raise
        self._thread: threading.Thread | None = None
        address, real_port = self.httpd.server_address[:2]
        host_text = address.decode() if isinstance(address, bytes) else str(address)
        shown = f"[{host_text}]" if ":" in host_text else host_text
        self.url = f"http://{shown}:{real_port}/"

    def serve_forever(self) -> None:
        """Serve until :meth:`close` or KeyboardInterrupt."""
        self.httpd.serve_forever(poll_interval=0.2)

    def start(self) -> SparqlServer:
        """Serve from a daemon thread; return self."""
        self._thread = threading.Thread(target=self.serve_forever, name="kehoach-serve", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving and stop the workers."""
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(10)
            self._thread = None
        self.httpd.server_close()
        self.pool.close()


def serve(out: Path | str, *, on_ready: Callable[[SparqlServer], None] | None = None, **options: Any) -> None:
    """Serve the store of ``out`` until Ctrl-C (``options`` as in :class:`SparqlServer`)."""
    server = SparqlServer(out, **options)
    try:
        if on_ready is not None:
            on_ready(server)
        server.serve_forever()
    except KeyboardInterrupt:
        print("kehoach: stopped", file=sys.stderr)
    finally:
        server.close()
