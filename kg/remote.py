"""Run queries on a remote SPARQL 1.1 endpoint, with the same kind of result as the embedded store.

:func:`run_remote` returns variables + rows of pyoxigraph terms (``kg.query.QueryResult``), so
formatting is shared with ``kg.query.run``; :func:`answer_remote` is ``kehoach query --endpoint``.
The SPARQL protocol has no parameters, so a query's parameters are bound by a ``VALUES`` block made
only of validated N-Triples tokens (:func:`bind`), never pasted.

Queries go through SPARQLWrapper (STYLE.md: always ``setTimeout``, ``setMethod(POST)``,
``setOnlyConneg(True)``); credentials come from the environment (:mod:`kg.remote_http`).
"""

from __future__ import annotations

import ast
import math
import os
import re
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from kg.query import NamedQuery, QueryResult, bind_params
from kg.query import Term as QueryTerm
from kg.remote_http import DEFAULT_TIMEOUT, ENV_AUTH, USER_AGENT, RemoteError, credentials, mask

_XSD = "http://www.w3.org/2001/XMLSchema#"


# -- binding parameters ---------------------------------------------------------------------------

# An absolute IRI (RFC 3987 scheme) with none of the characters N-Triples forbids in an IRIREF, no
# control characters, and every '%' starting a two-digit hex escape.
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:(?:[^\x00-\x20\x7f-\x9f<>\"{}|^`\\%]|%[0-9A-Fa-f]{2})*")
_LANG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ECHAR = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}

Term = ox.NamedNode | ox.Literal | ox.BlankNode
Value = Term | ox.Triple | str | int | float | Decimal | bool


def iri_token(iri: str) -> str:
    """``<iri>`` after checking ``iri`` is an absolute IRI that N-Triples can carry as it is.

    >>> iri_token("https://w3id.org/kehoach/id/org/42/so-y-te")
    '<https://w3id.org/kehoach/id/org/42/so-y-te>'
    >>> iri_token("http://x/> } ; DROP ALL #")
    Traceback (most recent call last):
    ...
    kg.remote_http.RemoteError: not an IRI that can be bound: 'http://x/> } ; DROP ALL #'
    """
    if len(iri) > 4096 or not _IRI.fullmatch(iri) or any(0xD800 <= ord(c) <= 0xDFFF for c in iri):
        raise RemoteError(f"not an IRI that can be bound: {iri!r}")
    return f"<{iri}>"


def literal_token(text: str, *, language: str | None = None, datatype: str | None = None) -> str:
    """A literal as an N-Triples token: escaped string, then ``@lang`` or ``^^<datatype>``.

    >>> literal_token('Sở "Y" tế\\n', language="vi")
    '"Sở \\\\"Y\\\\" tế\\\\n"@vi'
    """
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise RemoteError("a literal holds an unpaired surrogate")
    body = "".join(_ECHAR.get(c) or (f"\\u{ord(c):04X}" if ord(c) < 0x20 or ord(c) == 0x7F else c) for c in text)
    if language:
        if not _LANG.fullmatch(language):
            raise RemoteError(f"not a language tag: {language!r}")
        return f'"{body}"@{language}'
    if datatype and datatype != _XSD + "string":
        return f'"{body}"^^{iri_token(datatype)}'
    return f'"{body}"'


def term_token(value: Value) -> str:
    """One validated N-Triples token for a parameter value (a pyoxigraph term or a Python value).

    >>> term_token(ox.Literal("2026", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")))
    '"2026"^^<http://www.w3.org/2001/XMLSchema#gYear>'
    >>> term_token(3)
    '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """
    if isinstance(value, ox.NamedNode):
        return iri_token(value.value)
    if isinstance(value, ox.Literal):
        return literal_token(value.value, language=value.language, datatype=value.datatype.value)
    if isinstance(value, ox.BlankNode | ox.Triple):
        raise RemoteError(f"a {type(value).__name__} cannot be bound in a query sent to another store")
    if isinstance(value, bool):
        return literal_token("true" if value else "false", datatype=_XSD + "boolean")
    if isinstance(value, int):
        return literal_token(str(value), datatype=_XSD + "integer")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise RemoteError(f"not a finite number: {value!r}")
        return literal_token(repr(value), datatype=_XSD + "double")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise RemoteError(f"not a finite number: {value!r}")
        return literal_token(format(value, "f"), datatype=_XSD + "decimal")
    if isinstance(value, str):
        return literal_token(value)
    raise RemoteError(f"cannot bind a {type(value).__name__}")


