"""Endpoint benchmark: every named query through ``kehoach serve``, on disk and in memory.

    nice .venv/bin/python benchmarks/serve_bench.py --out-dir DIR [--mode disk] [--mode memory]
                                                    [--runs N] [--query NAME ...] [--out FILE.json]

For each mode, a server over the build in ``--out-dir`` is started on 127.0.0.1 (one worker; with
``memory`` it first loads the graph into the worker's memory, and the time to be ready is reported).
Each named query is asked with its defaults and with representative parameters
(``query_bench.representative_params``), bound in a VALUES block as ``kehoach query --endpoint`` binds
them, POSTed with ``Accept: application/sparql-results+json``; the time is from sending the request to
having read the whole answer (parsing, evaluation, serialisation and HTTP), the median of ``--runs``
after a warm-up. A query the server refuses (503 past its 60 s time limit, 413 past 1,000,000 rows)
is reported with its status.
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from query_bench import fmt_s, representative_params, run_then_write, say, variants_of  # noqa: E402

from kg.query import bind_params, load_queries, open_read_only  # noqa: E402
from kg.remote import bind  # noqa: E402
from kg.serve import SparqlServer  # noqa: E402

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
TIME_LIMIT = 60.0
MAX_RESULTS = 1_000_000


def ask(endpoint: str, text: str) -> tuple[int, int, float]:
    """POST ``text``; the status, the size of the answer in bytes and the seconds it took."""
    request = urllib.request.Request(endpoint, data=text.encode("utf-8"), method="POST", headers={
        "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    started = time.perf_counter()
    try:
        with NO_PROXY.open(request, timeout=TIME_LIMIT + 30) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        body, status = error.read(), error.code
    return status, len(body), time.perf_counter() - started


def rows_of(endpoint: str, text: str) -> int:
    request = urllib.request.Request(endpoint, data=text.encode("utf-8"), method="POST", headers={
        "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    with NO_PROXY.open(request, timeout=TIME_LIMIT + 30) as response:
        return len(json.loads(response.read())["results"]["bindings"])


def bench_mode(out: Path, mode: str, runs: int, names: list[str] | None) -> dict[str, Any]:
    """Start a server over ``out`` in ``mode`` (disk or memory) and time every named query through it."""
    queries = load_queries()
    values = representative_params(open_read_only(out))
    started = time.perf_counter()
    server = SparqlServer(out, host="127.0.0.1", port=0, timeout=TIME_LIMIT, max_results=MAX_RESULTS,
                          workers=1, quiet=True, in_memory=mode == "memory").start()
    ready = time.perf_counter() - started
    say(f"{mode}: server ready in {fmt_s(ready)}")
    say(f"{'query':28s} {'variant':8s} {'median':>10} {'rows':>7} {'answer':>10} {'runs':>5}")
    endpoint = server.url + "sparql"
    results = []
    try:
        for name, query in queries.items():
            if names and name not in names:
                continue
            for label, params in variants_of(query, values):
                text = bind(query.text, {k: v for k, v in bind_params(query, params).items() if v is not None})
                row: dict[str, Any] = {"query": name, "variant": label, "params": params}
                status, size, first = ask(endpoint, text)  # warm-up
                if status != 200:
                    row.update({"status": status, "seconds": first})
                    say(f"{name[:28]:28s} {label:8s} {'HTTP ' + str(status):>10}")
                    results.append(row)
                    continue
                times = [first] if first > TIME_LIMIT / 2 else [ask(endpoint, text)[2] for _ in range(runs)]
                row.update({"status": 200, "median": statistics.median(times), "runs": len(times),
                            "bytes": size, "rows": rows_of(endpoint, text)})
                say(f"{name[:28]:28s} {label:8s} {fmt_s(row['median']):>10} {row['rows']:>7,} "
                    f"{size / 1e6:>8.1f} MB {len(times):>5}")
                results.append(row)
    finally:
        server.close()
    return {"mode": mode, "ready_seconds": ready, "queries": results}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, required=True, help="a build folder (store/ and graph.trig)")
    parser.add_argument("--mode", action="append", choices=["disk", "memory"], help="default: both")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per query (median)")
    parser.add_argument("--query", action="append", dest="names", metavar="NAME", help="only this query (repeatable)")
    parser.add_argument("--out", type=Path, help="JSON file of the numbers")
    args = parser.parse_args(argv)
    data: dict[str, Any] = {"date": datetime.datetime.now().isoformat(timespec="seconds"),
                            "out_dir": str(args.out_dir), "modes": []}

    def work() -> None:
        for mode in args.mode or ["disk", "memory"]:
            data["modes"].append(bench_mode(args.out_dir, mode, args.runs, args.names))

    return run_then_write(work, data, args.out)


if __name__ == "__main__":
    sys.exit(main())
