"""``kehoach push``: load the built graphs into a remote SPARQL 1.1 store (Graph Store Protocol PUT).

The push itself is :func:`kg.push.push`. Credentials come only from the environment
(KEHOACH_REMOTE_USER, KEHOACH_REMOTE_PASSWORD); see :mod:`kg.remote_http`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.push import GraphPush, push
from kg.remote_http import DEFAULT_TIMEOUT, ENV_PASSWORD, ENV_USER

EXIT_OK, EXIT_ERROR = 0, 2
EPILOG = (f"credentials: only from the environment, {ENV_USER} and {ENV_PASSWORD} (digest or basic, "
          "as the store asks). exit codes: 0 every graph pushed; 2 a graph failed (the others are "
          "pushed; a failed graph keeps its previous version in the store), bad input or runtime error")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``push`` to the ``kehoach`` subcommands."""
    parser = subparsers.add_parser(
        "push", help="load the built graphs into a remote SPARQL store",
        description="Load every named graph of a build (out/graph.trig) into a SPARQL 1.1 store with "
        "the Graph Store HTTP Protocol: one HTTP PUT per graph, which replaces that graph whole, so "
        "pushing again after a rebuild neither loses nor duplicates anything. Afterwards the triples "
        "of each graph are counted in the store.", epilog=EPILOG)
    parser.add_argument("--endpoint", required=True, metavar="URL",
                        help="the store's SPARQL query endpoint, e.g. http://127.0.0.1:8890/sparql")
    parser.add_argument("--gsp", metavar="URL",
                        help="its Graph Store endpoint (default: the store's convention, from --endpoint: "
                        "Virtuoso /sparql → /sparql-graph-crud-auth, Fuseki /ds/sparql → /ds/data, "
                        "Oxigraph /query → /store; otherwise required)")
    parser.add_argument("--out-dir", type=Path, default=Path("out"), metavar="DIR",
                        help="the build folder (default: out), or a .trig file")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"seconds allowed per request (default: {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--graph", action="append", metavar="IRI", dest="graphs",
                        help="push only this named graph (repeatable; default: all)")
    parser.add_argument("--no-verify", action="store_true",
                        help="do not count the pushed graphs in the store afterwards")
    parser.set_defaults(run=run)


def _row(item: GraphPush) -> str:
    in_store = "" if item.in_store is None else f"{item.in_store:,}"
    state = "ok" if item.ok else "FAILED"
    return f"{state:<7}{item.triples:>9,}{in_store:>10}{item.seconds:>8.2f}  {item.graph}"


def run(args: argparse.Namespace) -> int:
    """Push, print a table of the graphs, return the exit code."""
    print(f"{'':<7}{'triples':>9}{'in store':>10}{'s':>8}  graph")
    report = push(args.out_dir, args.endpoint, gsp=args.gsp, graphs=args.graphs, timeout=args.timeout,
                  verify=not args.no_verify, on_graph=lambda item: print(_row(item), flush=True))
    sent = sum(g.triples for g in report.pushed)
    seconds = sum(g.seconds for g in report.pushed)
    rate = f" ({sent / seconds:,.0f} triples/s)" if seconds > 0 else ""
    print(f"pushed {len(report.pushed)} of {len(report.graphs)} graph(s), {sent:,} triples to "
          f"{report.gsp}{rate}; {len(report.failed)} failed")
    for warning in report.warnings:
        print(f"kehoach: warning: {warning}", file=sys.stderr)
    for item in report.failed:
        print(f"kehoach: push failed: {item.graph}: {item.error}", file=sys.stderr)
    return EXIT_ERROR if report.failed else EXIT_OK
