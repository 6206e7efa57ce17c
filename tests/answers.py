"""Comparing the answers of two SPARQL stores to a named query: the embedded store, and a store
reached through SPARQLWrapper (``kehoach serve``, Virtuoso). Shared by test_serve and test_remote."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from kg.query import NamedQuery, Param, run
from kg.remote import answer_remote

XSD = "http://www.w3.org/2001/XMLSchema#"


_NUMERIC = {XSD + name for name in ("integer", "decimal", "double", "float", "long", "int", "short", "byte",
                                    "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
                                    "negativeInteger", "unsignedLong", "unsignedInt")}


def normal_term(term: object) -> object:
    """A value to compare answers of two stores by.

    - IRIs: the IRI string. Blank nodes: "_:" (labels differ between stores; the data has none).
    - Numbers: their value (Decimal), whatever the numeric datatype: Virtuoso may type a COUNT or a
      SUM differently from Oxigraph, and writes decimals in its own lexical form.
    - xsd:boolean: its value ("1" and "true" are one value; Virtuoso answers "1").
    - Other literals: (lexical form, language); a datatype of xsd:string and no datatype are one.
      Lexical forms are compared exactly, so Vietnamese text must come back byte for byte (NFC).
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:"
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype in _NUMERIC:
            try:
                return ("number", Decimal(term.value).normalize())
            except InvalidOperation:
                return ("number?", term.value)
        if datatype == XSD + "boolean":
            return ("boolean", term.value in ("true", "1"))
        return (term.value, term.language or "")
    raise AssertionError(f"not a term: {term!r}")


def normal_rows(rows: Iterable[Iterable[object]], concatenated: Mapping[int, str] | None = None) -> list[tuple[str, ...]]:
    """Rows as sorted tuples of :func:`normal_term` values (order of rows never matters here).

    ``concatenated`` maps the columns a query computes with GROUP_CONCAT to its separator. SPARQL
    leaves three things about GROUP_CONCAT to the store, so those columns are compared as the sorted
    list of their parts, each part's text exactly:
    - the order of the parts (Virtuoso sorts them, Oxigraph keeps the order it found them in);
    - the language tag (a simple literal in SPARQL 1.1 and in Virtuoso; Oxigraph keeps the tag its
      inputs share, "Sở Y tế; Sở Nội vụ"@vi);
    - a group with no value (Virtuoso: "", Oxigraph: unbound, the error of an unbound input).
    """
    joined = concatenated or {}

    def value(index: int, term: object) -> str:
        if index in joined:
            text = term.value if isinstance(term, ox.Literal) else ""
            return repr(("group_concat", sorted(text.split(joined[index])) if text else []))
        return repr(normal_term(term))

    return sorted((tuple(value(i, v) for i, v in enumerate(row)) for row in rows), key=repr)



def group_concat_columns(query: str, variables: list[str]) -> dict[int, str]:
    """{column index: separator} for the columns a query computes with GROUP_CONCAT(…) AS ?name.

    >>> group_concat_columns('SELECT ?a (GROUP_CONCAT(DISTINCT COALESCE(STR(?x), ""); separator = "; ") AS ?xs)',
    ...                      ["a", "xs"])
    {1: '; '}
    """
    separators: dict[str, str] = {}
    for start in (m.end() for m in re.finditer(r"GROUP_CONCAT\s*\(", query, re.I)):
        depth, end = 1, start
        while depth:  # to the parenthesis closing GROUP_CONCAT( (the queries hold none in strings)
            depth += {"(": 1, ")": -1}.get(query[end], 0)
            end += 1
        separator = re.search(r";\s*separator\s*=\s*(\"[^\"]*\"|'[^']*')\s*$", query[start:end - 1], re.I)
        name = re.match(r"\s+AS\s+[?$](\w+)", query[end:], re.I)
        assert separator and name, f"a GROUP_CONCAT without a separator or a name: {query[start - 13:end + 20]}"
        separators[name.group(1)] = separator.group(1)[1:-1]
    return {i: separators[v] for i, v in enumerate(variables) if v in separators}



def example(param: Param) -> str:
    """The example value a parameter's description gives ("a plan IRI, e.g. https://…", "khr:chu-tri or
    khr:phoi-hop"), else its first word ("lead-colead, colead-colead or joint-lead")."""
    found = re.search(r"e\.g\. (\S+?)(?: or |[,;]|$)", param.description)
    return found.group(1) if found else re.split(r"[\s,;]+", param.description.strip())[0]


def assert_same_answers(endpoint: str, out: Path, query: NamedQuery, params: Mapping[str, str]) -> None:
    """The same variables, bound terms and rows from the embedded store of the build ``out`` and from
    the store at ``endpoint`` (through SPARQLWrapper, as ``kehoach query --endpoint`` asks it)."""
    local = run(out, query, params=params)
    remote = answer_remote(endpoint, query, params, timeout=120)
    assert remote.kind == local.kind == "select"
    assert remote.variables == local.variables
    assert remote.bound == local.bound
    concatenated = group_concat_columns(query.text, local.variables)
    assert normal_rows(remote.rows, concatenated) == normal_rows(local.rows, concatenated)
