"""Named SPARQL queries (``queries/*.rq``) and running them on the embedded store.

A named query is one ``.rq`` file whose name is the query's name. It starts with a header of comments::

    # title-vi: Số nhiệm vụ theo cơ quan chủ trì trong từng kế hoạch
    # title-en: Tasks per lead agency, plan by plan
    # question: In a plan, how many appendix tasks does each agency lead?
    # param plan: a plan IRI, e.g. https://w3id.org/kehoach/id/plan/75/2026-2030; default: all

``question`` may span several lines (each repeats the key). A parameter is a SPARQL variable the
runner binds; ``default: all`` leaves it unbound when it is not given (the query then means "every
…"), ``default: required`` makes it mandatory, any other default is bound like a value the user gave.
An optional ``; type: …`` says how a value is read: ``iri``, ``literal``, ``@vi`` (a language tag) or
an XSD datatype (``xsd:integer``); without it a value that looks like an IRI (``http``, ``https``,
``urn``) or a prefixed name of the project (``khk:so-y-te``, ``id:plan/42/2026-2030``) is an IRI and
anything else a plain literal.

Values are never pasted into the query text: they are bound with pyoxigraph substitutions. Oxigraph
substitutes into graph patterns, so a parameter must be in the SELECT projection and in a required
triple pattern (not only in an OPTIONAL, a FILTER or a BIND target); the named queries follow this.

Oxigraph cannot cancel a running query, so a query with a timeout runs in a child process that opens
the store read-only and is terminated when the time is up; without a timeout it runs in-process.
"""

from __future__ import annotations

import multiprocessing
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Literal, TypeAlias

import pyoxigraph as ox

from kg.errors import KehoachError
from kg.iris import DEFAULT_BASE
from kg.oxi import PREFIXES
from kg.store import STORE_DIR

__all__ = ["QUERIES_DIR", "SHORT_PREFIXES", "NamedQuery", "Param", "QueryResult", "Term", "adhoc_query",
           "bind_params", "execute", "get_query", "load_queries", "open_read_only", "parse_query", "run",
           "store_folder", "to_term"]

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"
ALL, REQUIRED = "all", "required"
# The project prefixes, plus ``id:`` for instance IRIs under the default base (tables show
# ``id:plan/42/2026-2030`` and a parameter may be given that way; a build with another --base-iri
# takes full IRIs).
SHORT_PREFIXES = {**PREFIXES, "id": DEFAULT_BASE}

Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
XSD = "http://www.w3.org/2001/XMLSchema#"

_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_VARIABLE = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")
_HEADER = re.compile(r"^#\s*(title-vi|title-en|question)\s*:\s*(.*)$")
_PARAM = re.compile(r"^#\s*param\s+[?$]?([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.*)$")
_OPTION = re.compile(r";\s*(default|type)\s*:\s*([^;]*)$")
_PNAME = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*):(\S*)$")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|\\^`]')
_URN = re.compile(r"^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:\S+$", re.IGNORECASE)
_HTTP = re.compile(r"^https?://[^/?#]+", re.IGNORECASE)
_LANG = re.compile(r"^@[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")
_INTEGER = re.compile(r"^[+-]?\d+$")


@dataclass(frozen=True)
class Param:
    """A parameter of a named query: a SPARQL variable bound by the runner."""

    name: str
    description: str
    default: str | None = None  # a value bound when none is given; None: unbound (all) or required
    required: bool = False
    type: str | None = None  # iri | literal | @lang | xsd:… ; None: guessed from the value


@dataclass(frozen=True)
class NamedQuery:
    """One query file of ``queries/``: titles, the question it answers, its parameters and text."""

    name: str
    title_vi: str
    title_en: str
    question: str
    params: tuple[Param, ...]
    text: str
    path: Path | None = None

    def param(self, name: str) -> Param | None:
        """The parameter called ``name`` (with or without ``?``), if the query has it."""
        bare = name.lstrip("?$")
        return next((p for p in self.params if p.name == bare), None)


