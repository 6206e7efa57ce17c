"""Named-query benchmark: every query of ``queries/`` on an existing Oxigraph store, and on rdflib.

    nice .venv/bin/python benchmarks/query_bench.py --store DIR --trig FILE [--skip-rdflib] [--in-memory]
                                                    [--runs N] [--cap S] [--budget S] [--query NAME ...]
                                                    [--out FILE.json]

Each named query (``kg.query.load_queries``) is run with its defaults and with representative
parameters taken from the graph (a real province plan IRI, ``khk:so-y-te``, ``khr:chu-tri`` …), as
``kehoach query`` runs it: the store opened read-only, the union of the named graphs as default graph,
the parameters bound by substitution.

- **Oxigraph**: a first run in a child process stopped at ``--cap`` seconds (a runaway query cannot
  stall the benchmark: Oxigraph cannot cancel a query in-process); it gives the row count. A query that
  took longer than ``--budget`` there is measured by that one run (it includes ~0.5 s to start the
  child). Otherwise one in-process warm-up run, then the median of up to ``--runs`` runs.
- **Oxigraph in memory** (``--in-memory``): the same runs on a copy of the store in memory
  (``kg.store.load_in_memory``, what ``kehoach serve --in-memory`` answers from), after the on-disk
  run of the same query, which guards the cap.
- **rdflib**: ``graph.trig`` parsed into a ``Dataset(default_union=True)`` (6 M quads need ~8.6 GB and
  minutes), the parameters given as ``initBindings``; every run is stopped by a timer at ``--cap`` and
  reported as "> cap". Skipped with ``--skip-rdflib`` (then ``--trig`` is not needed).

Slow queries get fewer runs: repeated runs stop when the next one would exceed ``--budget`` seconds per
query and engine. Output: a table (query, variant, Oxigraph median, rdflib median, ratio, rows) on stdout
and the numbers as JSON (``--out``). ``benchmarks/scale.py`` imports this module for its step 5.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import signal
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.errors import KehoachError  # noqa: E402
from kg.query import QUERIES_DIR, bind_params, execute, load_queries, open_read_only, run, store_folder  # noqa: E402
from kg.store import load_in_memory  # noqa: E402

KH = "PREFIX kh: <https://w3id.org/kehoach/ontology#> "


def say(text: str = "") -> None:
    print(text, flush=True)


def fmt_s(value: float | None) -> str:
    """Seconds for people: ``1.23 s``, ``45.6 ms``."""
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:,.0f} s"
    if value >= 1:
        return f"{value:.2f} s"
    return f"{value * 1000:.1f} ms"


def write_json(path: Path, data: dict[str, Any]) -> None:
    """The numbers of a benchmark as JSON in ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    say(f"JSON: {path}")


def run_then_write(work: Callable[[], None], data: dict[str, Any], out: Path | None) -> int:
    """The end of a benchmark's main: run ``work`` (it fills ``data``), write ``data`` to ``out``;
    the exit code (2 and the message on a KehoachError)."""
    try:
        work()
    except KehoachError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if out:
        write_json(out, data)
    return 0


def peak_rss_mb() -> float:
    """This process's peak resident memory so far."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Timeout(Exception):
    """An rdflib run reached the cap."""


def _alarm(signum: int, frame: Any) -> None:
    raise Timeout


def representative_params(store: Any) -> dict[str, str]:
    """Real values from the graph: a province plan (42 if there), another one (75), a task of the first."""
    plans = [str(row[0].value) for row in store.query(
        KH + "SELECT ?p WHERE { ?p a kh:Plan ; kh:level ?l FILTER (?l IN ('tỉnh', 'thành phố')) } ORDER BY ?p",
        use_default_graph_as_union=True)]
    communes = [str(row[0].value) for row in store.query(
        KH + "SELECT ?p WHERE { ?p a kh:Plan ; kh:level ?l FILTER (?l IN ('xã', 'phường')) } ORDER BY ?p LIMIT 1",
        use_default_graph_as_union=True)]

    def pick(code: str, fallback: int) -> str:
        wanted = [p for p in plans if p.rstrip("/").split("/")[-2] == code]
        return wanted[0] if wanted else (plans[fallback] if len(plans) > fallback else (plans or communes)[0])

    plan_a, plan_b = pick("42", 0), pick("75", 1 if len(plans) > 1 else 0)
    tasks = [str(row[0].value) for row in store.query(
        KH + f"SELECT ?t WHERE {{ ?t kh:inPlan <{plan_a}> ; a kh:Task FILTER NOT EXISTS {{ ?t a kh:Duty }} }} "
        "ORDER BY ?t LIMIT 1", use_default_graph_as_union=True)]
    province = plan_a.rstrip("/").split("/")[-2]
    base = plan_a.split("/plan/")[0] + "/"
    return {"plan": plan_a, "planA": plan_a, "planB": plan_b, "kind": "khk:so-y-te",
            "agency": f"{base}org/{province}/so-y-te", "role": "khr:chu-tri", "asccGoal": "khg:4",
            "cooperationType": "lead-colead", "task": tasks[0] if tasks else plan_a,
            "commune_plan": communes[0] if communes else ""}


def to_rdflib(term: Any) -> Any:
    """A pyoxigraph term as rdflib's (an ``xsd:string`` literal becomes a plain one, as parsed)."""
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


