"""Remote SPARQL 1.1 stores: push the built graphs to one, and run named queries on one.

**Push** (:func:`push`) loads every named graph of a build (``out/graph.trig``) into a store through
the SPARQL 1.1 Graph Store HTTP Protocol: one ``PUT {gsp}?graph=<iri>`` per graph, its body the graph
as N-Triples. PUT replaces the graph whole, so re-pushing a corrected plan loses nothing and
duplicates nothing; a refused request (connection error, 401/403, 4xx/5xx) leaves the previous
version. A store may still fail half-way through a body it accepted (Virtuoso 7.2.5 clears the graph,
then keeps the triples loaded before a parse error), so afterwards one SPARQL query counts the
triples of each pushed graph, and a graph that does not hold what was sent is reported as failed.

**Query** (:func:`run_remote`) runs a query on a SPARQL endpoint and returns the same kind of result
as the embedded store (variables + rows of pyoxigraph terms), so formatting is shared.

Libraries: queries go through SPARQLWrapper (STYLE.md: always ``setTimeout``, ``setMethod(POST)``,
``setOnlyConneg(True)``). SPARQLWrapper cannot send a Graph Store PUT, so pushes use
``urllib.request`` with its own opener (timeout, digest and basic auth handlers); that opener is never
installed globally.

**Credentials** come ONLY from the environment: ``KEHOACH_REMOTE_USER`` and
``KEHOACH_REMOTE_PASSWORD`` (``KEHOACH_REMOTE_AUTH=basic`` to send basic auth on queries; pushes answer
whichever challenge the store sends, digest for Virtuoso). They are never a command-line option,
never printed or logged, and masked in every error message this module produces.
"""

from __future__ import annotations

import ast
import functools
import math
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import KehoachError
from kg.query import NamedQuery, QueryResult, bind_params
from kg.query import Term as QueryTerm

ENV_USER, ENV_PASSWORD, ENV_AUTH = "KEHOACH_REMOTE_USER", "KEHOACH_REMOTE_PASSWORD", "KEHOACH_REMOTE_AUTH"
DEFAULT_TIMEOUT = 60.0
NT_MEDIA_TYPE = "application/n-triples"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_USER_AGENT = "kehoach-kg (https://w3id.org/kehoach)"


class RemoteError(KehoachError):
    """A remote store could not be reached, refused a request or answered something unreadable."""


# -- credentials ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    """A user and password read from the environment; the password never shows in a repr."""

    user: str
    password: str = field(repr=False)

    def mask(self, text: str) -> str:
        """``text`` with the password (and ``user:password`` pairs) replaced by ``***``.

        >>> Credentials("dba", "s3cret").mask("http://dba:s3cret@host/ said s3cret")
        'http://***@host/ said ***'
        """
        for secret in (f"{self.user}:{self.password}", self.password):
            if secret:
                text = text.replace(secret, "***")
        return text


def credentials(environ: Mapping[str, str] | None = None) -> Credentials | None:
    """The credentials in ``KEHOACH_REMOTE_USER`` / ``KEHOACH_REMOTE_PASSWORD``, or None.

    >>> credentials({"KEHOACH_REMOTE_USER": "dba", "KEHOACH_REMOTE_PASSWORD": "x"})
    Credentials(user='dba')
    >>> credentials({}) is None
    True
    """
    env = os.environ if environ is None else environ
    user, password = env.get(ENV_USER, ""), env.get(ENV_PASSWORD, "")
    if not user and not password:
        return None
    if not user or not password:
        raise RemoteError(f"set both {ENV_USER} and {ENV_PASSWORD}, or neither")
    return Credentials(user, password)


def _mask(text: str, creds: Credentials | None) -> str:
    text = re.sub(r"(?<=://)[^/@\s]*@", "***@", text)  # user-info in any URL
    return creds.mask(text) if creds else text


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
        raise RemoteError(f"not an http(s) endpoint URL: {_mask(endpoint, None)}")
    path = parts.path.rstrip("/")
    if path == "/sparql":
        new = "/sparql-graph-crud-auth" if authenticated else "/sparql-graph-crud"
    elif path == "/query":
        new = "/store"
    elif re.fullmatch(r"/[^/]+/(sparql|query)", path):
        new = path.rsplit("/", 1)[0] + "/data"
    else:
        raise RemoteError(f"cannot tell the Graph Store endpoint of {_mask(endpoint, None)}: give --gsp URL")
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


