"""``kehoach push``: load the built graphs into a remote SPARQL 1.1 store.

:func:`push` loads every named graph of a build (``out/graph.trig``) into a store through the SPARQL
1.1 Graph Store HTTP Protocol: one ``PUT {gsp}?graph=<iri>`` per graph, its body the graph as
N-Triples. PUT replaces the graph whole, so re-pushing a corrected plan loses nothing and duplicates
nothing; a refused request (connection error, 401/403, 4xx/5xx) leaves the previous version. A store
may still fail half-way through a body it accepted (Virtuoso 7.2.5 clears the graph, then keeps the
triples loaded before a parse error), so afterwards one SPARQL query (:func:`kg.remote.run_remote`)
counts the triples of each pushed graph, and a graph that does not hold what was sent is reported as
failed.

The requests, the credentials and their masking are :mod:`kg.remote_http`'s.
"""

from __future__ import annotations

import functools
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KehoachError
from kg.remote import run_remote
from kg.remote_http import (
    DEFAULT_TIMEOUT,
    ENV_PASSWORD,
    ENV_USER,
    USER_AGENT,
    Credentials,
    RemoteError,
    auth_opener,
    credentials,
    error_text,
    mask,
    probe,
)

NT_MEDIA_TYPE = "application/n-triples"


# -- Graph Store endpoint -------------------------------------------------------------------------


def gsp_url(endpoint: str, *, authenticated: bool = True) -> str:
    """The Graph Store Protocol URL conventional for the store serving SPARQL at ``endpoint``.

    Known conventions: Virtuoso ``/sparql`` → ``/sparql-graph-crud-auth`` (``/sparql-graph-crud``
    without credentials, which needs SPARQL_UPDATE granted to the SPARQL user); Fuseki
    ``/{dataset}/sparql`` or ``/{dataset}/query`` → ``/{dataset}/data``; Oxigraph server ``/query`` →
    ``/store``. Anything else raises: give ``--gsp``.

    >>> gsp_url("http://127.0.0.1:8890/sparql")
    'http://127.0.0.1:8890/sparql-graph-crud-auth'
    >>> gsp_url("http://localhost:3030/kehoach/sparql")
    'http://localhost:3030/kehoach/data'
    """
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RemoteError(f"not an http(s) endpoint URL: {mask(endpoint, None)}")
    path = parts.path.rstrip("/")
    if path == "/sparql":
        new = "/sparql-graph-crud-auth" if authenticated else "/sparql-graph-crud"
    elif path == "/query":
        new = "/store"
    elif re.fullmatch(r"/[^/]+/(sparql|query)", path):
        new = path.rsplit("/", 1)[0] + "/data"
    else:
        raise RemoteError(f"cannot tell the Graph Store endpoint of {mask(endpoint, None)}: give --gsp URL")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, new, "", ""))


def _graph_url(gsp: str, graph: str) -> str:
    joiner = "&" if urllib.parse.urlsplit(gsp).query else "?"
    return f"{gsp}{joiner}graph={urllib.parse.quote(graph, safe='')}"


# -- reading the build ----------------------------------------------------------------------------


def read_graphs(source: Path | str) -> dict[str, list[ox.Triple]]:
    """The named graphs of a build folder (its ``graph.trig``) or of a TriG / N-Quads file.

    Triples in the default graph are not returned (the build writes none: every triple lives in a
    named graph), and a dataset holding some is refused rather than silently trimmed.
    """
    path = Path(source)
    if path.is_dir():
        path = path / "graph.trig"
    formats = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}
    if path.suffix not in formats:
        raise KehoachError(f"{path}: give a build folder, a .trig or a .nq file")
    if not path.is_file():
        raise KehoachError(f"{path}: no such file; run 'kehoach build' first")
    graphs: dict[str, list[ox.Triple]] = {}
    default = 0
    try:
        for quad in ox.parse(path=str(path), format=formats[path.suffix]):
            if isinstance(quad.graph_name, ox.NamedNode):
                graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
            else:
                default += 1
    except (SyntaxError, OSError) as error:
        raise KehoachError(f"{path}: cannot read: {error}") from error
    if default:
        raise KehoachError(f"{path}: {default} triple(s) outside any named graph; the Graph Store "
                           "protocol pushes named graphs only")
    return dict(sorted(graphs.items()))


def n_triples(triples: Iterable[ox.Triple]) -> bytes:
    """Triples as N-Triples bytes (UTF-8), sorted, so the same graph always gives the same body."""
    ordered = sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return ox.serialize(ordered, format=ox.RdfFormat.N_TRIPLES) or b""


# -- push -----------------------------------------------------------------------------------------


@dataclass
class GraphPush:
    """What happened to one graph: pushed (``ok``) or not, and why."""

    graph: str
    triples: int
    ok: bool = False
    status: int | None = None  # HTTP status of the PUT
    error: str = ""
    seconds: float = 0.0
    in_store: int | None = None  # triples the store holds in the graph afterwards (when checked)


@dataclass
class PushReport:
    """The outcome of :func:`push`; ``ok`` only when every graph was pushed."""

    gsp: str
    graphs: list[GraphPush]
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def pushed(self) -> list[GraphPush]:
        return [g for g in self.graphs if g.ok]

    @property
    def failed(self) -> list[GraphPush]:
        return [g for g in self.graphs if not g.ok]

    @property
    def ok(self) -> bool:
        return not self.failed


