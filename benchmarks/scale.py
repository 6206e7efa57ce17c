"""Country-scale benchmark: build, validation cost, loading and the named queries, in one process.

    nice .venv/bin/python benchmarks/scale.py [--provinces 34] [--communes 3321] [--runs 5]
                                              [--skip-rdflib] [--corpus DIR] [--out FILE.json]

Steps (each timed; the resident memory of the process is sampled all along):

1. **corpus** — ``benchmarks/generate_corpus.py`` writes the synthetic corpus (or ``--corpus`` reuses one).
2. **build** — ``kg.build.build(check=False)``: read / rdf / infer / write stage times as the build reports
   them (its "infer" stage is loading the in-memory store *plus* running the rules; both are shown), the
   peak RSS reached in each stage, quad counts.
3. **SHACL** — full pySHACL on thousands of plans is far too slow to run here, so it is *measured on a
   sample* (``--validate-sample``, default 20 plans: some province plans, the rest commune plans), each
   plan validated alone with the vocabulary and its agencies, as the build would, plus the whole sample
   in batches of growing size to see whether the cost is linear in the triples. The total for the
   corpus is an **extrapolation**, printed as such (per plan type, per triple, and a power-law fit).
4. **load** — ``out/graph.trig`` into a fresh on-disk Oxigraph store (``bulk_load``) vs an rdflib
   ``Dataset`` (``parse``), time and memory.
5. **queries** — every named query of ``queries/`` (``kg.query.load_queries``), with its defaults and with
   representative parameters (a real province plan IRI, ``khk:so-y-te`` …): median of ``--runs`` runs on
   the embedded Oxigraph store (the one bulk-loaded in step 4: the same quads as the build's
   ``out/store``; read-only, the union of named graphs as default graph, as ``kehoach query`` runs it)
   vs rdflib on the same graph in memory (``default_union``), side by side with the ratio and the row
   counts. A query is first run once on Oxigraph in a child process with the cap (``--cap``, 120 s);
   rdflib is stopped by a timer at the cap and reported as "> cap". Slow queries get fewer runs
   (``--budget`` seconds per query and engine).

``--build-parts K`` builds the corpus in K separate builds when one build of the whole corpus would
not fit in memory; their ``graph.trig`` files are concatenated for steps 4-5 and the build numbers are
given per part and summed (a lower bound for one build: see the notes in the JSON).

Output: a table on stdout and the numbers as JSON (``--out``, default ``/tmp/kehoach-scale-<date>.json``).
``--max-rss-gb`` stops the run (with the numbers so far) before the machine runs out of memory.
``--infer-union`` is an experiment, not the build as it is: it replaces the rules' default graph (the
list of every plan graph) with the union of the named graphs, to measure the proposed fix.
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
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate_corpus  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")


# ------------------------------------------------------------------------------------------------
# Memory
# ------------------------------------------------------------------------------------------------


def rss_mb() -> float:
    """Current resident memory of this process."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * PAGE / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Sampler(threading.Thread):
    """Samples RSS twice a second: the peak of the current stage, and a safety stop."""

    def __init__(self, limit_mb: float, on_limit: Callable[[float], None]) -> None:
        super().__init__(daemon=True)
        self.limit_mb = limit_mb
        self.on_limit = on_limit
        self.stage_peak = 0.0
        self.stop = threading.Event()

    def reset(self) -> float:
        peak, self.stage_peak = self.stage_peak, rss_mb()
        return max(peak, self.stage_peak)

    def run(self) -> None:
        while not self.stop.wait(0.5):
            now = rss_mb()
            self.stage_peak = max(self.stage_peak, now)
            if self.limit_mb and now > self.limit_mb:
                self.on_limit(now)


# ------------------------------------------------------------------------------------------------
# Results
# ------------------------------------------------------------------------------------------------