class _DigestUpFront(urllib.request.HTTPDigestAuthHandler):
    """Digest auth that, once challenged, authenticates every later request up front.

    urllib answers a challenge by sending the request again; but a store that refuses a large PUT
    (401) closes the connection before reading its body, and the upload dies with a broken pipe
    before the challenge can be read. So :func:`push` first draws the challenge with a body-less
    request, and this handler signs each PUT with it (the nonce count rises per request, RFC 7616).
    """

    def __init__(self, manager: urllib.request.HTTPPasswordMgr) -> None:
        super().__init__(manager)
        self.challenge: dict[str, str] | None = None

    def retry_http_digest_auth(self, req: urllib.request.Request, auth: str) -> Any:
        items = [item for item in urllib.request.parse_http_list(auth.split(" ", 1)[-1]) if item]
        self.challenge = urllib.request.parse_keqv_list(items)
        return super().retry_http_digest_auth(req, auth)  # type: ignore[misc]

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        if self.challenge and not req.has_header("Authorization"):
            signed = self.get_authorization(req, self.challenge)
            if signed:
                req.add_unredirected_header("Authorization", f"Digest {signed}")
        return req

    https_request = http_request


class _BasicUpFront(urllib.request.HTTPBasicAuthHandler):
    """Basic auth that, once the store has asked for it, is sent up front with every request."""

    def retry_http_basic_auth(self, host: str, req: urllib.request.Request, realm: str) -> Any:
        if isinstance(self.passwd, urllib.request.HTTPPasswordMgrWithPriorAuth):
            self.passwd.update_authenticated(req.full_url, True)  # before: the answer may be an HTTPError
        return super().retry_http_basic_auth(host, req, realm)  # type: ignore[misc]

    def http_response(self, req: urllib.request.Request, response: Any) -> Any:
        return response  # urllib would stop sending up front after any non-2xx answer (HEAD: 501)

    https_response = http_response


def _opener(creds: Credentials | None, url: str) -> urllib.request.OpenerDirector:
    """An opener of its own (never installed globally) answering digest or basic challenges of ``url``."""
    handlers: list[urllib.request.BaseHandler] = []
    if creds:
        manager = urllib.request.HTTPPasswordMgrWithPriorAuth()
        manager.add_password(None, url, creds.user, creds.password)  # type: ignore[arg-type]
        handlers += [_DigestUpFront(manager), _BasicUpFront(manager)]
    return urllib.request.build_opener(*handlers)


def _probe(opener: urllib.request.OpenerDirector, url: str, timeout: float) -> None:
    """A body-less HEAD to ``url``: draws the store's auth challenge and checks the credentials.

    Raises HTTPError only for 401/403 (credentials refused); any other answer (404, 501: HEAD not
    implemented, as in Virtuoso) is fine, since it came after the authentication.
    """
    request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": _USER_AGENT})
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as error:
        if error.code in (401, 403):
            raise


def _error_text(error: urllib.error.HTTPError) -> str:
    try:
        body = error.read(4096).decode("utf-8", "replace")
    except OSError:
        body = ""
    found = re.search(r"<xmp>(.*?)</xmp>", body, re.S)  # Virtuoso puts the message there
    text = found.group(1) if found else re.sub(r"<[^>]+>", " ", body)
    text = " ".join(text.split())[:300]
    return f"HTTP {error.code} {error.reason}" + (f": {text}" if text else "")