@dataclass
class QueryResult:
    """What a query gave: solutions (SELECT), triples (CONSTRUCT, DESCRIBE) or a boolean (ASK)."""

    kind: Literal["select", "graph", "boolean"]
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    triples: list[ox.Triple] = field(default_factory=list)
    boolean: bool | None = None
    bound: dict[str, Term] = field(default_factory=dict)  # the parameters' values, by variable name

    def __len__(self) -> int:
        return len(self.rows) if self.kind == "select" else len(self.triples) if self.kind == "graph" else 1

    def column(self, variable: str) -> list[Term | None]:
        """Every value of one variable, in row order."""
        index = self.variables.index(variable)
        return [row[index] for row in self.rows]

    def records(self) -> list[dict[str, str]]:
        """Rows as {variable: lexical value or IRI}, unbound variables left out (handy in tests)."""
        return [{v: t.value for v, t in zip(self.variables, row, strict=True)
                 if t is not None and not isinstance(t, ox.Triple)} for row in self.rows]


# -- reading query files ------------------------------------------------------------------------


def parse_query(text: str, name: str, path: Path | None = None, *, strict: bool = True) -> NamedQuery:
    """Read the header and text of one query; ``strict`` requires the titles and the question.

    >>> q = parse_query("# title-vi: Kế hoạch\\n# title-en: Plans\\n# question: Which plans?\\n"
    ...                 "# param plan: a plan IRI; default: all\\nSELECT ?plan WHERE { ?plan a ?c }", "plans")
    >>> q.title_en, q.params[0].name, q.params[0].required
    ('Plans', 'plan', False)
    """
    where = str(path) if path else f"query {name}"
    fields: dict[str, list[str]] = {}
    params: list[Param] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        if match := _HEADER.match(stripped):
            fields.setdefault(match.group(1), []).append(match.group(2).strip())
        elif match := _PARAM.match(stripped):
            params.append(_param(match.group(1), match.group(2), where))
    if strict:
        if not _NAME.match(name):
            raise KehoachError(f"{where}: a query name is lower-case ASCII words joined by '-': {name!r}")
        missing = [key for key in ("title-vi", "title-en", "question") if not fields.get(key)]
        if missing:
            raise KehoachError(f"{where}: the header lacks {', '.join('# ' + m + ':' for m in missing)}")
    variables = set(_VARIABLE.findall(_body(text)))
    for param in params:
        if param.name not in variables:
            raise KehoachError(f"{where}: parameter ?{param.name} does not occur in the query")
    if len({p.name for p in params}) != len(params):
        raise KehoachError(f"{where}: a parameter is declared twice")
    return NamedQuery(name=name, title_vi=" ".join(fields.get("title-vi", [])),
                      title_en=" ".join(fields.get("title-en", [])), question=" ".join(fields.get("question", [])),
                      params=tuple(params), text=text, path=path)


def _param(name: str, rest: str, where: str) -> Param:
    options: dict[str, str] = {}
    while match := _OPTION.search(rest):
        options[match.group(1)] = match.group(2).strip()
        rest = rest[:match.start()]
    default = options.get("default", ALL)
    kind = options.get("type") or None
    if kind and kind not in ("iri", "literal") and not _LANG.match(kind) and not kind.startswith("xsd:"):
        raise KehoachError(f"{where}: parameter ?{name} has an unknown type {kind!r}")
    return Param(name=name, description=rest.strip(), default=None if default in (ALL, REQUIRED) else default,
                 required=default == REQUIRED, type=kind)


