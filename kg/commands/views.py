"""``kehoach views``: write the network views of the built graph (HTML pages, index, pictures)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.cli import EPILOG, EXIT_OK

DESCRIPTION = """\
Write the co-operation networks of the graph built by 'kehoach build' into out/views/: one
self-contained HTML page per view (each plan, the agency kinds across plans, each kind province by
province, each strategic goal, the hierarchy of plans), index.html with sortable tables of the
metrics, and a PNG and an SVG of each view in views/pictures/. The pages make no network request:
open them from disk, offline.

At country scale (more than 100 commune plans) only province plans get a page of their own and are
compared kind by kind: a page per commune would carry its own copy of the drawing library (~0.5 MB)
for a network of a dozen bodies. Commune plans still count in the kinds overview and the hierarchy;
--level all writes their pages too. Views above 300 nodes are laid out in Python, with the browser's
physics off, so they open in seconds. At country scale (level province, more than 60 views) only the
overviews get a picture (kinds across plans, each strategic goal, the hierarchy): matplotlib takes
0.5-1.5 s a picture.

examples:
  kehoach views
  kehoach views --out-dir out --views-dir /tmp/views --no-pictures
  kehoach views --level all             # a page for every commune plan too, even at country scale
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``kehoach views``."""
    parser = subparsers.add_parser("views", help="write the HTML network views and pictures into out/views/",
                                   description=DESCRIPTION, epilog=EPILOG,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out-dir", type=Path, default=Path("out"),
                        help="build output folder holding store/ (default: out)")
    parser.add_argument("--views-dir", type=Path, default=None,
                        help="folder to write (default: OUT_DIR/views); replaced as a whole, so it must be "
                             "new, empty or written by 'kehoach views' before")
    parser.add_argument("--level", choices=("auto", "all", "province"), default="auto",
                        help="which plans get a page of their own and are compared kind by kind: all, "
                             "province plans only (commune plans still count in the kinds overview and the "
                             "hierarchy), or auto (default): all up to 100 commune plans, province above")
    parser.add_argument("--no-pictures", action="store_true", help="do not draw the PNG and SVG pictures")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    parser.set_defaults(run=main)


def main(args: argparse.Namespace) -> int:
    """Run ``kehoach views`` with parsed arguments; return the exit code."""
    from kg.views import write_views

    result = write_views(args.out_dir, args.views_dir, pictures=not args.no_pictures, level=args.level)
    if not args.quiet:
        timings = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in result.timings.items())
        print(f"wrote {len(result.pages)} page(s) and {len(result.pictures)} picture(s) into {result.folder} "
              f"({timings}); open {result.folder / 'index.html'}", file=sys.stdout)
    return EXIT_OK
