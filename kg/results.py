"""Query results as text: a readable table, CSV for spreadsheets, the SPARQL 1.1 TSV and JSON results
formats, and Turtle / N-Triples for CONSTRUCT and DESCRIBE.

Every function returns ``bytes`` (UTF-8) so callers write them unchanged; CSV starts with a byte order
mark so that Excel opens it with its diacritics intact.
"""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
import unicodedata
from collections.abc import Mapping

import pyoxigraph as ox

from kg.errors import KehoachError
from kg.oxi import PREFIXES
from kg.query import SHORT_PREFIXES, QueryResult, Term

__all__ = ["FORMATS", "display", "render", "shorten", "to_csv", "to_json", "to_ntriples", "to_table", "to_tsv",
           "to_turtle"]

FORMATS = ("table", "csv", "tsv", "json", "turtle", "ntriples")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
NUMERIC = {f"http://www.w3.org/2001/XMLSchema#{t}" for t in
           ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger", "positiveInteger")}
BOM = "\ufeff"
MIN_COLUMN = 6
TEXT_FLOOR = 16
SMALL_DEFICIT = 8
MAX_WORD = 24
GAP = " | "


def shorten(iri: str, prefixes: Mapping[str, str] = SHORT_PREFIXES) -> str:
    """``iri`` as a prefixed name when a prefix covers it and the rest is a plain local name.

    >>> shorten("https://w3id.org/kehoach/def/agency-kind/so-y-te")
    'khk:so-y-te'
    >>> shorten("https://w3id.org/kehoach/id/plan/42/2026-2030")
    'id:plan/42/2026-2030'
    >>> shorten("http://example.org/x y")
    '<http://example.org/x y>'
    """
    best = ""
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and len(namespace) > len(prefixes.get(best, "")):
            local = iri[len(namespace):]
            if all(c.isalnum() or c in "-_./" for c in local) and not local.endswith((".", "/")):
                best = prefix
    return f"{best}:{iri[len(prefixes[best]):]}" if best else f"<{iri}>"


def display(term: Term | None, prefixes: Mapping[str, str] = SHORT_PREFIXES) -> str:
    """How a term reads in a table: literals by their text, IRIs shortened, NFC, one line."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        text = shorten(term.value, prefixes)
    elif isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    elif isinstance(term, ox.Literal):
        text = term.value
    else:
        text = str(term)
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _numeric(term: Term | None) -> bool:
    return isinstance(term, ox.Literal) and term.datatype.value in NUMERIC


def _triple_rows(result: QueryResult) -> QueryResult:
    """A graph result seen as a table of subject, predicate, object."""
    rows: list[tuple[Term | None, ...]] = [(t.subject, t.predicate, t.object) for t in _sorted(result.triples)]
    return QueryResult("select", variables=["subject", "predicate", "object"], rows=rows)


def _sorted(triples: list[ox.Triple]) -> list[ox.Triple]:
    return sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


# -- table --------------------------------------------------------------------------------------


def _widths(natural: list[int], available: int, floor: list[int] | None = None,
            typical: list[float] | None = None, content: list[int] | None = None) -> list[int]:
    """Column widths that fit ``available`` columns.

    Every column first gets its floor: its ``content`` width (without the header, which may wrap) up to
    TEXT_FLOOR, or up to its longest word (``floor``, at most MAX_WORD) so that names and codes stay
    whole. Columns a few characters short of their natural width (a header) then get it, and what is
    left goes to the columns that still need room in proportion to their ``typical`` (mean) length, so
    long texts get the most. When even the floors do not fit, the widest column gives way first.

    >>> _widths([10, 400, 30], 80)
    [10, 52, 18]
    >>> _widths([23, 55, 55, 35], 91, floor=[23, 9, 10, 10])
    [23, 24, 24, 20]
    >>> _widths([11, 300], 60, floor=[2, 12], typical=[2, 250], content=[2, 300])
    [11, 49]
    """
    if sum(natural) <= available:
        return list(natural)
    body = content or natural
    sizes = [min(n, max(MIN_COLUMN, min(body[i], max(TEXT_FLOOR, min(floor[i] if floor else 0, MAX_WORD)))))
             for i, n in enumerate(natural)]
    weights = [float(w) for w in (typical or natural)]
    spare = available - sum(sizes)
    for i in sorted(range(len(natural)), key=lambda i: (natural[i] - sizes[i], i)):
        deficit = natural[i] - sizes[i]
        if 0 < deficit <= min(SMALL_DEFICIT, spare):
            sizes[i] += deficit
            spare -= deficit
    while spare > 0:
        needy = [i for i, n in enumerate(natural) if sizes[i] < n]
        weight = sum(weights[i] for i in needy) or 1.0
        given = 0
        for i in needy:
            add = min(natural[i] - sizes[i], max(1, int(spare * weights[i] / weight)), spare - given)
            sizes[i] += add
            given += add
        if not given:
            break
        spare -= given
    while sum(sizes) > available:
        candidates = [i for i, size in enumerate(sizes) if size > min(MIN_COLUMN, natural[i])]
        if not candidates:
            break
        sizes[max(candidates, key=lambda i: (sizes[i], i))] -= 1
    return sizes


def _camel_words(name: str) -> list[str]:
    """The words of a variable name: "leadDuties" → ["lead", "Duties"], "unit_name" → ["unit_name"]."""
    return re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[^A-Z]+", name) or [name]


def to_table(result: QueryResult, *, width: int = 100, prefixes: Mapping[str, str] = SHORT_PREFIXES) -> bytes:
    """A fixed-width text table; long values wrap within ``width`` columns (the text is NFC, so one
    code point is one column).

    >>> r = QueryResult("select", variables=["n", "name"], rows=[(ox.Literal("26", datatype=ox.NamedNode(XSD_INTEGER)),
    ...                 ox.Literal("Sở Y tế", language="vi"))])
    >>> print(to_table(r).decode(), end="")
     n | name
    ---+--------
    26 | Sở Y tế
    (1 row)
    """
    if result.kind == "boolean":
        return ("yes\n" if result.boolean else "no\n").encode()
    if result.kind == "graph":
        result = _triple_rows(result)
    notes, result = _without_bound_columns(result, prefixes)
    headers = list(result.variables)
    cells = [[display(term, prefixes) for term in row] for row in result.rows]
    right = [bool(result.rows) and all(_numeric(row[i]) or row[i] is None for row in result.rows)
             for i in range(len(headers))]
    spaced = [" ".join(_camel_words(h)) for h in headers]  # "leadTasks" may wrap as "lead" / "Tasks"
    head_words = [max(len(w) for w in s.split()) for s in spaced]
    content = [max([len(row[i]) for row in cells] + [head_words[i]]) for i in range(len(headers))]
    natural = [max(len(h), c) for h, c in zip(headers, content, strict=True)]
    words = [max([len(w) for row in cells for w in row[i].split()] + [head_words[i]]) for i in range(len(headers))]
    typical = [sum(len(row[i]) for row in cells) / len(cells) if cells else len(h) for i, h in enumerate(headers)]
    available = max(width - len(GAP) * (len(headers) - 1), len(headers) * MIN_COLUMN)
    sizes = _widths(natural, available, words, typical, content)
    wrapped_any = False

    def lines(texts: list[str]) -> list[str]:
        nonlocal wrapped_any
        parts = [textwrap.wrap(t, size, break_long_words=True, break_on_hyphens=False) or [""]
                 for t, size in zip(texts, sizes, strict=True)]
        height = max(len(p) for p in parts)
        wrapped_any = wrapped_any or height > 1
        out = []
        for k in range(height):
            fields = []
            for i, part in enumerate(parts):
                piece = part[k] if k < len(part) else ""
                fields.append(piece.rjust(sizes[i]) if right[i] else piece.ljust(sizes[i]))
            out.append(GAP.join(fields).rstrip())
        return out

    head = lines([h if len(h) <= size else s for h, s, size in zip(headers, spaced, sizes, strict=True)])
    body = [lines(row) for row in cells]
    rule = "-+-".join("-" * size for size in sizes)
    out = [*notes, *head, rule]
    for index, block in enumerate(body):
        if wrapped_any and index:
            out.append(rule)
        out += block
    count = len(result.rows)
    out.append(f"({count} row{'' if count == 1 else 's'})")
    return ("\n".join(out) + "\n").encode("utf-8")


def _without_bound_columns(result: QueryResult, prefixes: Mapping[str, str]) -> tuple[list[str], QueryResult]:
    """Columns of bound parameters hold one value: a table says it once above instead."""
    fixed = [i for i, v in enumerate(result.variables)
             if v in result.bound and all(row[i] == result.bound[v] for row in result.rows)]
    if not fixed or len(fixed) == len(result.variables):
        return [], result
    notes = [f"?{result.variables[i]} = {display(result.bound[result.variables[i]], prefixes)}" for i in fixed]
    keep = [i for i in range(len(result.variables)) if i not in fixed]
    rows = [tuple(row[i] for i in keep) for row in result.rows]
    return notes, QueryResult("select", variables=[result.variables[i] for i in keep], rows=rows)


# -- CSV and TSV --------------------------------------------------------------------------------


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def to_csv(result: QueryResult) -> bytes:
    """SPARQL 1.1 CSV results (RFC 4180, CRLF) with a UTF-8 byte order mark for Excel."""
    if result.kind == "boolean":
        return (BOM + ("true" if result.boolean else "false") + "\r\n").encode("utf-8")
    if result.kind == "graph":
        result = _triple_rows(result)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_csv_value(term) for term in row])
    return (BOM + buffer.getvalue()).encode("utf-8")


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
            .replace("\t", "\\t"))


def _tsv_value(term: Term | None) -> str:
    """A term in SPARQL 1.1 TSV (Turtle syntax, tabs and line breaks escaped).

    >>> _tsv_value(ox.Literal("a\\tb", language="vi"))
    '"a\\\\tb"@vi'
    >>> _tsv_value(ox.Literal("26", datatype=ox.NamedNode(XSD_INTEGER)))
    '26'
    """
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if term.language:
            return f'"{_escape(term.value)}"@{term.language}'
        if datatype == XSD_INTEGER and term.value.lstrip("+-").isdigit() and term.value.isascii():
            return term.value
        if datatype == XSD_STRING:
            return f'"{_escape(term.value)}"'
        return f'"{_escape(term.value)}"^^<{datatype}>'
    return f"<< {_tsv_value(term.subject)} {_tsv_value(term.predicate)} {_tsv_value(term.object)} >>"


def to_tsv(result: QueryResult) -> bytes:
    """SPARQL 1.1 TSV results: a header of ``?variables``, then one line per solution."""
    if result.kind == "boolean":
        return ("true\n" if result.boolean else "false\n").encode()
    if result.kind == "graph":
        result = _triple_rows(result)
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join(_tsv_value(term) for term in row) for row in result.rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


# -- JSON ---------------------------------------------------------------------------------------


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        value: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            value["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            value["datatype"] = term.datatype.value
        return value
    return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                        "predicate": _json_term(term.predicate),
                                        "object": _json_term(term.object)}}


def to_json(result: QueryResult) -> bytes:
    """SPARQL 1.1 Query Results JSON: ``head.vars`` and ``results.bindings`` (or ``boolean``)."""
    if result.kind == "graph":
        raise KehoachError("a CONSTRUCT or DESCRIBE result has no SPARQL JSON form: use --format turtle "
                           "or ntriples")
    if result.kind == "boolean":
        document: dict[str, object] = {"head": {}, "boolean": bool(result.boolean)}
    else:
        bindings = [{v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
                    for row in result.rows]
        document = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# -- graphs -------------------------------------------------------------------------------------


def _graph(result: QueryResult, fmt: ox.RdfFormat, name: str) -> bytes:
    if result.kind != "graph":
        raise KehoachError(f"--format {name} is for CONSTRUCT and DESCRIBE queries; a SELECT or ASK "
                           "result is written as table, csv, tsv or json")
    prefixes = dict(PREFIXES) if fmt == ox.RdfFormat.TURTLE else None
    data = ox.serialize(_sorted(result.triples), format=fmt, prefixes=prefixes)
    return data or b""


def to_turtle(result: QueryResult) -> bytes:
    """The triples of a CONSTRUCT or DESCRIBE result as Turtle with the project prefixes, sorted."""
    return _graph(result, ox.RdfFormat.TURTLE, "turtle")


def to_ntriples(result: QueryResult) -> bytes:
    """The triples of a CONSTRUCT or DESCRIBE result as sorted N-Triples."""
    return _graph(result, ox.RdfFormat.N_TRIPLES, "ntriples")


def render(result: QueryResult, fmt: str, *, width: int = 100) -> bytes:
    """``result`` in one of FORMATS."""
    if fmt == "table":
        return to_table(result, width=width)
    writers = {"csv": to_csv, "tsv": to_tsv, "json": to_json, "turtle": to_turtle, "ntriples": to_ntriples}
    if fmt not in writers:
        raise KehoachError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    return writers[fmt](result)
