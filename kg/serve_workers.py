"""The worker processes of ``kehoach serve``, and the limits they enforce on each query.

Time limit: Oxigraph cannot cancel a running query, so queries run in a pool of worker processes,
each with the store open read-only (or, with ``in_memory``, a copy of it in its own memory:
:func:`kg.store.load_in_memory`). The request thread waits ``timeout`` seconds for the answer
(parsing, evaluation and serialisation all count); past it the worker is killed and replaced.

Result limit: more than ``max_results`` rows or triples is refused with 413, not truncated (a
truncated count or table looks like a complete answer).

Network: each worker forbids itself every socket but AF_UNIX (:func:`block_network`, seccomp,
Linux), so a SERVICE that slips past the parser (:func:`kg.serve_protocol.inspect_query`) cannot
connect anywhere.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import platform
import queue
import signal
import socket
import struct
import subprocess
import sys
import threading
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from kg.errors import KehoachError
from kg.oxi import PREFIXES
from kg.serve_protocol import (
    GRAPH_TYPES,
    SOLUTION_TYPES,
    Format,
    Job,
    Refused,
    Reply,
    binding_term,
    inline_values,
    inspect_query,
    negotiate,
    normalise_query,
    quick_inspect,
)
from kg.store import load_in_memory

STARTUP_LIMIT = 60.0
MEMORY_STARTUP_LIMIT = 1800.0  # loading a country (6.3 M quads) into memory takes ~30 s, ~75 s without graph.trig


# --- one query, in a worker ----------------------------------------------------------------------

class _TsvRows:
    """A binary writer that keeps TSV results and stops after the header line and ``limit`` rows
    (TSV escapes newlines inside terms, so one line is one row)."""

    def __init__(self, limit: int) -> None:
        self.parts: list[bytes] = []
        self.lines = 0
        self.limit = limit
        self.exceeded = False

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit + 1:
            self.exceeded = True
            raise OverflowError("too many rows")
        self.parts.append(chunk)
        return len(chunk)

    def flush(self) -> None:
        """Nothing to flush."""


def _too_many(limit: int, what: str) -> Refused:
    return Refused(413, f"the result has more than {limit:,} {what} (limit --max-results {limit}); "
                        "add LIMIT to the query or download in parts")


def _serialise(result: ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean, fmt: Format, limit: int) -> bytes:
    if isinstance(result, ox.QueryBoolean):
        return result.serialize(format=cast(ox.QueryResultsFormat, fmt)) or b""
    if isinstance(result, ox.QueryTriples):
        triples = list(islice(result, limit + 1))
        if len(triples) > limit:
            raise _too_many(limit, "triples")
        prefixes = None if fmt == ox.RdfFormat.N_TRIPLES else PREFIXES
        return ox.serialize(triples, format=cast(ox.RdfFormat, fmt), prefixes=prefixes) or b""
    # Rows are counted on pyoxigraph's TSV (lossless) and converted only when within the limit.
    rows = _TsvRows(limit)
    try:
        result.serialize(cast(IO[bytes], rows), format=ox.QueryResultsFormat.TSV)
    except Exception:
        if rows.exceeded:
            raise _too_many(limit, "rows") from None
        raise
    tsv = b"".join(rows.parts)
    if fmt == ox.QueryResultsFormat.TSV:
        return tsv
    parsed = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV)
    return parsed.serialize(format=cast(ox.QueryResultsFormat, fmt)) or b""


def _evaluate(store: ox.Store, job: Job, text: str, own_dataset: bool, substitutions: dict[ox.Variable, Any] | None
              ) -> ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean:
    """``text`` on the dataset the request names, else the one the query names, else the union of
    the store's graphs."""
    if job.default_graphs or job.named_graphs:
        return store.query(text, default_graph=[ox.NamedNode(g) for g in job.default_graphs],
                           named_graphs=[ox.NamedNode(g) for g in job.named_graphs], substitutions=substitutions)
    if own_dataset:
        return store.query(text, substitutions=substitutions)
    return store.query(text, use_default_graph_as_union=True, substitutions=substitutions)


