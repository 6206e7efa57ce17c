"""Build time and peak memory of ``kehoach build`` on a corpus (default: the sample, data/plans/).

Runs the build N times in fresh processes (so start-up and imports are counted, as a user sees them)
and prints the wall time of each stage and the peak resident memory: of the build process, and of
the build with its validation worker processes together (sampled from /proc five times a second).
Each run builds into a new folder (the validation cache starts empty); ``--again`` adds, after each
run, a second build into the same folder, which reuses the cached validation of the unchanged plans.

    .venv/bin/python benchmarks/build_sample.py [--plans DIR] [--runs 5] [--no-validate] [--again]
                                                [--jobs N] [--out FILE.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGE = os.sysconf("SC_PAGE_SIZE")

CHILD = """
import json, resource, sys, time
start = time.perf_counter()
from kg.build import build
imported = time.perf_counter()
jobs = int(sys.argv[4]) if sys.argv[4] != "-" else None
result = build([sys.argv[1]], sys.argv[2], check=sys.argv[3] == "1", jobs=jobs)
tasks = sum(len(p.plan.tasks) for p in result.plans)
duties = sum(len(p.plan.duties) for p in result.plans)
print(json.dumps({"import": imported - start, **result.timings, **result.counts,
                  "plans": len(result.plans), "tasks": tasks, "duties": duties,
                  "validation_runs": result.validation_runs,
                  "violations": len(result.validation.violations) if result.validation else None,
                  "warnings": len(result.validation.results) - len(result.validation.violations)
                  if result.validation else None,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "peak_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""
STAGES = ["wall", "import", "read", "rdf", "infer", "validate", "write", "total"]


def tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parent = int(handle.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/statm") as handle:
                total += int(handle.read().split()[1])
        except (OSError, ValueError):
            continue
    return total * PAGE / 2**20


def run_build(plans: Path, out: Path, *, check: bool, jobs: int | None) -> dict[str, Any]:
    """One build in a fresh process; its numbers, with the peak memory of its process tree."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(plans), str(out), "1" if check else "0",
                              str(jobs) if jobs else "-"], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.2):
            peak = max(peak, tree_rss_mb(child.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = child.communicate()
    done.set()
    sampler.join()
    if child.returncode not in (0,):
        raise SystemExit(f"the build failed (exit {child.returncode})")
    row = json.loads(output.strip().splitlines()[-1])
    row["wall"] = time.perf_counter() - started
    row["peak_tree_mb"] = peak
    return row


def table(rows: list[dict[str, Any]], title: str) -> None:
    print(title)
    print(f"{'stage':<10} {'median s':>9} {'min s':>8} {'max s':>8}")
    for stage in STAGES:
        values = [r[stage] for r in rows if stage in r]
        if values:
            print(f"{stage:<10} {statistics.median(values):>9.2f} {min(values):>8.2f} {max(values):>8.2f}")
    print(f"peak RSS: build process {max(r['peak_mb'] for r in rows):,.0f} MB; largest worker "
          f"{max(r['peak_worker_mb'] for r in rows):,.0f} MB; process tree (sampled) "
          f"{max(r['peak_tree_mb'] for r in rows):,.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-validate", action="store_true")
    parser.add_argument("--again", action="store_true", help="also time a rebuild into the same folder")
    parser.add_argument("--jobs", type=int, default=None, help="validation workers (default: the build's)")
    parser.add_argument("--plans", type=Path, default=ROOT / "data" / "plans")
    parser.add_argument("--out", type=Path, default=None, help="also write the numbers as JSON here")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="build into DIR/out0, DIR/out1 … and keep them (default: a temporary folder)")
    args = parser.parse_args()
    rows, again = [], []
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        for run in range(args.runs):
            rows.append(run_build(args.plans, Path(folder) / f"out{run}", check=not args.no_validate,
                                  jobs=args.jobs))
            if args.again:
                again.append(run_build(args.plans, Path(folder) / f"out{run}", check=not args.no_validate,
                                       jobs=args.jobs))
    first = rows[0]
    table(rows, f"kehoach build on {args.plans} — {first['plans']:,} plans ({first['tasks']:,} tasks, "
                f"{first['duties']:,} duties), {first['quads']:,} quads ({first['asserted']:,} asserted, "
                f"{first['inferred']:,} inferred), {args.runs} run(s), validation "
                f"{'off' if args.no_validate else 'on'}")
    if not args.no_validate:
        print(f"SHACL: {first['violations']} violation(s), {first['warnings']} warning(s); "
              f"units {first['validation_runs']}")
    if again:
        print()
        table(again, f"rebuild into the same folder (validation reused: {again[0]['validation_runs']})")
    if args.out:
        args.out.write_text(json.dumps({"runs": rows, "again": again}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