class Report:
    """Collects the numbers; written as JSON at the end (or when the run is stopped)."""

    def __init__(self, path: Path, args: argparse.Namespace) -> None:
        self.path = path
        self.data: dict[str, Any] = {
            "date": datetime.datetime.now().isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                        "load_average_at_start": os.getloadavg(), "nice": os.nice(0)},
            "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        }

    def __setitem__(self, key: str, value: Any) -> None:
        self.data[key] = value
        self.write()

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        tmp.replace(self.path)


def say(text: str = "") -> None:
    print(text, flush=True)


def fmt_s(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:,.0f} s"
    if value >= 1:
        return f"{value:.2f} s"
    return f"{value * 1000:.1f} ms"


# ------------------------------------------------------------------------------------------------
# 2. The build, instrumented
# ------------------------------------------------------------------------------------------------


def run_build(inputs: list[Path], out: Path, sampler: Sampler, infer_union: bool,
              on_stage: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    import importlib

    import pyoxigraph as ox

    from kg.inference import rules

    build_module = importlib.import_module("kg.build")  # (``kg.build`` the attribute is the function)
    stages: dict[str, dict[str, float]] = {}
    originals = {name: getattr(build_module, name) for name in ("read_all", "to_rdf", "infer", "write_outputs")}

    def wrap(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            before = sampler.reset()
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                stages[name] = {"seconds": time.perf_counter() - started, "peak_rss_mb": sampler.reset(),
                                "rss_before_mb": before, "rss_after_mb": rss_mb()}
                if on_stage:
                    on_stage({"stages": stages, "rule_seconds": rule_times})
        return wrapped

    rule_times: dict[str, float] = {}

    def timed_infer(store: ox.Store, asserted: list[Any], target: ox.NamedNode, *, only: set[str] | None = None
                    ) -> dict[str, int]:
        """kg.inference.infer with a timer per rule (and, with --infer-union, the union default graph)."""
        counts: dict[str, int] = {}
        for name, query in rules():
            if only is not None and name not in only:
                continue
            started = time.perf_counter()
            if infer_union:
                results = store.query(query, use_default_graph_as_union=True)
            else:
                results = store.query(query, default_graph=asserted)
            new = {ox.Quad(t.subject, t.predicate, t.object, target) for t in results}  # type: ignore[union-attr]
            before = len(store)
            store.extend(new)
            counts[name] = len(store) - before
            rule_times[name] = time.perf_counter() - started
        return counts

    for name, function in originals.items():
        target = timed_infer if name == "infer" else function
        setattr(build_module, name, wrap(name, target))
    try:
        started = time.perf_counter()
        result = build_module.build(inputs, out, check=False, progress=False)
        wall = time.perf_counter() - started
    finally:
        for name, function in originals.items():
            setattr(build_module, name, function)
    timings = dict(result.timings)
    store_load = timings.get("infer", 0.0) - stages.get("infer", {}).get("seconds", 0.0)
    problems: dict[str, int] = {}
    for item in result.plans:
        for problem in item.plan.problems:
            problems[problem.what] = problems.get(problem.what, 0) + 1
    data = {
        "wall_seconds": wall,
        "timings": timings,
        "store_load_seconds": store_load,
        "rules_seconds": stages.get("infer", {}).get("seconds"),
        "rule_seconds": rule_times,
        "infer_mode": "union default graph (experiment)" if infer_union
        else "default_graph = list of asserted graphs (as built)",
        "stages": stages,
        "counts": dict(result.counts),
        "inferred_by_rule": dict(result.inferred),
        "plans": len(result.plans),
        "failed_files": len(result.failed),
        "tasks": sum(len(p.plan.tasks) for p in result.plans),
        "duties": sum(len(p.plan.duties) for p in result.plans),
        "plan_triples": sum(len(p.triples) for p in result.plans),
        "problems": dict(sorted(problems.items())),
        "peak_rss_mb": peak_mb(),
        "out_bytes": {p.name: p.stat().st_size for p in sorted(out.iterdir()) if p.is_file()},
        "store_bytes": sum(f.stat().st_size for f in (out / "store").rglob("*") if f.is_file()),
    }
    return {"data": data, "result": result}


# ------------------------------------------------------------------------------------------------
# 3. SHACL on a sample
# ------------------------------------------------------------------------------------------------


def is_province(plan: Any) -> bool:
    """A province plan (a generated corpus names them p*.txt; a commune plan the reader could not place
    has no commune code either)."""
    return plan.issuer.commune_code is None and not plan.file.startswith("c")


def shacl_sample(result: Any, size: int, total: dict[str, int] | None = None) -> dict[str, Any]:
    from rdflib import Graph

    from kg.build import to_rdf
    from kg.iris import Iris
    from kg.validate import validate

    items = result.plans
    provinces = [p for p in items if is_province(p.plan)]
    communes = [p for p in items if not is_province(p.plan)]
    n_prov = min(len(provinces), max(1, size // 5)) if provinces else 0
    n_comm = min(len(communes), size - n_prov)

    def spread(seq: list[Any], k: int) -> list[Any]:
        return [seq[i * len(seq) // k] for i in range(k)] if k else []

    sample = spread(provinces, n_prov) + spread(communes, n_comm)
    iris = Iris()

    def graph_of(plans: list[Any]) -> Graph:
        results, agencies, vocab = to_rdf([p.plan for p in plans], iris)
        data = Graph()
        for triple in agencies + vocab:
            data.add(triple)
        for item in results:
            for triple in item.triples:
                data.add(triple)
        return data

    validate(graph_of(sample[:1]))  # warm-up: shapes, ontology, pySHACL imports
    empty = graph_of([])
    started = time.perf_counter()
    validate(empty)
    baseline = time.perf_counter() - started
    each = []
    for item in sample:
        data = graph_of([item])
        started = time.perf_counter()
        report = validate(data)
        each.append({"file": item.plan.file, "type": "province" if is_province(item.plan) else "commune",
                     "triples": len(data), "plan_triples": len(item.triples), "seconds": time.perf_counter() - started,
                     "violations": len(report.violations)})
        say(f"    SHACL {each[-1]['type']:8s} {item.plan.file[:44]:44s} {len(data):>7,} triples "
            f"{fmt_s(each[-1]['seconds']):>9}  violations {each[-1]['violations']}")
    batches = []
    for k in sorted({max(1, len(sample) // 4), max(1, len(sample) // 2), len(sample)}):
        chosen = spread(sample, k) if k < len(sample) else sample
        data = graph_of(chosen)
        started = time.perf_counter()
        report = validate(data)
        batches.append({"plans": k, "triples": len(data), "seconds": time.perf_counter() - started,
                        "violations": len(report.violations)})
        say(f"    SHACL batch of {k:3d} plans: {len(data):>8,} triples {fmt_s(batches[-1]['seconds']):>9}")
    # extrapolations to the whole corpus
    total = total or {"province": len(provinces), "commune": len(communes),
                      "plan_triples": sum(len(p.triples) for p in items)}
    total_plan_triples = total["plan_triples"]
    by_type: dict[str, list[dict[str, Any]]] = {}
    for row in each:
        by_type.setdefault(row["type"], []).append(row)
    per_type = {t: statistics.mean(r["seconds"] - baseline for r in rows) for t, rows in by_type.items()}
    estimate_type = sum(per_type.get(t, 0.0) * total[t] for t in ("province", "commune"))
    rate = sum(r["seconds"] - baseline for r in each) / max(1, sum(r["plan_triples"] for r in each))
    estimate_rate = rate * total_plan_triples
    fit = None
    if len(batches) >= 2:
        import math

        xs = [math.log(b["triples"]) for b in batches]
        ys = [math.log(b["seconds"]) for b in batches]
        mx, my = statistics.mean(xs), statistics.mean(ys)
        spread_x = max(1e-12, sum((x - mx) ** 2 for x in xs))
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / spread_x
        intercept = my - slope * mx
        full_triples = total_plan_triples + (batches[-1]["triples"] - sum(r["plan_triples"] for r in each))
        fit = {"exponent": slope, "estimate_seconds": math.exp(intercept) * full_triples ** slope,
               "full_graph_triples_estimate": full_triples}
    return {"sample": each, "batches": batches, "baseline_seconds_empty_graph": baseline,
            "mean_seconds_per_plan": {t: statistics.mean(r["seconds"] for r in rows) for t, rows in by_type.items()},
            "extrapolated_seconds_by_plan_type": estimate_type,
            "extrapolated_seconds_by_triples": estimate_rate,
            "power_law_fit": fit,
            "plans": {"province": total["province"], "commune": total["commune"]},
            "note": "extrapolated from a sample; full pySHACL on the whole corpus was not run"}


# ------------------------------------------------------------------------------------------------
# 4. Loading graph.trig
# ------------------------------------------------------------------------------------------------


def load_oxigraph(trig: Path, folder: Path) -> dict[str, Any]:
    import pyoxigraph as ox

    before = rss_mb()
    started = time.perf_counter()
    store = ox.Store(str(folder))
    store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    store.flush()
    seconds = time.perf_counter() - started
    count = len(store)
    del store
    gc.collect()
    return {"seconds": seconds, "quads": count, "rss_delta_mb": rss_mb() - before,
            "store_bytes": sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())}


def load_rdflib(trig: Path, sampler: Sampler) -> tuple[dict[str, Any], Any]:
    from rdflib import Dataset

    gc.collect()
    before = rss_mb()
    sampler.reset()
    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(str(trig), format="trig")
    seconds = time.perf_counter() - started
    quads = sum(len(g) for g in dataset.graphs())
    return {"seconds": seconds, "quads": quads, "rss_delta_mb": rss_mb() - before,
            "stage_peak_rss_mb": sampler.reset()}, dataset


# ------------------------------------------------------------------------------------------------
# 5. Named queries
# ------------------------------------------------------------------------------------------------


class Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise Timeout


def representative_params(store: Any) -> dict[str, str]:
    """Real values from the graph: a province plan (42 if there), another one, a task of the first."""
    plans = [str(row[0].value) for row in store.query(
        "PREFIX kh: <https://w3id.org/kehoach/ontology#> SELECT ?p WHERE { ?p a kh:Plan ; kh:level ?l "
        "FILTER (?l IN ('tỉnh', 'thành phố')) } ORDER BY ?p", use_default_graph_as_union=True)]
    communes = [str(row[0].value) for row in store.query(
        "PREFIX kh: <https://w3id.org/kehoach/ontology#> SELECT ?p WHERE { ?p a kh:Plan ; kh:level ?l "
        "FILTER (?l IN ('xã', 'phường')) } ORDER BY ?p LIMIT 1", use_default_graph_as_union=True)]

    def pick(code: str, fallback: int) -> str:
        wanted = [p for p in plans if p.rstrip("/").split("/")[-2] == code]
        return wanted[0] if wanted else (plans[fallback] if len(plans) > fallback else (plans or communes)[0])

    plan_a, plan_b = pick("42", 0), pick("75", 1 if len(plans) > 1 else 0)
    tasks = [str(row[0].value) for row in store.query(
        f"PREFIX kh: <https://w3id.org/kehoach/ontology#> SELECT ?t WHERE {{ ?t kh:inPlan <{plan_a}> ; a kh:Task "
        "FILTER NOT EXISTS { ?t a kh:Duty } } ORDER BY ?t LIMIT 1", use_default_graph_as_union=True)]
    province = plan_a.rstrip("/").split("/")[-2]
    base = plan_a.split("/plan/")[0] + "/"
    return {"plan": plan_a, "planA": plan_a, "planB": plan_b, "kind": "khk:so-y-te",
            "agency": f"{base}org/{province}/so-y-te", "role": "khr:chu-tri", "asccGoal": "khg:4",
            "cooperationType": "lead-colead", "task": tasks[0] if tasks else plan_a,
            "commune_plan": communes[0] if communes else ""}


def to_rdflib(term: Any) -> Any:
    import pyoxigraph as ox
    from rdflib import Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(term)


def time_runs(function: Callable[[], int], runs: int, budget: float) -> tuple[list[float], int]:
    """Run up to ``runs`` times (at least once) while the time spent stays under ``budget``."""
    times: list[float] = []
    rows = 0
    spent = 0.0
    while len(times) < runs and (not times or spent + statistics.median(times) <= budget):
        started = time.perf_counter()
        rows = function()
        times.append(time.perf_counter() - started)
        spent += times[-1]
    return times, rows


def run_queries(out: Path, dataset: Any | None, runs: int, cap: float, budget: float) -> dict[str, Any]:
    from kg.errors import KehoachError
    from kg.query import bind_params, execute, load_queries, open_read_only, run

    queries = load_queries()
    store = open_read_only(out)
    values = representative_params(store)
    rows_out = []
    for name, query in queries.items():
        variants: list[tuple[str, dict[str, str]]] = []
        if not any(p.required for p in query.params):
            variants.append(("defaults", {}))
        if query.params:
            variants.append(("params", {p.name: values[p.name] for p in query.params if p.name in values}))
        for label, params in variants:
            row: dict[str, Any] = {"query": name, "variant": label, "params": params}
            try:
                bound = bind_params(query, params)
            except KehoachError as error:
                row["error"] = str(error)
                rows_out.append(row)
                continue
            # a first run in a child process with the cap: a runaway query cannot stall the benchmark
            started = time.perf_counter()
            try:
                first = run(out, query, params=params, timeout=cap)
                row["oxigraph_first_child_seconds"] = time.perf_counter() - started
                ox_ok = True
                row["oxigraph_rows"] = len(first)
            except KehoachError as error:
                row["oxigraph"] = f"> cap ({cap:g} s)" if "stopped after" in str(error) else str(error)
                ox_ok = False
            if ox_ok and row["oxigraph_first_child_seconds"] > budget:
                # slow: the capped first run is the measurement (it includes ~0.5 s to start the child)
                row.update({"oxigraph_median": row["oxigraph_first_child_seconds"], "oxigraph_runs": 1})
            elif ox_ok:
                def oxigraph_once(text: str = query.text, bound: dict[str, Any] = bound, name: str = name) -> int:
                    return len(execute(store, text, bound, name=name))

                times, count = time_runs(oxigraph_once, runs, budget)
                row.update({"oxigraph_median": statistics.median(times), "oxigraph_runs": len(times),
                            "oxigraph_rows": count})
            if dataset is not None:
                bindings = {k: to_rdflib(v) for k, v in bound.items()}
                # rdflib's Literal for "xsd:string" parameters must be plain to match parsed literals
                previous = signal.signal(signal.SIGALRM, _alarm)
                try:
                    def rdflib_once(text: str = query.text, bindings: dict[str, Any] = bindings) -> int:
                        signal.setitimer(signal.ITIMER_REAL, cap)
                        try:
                            answer = dataset.query(text, initBindings=bindings)
                            return len(answer.graph) if answer.type in ("CONSTRUCT", "DESCRIBE") else \
                                (1 if answer.type == "ASK" else sum(1 for _ in answer))
                        finally:
                            signal.setitimer(signal.ITIMER_REAL, 0)

                    times, count = time_runs(rdflib_once, runs, budget)
                    row.update({"rdflib_median": statistics.median(times), "rdflib_runs": len(times),
                                "rdflib_rows": count})
                except Timeout:
                    row["rdflib"] = f"> cap ({cap:g} s)"
                except Exception as error:  # rdflib may not support what Oxigraph does: report it
                    row["rdflib"] = f"error: {type(error).__name__}: {str(error)[:200]}"
                finally:
                    signal.signal(signal.SIGALRM, previous)
            if row.get("oxigraph_median") and row.get("rdflib_median"):
                row["ratio_rdflib_over_oxigraph"] = row["rdflib_median"] / row["oxigraph_median"]
            rows_out.append(row)
            say("    " + query_line(row))
    return {"params": values, "rows": rows_out, "runs": runs, "cap_seconds": cap, "budget_seconds": budget}


def query_line(row: dict[str, Any]) -> str:
    ox_text = fmt_s(row.get("oxigraph_median")) if "oxigraph_median" in row \
        else row.get("oxigraph", row.get("error", "-"))
    rd_text = fmt_s(row.get("rdflib_median")) if "rdflib_median" in row else row.get("rdflib", "skipped")
    ratio = f"{row['ratio_rdflib_over_oxigraph']:,.0f}x" if row.get("ratio_rdflib_over_oxigraph") else "-"
    counts = f"{row.get('oxigraph_rows', '-')}/{row.get('rdflib_rows', '-')}"
    runs = f"{row.get('oxigraph_runs', '-')}/{row.get('rdflib_runs', '-')}"
    return (f"{row['query'][:28]:28s} {row['variant']:8s} {ox_text:>12} {rd_text[:22]:>22} {ratio:>8} "
            f"{counts:>13} {runs:>5}")


# ------------------------------------------------------------------------------------------------
# Main
# ------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provinces", type=int, default=None, help="first N provinces (default: all 34)")
    parser.add_argument("--communes", type=int, default=None, help="N communes, evenly spaced (default: all)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, help="use this corpus folder instead of generating one")
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one, removed)")
    parser.add_argument("--out", type=Path, help="JSON file (default: /tmp/kehoach-scale-<date>.json)")
    parser.add_argument("--runs", type=int, default=5, help="runs per query and engine (median)")
    parser.add_argument("--cap", type=float, default=120.0, help="seconds after which a query is '> cap'")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds of repeated runs per query and engine")
    parser.add_argument("--skip-rdflib", action="store_true", help="no rdflib load or queries")
    parser.add_argument("--validate-sample", type=int, default=20, help="plans validated with pySHACL (0: none)")
    parser.add_argument("--max-rss-gb", type=float, default=16.0, help="stop when the process exceeds this")
    parser.add_argument("--build-parts", type=int, default=1,
                        help="build the corpus in K separate builds (memory); steps 4-5 use their merged graph.trig")
    parser.add_argument("--infer-union", action="store_true",
                        help="EXPERIMENT: run the inference rules on the union default graph")
    args = parser.parse_args(argv)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    report = Report(args.out or Path(f"/tmp/kehoach-scale-{stamp}.json"), args)
    work = args.work or Path(tempfile.mkdtemp(prefix="kehoach-scale-"))
    work.mkdir(parents=True, exist_ok=True)

    def on_limit(now: float) -> None:
        report["stopped"] = f"resident memory {now:,.0f} MB passed --max-rss-gb {args.max_rss_gb:g}"
        print(f"\nSTOPPED: {report['stopped']}; numbers so far in {report.path}", file=sys.stderr, flush=True)
        os._exit(3)

    sampler = Sampler(args.max_rss_gb * 1024, on_limit)
    sampler.start()
    say(f"kehoach scale benchmark — work folder {work}, JSON {report.path}")

    # 1. corpus
    if args.corpus:
        corpus = args.corpus
        report["corpus"] = {"folder": str(corpus), "generated": False}
    else:
        corpus = work / "corpus"
        if corpus.exists():
            shutil.rmtree(corpus)
        started = time.perf_counter()
        manifest = generate_corpus.generate(corpus, provinces=args.provinces, communes=args.communes,
                                            seed=args.seed, progress=True)
        report["corpus"] = {"folder": str(corpus), "generated": True, "seconds": time.perf_counter() - started,
                            "plans": len(manifest), "provinces": sum(m["kind"] == "province" for m in manifest),
                            "communes": sum(m["kind"] == "commune" for m in manifest),
                            "tasks": sum(len(m["tasks"]) for m in manifest),
                            "duties": sum(len(m["duties"]) for m in manifest),
                            "bytes": sum(p.stat().st_size for p in corpus.rglob("*") if p.is_file())}
        say(f"1. corpus: {report['corpus']['plans']:,} plans ({report['corpus']['provinces']} provinces, "
            f"{report['corpus']['communes']:,} communes), {report['corpus']['bytes'] / 2**20:,.0f} MB, "
            f"{fmt_s(report['corpus']['seconds'])}")

    # 2. build (in parts when asked: the whole corpus may not fit in memory in one build)
    from kg.build import find_inputs

    files, _ = find_inputs([corpus])
    parts = max(1, args.build_parts)
    chunks = [files[i * len(files) // parts:(i + 1) * len(files) // parts] for i in range(parts)]
    say(f"2. build (check=False{', INFERENCE ON UNION — experiment' if args.infer_union else ''})"
        + (f" in {parts} parts of ~{len(files) // parts:,} plans (memory)" if parts > 1 else "") + " …")
    kept: list[Any] = []  # plans kept for the SHACL sample: every province plan, some commune plans
    totals = {"province": 0, "commune": 0, "plan_triples": 0}
    part_data = []
    outs = []
    for index, chunk in enumerate(chunks):
        out = work / (f"out-{index + 1}" if parts > 1 else "out")
        def progress(stages: dict[str, Any], part: int = index + 1) -> None:
            report[f"build_progress_part_{part}"] = stages

        built = run_build(chunk, out, sampler, args.infer_union, progress)
        b = built["data"]
        part_data.append(b)
        outs.append(out)
        t = b["timings"]
        label = f"   part {index + 1}/{parts}: " if parts > 1 else "   "
        say(f"{label}read {fmt_s(t.get('read'))} | rdf {fmt_s(t.get('rdf'))} | infer {fmt_s(t.get('infer'))} "
            f"(store load {fmt_s(b['store_load_seconds'])} + rules {fmt_s(b['rules_seconds'])}) | "
            f"write {fmt_s(t.get('write'))} | total {fmt_s(t.get('total'))}")
        say("   rules: " + ", ".join(f"{k.split('-')[0]} {fmt_s(v)}" for k, v in b["rule_seconds"].items()))
        say(f"   peak RSS {b['peak_rss_mb']:,.0f} MB (by stage: " + ", ".join(
            f"{k} {v['peak_rss_mb']:,.0f}" for k, v in b["stages"].items()) + ")")
        say(f"   {b['plans']:,} plans, {b['tasks']:,} tasks, {b['duties']:,} duties; "
            f"quads {b['counts'].get('quads', 0):,} "
            f"(asserted {b['counts'].get('asserted', 0):,}, inferred {b['counts'].get('inferred', 0):,}); "
            f"graph.trig {b['out_bytes'].get('graph.trig', 0) / 2**20:,.0f} MB, "
            f"store {b['store_bytes'] / 2**20:,.0f} MB")
        result = built["result"]
        communes = [p for p in result.plans if not is_province(p.plan)]
        step = max(1, len(communes) // max(1, args.validate_sample // parts))
        kept += [p for p in result.plans if is_province(p.plan)] + communes[::step]
        totals["province"] += len(result.plans) - len(communes)
        totals["commune"] += len(communes)
        totals["plan_triples"] += b["plan_triples"]
        report["build_parts" if parts > 1 else "build"] = part_data if parts > 1 else b
        del built, result, communes
        gc.collect()
        if index + 1 < len(chunks):
            shutil.rmtree(out / "store", ignore_errors=True)  # only graph.trig is needed from a part
    if parts > 1:
        summed = {k: sum(p["timings"].get(k, 0.0) for p in part_data)
                  for k in ("read", "rdf", "infer", "write", "total")}
        report["build"] = {"parts": parts, "timings_summed": summed,
                           "rules_seconds_summed": sum(p["rules_seconds"] or 0.0 for p in part_data),
                           "store_load_seconds_summed": sum(p["store_load_seconds"] for p in part_data),
                           "peak_rss_mb": max(p["peak_rss_mb"] for p in part_data),
                           "plans": sum(p["plans"] for p in part_data), "tasks": sum(p["tasks"] for p in part_data),
                           "duties": sum(p["duties"] for p in part_data),
                           "quads_summed": sum(p["counts"].get("quads", 0) for p in part_data),
                           "note": "sum of part builds; a single build is slower (rules quadratic in the number "
                                   "of plan graphs, write n log n) and needs more memory"}
        say(f"   SUM of {parts} parts: " + " | ".join(f"{k} {fmt_s(v)}" for k, v in summed.items())
            + f"; max peak RSS {report['build']['peak_rss_mb']:,.0f} MB")
        trig = work / "graph.trig"
        with trig.open("wb") as merged:  # TriG documents concatenate (prefixes re-declared; no blank nodes
            for out in outs:             # but the canonical ones of the shared ontology)
                with (out / "graph.trig").open("rb") as part:
                    shutil.copyfileobj(part, merged, 1 << 24)
                merged.write(b"\n")
    else:
        trig = outs[0] / "graph.trig"

    # 3. SHACL sample
    if args.validate_sample:
        say(f"3. SHACL validation on a sample of {args.validate_sample} plans (extrapolated, not run in full) …")

        class Kept:
            plans = kept

        shacl = shacl_sample(Kept, args.validate_sample, totals)
        report["shacl"] = shacl
        fit = shacl["power_law_fit"]
        say("   per plan: " + ", ".join(f"{k} {fmt_s(v)}" for k, v in shacl["mean_seconds_per_plan"].items())
            + f"; whole corpus EXTRAPOLATED: {fmt_s(shacl['extrapolated_seconds_by_plan_type'])} (by plan type), "
            f"{fmt_s(shacl['extrapolated_seconds_by_triples'])} (by triples)"
            + (f", {fmt_s(fit['estimate_seconds'])} (power law, exponent {fit['exponent']:.2f})" if fit else ""))
    del kept
    gc.collect()

    # 4. load
    say("4. loading graph.trig …")
    loads: dict[str, Any] = {"trig_bytes": trig.stat().st_size}
    bulk = work / "store-bulk"
    shutil.rmtree(bulk, ignore_errors=True)
    loads["oxigraph_bulk_load"] = load_oxigraph(trig, bulk)
    say(f"   Oxigraph bulk_load (on disk): {fmt_s(loads['oxigraph_bulk_load']['seconds'])}, "
        f"{loads['oxigraph_bulk_load']['quads']:,} quads, {trig.stat().st_size / 2**20:,.0f} MB of TriG")
    dataset = None
    if not args.skip_rdflib:
        loads["rdflib_parse"], dataset = load_rdflib(trig, sampler)
        r = loads["rdflib_parse"]
        say(f"   rdflib Dataset.parse (memory): {fmt_s(r['seconds'])}, {r['quads']:,} quads, "
            f"+{r['rss_delta_mb']:,.0f} MB resident")
        loads["ratio_rdflib_over_oxigraph"] = r["seconds"] / loads["oxigraph_bulk_load"]["seconds"]
    report["load"] = loads

    # 5. queries
    say(f"5. named queries: median of up to {args.runs} runs (budget {args.budget:g} s, cap {args.cap:g} s)")
    say(f"    {'query':28s} {'variant':8s} {'Oxigraph':>12} {'rdflib':>22} {'ratio':>8} {'rows ox/rdf':>13} "
        f"{'runs':>5}")
    # the store bulk-loaded from graph.trig: the same quads as the build's out/store (of every part)
    report["queries"] = run_queries(bulk, dataset, args.runs, args.cap, args.budget)
    report["peak_rss_mb"] = peak_mb()
    say(f"peak RSS of the whole run: {peak_mb():,.0f} MB; JSON: {report.path}")
    sampler.stop.set()
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