def answer(store: ox.Store, job: Job) -> Reply:
    """Run ``job`` on ``store``: check it, negotiate the format, evaluate, serialise."""
    try:
        text = normalise_query(job.text)
        form, own_dataset = quick_inspect(text) or inspect_query(text)
        offers = GRAPH_TYPES if form in ("construct", "describe") else SOLUTION_TYPES
        chosen = negotiate(job.accept, list(offers))
        if chosen is None:
            canonical = sorted({content.split(";")[0] for _, content in offers.values()})
            raise Refused(406, f"cannot answer a {form.upper()} query in any type of Accept: {job.accept}; "
                               f"available: {', '.join(canonical)}")
        fmt, content_type = offers[chosen]
        substitutions: dict[ox.Variable, Any] | None = None
        if job.bindings:
            substitutions = {ox.Variable(name): binding_term(value) for name, value in job.bindings.items()}
        try:
            result = None
            inlined = None if substitutions else inline_values(text)
            if inlined is not None:
                with contextlib.suppress(RuntimeError):  # a bound variable not projected: keep the block
                    result = _evaluate(store, job, inlined[0], own_dataset, inlined[1])
            if result is None:
                result = _evaluate(store, job, text, own_dataset, substitutions)
        except SyntaxError:
            inspect_query(text)  # read quickly, and not a query: an update (403), or rdflib's message (400)
            raise
        body = _serialise(result, fmt, job.max_results)
    except Refused as refused:
        return Reply.text(refused.status, str(refused))
    except SyntaxError as error:
        return Reply.text(400, f"SPARQL syntax error: {error}")
    except (ValueError, RuntimeError) as error:  # a bad IRI or variable name, a binding not projected
        return Reply.text(400, f"cannot run the query: {error}")
    return Reply(200, body, content_type, {"Vary": "Accept"})


_SECCOMP_ARCH = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}  # audit arch, socket(2)


def block_network() -> bool:
    """Forbid this process every socket but AF_UNIX (a seccomp filter, Linux x86-64/arm64; for good:
    only ever call it in a worker). Defence in depth: even a SERVICE the parser missed cannot
    connect anywhere. Return whether the filter is in place."""
    if sys.platform != "linux" or platform.machine() not in _SECCOMP_ARCH:
        return False
    arch, socket_call = _SECCOMP_ARCH[platform.machine()]
    load, equal, give = 0x20, 0x15, 0x06  # BPF_LD|W|ABS, BPF_JMP|JEQ|K, BPF_RET|K
    allow, deny = 0x7FFF0000, 0x00050000 | 1  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EPERM
    program = [(load, 0, 0, 4), (equal, 1, 0, arch), (give, 0, 0, allow),  # another ABI: not judged
               (load, 0, 0, 0), (equal, 0, 3, socket_call),  # not socket(2): allow
               (load, 0, 0, 16), (equal, 1, 0, socket.AF_UNIX), (give, 0, 0, deny), (give, 0, 0, allow)]
    code = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *step) for step in program))

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
        return False
    filter_ = Program(len(program), ctypes.addressof(code))
    return bool(libc.prctl(22, 2, ctypes.byref(filter_), 0, 0) == 0)  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER


