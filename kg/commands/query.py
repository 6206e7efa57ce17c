"""``kehoach query``: run a named query (``queries/NAME.rq``) or a query file on the built graph."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pyoxigraph as ox

from kg.cli import EPILOG, EXIT_OK
from kg.errors import KehoachError
from kg.query import QUERIES_DIR, NamedQuery, QueryResult, adhoc_query, get_query, load_queries, run
from kg.results import FORMATS, render

DESCRIPTION = """\
Run a named SPARQL query (see --list) or a query file on the graph built by 'kehoach build', and
print the result as a table, CSV (UTF-8 with BOM, opens in Excel), SPARQL TSV or SPARQL JSON;
CONSTRUCT and DESCRIBE results as Turtle or N-Triples.

Parameters are bound, never pasted into the query: --param plan=https://w3id.org/kehoach/id/plan/42/2026-2030
or --param kind=khk:so-y-te (prefixed names of the project are expanded); other values are plain
literals. A parameter left out means "all" unless the query says it is required.

examples:
  kehoach query --list
  kehoach query lead-agency-task-counts --param plan=https://w3id.org/kehoach/id/plan/75/2026-2030
  kehoach query kind-activities --param kind=khk:so-y-te --format csv > so-y-te.csv
  kehoach query --file my-query.rq --format json
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``kehoach query``."""
    parser = subparsers.add_parser("query", help="run a named SPARQL query or a query file on the graph",
                                   description=DESCRIPTION, epilog=EPILOG,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", nargs="?", help="name of a query in queries/ (see --list)")
    parser.add_argument("--file", type=Path, help="run the SPARQL query in this file instead")
    parser.add_argument("--list", action="store_true", help="list the named queries and their parameters")
    parser.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE",
                        help="bind a parameter of the query (repeatable)")
    parser.add_argument("--format", "-f", choices=FORMATS, default="table", help="output format (default: table)")
    parser.add_argument("--out-dir", type=Path, default=Path("out"),
                        help="build output folder holding store/ (default: out)")
    parser.add_argument("--endpoint", metavar="URL", help="ask this SPARQL endpoint (a store 'kehoach push' "
                        "loaded) instead of the embedded store; credentials only from the environment: "
                        "KEHOACH_REMOTE_USER, KEHOACH_REMOTE_PASSWORD")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="stop the query after this many seconds (default: 30; 0: no limit, run in-process)")
    parser.add_argument("--width", type=int, default=100, help="width of the table in columns (default: 100)")
    parser.add_argument("--queries-dir", type=Path, default=QUERIES_DIR, help=argparse.SUPPRESS)
    parser.set_defaults(run=main)


def main(args: argparse.Namespace) -> int:
    """Run ``kehoach query`` with parsed arguments; return the exit code."""
    chosen = [flag for flag, given in (("NAME", args.name), ("--file", args.file), ("--list", args.list)) if given]
    if len(chosen) != 1:
        raise KehoachError("give one of: a query NAME, --file FILE or --list" if not chosen
                           else f"give only one of: {', '.join(chosen)}")
    if args.width < 20:
        raise KehoachError("--width must be at least 20")
    if args.list:
        _write(render(catalogue(load_queries(args.queries_dir)), args.format, width=args.width))
        return EXIT_OK
    query = _read_file(args.file) if args.file else get_query(args.name, args.queries_dir)
    result = answer(args, query, parse_params(args.param))
    _write(render(result, args.format, width=args.width))
    return EXIT_OK


def answer(args: argparse.Namespace, query: NamedQuery, params: dict[str, str]) -> QueryResult:
    """The result of ``query``: the seam between the command and where queries are answered.

    The embedded store of ``--out-dir``, or with ``--endpoint`` a remote store (kg.remote.answer_remote:
    the same parameter checks, the terms bound through a VALUES block, never the raw strings).
    """
    if args.endpoint:
        from kg.remote import DEFAULT_TIMEOUT, answer_remote
        return answer_remote(args.endpoint, query, params, timeout=args.timeout or DEFAULT_TIMEOUT)
    return run(args.out_dir, query, params=params, timeout=args.timeout or None)


def parse_params(items: list[str]) -> dict[str, str]:
    """``NAME=VALUE`` pairs as a dict; a name given twice or without ``=`` is an error.

    >>> parse_params(["plan=https://w3id.org/kehoach/id/plan/42/2026-2030", "?kind=khk:so-y-te"])
    {'plan': 'https://w3id.org/kehoach/id/plan/42/2026-2030', 'kind': 'khk:so-y-te'}
    """
    params: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not name:
            raise KehoachError(f"--param wants NAME=VALUE, got {item!r}")
        if name in params:
            raise KehoachError(f"--param {name} is given twice")
        params[name] = value
    return params


def catalogue(queries: dict[str, NamedQuery]) -> QueryResult:
    """The named queries as a result table: name, titles, parameters."""
    rows: list[tuple[ox.Literal | None, ...]] = []
    for query in queries.values():
        params = ", ".join(f"?{p.name}{' (required)' if p.required else ''}" for p in query.params)
        rows.append((ox.Literal(query.name), ox.Literal(query.title_vi, language="vi"),
                     ox.Literal(query.title_en, language="en"), ox.Literal(params)))
    return QueryResult("select", variables=["name", "title_vi", "title_en", "parameters"], rows=list(rows))


def _read_file(path: Path) -> NamedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeError) as error:
        raise KehoachError(f"cannot read the query file {path}: {error}") from error
    return adhoc_query(text, name=path.stem, path=path)


def _write(data: bytes) -> None:
    stream = getattr(sys.stdout, "buffer", None)
    try:
        if stream is not None:
            stream.write(data)
            stream.flush()
        else:
            sys.stdout.write(data.decode("utf-8"))
            sys.stdout.flush()
    except BrokenPipeError:  # `kehoach query … | head`: the reader has gone, which is fine
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