def _put(opener: urllib.request.OpenerDirector, url: str, body: bytes, timeout: float) -> int:
    request = urllib.request.Request(url, data=body, method="PUT",
                                     headers={"Content-Type": f"{NT_MEDIA_TYPE}; charset=utf-8",
                                              "User-Agent": _USER_AGENT})
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
    opener = _opener(creds, gsp)
    report = PushReport(gsp, [GraphPush(g, len(set(available[g]))) for g in chosen])
    started = time.perf_counter()
    stop = ""
    if creds and report.graphs:
        _, error, stop = _attempt(functools.partial(_probe, opener, _graph_url(gsp, chosen[0]), timeout),
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
        text = _mask(_error_text(error), creds)
        if error.code in (401, 403):
            hint = "" if creds else f" (set {ENV_USER} and {ENV_PASSWORD})"
            return error.code, text, f"the store refused the credentials{hint}"
        return error.code, text, ""
    except ValueError as error:  # urllib: a challenge of a scheme no handler answers
        return None, _mask(f"cannot authenticate to {gsp}: {error}", creds), "unsupported authentication"
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):
            return None, (f"no answer within {timeout:g} s: the store may still replace the graph; "
                          "push it again"), "the store did not answer"
        if isinstance(reason, BrokenPipeError | ConnectionResetError):  # its answer is lost with it
            hint = "" if creds else f"; writing usually needs credentials: set {ENV_USER} and {ENV_PASSWORD}"
            return None, ("the store closed the connection while the graph was being sent (it refused "
                          f"the request before reading it){hint}"), ""
        return None, _mask(f"cannot reach {gsp}: {reason}", creds), "the store could not be reached"


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


# -- binding parameters ---------------------------------------------------------------------------

# An absolute IRI (RFC 3987 scheme) with none of the characters N-Triples forbids in an IRIREF, no
# control characters, and every '%' starting a two-digit hex escape.
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:(?:[^\x00-\x20\x7f-\x9f<>\"{}|^`\\%]|%[0-9A-Fa-f]{2})*")
_LANG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ECHAR = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}

Term = ox.NamedNode | ox.Literal | ox.BlankNode
Value = Term | ox.Triple | str | int | float | Decimal | bool


def iri_token(iri: str) -> str:
    """``<iri>`` after checking ``iri`` is an absolute IRI that N-Triples can carry as it is.

    >>> iri_token("https://w3id.org/kehoach/id/org/42/so-y-te")
    '<https://w3id.org/kehoach/id/org/42/so-y-te>'
    >>> iri_token("http://x/> } ; DROP ALL #")
    Traceback (most recent call last):
    ...
    kg.remote.RemoteError: not an IRI that can be bound: 'http://x/> } ; DROP ALL #'
    """
    if len(iri) > 4096 or not _IRI.fullmatch(iri) or any(0xD800 <= ord(c) <= 0xDFFF for c in iri):
        raise RemoteError(f"not an IRI that can be bound: {iri!r}")
    return f"<{iri}>"


def literal_token(text: str, *, language: str | None = None, datatype: str | None = None) -> str:
    """A literal as an N-Triples token: escaped string, then ``@lang`` or ``^^<datatype>``.

    >>> literal_token('Sở "Y" tế\\n', language="vi")
    '"Sở \\\\"Y\\\\" tế\\\\n"@vi'
    """
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise RemoteError("a literal holds an unpaired surrogate")
    body = "".join(_ECHAR.get(c) or (f"\\u{ord(c):04X}" if ord(c) < 0x20 or ord(c) == 0x7F else c) for c in text)
    if language:
        if not _LANG.fullmatch(language):
            raise RemoteError(f"not a language tag: {language!r}")
        return f'"{body}"@{language}'
    if datatype and datatype != _XSD + "string":
        return f'"{body}"^^{iri_token(datatype)}'
    return f'"{body}"'