def _put(opener: urllib.request.OpenerDirector, url: str, body: bytes, timeout: float) -> int:
    request = urllib.request.Request(url, data=body, method="PUT",
                                     headers={"Content-Type": f"{NT_MEDIA_TYPE}; charset=utf-8",
                                              "User-Agent": USER_AGENT})
    with opener.open(request, timeout=timeout) as response:
        response.read()
        return int(response.status)


def push(source: Path | str, endpoint: str | None, *, gsp: str | None = None,
         graphs: Iterable[str] | None = None, timeout: float = DEFAULT_TIMEOUT, verify: bool = True,
         environ: Mapping[str, str] | None = None,
         on_graph: Callable[[GraphPush], None] | None = None) -> PushReport:
    """Push the named graphs of ``source`` (a build folder or .trig) to a store; each replaces its own.

    Args:
        source: the build folder (``out``) or a TriG / N-Quads file.
        endpoint: the SPARQL query endpoint (counts the triples afterwards; gives ``gsp`` by default).
        gsp: the Graph Store endpoint; default :func:`gsp_url` of ``endpoint``.
        graphs: IRIs of the graphs to push (default: every named graph of ``source``).
        timeout: seconds allowed for each request.
        verify: count each pushed graph in the store and fail those that do not hold what was sent.
        environ: where to read the credentials (default ``os.environ``).
        on_graph: called with each :class:`GraphPush` as soon as it is done.

    A store that cannot be reached, or refuses the credentials (401/403), fails every graph not yet
    pushed without trying them (each would wait for the same failure). Other refusals fail only
    their graph. Raises :class:`KehoachError` before pushing anything when the input is wrong.
    """
    creds = credentials(environ)
    if gsp is None:
        if endpoint is None:
            raise RemoteError("give the SPARQL endpoint or the Graph Store endpoint (--gsp)")
        gsp = gsp_url(endpoint, authenticated=creds is not None)
    available = read_graphs(source)
    chosen = list(available) if graphs is None else list(dict.fromkeys(graphs))
    unknown = [g for g in chosen if g not in available]
    if unknown:
        raise KehoachError(f"not in {source}: {', '.join(unknown)}")
    opener = auth_opener(creds, gsp)
    report = PushReport(gsp, [GraphPush(g, len(set(available[g]))) for g in chosen])
    started = time.perf_counter()
    stop = ""
    if creds and report.graphs:
        _, error, stop = _attempt(functools.partial(probe, opener, _graph_url(gsp, chosen[0]), timeout),
                                  gsp, timeout, creds)
        stop = error if stop else ""  # e.g. "cannot reach …": every graph is "not tried" for it
    for item in report.graphs:
        if stop:
            item.error = f"not tried: {stop}"
        else:
            body = n_triples(available[item.graph])
            begun = time.perf_counter()
            item.status, item.error, stop = _attempt(
                functools.partial(_put, opener, _graph_url(gsp, item.graph), body, timeout), gsp, timeout, creds)
            item.ok = not item.error
            item.seconds = time.perf_counter() - begun
        if on_graph is not None and not (verify and item.ok and endpoint):
            on_graph(item)
    if verify and endpoint and report.pushed:
        try:
            counts = _count_graphs(endpoint, [g.graph for g in report.pushed], timeout=timeout, environ=environ)
        except RemoteError as error:
            report.warnings.append(f"pushed, but the graphs could not be counted in the store: {error}")
            counts = None
        for item in report.pushed:
            if counts is not None:
                item.in_store = counts.get(item.graph, 0)
                if item.in_store != item.triples:
                    item.ok = False
                    item.error = (f"the store holds {item.in_store} triple(s) in this graph after the push, "
                                  f"{item.triples} were sent; push it again")
            if on_graph is not None:
                on_graph(item)
    report.seconds = time.perf_counter() - started
    return report


def _attempt(request: Callable[[], int | None], gsp: str, timeout: float,
             creds: Credentials | None) -> tuple[int | None, str, str]:
    """Run one request: (HTTP status, error or "", why to stop trying the others or "")."""
    try:
        return request(), "", ""
    except urllib.error.HTTPError as error:
        text = mask(error_text(error), creds)
        if error.code in (401, 403):
            hint = "" if creds else f" (set {ENV_USER} and {ENV_PASSWORD})"
            return error.code, text, f"the store refused the credentials{hint}"
        return error.code, text, ""
    except ValueError as error:  # urllib: a challenge of a scheme no handler answers
        return None, mask(f"cannot authenticate to {gsp}: {error}", creds), "unsupported authentication"
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):
            return None, (f"no answer within {timeout:g} s: the store may still replace the graph; "
                          "push it again"), "the store did not answer"
        if isinstance(reason, BrokenPipeError | ConnectionResetError):  # its answer is lost with it
            hint = "" if creds else f"; writing usually needs credentials: set {ENV_USER} and {ENV_PASSWORD}"
            return None, ("the store closed the connection while the graph was being sent (it refused "
                          f"the request before reading it){hint}"), ""
        return None, mask(f"cannot reach {gsp}: {reason}", creds), "the store could not be reached"


def _count_graphs(endpoint: str, graphs: list[str], *, timeout: float,
                  environ: Mapping[str, str] | None) -> dict[str, int]:
    query = ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    result = run_remote(endpoint, query, timeout=timeout, environ=environ,
                        values={"g": [ox.NamedNode(g) for g in graphs]})
    counts: dict[str, int] = {}
    for graph, number in result.rows:
        if isinstance(graph, ox.NamedNode) and isinstance(number, ox.Literal):
            counts[graph.value] = int(number.value)
    return counts
