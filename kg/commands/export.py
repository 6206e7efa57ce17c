"""``kehoach export``: a release folder for the national open-data portal (see :mod:`kg.export`)."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path

from kg.dcat import PUBLISHER_TYPES

EXIT_OK, EXIT_INVALID = 0, 1
EPILOG = ("dates: nothing is taken from the clock, so the same build and options give the same bytes; without "
          "--issued the release date is the latest date the plans state (their own date, else the latest "
          "document they cite): a lower bound, give the real date with --issued. "
          "exit codes: 0 release written; 1 the catalogue fails DCAT-AP 3.0.1 validation (results other than "
          "those in ontology/dcat-ap/expected-warnings.txt; nothing is written); 2 bad input (no build, bad "
          "option) or runtime error")


def _date(text: str) -> date:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}")


def _email(text: str) -> str:
    if not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+", text):
        raise argparse.ArgumentTypeError(f"not an e-mail address: {text}")
    return text


def _url(text: str) -> str:
    if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", text):
        raise argparse.ArgumentTypeError(f"not an http(s) URL: {text}")
    return text


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``export`` to the ``kehoach`` subcommands."""
    from kg.export import DEFAULT_BASE_URL

    parser = subparsers.add_parser(
        "export", help="write a DCAT-AP release (RDF, CSV, catalogue) for the open-data portal",
        description="Write a release folder for the national open-data portal from a finished build: the whole "
        "graph and one file per plan in Turtle, N-Triples, JSON-LD and RDF/XML; CSV tables (plans, tasks, "
        "assignments, agencies, targets, references; UTF-8 with BOM) with CSVW metadata; the ontology and "
        "shapes; a DCAT-AP 3.0.1 catalogue (catalog.ttl, catalog.rdf, catalog.jsonld) validated offline; a "
        "README in Vietnamese and English; SHA256SUMS. The folder is replaced only when everything succeeded.",
        epilog=EPILOG)
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="release folder to write (new, empty, or a previous release)")
    parser.add_argument("--from", dest="source", type=Path, default=Path("out"), metavar="DIR",
                        help="the build folder to read (graph.trig, else store/; default: out) or a .trig file")
    parser.add_argument("--base-url", type=_url, default=DEFAULT_BASE_URL, metavar="URL",
                        help="the public download location of the release folder, ending in '/': every "
                        f"dcat:downloadURL is this plus the file's path (default: {DEFAULT_BASE_URL}, a placeholder)")
    parser.add_argument("--issued", type=_date, metavar="YYYY-MM-DD",
                        help="release date: dct:issued of the catalogue, datasets and files (default: derived "
                        "from the data, see below)")
    parser.add_argument("--modified", type=_date, metavar="YYYY-MM-DD",
                        help="dct:modified (default: --issued); for a later release of datasets first issued "
                        "earlier, keep --issued and set this")
    parser.add_argument("--contact-email", type=_email, metavar="ADDRESS",
                        help="e-mail of the open-data contact point (dcat:contactPoint); without it the catalogue "
                        "carries a clearly marked placeholder that must be replaced before publishing")
    parser.add_argument("--sparql-url", type=_url, metavar="URL",
                        help="public URL of the SPARQL endpoint (kehoach serve); adds a dcat:DataService serving "
                        "every dataset (default: none described)")
    parser.add_argument("--publisher", metavar="NAME",
                        help="name (Vietnamese) of the body publishing the catalogue and the whole-graph dataset "
                        "(each plan's dataset is published by its People's Committee); default: a marked placeholder")
    parser.add_argument("--publisher-type", choices=sorted(PUBLISHER_TYPES), default="national",
                        help="ADMS publisher type of --publisher (default: national)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Export, print a summary, return the exit code."""
    from kg.export import export

    result = export(args.source, args.out, base_url=args.base_url, issued=args.issued, modified=args.modified,
                    contact_email=args.contact_email, sparql_url=args.sparql_url, publisher=args.publisher,
                    publisher_type=args.publisher_type)
    for note in result.notes:
        print(f"kehoach: note: {note}", file=sys.stderr)
    if not result.ok:
        for finding in result.check.unexpected[:50]:
            print(f"kehoach: DCAT-AP {finding}", file=sys.stderr)
        print(f"kehoach: the catalogue does not conform: {len(result.check.unexpected)} unexpected result(s); "
              f"nothing written to {args.out}", file=sys.stderr)
        return EXIT_INVALID
    if not args.quiet:
        files = sum(len(d.files) for d in result.datasets)
        print(f"exported {len(result.datasets)} dataset(s), {files} distribution(s) into {result.out}; issued "
              f"{result.issued.isoformat()}; catalogue conforms to DCAT-AP 3.0.1 "
              f"({len(result.check.expected)} expected offline result(s), see README.md)")
    return EXIT_OK