def load_rdflib(trig: Path) -> tuple[dict[str, Any], Any]:
    """``trig`` parsed into an rdflib Dataset whose default graph is the union of the named graphs."""
    from rdflib import Dataset

    def resident_mb() -> float:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    before = resident_mb()
    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(str(trig), format="trig")
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "quads": sum(len(g) for g in dataset.graphs()),
            "rss_delta_mb": resident_mb() - before}, dataset


def variants_of(query: Any, values: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
    """The runs of one query: its defaults (unless a parameter is required) and representative values."""
    variants: list[tuple[str, dict[str, str]]] = []
    if not any(p.required for p in query.params):
        variants.append(("defaults", {}))
    if query.params:
        variants.append(("params", {p.name: values[p.name] for p in query.params if p.name in values}))
    return variants


def run_queries(store_dir: Path, dataset: Any | None, runs: int, cap: float, budget: float, *,
                names: list[str] | None = None, folder: Path = QUERIES_DIR, memory: Any | None = None,
                report: Callable[[str], None] = say) -> dict[str, Any]:
    """Time every named query of ``folder`` (or those in ``names``) on the store in ``store_dir``, on
    its in-memory copy ``memory`` when given, and on rdflib when ``dataset`` is given; ``report`` gets
    one table line per query and variant."""
    queries = load_queries(folder)
    unknown = sorted(set(names or []) - set(queries))
    if unknown:
        raise KehoachError(f"no named query {', '.join(unknown)}; named queries: {', '.join(queries)}")
    store = open_read_only(store_dir)
    values = representative_params(store)
    rows_out = []
    for name, query in queries.items():
        if names and name not in names:
            continue
        for label, params in variants_of(query, values):
            row: dict[str, Any] = {"query": name, "variant": label, "params": params}
            try:
                bound = bind_params(query, params)
            except KehoachError as error:
                row["error"] = str(error)
                rows_out.append(row)
                report(query_line(row))
                continue
            started = time.perf_counter()
            try:
                first = run(store_dir, query, params=params, timeout=cap)
                row["oxigraph_first_child_seconds"] = time.perf_counter() - started
                row["oxigraph_rows"] = len(first)
                ox_ok = True
            except KehoachError as error:
                row["oxigraph"] = f"> cap ({cap:g} s)" if "stopped after" in str(error) else str(error)
                ox_ok = False
            if ox_ok and row["oxigraph_first_child_seconds"] > budget:
                row.update({"oxigraph_median": row["oxigraph_first_child_seconds"], "oxigraph_runs": 1})
            elif ox_ok:
                def oxigraph_once(text: str = query.text, bound: dict[str, Any] = bound, name: str = name) -> int:
                    return len(execute(store, text, bound, name=name))

                oxigraph_once()  # warm-up: the in-process store's caches
                times, count = time_runs(oxigraph_once, runs, budget)
                row.update({"oxigraph_median": statistics.median(times), "oxigraph_runs": len(times),
                            "oxigraph_rows": count})
            if ox_ok and memory is not None:
                def memory_once(text: str = query.text, bound: dict[str, Any] = bound, name: str = name) -> int:
                    return len(execute(memory, text, bound, name=name))

                memory_once()
                times, count = time_runs(memory_once, runs, budget)
                row.update({"memory_median": statistics.median(times), "memory_runs": len(times),
                            "memory_rows": count})
            if dataset is not None:
                row.update(_rdflib_row(dataset, query.text, bound, runs, cap, budget))
            if row.get("oxigraph_median") and row.get("rdflib_median"):
                row["ratio_rdflib_over_oxigraph"] = row["rdflib_median"] / row["oxigraph_median"]
            rows_out.append(row)
            report(query_line(row))
    return {"params": values, "rows": rows_out, "runs": runs, "cap_seconds": cap, "budget_seconds": budget}


def _rdflib_row(dataset: Any, text: str, bound: dict[str, Any], runs: int, cap: float, budget: float
                ) -> dict[str, Any]:
    bindings = {k: to_rdflib(v) for k, v in bound.items()}
    previous = signal.signal(signal.SIGALRM, _alarm)

    def rdflib_once() -> int:
        signal.setitimer(signal.ITIMER_REAL, cap)
        try:
            answer = dataset.query(text, initBindings=bindings)
            if answer.type in ("CONSTRUCT", "DESCRIBE"):
                return len(answer.graph)
            return 1 if answer.type == "ASK" else sum(1 for _ in answer)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    try:
        times, count = time_runs(rdflib_once, runs, budget)
        return {"rdflib_median": statistics.median(times), "rdflib_runs": len(times), "rdflib_rows": count}
    except Timeout:
        return {"rdflib": f"> cap ({cap:g} s)"}
    except Exception as error:  # rdflib may not support what Oxigraph does: report it
        return {"rdflib": f"error: {type(error).__name__}: {str(error)[:200]}"}
    finally:
        signal.signal(signal.SIGALRM, previous)


HEADER = (f"{'query':28s} {'variant':8s} {'Oxigraph':>12} {'in memory':>10} {'rdflib':>22} {'ratio':>8} "
          f"{'rows ox/rdf':>13} {'runs':>5}")


def query_line(row: dict[str, Any]) -> str:
    """One line of the table: query, variant, Oxigraph median (on disk, in memory), rdflib median,
    ratio (rdflib over Oxigraph on disk), rows, runs."""
    ox_text = fmt_s(row.get("oxigraph_median")) if "oxigraph_median" in row \
        else row.get("oxigraph", row.get("error", "-"))
    rd_text = fmt_s(row.get("rdflib_median")) if "rdflib_median" in row else row.get("rdflib", "skipped")
    ratio = f"{row['ratio_rdflib_over_oxigraph']:,.0f}x" if row.get("ratio_rdflib_over_oxigraph") else "-"
    counts = f"{row.get('oxigraph_rows', '-')}/{row.get('rdflib_rows', '-')}"
    runs = f"{row.get('oxigraph_runs', '-')}/{row.get('rdflib_runs', '-')}"
    memory_text = fmt_s(row.get("memory_median"))
    return (f"{row['query'][:28]:28s} {row['variant']:8s} {ox_text:>12} {memory_text:>10} {rd_text[:22]:>22} "
            f"{ratio:>8} {counts:>13} {runs:>5}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="an Oxigraph store folder (or a build output)")
    parser.add_argument("--trig", type=Path, help="the same graph as TriG, for rdflib (not needed with --skip-rdflib)")
    parser.add_argument("--skip-rdflib", action="store_true", help="Oxigraph only")
    parser.add_argument("--in-memory", action="store_true",
                        help="also time each query on a copy of the store in memory (kehoach serve --in-memory)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per query and engine (median)")
    parser.add_argument("--cap", type=float, default=60.0, help="seconds after which a run is '> cap'")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds of repeated runs per query and engine")
    parser.add_argument("--query", action="append", dest="names", metavar="NAME", help="only this query (repeatable)")
    parser.add_argument("--queries", type=Path, default=QUERIES_DIR, help="folder of named queries")
    parser.add_argument("--out", type=Path, help="JSON file of the numbers")
    args = parser.parse_args(argv)
    if not args.skip_rdflib and not args.trig:
        parser.error("--trig FILE is needed for rdflib (or give --skip-rdflib)")
    data: dict[str, Any] = {"date": datetime.datetime.now().isoformat(timespec="seconds"),
                            "load_average_at_start": os.getloadavg(), "store": str(args.store),
                            "trig": str(args.trig) if args.trig else None}

    def work() -> None:
        dataset = None
        if not args.skip_rdflib:
            say(f"parsing {args.trig} with rdflib …")
            data["rdflib_parse"], dataset = load_rdflib(args.trig)
            say(f"   {data['rdflib_parse']['quads']:,} quads in {fmt_s(data['rdflib_parse']['seconds'])}")
        memory = None
        if args.in_memory:
            say(f"loading {store_folder(args.store)} into memory …")
            started = time.perf_counter()
            memory = load_in_memory(store_folder(args.store))
            data["memory_load"] = {"seconds": time.perf_counter() - started, "quads": len(memory),
                                   "peak_rss_mb": peak_rss_mb()}
            say(f"   {len(memory):,} quads in {fmt_s(data['memory_load']['seconds'])}, "
                f"peak {data['memory_load']['peak_rss_mb']:,.0f} MB")
        say(f"named queries: median of up to {args.runs} runs (budget {args.budget:g} s, cap {args.cap:g} s)")
        say(HEADER)
        data["queries"] = run_queries(args.store, dataset, args.runs, args.cap, args.budget, names=args.names,
                                      folder=args.queries, memory=memory)

    return run_then_write(work, data, args.out)


if __name__ == "__main__":
    sys.exit(main())
