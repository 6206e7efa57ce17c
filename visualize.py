"""Write the network views of the built graph (out/store) into out/views/.

Same as ``kehoach views``; run ``python visualize.py --help`` for the options.
"""

import sys

from kg.cli import main

if __name__ == "__main__":
    sys.exit(main(["views", *sys.argv[1:]]))
