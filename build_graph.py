"""Build the knowledge graph of the plans in data/plans/ (or the files given) into out/.

Same as ``kehoach build``; run ``python build_graph.py --help`` for the options.
"""

import sys

from kg.cli import main

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