def term_token(value: Value) -> str:
    """One validated N-Triples token for a parameter value (a pyoxigraph term or a Python value).

    >>> term_token(ox.Literal("2026", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")))
    '"2026"^^<http://www.w3.org/2001/XMLSchema#gYear>'
    >>> term_token(3)
    '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """
    if isinstance(value, ox.NamedNode):
        return iri_token(value.value)
    if isinstance(value, ox.Literal):
        return literal_token(value.value, language=value.language, datatype=value.datatype.value)
    if isinstance(value, ox.BlankNode | ox.Triple):
        raise RemoteError(f"a {type(value).__name__} cannot be bound in a query sent to another store")
    if isinstance(value, bool):
        return literal_token("true" if value else "false", datatype=_XSD + "boolean")
    if isinstance(value, int):
        return literal_token(str(value), datatype=_XSD + "integer")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise RemoteError(f"not a finite number: {value!r}")
        return literal_token(repr(value), datatype=_XSD + "double")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise RemoteError(f"not a finite number: {value!r}")
        return literal_token(format(value, "f"), datatype=_XSD + "decimal")
    if isinstance(value, str):
        return literal_token(value)
    raise RemoteError(f"cannot bind a {type(value).__name__}")


def values_block(values: Mapping[str, Iterable[Value] | Value]) -> str:
    """A SPARQL ``VALUES`` block binding each variable, made only of validated tokens.

    This is binding, not pasting: each value becomes exactly one RDF term, written by
    :func:`term_token` in N-Triples syntax, whose grammar cannot leave the term (IRIs are checked
    against a strict pattern, literals are escaped), and variable names come from the named query,
    checked as SPARQL variable names. Nothing a user typed becomes SPARQL syntax; the block is
    SPARQL's own inline-data form of a solution binding, evaluated before the rest of the group.

    >>> values_block({"agency": ox.NamedNode("http://x/a"), "year": [2026, 2027]})
    'VALUES (?agency ?year) { (<http://x/a> "2026"^^<http://www.w3.org/2001/XMLSchema#integer>) \
(<http://x/a> "2027"^^<http://www.w3.org/2001/XMLSchema#integer>) }'
    """
    names, columns = [], []
    for name, given in values.items():
        if not _VARIABLE.fullmatch(name):
            raise RemoteError(f"not a variable name: {name!r}")
        names.append(name)
        items: list[Value] = list(given) if isinstance(given, list | tuple | set | frozenset) else [given]  # type: ignore[list-item]
        columns.append([term_token(v) for v in items])
    rows: list[list[str]] = [[]]
    for column in columns:  # every combination, like several bindings at once
        rows = [row + [token] for row in rows for token in column]
    head = " ".join(f"?{n}" for n in names)
    body = " ".join("(" + " ".join(row) + ")" for row in rows)
    return f"VALUES ({head}) {{ {body} }}"


_TOKEN = re.compile(r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<word>(?<![\w?$:])[A-Za-z]+(?![\w:]))
  | (?P<star>\*)
  | (?P<open>[{(])
  | (?P<close>[})])
