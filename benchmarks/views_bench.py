"""Time ``kehoach views`` on a build output folder (one holding ``store/``), stage by stage.

Runs the views in a fresh process (imports counted, as a user sees them) and prints a table of the
stages (query: reading the store; networks: graphs and metrics; layout; html; pictures), the peak
resident memory, the pages written and the largest ones. With ``--browser`` it then opens the largest
pages in headless Chromium, offline (as tests/test_views.py does), and prints the seconds until each
page says its network is drawn.

    .venv/bin/python benchmarks/views_bench.py --out-dir /tmp/country-out [--level auto] [--no-pictures]
        [--browser 3] [--views-dir /tmp/country-views]

The store is only read. Timings belong here, never in the unit tests.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import json, resource, sys, time
start = time.perf_counter()
from kg.views import write_views
imported = time.perf_counter()
result = write_views(sys.argv[1], sys.argv[2], pictures=sys.argv[3] == "1", level=sys.argv[4])
print(json.dumps({"import": imported - start, **result.timings, "level": result.level,
                  "views": len(result.views), "pictures_written": len(result.pictures),
                  "nodes": {v.file: v.graph.number_of_nodes() for v in result.views},
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
STAGES = ("import", "query", "networks", "layout", "html", "pictures", "total")


def open_times(folder: Path, pages: list[Path]) -> dict[str, float]:
    """Seconds until each page's network is drawn in headless Chromium, offline."""
    sys.path.insert(0, str(ROOT / "tests"))
    from test_views import CHROMIUM, Browser  # the tests' offline browser, over DevTools

    if CHROMIUM is None:
        print("chromium is not installed: run .ci/install-chromium.sh", file=sys.stderr)
        return {}
    profile = Path(tempfile.mkdtemp(prefix="kehoach-bench-chromium-"))
    browser = Browser(profile)
    try:
        times = {}
        for page in pages:
            times[page.name] = browser.open(page.resolve().as_uri(), timeout=120, network=page.name != "index.html")
            if browser.problems():
                print(f"{page.name}: {browser.problems()[:3]}", file=sys.stderr)
        return times
    finally:
        browser.close()
        shutil.rmtree(profile, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out-dir", type=Path, required=True, help="build output folder holding store/")
    parser.add_argument("--views-dir", type=Path, default=None, help="where to write (default: a temporary folder)")
    parser.add_argument("--level", choices=("auto", "all", "province"), default="auto")
    parser.add_argument("--no-pictures", action="store_true")
    parser.add_argument("--browser", type=int, default=0, metavar="N",
                        help="open the N largest pages (and index.html) in headless Chromium")
    args = parser.parse_args()
    temporary = args.views_dir is None
    folder = args.views_dir or Path(tempfile.mkdtemp(prefix="kehoach-views-bench-")) / "views"
    try:
        run = subprocess.run([sys.executable, "-c", CHILD, str(args.out_dir), str(folder),
                              "0" if args.no_pictures else "1", args.level],
                             cwd=ROOT, capture_output=True, text=True, check=False)
        if run.returncode != 0:
            print(run.stderr, file=sys.stderr)
            return 2
        result = json.loads(run.stdout.strip().splitlines()[-1])
        print(f"level {result['level']}: {result['views']} views, {result['pictures_written']} pictures, "
              f"peak memory {result['peak_mb']:.0f} MB")
        print(f"{'stage':<10} {'seconds':>8}")
        for stage in STAGES:
            if stage in result:
                print(f"{stage:<10} {result[stage]:>8.1f}")
        pages = sorted(folder.glob("*.html"), key=lambda p: -p.stat().st_size)
        total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        print(f"\n{len(pages)} pages, {total / 1e6:.1f} MB in all; the largest:")
        print(f"{'page':<28} {'MB':>6} {'nodes':>6}")
        for page in pages[:8]:
            print(f"{page.name:<28} {page.stat().st_size / 1e6:>6.1f} {result['nodes'].get(page.name, ''):>6}")
        if args.browser:
            chosen = pages[: args.browser] + [folder / "index.html"]
            print(f"\n{'page':<28} {'drawn in (s)':>12}")
            for name, seconds in open_times(folder, chosen).items():
                print(f"{name:<28} {seconds:>12.1f}")
    finally:
        if temporary:
            shutil.rmtree(folder.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
