"""A read-only SPARQL 1.1 Protocol endpoint over the built store (``kehoach serve``), standard library only.

Paths:

- ``/sparql``: GET ``?query=``, POST ``application/x-www-form-urlencoded`` (``query=``) or POST
  ``application/sparql-query``; ``default-graph-uri`` / ``named-graph-uri`` honoured; ``$name=value``
  binds the projected variable ``?name`` (an extension in the style of RDF4J, used by the query page:
  values are bound by pyoxigraph's substitutions, never pasted into the query text; a one-row VALUES
  block first in the WHERE group, as ``kehoach query --endpoint`` binds, is bound the same way);
  results by content negotiation (``Accept``, or ``format=json|xml|csv|tsv|turtle|ntriples|jsonld|rdfxml``). With no
  query: the SPARQL 1.1 Service Description (Turtle, JSON-LD, N-Triples, RDF/XML) or, for a browser,
  the query page. ``Access-Control-Allow-Origin: *`` on every answer, OPTIONS answers preflights.
- ``/``: the query page (``kg/static``; nothing is loaded from another host).
- ``/queries.json``: the named queries of ``queries/*.rq``.

Status codes: 200; 400 syntax error or bad parameter; 403 SPARQL Update (``update=``,
``application/sparql-update`` or an update sent as a query) or ``SERVICE``; 404; 406 no acceptable
format; 411/413 request body missing a length / over ``max_body``; 413 more than ``max_results``
rows or triples (refused, not truncated: a truncated count or table looks like a complete answer);
415 other request content types; 503 query stopped by the time limit, or every worker busy.

This module is the HTTP side: the request handler, :class:`SparqlServer` and :func:`serve`. The query
text is checked and its answer negotiated in :mod:`kg.serve_protocol`; queries run in worker processes
under the time and result limits (:mod:`kg.serve_workers`); the service description and the query
page are :mod:`kg.serve_description`.
"""

from __future__ import annotations

import ipaddress
import json
import re
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from kg.errors import KehoachError
from kg.serve_description import named_queries, page_html, service_description, static_file
from kg.serve_protocol import UPDATE_REFUSED, Job, Refused, Reply, accept_of, negotiate
from kg.serve_workers import WorkerPool
from kg.store import STORE_DIR, open_store

MAX_BODY = 1_000_000
_STATIC = {"app.js": "text/javascript; charset=utf-8", "style.css": "text/css; charset=utf-8"}
_PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
                "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


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
            self._send(Reply(200, static_file(name), _STATIC[name], {"Cache-Control": "no-cache"}))
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
    ``in_memory``: each worker answers from a copy of the store in its own memory
    (:func:`kg.store.load_in_memory`), loaded before the server is ready.
    """

    def __init__(self, out: Path | str, *, host: str = "127.0.0.1", port: int = 7878, timeout: float = 30.0,
                 max_results: int = 100_000, workers: int = 2, max_body: int = MAX_BODY,
                 quiet: bool = False, in_memory: bool = False) -> None:
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
            self.pool = WorkerPool(Path(out) / STORE_DIR, size=workers, timeout=timeout, in_memory=in_memory)
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