def values_block(values: Mapping[str, Iterable[Value] | Value]) -> str:
    """A SPARQL ``VALUES`` block binding each variable, made only of validated tokens.

    This is binding, not pasting: each value becomes exactly one RDF term, written by
    :func:`term_token` in N-Triples syntax, whose grammar cannot leave the term (IRIs are checked
    against a strict pattern, literals are escaped), and variable names come from the named query,
    checked as SPARQL variable names. Nothing a user typed becomes SPARQL syntax; the block is
    SPARQL's own inline-data form of a solution binding, evaluated before the rest of the group.

    >>> values_block({"agency": ox.NamedNode("http://x/a"), "year": [2026, 2027]})
    'VALUES (?agency ?year) { (<http://x/a> "2026"^^<http://www.w3.org/2001/XMLSchema#integer>) \
(<http://x/a> "2027"^^<http://www.w3.org/2001/XMLSchema#integer>) }'
    """
    names, columns = [], []
    for name, given in values.items():
        if not _VARIABLE.fullmatch(name):
            raise RemoteError(f"not a variable name: {name!r}")
        names.append(name)
        items: list[Value] = list(given) if isinstance(given, list | tuple | set | frozenset) else [given]  # type: ignore[list-item]
        columns.append([term_token(v) for v in items])
    rows: list[list[str]] = [[]]
    for column in columns:  # every combination, like several bindings at once
        rows = [row + [token] for row in rows for token in column]
    head = " ".join(f"?{n}" for n in names)
    body = " ".join("(" + " ".join(row) + ")" for row in rows)
    return f"VALUES ({head}) {{ {body} }}"


_TOKEN = re.compile(r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<word>(?<![\w?$:])[A-Za-z]+(?![\w:]))
  | (?P<star>\*)
  | (?P<open>[{(])
  | (?P<close>[})])
""", re.X | re.S)


def bind(query: str, values: Mapping[str, Iterable[Value] | Value]) -> str:
    """``query`` with a VALUES block (:func:`values_block`) as the first element of its WHERE group.

    There it constrains the whole group, FILTERs and OPTIONALs included, before grouping and
    aggregation, as a binding does; a group that is a sub-select is wrapped so the query stays valid.

    >>> bind("SELECT ?n WHERE { ?a <http://x/n> ?n }", {"a": ox.NamedNode("http://x/a")})
    'SELECT ?n WHERE { VALUES (?a) { (<http://x/a>) } ?a <http://x/n> ?n }'
    """
    if not values:
        return query
    tokens = list(_TOKEN.finditer(query))
    found = _where_group(tokens)
    if found is None:
        raise RemoteError("cannot find the WHERE clause of the query to bind its parameters")
    return _insert(query, tokens, found[1], values_block(values))


def _where_group(tokens: list[re.Match[str]]) -> tuple[int, int] | None:
    """The indexes of the query form's keyword and of the ``{`` opening its WHERE group."""
    form_index, form, depth, skip_template = -1, "", 0, False
    for index, token in enumerate(tokens):
        kind, text = token.lastgroup, token.group()
        if kind == "word" and depth == 0 and not form and text.upper() in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
            form_index, form = index, text.upper()
            following = next((t for t in tokens[index + 1:] if t.lastgroup != "comment"), None)
            skip_template = form == "CONSTRUCT" and following is not None and following.group() == "{"
        elif kind == "open":
            if text == "{" and depth == 0 and form and not skip_template:
                return form_index, index
            depth += 1
        elif kind == "close":
            depth -= 1
            if depth == 0 and text == "}" and skip_template:
                skip_template = False
    return None


def leading_values(query: str) -> tuple[str, str, str] | None:
    """The inverse of :func:`bind`: when a VALUES block is the first element of the query's WHERE
    group, the query without it, the block, and the prologue (the text before the query form, where
    the block's prefixes are declared); else None.

    >>> leading_values("PREFIX x: <http://x/> SELECT ?n WHERE { VALUES (?a) { (x:a) } ?a x:n ?n }")
    ('PREFIX x: <http://x/> SELECT ?n WHERE {  ?a x:n ?n }', 'VALUES (?a) { (x:a) }', 'PREFIX x: <http://x/> ')
    >>> leading_values("SELECT * WHERE { ?s ?p ?o VALUES ?s { <http://x/a> } }") is None
    True
    """
    tokens = [t for t in _TOKEN.finditer(query) if t.lastgroup != "comment"]
    found = _where_group(tokens)
    if found is None:
        return None
    form_index, opening = found
    rest = tokens[opening + 1:]
    if not rest or rest[0].lastgroup != "word" or rest[0].group().upper() != "VALUES":
        return None
    depth = 0
    for token in rest[1:]:
        if token.lastgroup == "open" and token.group() == "{":
            depth += 1
        elif token.lastgroup == "close" and token.group() == "}":
            depth -= 1
            if depth == 0:
                start, end = rest[0].start(), token.end()
                return query[:start] + query[end:], query[start:end], query[:tokens[form_index].start()]
    return None