""", re.X | re.S)


def bind(query: str, values: Mapping[str, Iterable[Value] | Value]) -> str:
    """``query`` with a VALUES block (:func:`values_block`) as the first element of its WHERE group.

    There it constrains the whole group, FILTERs and OPTIONALs included, before grouping and
    aggregation, as a binding does; a group that is a sub-select is wrapped so the query stays valid.

    >>> bind("SELECT ?n WHERE { ?a <http://x/n> ?n }", {"a": ox.NamedNode("http://x/a")})
    'SELECT ?n WHERE { VALUES (?a) { (<http://x/a>) } ?a <http://x/n> ?n }'
    """
    if not values:
        return query
    block = values_block(values)
    form, depth, skip_template = "", 0, False
    tokens = list(_TOKEN.finditer(query))
    for index, token in enumerate(tokens):
        kind, text = token.lastgroup, token.group()
        if kind == "word" and depth == 0 and not form and text.upper() in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
            form = text.upper()
            following = next((t for t in tokens[index + 1:] if t.lastgroup != "comment"), None)
            skip_template = form == "CONSTRUCT" and following is not None and following.group() == "{"
        elif kind == "open":
            if text == "{" and depth == 0 and form and not skip_template:
                return _insert(query, tokens, index, block)
            depth += 1
        elif kind == "close":
            depth -= 1
            if depth == 0 and text == "}" and skip_template:
                skip_template = False
    raise RemoteError("cannot find the WHERE clause of the query to bind its parameters")


def star_order(query: str) -> list[str] | None:
    """For a ``SELECT *`` query, its variables in order of first appearance (None for other queries).

    A store orders the columns of ``SELECT *`` as it likes, and a VALUES block placed first would
    move the bound variables to the front; :func:`run_remote` puts them back in this order, which is
    the one Oxigraph uses, so a remote answer prints like an embedded one.

    >>> star_order("SELECT * WHERE { ?t <http://x/p> ?agency . ?t ?q '?no' }")
    ['t', 'agency', 'q']
    >>> star_order("SELECT ?t WHERE { ?t ?p ?o }") is None
    True
    """
    tokens = [t for t in _TOKEN.finditer(query) if t.lastgroup != "comment"]
    for index, token in enumerate(tokens):
        if token.lastgroup == "word" and token.group().upper() in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
            rest = tokens[index + 1:]
            if rest and rest[0].lastgroup == "word" and rest[0].group().upper() in ("DISTINCT", "REDUCED"):
                rest = rest[1:]
            if token.group().upper() != "SELECT" or not rest or rest[0].lastgroup != "star":
                return None
            return list(dict.fromkeys(t.group()[1:] for t in rest if t.lastgroup == "var"))
    return None


def _insert(query: str, tokens: list[re.Match[str]], index: int, block: str) -> str:
    opening = tokens[index]
    following = next((t for t in tokens[index + 1:] if t.lastgroup != "comment"), None)
    if following is None or not (following.lastgroup == "word" and following.group().upper() == "SELECT"):
        return f"{query[:opening.end()]} {block}{query[opening.end():]}"
    depth = 0  # a sub-select must be alone in its group: wrap it in one more group
    for token in tokens[index:]:
        if token.lastgroup == "open":
            depth += 1
        elif token.lastgroup == "close":
            depth -= 1
            if depth == 0:
                return (f"{query[:opening.end()]} {block} {{{query[opening.end():token.start()]}}} "
                        f"{query[token.start():]}")
    raise RemoteError("unbalanced braces in the query")


# -- remote queries -------------------------------------------------------------------------------


def _term(cell: Mapping[str, str]) -> Term:
    kind, value = cell.get("type"), cell.get("value", "")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(re.sub(r"[^A-Za-z0-9_]", "_", value) or "b")
    if kind in ("literal", "typed-literal"):
        if cell.get("xml:lang"):
            return ox.Literal(value, language=cell["xml:lang"])
        datatype = cell.get("datatype")
        if datatype == _XSD + "boolean" and value in ("1", "0"):  # Virtuoso: same value, other lexical form
            value = "true" if value == "1" else "false"
        if datatype:
            return ox.Literal(value, datatype=ox.NamedNode(datatype))
        return ox.Literal(value)
    raise RemoteError(f"unreadable SPARQL JSON result term: {kind!r}")


def _store_error(error: Exception) -> str:
    """What a store said about a refused query: its message, without the query it echoes back.

    SPARQLWrapper keeps the answer only inside its message, as the repr of the bytes.
    """
    head, _, body = str(error).partition("Response:\n")
    text = head
    if body:
        try:
            raw = ast.literal_eval(body.strip())
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        except (ValueError, SyntaxError):
            text = body
    text = text.split("SPARQL query:", 1)[0]  # Virtuoso repeats the whole query after its message
    return f"{type(error).__name__}: {' '.join(text.split())[:400]}"


def run_remote(endpoint: str, query_text: str, params: Mapping[str, Value | None] | None = None, *,
               timeout: float = DEFAULT_TIMEOUT, environ: Mapping[str, str] | None = None,
               values: Mapping[str, Iterable[Value]] | None = None) -> QueryResult:
    """Run a query on the SPARQL endpoint ``endpoint``; the same result as ``kg.query.run`` gives.

    ``params`` bind variables to one term each (None: left unbound; give the terms
    ``kg.query.bind_params`` returns, never raw strings), ``values`` to several; both become one
    VALUES block (:func:`bind`), since the SPARQL protocol has no parameters. SELECT and ASK answers
    are read as SPARQL JSON results, CONSTRUCT and DESCRIBE as Turtle. Which graphs the default
    graph holds is the store's choice: Virtuoso queries the union of all its graphs, as the embedded
    store does (Virtuoso's own system graphs included).
    """
    from SPARQLWrapper import BASIC, DIGEST, JSON, POST, TURTLE, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    creds = credentials(environ)
    bindings: dict[str, Iterable[Value] | Value] = {k: v for k, v in (params or {}).items() if v is not None}
    bindings.update({k: list(v) for k, v in (values or {}).items()})
    text = bind(query_text, bindings)
    client = SPARQLWrapper(endpoint, agent=_USER_AGENT)
    client.setQuery(text)
    graph_form = client.queryType in ("CONSTRUCT", "DESCRIBE")
    client.setReturnFormat(TURTLE if graph_form else JSON)
    client.setMethod(POST)
    client.setTimeout(max(1, math.ceil(timeout)))
    client.setOnlyConneg(True)
    if creds:
        env = os.environ if environ is None else environ
        client.setHTTPAuth(BASIC if env.get(ENV_AUTH, "").lower() == "basic" else DIGEST)
        client.setCredentials(creds.user, creds.password)
    where = _mask(endpoint, creds)
    # SPARQLWrapper's digest auth installs a global urllib opener holding the credentials: put the
    # previous one back afterwards, so nothing else in the process sends them
    previous = getattr(urllib.request, "_opener", None)
    try:
        response = client.query()
        cut = response.info().get("x-sparql-maxrows")
        answer: Any = response.response.read() if graph_form else response.convert()
    except SPARQLWrapperException as error:
        raise RemoteError(_mask(f"{endpoint}: {_store_error(error)}", creds)) from None
    except TimeoutError:
        raise RemoteError(f"{where}: no answer within {timeout:g} s") from None
    except urllib.error.HTTPError as error:  # the statuses SPARQLWrapper does not map (403, 503 …)
        raise RemoteError(f"{where}: HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError) as error:
        raise RemoteError(_mask(f"cannot reach {endpoint}: {getattr(error, 'reason', error)}", creds)) from None
    except ValueError:  # JSONDecodeError included
        raise RemoteError(f"{where}: the answer is not SPARQL JSON results") from None
    finally:
        urllib.request.install_opener(previous)  # type: ignore[arg-type]
    if cut:  # Virtuoso says so when ResultSetMaxRows cut the answer: never pass it off as complete
        raise RemoteError(f"{where}: the store cut the answer at {cut} rows (its own limit, Virtuoso's "
                          "ResultSetMaxRows); narrow the query or raise the limit")
    if graph_form:
        try:
            triples = [t for t in ox.parse(answer, format=ox.RdfFormat.TURTLE) if isinstance(t, ox.Triple)]
        except SyntaxError as error:
            raise RemoteError(f"{where}: the answer is not Turtle: {error}") from None
        return QueryResult("graph", triples=triples)
    if not isinstance(answer, dict):
        raise RemoteError(f"{where}: the answer is not SPARQL JSON results")
    if "boolean" in answer:
        return QueryResult("boolean", boolean=bool(answer["boolean"]))
    variables = list(answer.get("head", {}).get("vars", []))
    order = star_order(query_text) if bindings else None
    if order:
        variables.sort(key=lambda v: order.index(v) if v in order else len(order))
    rows: list[tuple[QueryTerm | None, ...]] = [
        tuple(_term(b[v]) if v in b else None for v in variables)
        for b in answer.get("results", {}).get("bindings", [])]
    return QueryResult("select", variables=variables, rows=rows)


def answer_remote(endpoint: str, query: NamedQuery, params: Mapping[str, str] | None = None, *,
                  timeout: float = DEFAULT_TIMEOUT) -> QueryResult:
    """A named (or ad-hoc) query answered by a remote store: ``kg.query.run`` for ``--endpoint``.

    The raw ``params`` are read and checked by ``kg.query.bind_params`` (the same rules as on the
    embedded store), then bound by :func:`run_remote`.
    """
    bound = bind_params(query, params)
    result = run_remote(endpoint, query.text, bound, timeout=timeout)
    result.bound = bound
    return result
