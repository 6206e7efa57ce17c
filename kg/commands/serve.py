"""``kehoach serve``: a read-only SPARQL 1.1 endpoint and a query page over the built store.

See :mod:`kg.serve` for the paths and status codes, :mod:`kg.serve_workers` for the limits.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK = 0
EPILOG = ("read-only: SPARQL Update and SERVICE are refused (403). Limits: --timeout seconds per query "
          "(503 past it), --max-results rows or triples (413 past it), 1 MB request body. exit codes: "
          "0 stopped with Ctrl-C; 2 no store in --out-dir, the port is taken, or a runtime error")


def _positive(kind: type[int] | type[float]) -> object:
    def check(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be more than 0: {text}")
        return value
    return check


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"not a port number (0-65535): {text}")
    return int(text)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``serve`` to the ``kehoach`` subcommands."""
    parser = subparsers.add_parser(
        "serve", help="serve the graph as a read-only SPARQL endpoint with a query page",
        description="Serve the store of a build (out/store) as a SPARQL 1.1 Protocol endpoint at /sparql "
        "(GET and POST; JSON, XML, CSV, TSV results; Turtle, N-Triples, JSON-LD, RDF/XML graphs; a "
        "service description without a query) and a query page at / with the named queries. "
        "Nothing is loaded from the internet.", epilog=EPILOG)
    parser.add_argument("--out-dir", type=Path, default=Path("out"), metavar="DIR",
                        help="the build folder holding store/ (default: out)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=_port, default=7878, help="port (default: 7878; 0 picks a free one)")
    parser.add_argument("--timeout", type=_positive(float), default=30.0, metavar="SECONDS",
                        help="time limit per query, parsing and serialising included (default: 30)")
    parser.add_argument("--max-results", type=_positive(int), default=100_000, metavar="N",
                        help="refuse (413) results of more than N rows or triples (default: 100000)")
    parser.add_argument("--workers", type=_positive(int), default=2, metavar="N",
                        help="query worker processes, i.e. queries run at the same time (default: 2)")
    parser.add_argument("--in-memory", action="store_true",
                        help="each worker loads the graph into its own memory before serving: queries that "
                             "read many rows answer ~6-10x faster, for ~420 bytes per quad and worker (a "
                             "country of 6.3 M quads: 2.5 GB and ~30 s to load per worker)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C; return the exit code."""
    from kg.serve import SparqlServer, is_loopback, serve

    if args.in_memory:
        announce_memory(args.out_dir, args.workers)
    if not is_loopback(args.host):
        print(f"kehoach: warning: listening on {args.host}: anyone who can reach this machine can query "
              "the graph (read-only)", file=sys.stderr)

    def ready(server: SparqlServer) -> None:
        if not server.pool.sandboxed:
            print("kehoach: warning: the query workers cannot be barred from the network on this system; "
                  "SERVICE is still refused by the parser", file=sys.stderr)
        where = "in memory" if args.in_memory else "on disk"
        print(f"kehoach: SPARQL endpoint {server.url}sparql, query page {server.url} "
              f"(store {args.out_dir}/store, {where}; Ctrl-C stops)", flush=True)

    serve(args.out_dir, on_ready=ready, host=args.host, port=args.port, timeout=args.timeout,
          max_results=args.max_results, workers=args.workers, in_memory=args.in_memory)
    return EXIT_OK


def announce_memory(out: Path, workers: int) -> None:
    """Say what ``--in-memory`` will take, and warn when the machine does not have it."""
    from kg.store import STORE_DIR, memory_estimate

    if not (out / STORE_DIR).is_dir():
        return  # the server says what is missing
    needed, available = memory_estimate(out / STORE_DIR)
    total = needed * workers
    print(f"kehoach: loading the graph into memory: ~{needed / 2**20:,.0f} MB per worker, "
          f"~{total / 2**20:,.0f} MB for {workers}", file=sys.stderr, flush=True)
    if available is not None and total > available:
        print(f"kehoach: warning: only {available / 2**20:,.0f} MB of memory available; "
              "use fewer --workers, or serve from disk without --in-memory", file=sys.stderr, flush=True)