def query_form(query: str) -> str | None:
    """SELECT, CONSTRUCT, ASK or DESCRIBE: the first such keyword outside comments, strings and IRIs.

    >>> query_form("# a document is described in each plan\\nSELECT ?d WHERE { ?d ?p 'DESCRIBE' }")
    'SELECT'
    """
    return next((word for word in keywords(query) if word in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")), None)


def keywords(query: str) -> list[str]:
    """The words of ``query`` outside comments, strings and IRIs that are neither variables nor part of
    a prefixed name, upper-cased: its keywords and function names.

    >>> keywords("PREFIX ask: <urn:x#from> SELECT ?ask { ?s ask:from 'CONSTRUCT' } # DESCRIBE")
    ['PREFIX', 'SELECT']
    """
    return [token.group().upper() for token in _TOKEN.finditer(query) if token.lastgroup == "word"]


def star_order(query: str) -> list[str] | None:
    """For a ``SELECT *`` query, its variables in order of first appearance (None for other queries).

    A store orders the columns of ``SELECT *`` as it likes, and a VALUES block placed first would
    move the bound variables to the front; :func:`run_remote` puts them back in this order, which is
    the one Oxigraph uses, so a remote answer prints like an embedded one.

    >>> star_order("SELECT * WHERE { ?t <http://x/p> ?agency . ?t ?q '?no' }")
    ['t', 'agency', 'q']
    >>> star_order("SELECT ?t WHERE { ?t ?p ?o }") is None
    True
    """
    tokens = [t for t in _TOKEN.finditer(query) if t.lastgroup != "comment"]
    for index, token in enumerate(tokens):
        if token.lastgroup == "word" and token.group().upper() in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
            rest = tokens[index + 1:]
            if rest and rest[0].lastgroup == "word" and rest[0].group().upper() in ("DISTINCT", "REDUCED"):
                rest = rest[1:]
            if token.group().upper() != "SELECT" or not rest or rest[0].lastgroup != "star":
                return None
            return list(dict.fromkeys(t.group()[1:] for t in rest if t.lastgroup == "var"))
    return None


def _insert(query: str, tokens: list[re.Match[str]], index: int, block: str) -> str:
    opening = tokens[index]
    following = next((t for t in tokens[index + 1:] if t.lastgroup != "comment"), None)
    if following is None or not (following.lastgroup == "word" and following.group().upper() == "SELECT"):
        return f"{query[:opening.end()]} {block}{query[opening.end():]}"
    depth = 0  # a sub-select must be alone in its group: wrap it in one more group
    for token in tokens[index:]:
        if token.lastgroup == "open":
            depth += 1
        elif token.lastgroup == "close":
            depth -= 1
            if depth == 0:
                return (f"{query[:opening.end()]} {block} {{{query[opening.end():token.start()]}}} "
                        f"{query[token.start():]}")
    raise RemoteError("unbalanced braces in the query")


# -- remote queries -------------------------------------------------------------------------------


def _term(cell: Mapping[str, str]) -> Term:
    kind, value = cell.get("type"), cell.get("value", "")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(re.sub(r"[^A-Za-z0-9_]", "_", value) or "b")
    if kind in ("literal", "typed-literal"):
        if cell.get("xml:lang"):
            return ox.Literal(value, language=cell["xml:lang"])
        datatype = cell.get("datatype")
        if datatype == _XSD + "boolean" and value in ("1", "0"):  # Virtuoso: same value, other lexical form
            value = "true" if value == "1" else "false"
        if datatype:
            return ox.Literal(value, datatype=ox.NamedNode(datatype))
        return ox.Literal(value)
    raise RemoteError(f"unreadable SPARQL JSON result term: {kind!r}")


def _store_error(error: Exception) -> str:
    """What a store said about a refused query: its message, without the query it echoes back.

    SPARQLWrapper keeps the answer only inside its message, as the repr of the bytes.
    """
    head, _, body = str(error).partition("Response:\n")
    text = head
    if body:
        try:
            raw = ast.literal_eval(body.strip())
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        except (ValueError, SyntaxError):
            text = body
    text = text.split("SPARQL query:", 1)[0]  # Virtuoso repeats the whole query after its message
    return f"{type(error).__name__}: {' '.join(text.split())[:400]}"


def run_remote(endpoint: str, query_text: str, params: Mapping[str, Value | None] | None = None, *,
               timeout: float = DEFAULT_TIMEOUT, environ: Mapping[str, str] | None = None,
               values: Mapping[str, Iterable[Value]] | None = None) -> QueryResult:
    """Run a query on the SPARQL endpoint ``endpoint``; the same result as ``kg.query.run`` gives.

    ``params`` bind variables to one term each (None: left unbound; give the terms
    ``kg.query.bind_params`` returns, never raw strings), ``values`` to several; both become one
    VALUES block (:func:`bind`), since the SPARQL protocol has no parameters. SELECT and ASK answers
    are read as SPARQL JSON results, CONSTRUCT and DESCRIBE as Turtle. Which graphs the default
    graph holds is the store's choice: Virtuoso queries the union of all its graphs, as the embedded
    store does (Virtuoso's own system graphs included).
    """
    from SPARQLWrapper import BASIC, DIGEST, JSON, POST, TURTLE, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    creds = credentials(environ)
    bindings: dict[str, Iterable[Value] | Value] = {k: v for k, v in (params or {}).items() if v is not None}
    bindings.update({k: list(v) for k, v in (values or {}).items()})
    text = bind(query_text, bindings)
    client = SPARQLWrapper(endpoint, agent=USER_AGENT)
    client.setQuery(text)
    client.queryType = query_form(text) or client.queryType  # SPARQLWrapper's regex reads comments too
    graph_form = client.queryType in ("CONSTRUCT", "DESCRIBE")
    client.setReturnFormat(TURTLE if graph_form else JSON)
    client.setMethod(POST)
    client.setTimeout(max(1, math.ceil(timeout)))
    client.setOnlyConneg(True)
    if creds:
        env = os.environ if environ is None else environ
        client.setHTTPAuth(BASIC if env.get(ENV_AUTH, "").lower() == "basic" else DIGEST)
        client.setCredentials(creds.user, creds.password)
    where = mask(endpoint, creds)
    # SPARQLWrapper's digest auth installs a global urllib opener holding the credentials: put the
    # previous one back afterwards, so nothing else in the process sends them
    previous = getattr(urllib.request, "_opener", None)
    try:
        response = client.query()
        cut = response.info().get("x-sparql-maxrows")
        answer: Any = response.response.read() if graph_form else response.convert()
    except SPARQLWrapperException as error:
        raise RemoteError(mask(f"{endpoint}: {_store_error(error)}", creds)) from None
    except TimeoutError:
        raise RemoteError(f"{where}: no answer within {timeout:g} s") from None
    except urllib.error.HTTPError as error:  # the statuses SPARQLWrapper does not map (403, 503 …)
        raise RemoteError(f"{where}: HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError) as error:
        raise RemoteError(mask(f"cannot reach {endpoint}: {getattr(error, 'reason', error)}", creds)) from None
    except ValueError:  # JSONDecodeError included
        raise RemoteError(f"{where}: the answer is not SPARQL JSON results") from None
    finally:
        urllib.request.install_opener(previous)  # type: ignore[arg-type]
    if cut:  # Virtuoso says so when ResultSetMaxRows cut the answer: never pass it off as complete
        raise RemoteError(f"{where}: the store cut the answer at {cut} rows (its own limit, Virtuoso's "
                          "ResultSetMaxRows); narrow the query or raise the limit")
    if graph_form:
        try:
            triples = [t for t in ox.parse(answer, format=ox.RdfFormat.TURTLE) if isinstance(t, ox.Triple)]
        except SyntaxError as error:
            raise RemoteError(f"{where}: the answer is not Turtle: {error}") from None
        return QueryResult("graph", triples=triples)
    if not isinstance(answer, dict):
        raise RemoteError(f"{where}: the answer is not SPARQL JSON results")
    if "boolean" in answer:
        return QueryResult("boolean", boolean=bool(answer["boolean"]))
    variables = list(answer.get("head", {}).get("vars", []))
    order = star_order(query_text) if bindings else None
    if order:
        variables.sort(key=lambda v: order.index(v) if v in order else len(order))
    rows: list[tuple[QueryTerm | None, ...]] = [
        tuple(_term(b[v]) if v in b else None for v in variables)
        for b in answer.get("results", {}).get("bindings", [])]
    return QueryResult("select", variables=variables, rows=rows)


def answer_remote(endpoint: str, query: NamedQuery, params: Mapping[str, str] | None = None, *,
                  timeout: float = DEFAULT_TIMEOUT) -> QueryResult:
    """A named (or ad-hoc) query answered by a remote store: ``kg.query.run`` for ``--endpoint``.

    The raw ``params`` are read and checked by ``kg.query.bind_params`` (the same rules as on the
    embedded store), then bound by :func:`run_remote`.
    """
    bound = bind_params(query, params)
    result = run_remote(endpoint, query.text, bound, timeout=timeout)
    result.bound = bound
    return result