def worker_main(store_path: str, fd: int, in_memory: bool = False) -> None:
    """The loop of a worker process: open the store read-only (``in_memory``: copy it into memory),
    then answer :class:`Job`s on the connection ``fd`` until it closes."""
    conn = Connection(fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops its workers itself
    sandboxed = block_network()
    try:
        store = load_in_memory(store_path) if in_memory else ox.Store.read_only(store_path)
        inspect_query("ASK {}")  # import and warm up the parser before saying ready
    except KehoachError as error:
        conn.send(("failed", str(error)))
        return
    except Exception as error:
        conn.send(("failed", f"cannot {'load' if in_memory else 'open'} the store {store_path}: {error}"))
        return
    conn.send(("ready", sandboxed))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the server has gone
            return
        try:
            reply = answer(store, job)
        except Exception as error:  # a bug must not kill the worker silently
            reply = Reply.text(500, f"internal error: {type(error).__name__}: {error}")
        conn.send(reply)


# --- the pool of worker processes ----------------------------------------------------------------

class _Worker:
    """A worker process (a fresh interpreter, not multiprocessing: spawn would re-run the caller's
    main script, fork is unsafe in a threaded server) and its end of a socket pair."""

    def __init__(self, store_path: str, in_memory: bool) -> None:
        ours, theirs = socket.socketpair()
        root = str(Path(__file__).resolve().parent.parent)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        code = ("import sys; from kg.serve_workers import worker_main; "
                "worker_main(sys.argv[1], int(sys.argv[2]), sys.argv[3] == 'memory')")
        mode = "memory" if in_memory else "disk"
        self.process = subprocess.Popen([sys.executable, "-c", code, store_path, str(theirs.fileno()), mode],
                                        pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, env=env,
                                        start_new_session=True)  # Ctrl-C in the terminal reaches the server only
        theirs.close()
        self.conn = Connection(ours.detach())
        self.ready = self.sandboxed = False

    def wait_ready(self, limit: float) -> None:
        if self.ready:
            return
        if not self.conn.poll(limit):
            raise KehoachError(f"a query worker did not start within {limit:g} s")
        try:
            state, detail = self.conn.recv()
        except (EOFError, OSError):
            state, detail = "failed", f"a query worker exited while starting (exit code {self.process.poll()})"
        if state != "ready":
            raise KehoachError(detail)
        self.ready, self.sandboxed = True, bool(detail)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        self.conn.close()


class WorkerPool:
    """Worker processes, each with the store open read-only (``in_memory``: each with a copy of it in
    memory); :meth:`run` gives a job to an idle one and kills it (starting a fresh one) when the answer
    takes longer than ``timeout`` seconds. A fresh in-memory worker loads the store again before it
    answers: the request it is given waits for that."""

    def __init__(self, store_path: Path, *, size: int = 2, timeout: float = 30.0, in_memory: bool = False) -> None:
        self.store_path = str(store_path)
        self.timeout = timeout
        self.in_memory = in_memory
        self.startup_limit = MEMORY_STARTUP_LIMIT if in_memory else STARTUP_LIMIT
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        workers = [self._start() for _ in range(max(1, size))]
        try:
            for worker in workers:
                worker.wait_ready(self.startup_limit)
        except BaseException:
            self.close()
            raise
        self.sandboxed = all(worker.sandboxed for worker in workers)  # no socket but AF_UNIX in the workers
        for worker in workers:
            self._idle.put(worker)

    def _start(self) -> _Worker:
        worker = _Worker(self.store_path, self.in_memory)
        with self._lock:
            self._all.add(worker)
        return worker

    def _discard(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._all.discard(worker)
            if self._closed:
                return
        self._idle.put(self._start())

    def run(self, job: Job) -> Reply:
        """Answer ``job`` within the time limit."""
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return Reply.text(503, f"every query worker is busy (waited {self.timeout:g} s); try again later")
        try:
            worker.wait_ready(self.startup_limit)
            worker.conn.send(job)
            if not worker.conn.poll(self.timeout):
                self._discard(worker)
                return Reply.text(503, f"query stopped after {self.timeout:g} s (time limit --timeout); "
                                       "make it more selective or add LIMIT")
            reply = cast(Reply, worker.conn.recv())
        except (EOFError, OSError, KehoachError) as error:
            self._discard(worker)
            return Reply.text(500, f"the query worker failed: {error or type(error).__name__}")
        self._idle.put(worker)
        return reply

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()
