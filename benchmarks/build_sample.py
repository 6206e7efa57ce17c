"""Build time and peak memory of ``kehoach build`` on the sample corpus (data/plans/).

Runs the build N times in fresh processes (so start-up and imports are counted, as a user sees
them) and prints the wall time of each stage and the peak resident memory of the process.

    .venv/bin/python benchmarks/build_sample.py [--runs 5] [--no-validate]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import json, resource, sys, time
start = time.perf_counter()
from kg.build import build
imported = time.perf_counter()
result = build([sys.argv[1]], sys.argv[2], check=sys.argv[3] == "1")
print(json.dumps({"import": imported - start, **result.timings,
                  "quads": result.counts.get("quads", 0), "plans": len(result.plans),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-validate", action="store_true")
    parser.add_argument("--plans", type=Path, default=ROOT / "data" / "plans")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(args.runs):
            started = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", CHILD, str(args.plans), f"{folder}/out{run}",
                                  "0" if args.no_validate else "1"], capture_output=True, text=True,
                                 check=True, cwd=ROOT)
            row = json.loads(out.stdout.strip().splitlines()[-1])
            row["wall"] = time.perf_counter() - started
            rows.append(row)
    stages = ["wall", "import", "read", "rdf", "infer", "validate", "write", "total"]
    print(f"kehoach build on {args.plans} — {rows[0]['plans']} plans, {rows[0]['quads']:,} quads, "
          f"{args.runs} runs, validation {'off' if args.no_validate else 'on'}")
    print(f"{'stage':<10} {'median s':>9} {'min s':>8} {'max s':>8}")
    for stage in stages:
        values = [r[stage] for r in rows if stage in r]
        if values:
            print(f"{stage:<10} {statistics.median(values):>9.2f} {min(values):>8.2f} {max(values):>8.2f}")
    print(f"peak RSS: {max(r['peak_mb'] for r in rows):.0f} MB (max over runs); "
          f"this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
