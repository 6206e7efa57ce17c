"""Country-scale benchmark: the whole pipeline on a generated country of plans, in one run.

    nice .venv/bin/python benchmarks/scale.py [--provinces 34] [--communes 3321] [--corpus DIR]
                                              [--no-validate] [--jobs N] [--runs 3] [--skip-rdflib]
                                              [--work DIR] [--out FILE.json]

Steps:

1. **corpus** — ``benchmarks/generate_corpus.py`` writes the synthetic corpus in the real plans' text
   layouts (or ``--corpus`` reuses one).
2. **build** — ``kehoach build`` as a user runs it, in a fresh process (``build_sample.run_build``):
   the build's stage times (read, rdf, infer, validate, write), quad counts, the SHACL outcome, and the
   peak resident memory of the build process and of the build *with its validation workers* (sampled
   from /proc). Validation is on unless ``--no-validate``.
3. **load** — the build's ``graph.trig`` into a fresh on-disk Oxigraph store (``bulk_load``) and into
   an rdflib ``Dataset`` (``parse``): time and memory (rdflib: the growth of this process).
4. **queries** — every named query, with its defaults and with representative parameters: median of
   ``--runs`` runs on the build's own store (``out/store``, what ``kehoach query`` reads) and on rdflib's
   in-memory dataset of step 3, side by side with the ratio and the row counts
   (``benchmarks/query_bench.py``, which also runs alone on an existing build).

Output: tables on stdout and the numbers as JSON (``--out``, default ``/tmp/kehoach-scale-<date>.json``).
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import build_sample  # noqa: E402
import generate_corpus  # noqa: E402
import query_bench  # noqa: E402
from query_bench import fmt_s, say  # noqa: E402


class Report:
    """Collects the numbers; rewritten as JSON after each step (a stopped run keeps what it measured)."""

    def __init__(self, path: Path, args: argparse.Namespace) -> None:
        self.path = path
        self.data: dict[str, Any] = {
            "date": datetime.datetime.now().isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                        "load_average_at_start": os.getloadavg()},
            "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        }

    def __setitem__(self, key: str, value: Any) -> None:
        self.data[key] = value
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        tmp.replace(self.path)


def load_oxigraph(trig: Path, folder: Path) -> dict[str, Any]:
    import pyoxigraph as ox

    started = time.perf_counter()
    store = ox.Store(str(folder))
    store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    store.flush()
    seconds = time.perf_counter() - started
    quads = len(store)
    del store
    gc.collect()
    return {"seconds": seconds, "quads": quads, "quads_per_second": quads / seconds,
            "store_bytes": sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provinces", type=int, default=None, help="first N provinces (default: all 34)")
    parser.add_argument("--communes", type=int, default=None, help="N communes, evenly spaced (default: all)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, help="use this corpus folder instead of generating one")
    parser.add_argument("--no-validate", action="store_true", help="build without SHACL validation")
    parser.add_argument("--jobs", type=int, default=None, help="validation workers (default: the build's)")
    parser.add_argument("--work", type=Path, help="working folder, kept (default: a temporary one, removed)")
    parser.add_argument("--out", type=Path, help="JSON file (default: /tmp/kehoach-scale-<date>.json)")
    parser.add_argument("--runs", type=int, default=3, help="runs per query and engine (median)")
    parser.add_argument("--cap", type=float, default=60.0, help="seconds after which a query is '> cap'")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds of repeated runs per query and engine")
    parser.add_argument("--skip-rdflib", action="store_true", help="no rdflib load or queries")
    args = parser.parse_args(argv)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    report = Report(args.out or Path(f"/tmp/kehoach-scale-{stamp}.json"), args)
    work = args.work or Path(tempfile.mkdtemp(prefix="kehoach-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    say(f"kehoach scale benchmark — work folder {work}, JSON {report.path}")

    # 1. corpus
    if args.corpus:
        corpus = args.corpus
        report["corpus"] = {"folder": str(corpus), "generated": False}
    else:
        corpus = work / "corpus"
        shutil.rmtree(corpus, ignore_errors=True)
        started = time.perf_counter()
        manifest = generate_corpus.generate(corpus, provinces=args.provinces, communes=args.communes,
                                            seed=args.seed, progress=True)
        data = {"folder": str(corpus), "generated": True, "seconds": time.perf_counter() - started,
                "plans": len(manifest), "provinces": sum(m["kind"] == "province" for m in manifest),
                "communes": sum(m["kind"] == "commune" for m in manifest),
                "bytes": sum(p.stat().st_size for p in corpus.rglob("*") if p.is_file())}
        report["corpus"] = data
        say(f"1. corpus: {data['plans']:,} plans ({data['provinces']} provinces, {data['communes']:,} communes), "
            f"{data['bytes'] / 2**20:,.0f} MB, {fmt_s(data['seconds'])}")

    # 2. build
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    say(f"2. build (validation {'off' if args.no_validate else 'on'}) …")
    built = build_sample.run_build(corpus, out, check=not args.no_validate, jobs=args.jobs)
    built["graph_trig_bytes"] = (out / "graph.trig").stat().st_size
    built["store_bytes"] = sum(f.stat().st_size for f in (out / "store").rglob("*") if f.is_file())
    report["build"] = built
    say("   " + " | ".join(f"{stage} {fmt_s(built[stage])}" for stage in build_sample.STAGES if stage in built))
    say(f"   {built['plans']:,} plans ({built['tasks']:,} tasks, {built['duties']:,} duties); {built['quads']:,} quads "
        f"({built['asserted']:,} asserted, {built['inferred']:,} inferred); graph.trig "
        f"{built['graph_trig_bytes'] / 2**20:,.0f} MB, store {built['store_bytes'] / 2**20:,.0f} MB")
    say(f"   peak RSS: build process {built['peak_mb']:,.0f} MB, largest worker {built['peak_worker_mb']:,.0f} MB, "
        f"build with workers {built['peak_tree_mb']:,.0f} MB")
    if not args.no_validate:
        say(f"   SHACL: {built['violations']} violation(s), {built['warnings']} warning(s), "
            f"units {built['validation_runs']}")

    # 3. load
    trig = out / "graph.trig"
    say("3. loading graph.trig …")
    loads: dict[str, Any] = {}
    bulk = work / "store-bulk"
    shutil.rmtree(bulk, ignore_errors=True)
    loads["oxigraph_bulk_load"] = ox_load = load_oxigraph(trig, bulk)
    shutil.rmtree(bulk, ignore_errors=True)
    say(f"   Oxigraph bulk_load (on disk): {fmt_s(ox_load['seconds'])}, {ox_load['quads']:,} quads "
        f"({ox_load['quads_per_second']:,.0f}/s)")
    dataset = None
    if not args.skip_rdflib:
        loads["rdflib_parse"], dataset = query_bench.load_rdflib(trig)
        r = loads["rdflib_parse"]
        say(f"   rdflib Dataset.parse (memory): {fmt_s(r['seconds'])}, {r['quads']:,} quads, "
            f"+{r['rss_delta_mb']:,.0f} MB resident; {r['seconds'] / ox_load['seconds']:.1f}x Oxigraph's time")
    report["load"] = loads

    # 4. queries
    say(f"4. named queries on {out / 'store'}: median of up to {args.runs} runs (budget {args.budget:g} s, "
        f"cap {args.cap:g} s)")
    say("    " + query_bench.HEADER)
    report["queries"] = query_bench.run_queries(out / "store", dataset, args.runs, args.cap, args.budget,
                                                report=lambda line: say("    " + line))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report["peak_rss_mb_of_this_process"] = peak
    say(f"peak RSS of this process (rdflib included): {peak:,.0f} MB; JSON: {report.path}")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