def _body(text: str) -> str:
    """The query without its comment lines (comments may mention variables)."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def load_queries(folder: Path | str = QUERIES_DIR) -> dict[str, NamedQuery]:
    """Every named query of ``folder`` (``*.rq``), by name, sorted."""
    folder = Path(folder)
    if not folder.is_dir():
        raise KehoachError(f"no query folder {folder}")
    queries = {}
    for path in sorted(folder.glob("*.rq")):
        queries[path.stem] = parse_query(path.read_text(encoding="utf-8"), path.stem, path)
    return queries


def get_query(name: str, folder: Path | str = QUERIES_DIR) -> NamedQuery:
    """The named query ``name``; the error lists the names there are."""
    queries = load_queries(folder)
    if name not in queries:
        raise KehoachError(f"no query named {name!r}; named queries: {', '.join(queries) or 'none'} "
                           "(kehoach query --list)")
    return queries[name]


def adhoc_query(text: str, name: str = "query", path: Path | None = None) -> NamedQuery:
    """A query given as text (``--file``): its header is optional; without declared parameters any
    variable of the query may be bound."""
    query = parse_query(text, name, path, strict=False)
    if query.params:
        return query
    names = sorted(set(_VARIABLE.findall(_body(text))))
    return NamedQuery(name=name, title_vi=query.title_vi, title_en=query.title_en, question=query.question,
                      params=tuple(Param(n, "a variable of the query") for n in names), text=text, path=path)


# -- parameter values ---------------------------------------------------------------------------


def to_term(value: str, *, type: str | None = None) -> Term:
    """The RDF term a parameter value stands for.

    >>> to_term("khk:so-y-te")
    <NamedNode value=https://w3id.org/kehoach/def/agency-kind/so-y-te>
    >>> to_term("Sở Y tế")
    <Literal value=Sở Y tế datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>
    >>> to_term("7", type="xsd:integer").datatype.value
    'http://www.w3.org/2001/XMLSchema#integer'
    """
    if type == "literal":
        return ox.Literal(value)
    if type and type.startswith("@"):
        return ox.Literal(value, language=type[1:])
    if type and type.startswith("xsd:"):
        return _typed(value, type)
    iri = _iri(value)
    if iri is not None:
        return iri
    if type == "iri":
        raise KehoachError(f"not an IRI or a prefixed name ({', '.join(SHORT_PREFIXES)}): {value!r}")
    return ox.Literal(value)


def _iri(value: str) -> ox.NamedNode | None:
    """``value`` as an IRI if it is written as one (strictly checked), else None."""
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    elif text.startswith("<") or text.endswith(">"):
        raise KehoachError(f"not a valid IRI: {value!r}")
    lowered = text.lower()
    if lowered.startswith(("http://", "https://", "urn:")):
        if _IRI_FORBIDDEN.search(text) or not (_HTTP.match(text) or _URN.match(text)):
            raise KehoachError(f"not a valid IRI: {value!r}")
        try:
            return ox.NamedNode(text)
        except ValueError as error:
            raise KehoachError(f"not a valid IRI: {value!r}: {error}") from error
    match = _PNAME.match(text)
    if match and match.group(1) in SHORT_PREFIXES:
        local = match.group(2)
        if _IRI_FORBIDDEN.search(local):
            raise KehoachError(f"not a valid prefixed name: {value!r}")
        try:
            return ox.NamedNode(SHORT_PREFIXES[match.group(1)] + local)
        except ValueError as error:
            raise KehoachError(f"not a valid prefixed name: {value!r}: {error}") from error
    return None


def _typed(value: str, type: str) -> ox.Literal:
    datatype = XSD + type.removeprefix("xsd:")
    if type == "xsd:integer" and not _INTEGER.match(value.strip()):
        raise KehoachError(f"not an integer: {value!r}")
    if type == "xsd:decimal":
        try:
            Decimal(value.strip())
        except InvalidOperation as error:
            raise KehoachError(f"not a decimal number: {value!r}") from error
    return ox.Literal(value.strip(), datatype=ox.NamedNode(datatype))


def bind_params(query: NamedQuery, params: Mapping[str, str] | None = None) -> dict[str, Term]:
    """The terms bound to the query's parameters: given values, then defaults; unknown names, missing
    required parameters and malformed values are errors that name the query and its parameters."""
    given = {name.lstrip("?$"): value for name, value in (params or {}).items()}
    declared = ", ".join(f"?{p.name}" for p in query.params) or "none"
    unknown = sorted(set(given) - {p.name for p in query.params})
    if unknown:
        raise KehoachError(f"query {query.name} has no parameter {', '.join('?' + u for u in unknown)}; "
                           f"its parameters: {declared}")
    bound: dict[str, Term] = {}
    for param in query.params:
        value = given.get(param.name, param.default)
        if value is None:
            if param.required:
                raise KehoachError(f"query {query.name} needs the parameter ?{param.name} ({param.description}); "
                                   f"its parameters: {declared}")
            continue
        try:
            bound[param.name] = to_term(value, type=param.type)
        except KehoachError as error:
            raise KehoachError(f"query {query.name}, parameter ?{param.name}: {error}") from None
    return bound


# -- running ------------------------------------------------------------------------------------


def run(store: ox.Store | Path | str, query: NamedQuery | str, *, params: Mapping[str, str] | None = None,
        timeout: float | None = None) -> QueryResult:
    """Run ``query`` on the embedded store with ``params`` bound; the union of all named graphs is the
    default graph.

    ``store`` is an open store, a store folder or a build output folder holding ``store/``. With a
    ``timeout`` (seconds) the query runs in a child process and is stopped when the time is up; that
    needs a folder, not an open store. Raises KehoachError with a clear message on any failure.
    """
    named = query if isinstance(query, NamedQuery) else adhoc_query(query)
    bound = bind_params(named, params)
    if not timeout:
        opened = store if isinstance(store, ox.Store) else open_read_only(store)
        result = execute(opened, named.text, bound, name=named.name)
    elif isinstance(store, ox.Store):
        raise KehoachError(f"query {named.name}: a timeout needs the store's folder, not an open store")
    else:
        result = _run_in_child(store_folder(store), named, bound, timeout)
    result.bound = bound
    return result


def store_folder(path: Path | str) -> Path:
    """The store folder: ``path`` itself or ``path/store`` (a build output folder)."""
    path = Path(path)
    if (path / STORE_DIR).is_dir():
        return path / STORE_DIR
    if path.is_dir() and any(path.iterdir()):
        return path
    raise KehoachError(f"no store in {path}: run 'kehoach build --out {path}' first")


def open_read_only(path: Path | str) -> ox.Store:
    """Open a store folder (or a build output folder) read-only."""
    folder = store_folder(path)
    try:
        return ox.Store.read_only(str(folder))
    except OSError as error:
        raise KehoachError(f"cannot open the store {folder}: {error}") from error


def execute(store: ox.Store, text: str, bound: Mapping[str, Term], *, name: str = "query") -> QueryResult:
    """Evaluate ``text`` on ``store`` with the terms ``bound`` substituted; read every result."""
    substitutions = {ox.Variable(key): value for key, value in bound.items()}
    try:
        answer = store.query(text, use_default_graph_as_union=True, substitutions=substitutions or None)
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            keys = list(answer.variables)
            rows = [tuple(solution[key] for key in keys) for solution in answer]
            return QueryResult("select", variables=variables, rows=rows)
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult("boolean", boolean=bool(answer))
        return QueryResult("graph", triples=list(answer))
    except SyntaxError as error:
        raise KehoachError(f"query {name} is not valid SPARQL: {error}") from None
    except (OSError, RuntimeError, ValueError, TypeError) as error:
        raise KehoachError(f"query {name} failed: {error}") from None


def _child(folder: str, name: str, text: str, bound: dict[str, Term], channel: Connection) -> None:
    """Body of the child process: open the store read-only, run, send the result back."""
    try:
        result: object = execute(ox.Store.read_only(folder), text, bound, name=name)
    except KehoachError as error:
        result = error
    except BaseException as error:  # anything else still reaches the parent as a message
        result = KehoachError(f"query {name} failed: {type(error).__name__}: {error}")
    channel.send(result)
    channel.close()


def _context() -> multiprocessing.context.SpawnContext | multiprocessing.context.ForkServerContext:
    """A fresh-interpreter start method (never fork: the parent may hold an open store and threads)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["kg.query"])
        return context
    return multiprocessing.get_context("spawn")


def _run_in_child(folder: Path, query: NamedQuery, bound: dict[str, Term], timeout: float) -> QueryResult:
    context = _context()
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(str(folder), query.name, query.text, bound, send),
                              name=f"kehoach-query-{query.name}", daemon=True)
    started = time.monotonic()
    process.start()
    send.close()
    try:
        if not receive.poll(max(timeout - (time.monotonic() - started), 0.0)):
            raise KehoachError(f"query {query.name} stopped after {timeout:g} s")
        try:
            result = receive.recv()
        except EOFError:
            raise KehoachError(f"query {query.name}: the query process ended without an answer "
                               f"(exit code {process.exitcode})") from None
    finally:
        receive.close()
        if process.is_alive():
            process.terminate()
            process.join(2)
            if process.is_alive():
                process.kill()
        process.join()
    if isinstance(result, KehoachError):
        raise result
    assert isinstance(result, QueryResult)
    return result
