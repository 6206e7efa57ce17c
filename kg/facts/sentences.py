"""How :mod:`kg.facts` reads plan prose: paragraphs, sentences, ";"-clauses and dates.

Prose is read in *paragraphs*: the documents break lines mid-sentence at page breaks, so a line that
does not end a sentence is joined with the next non-empty line when that one starts in lower case or
with a digit and is not a list item ("a)", "-", "2."). Table rows and Markdown headings never join.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

from kg.model import Span
from kg.text import Document

MARKER = re.compile(r"^(?:[IVXLC]{1,6}\.|[0-9]{1,3}(?:\.[0-9]{1,3})*[.)]|[a-zđ]\)|[-*+•])\s+")
_LIST_START = re.compile(r"^(?:[a-zđ]\)|[-*+•]\s|[0-9]{1,3}(?:\.[0-9]{1,3})*[.)]\s)")
ROMAN_HEADING = re.compile(r"^[IVXLC]{1,6}\.\s+\S")
NUMBERED_HEADING = re.compile(r"^[0-9]{1,2}\.\s+\S")
_ABBREVIATIONS = {"tp", "tt", "tm", "kt", "ts", "ths", "gs", "pgs", "bs", "ks", "v.v", "vv", "tr", "tx", "nxb"}
_BOUNDARY = re.compile(r"(?<![.!?…])[.!?…]++[\"”’)\]*]*+\s")
DATE = (r"(?:([0-9]{1,2})\s*[/.-]\s*([0-9]{1,2})\s*[/.-]\s*([0-9]{4})"
        r"|([0-9]{1,2})\s+tháng\s+([0-9]{1,2})\s+năm\s+([0-9]{4}))")


@dataclass(frozen=True)
class Para:
    """A paragraph: its text, and where in it each source line (1-based ``numbers``) starts."""

    text: str
    starts: tuple[int, ...]
    numbers: tuple[int, ...]

    def line_at(self, offset: int) -> int:
        """The source line (1-based) of the character at ``offset`` in :attr:`text`."""
        return self.numbers[max(bisect_right(self.starts, offset) - 1, 0)]

    def span(self, start: int = 0, end: int | None = None) -> Span:
        """The source lines of text[start:end] (the whole paragraph by default)."""
        end = len(self.text) if end is None else end
        return Span(self.line_at(start), self.line_at(max(start, end - 1)))


def paragraphs(doc: Document, lines: range | None = None) -> list[Para]:
    """The non-empty lines as paragraphs, whitespace collapsed, page-break continuations joined."""
    paras: list[Para] = []
    parts: list[str] = []
    starts: list[int] = []
    numbers: list[int] = []
    size, joinable = 0, False
    for n in lines if lines is not None else range(1, len(doc) + 1):
        table, heading = "\t" in doc.lines[n - 1], doc.heading_levels[n - 1] > 0
        line = " ".join(doc.lines[n - 1].split())
        if not line:
            continue
        if not (parts and joinable and not table and not heading and (line[0].islower() or line[0].isdigit())
                and not _LIST_START.match(line)):
            if parts:
                paras.append(Para(" ".join(parts), tuple(starts), tuple(numbers)))
            parts, starts, numbers, size = [], [], [], -1
        starts.append(size + 1)
        numbers.append(n)
        parts.append(line)
        size += len(line) + 1
        joinable = not table and not heading and line.rstrip("\"”’)]*")[-1:] not in ".!?…"
    if parts:
        paras.append(Para(" ".join(parts), tuple(starts), tuple(numbers)))
    return paras


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text``, its leading list marker left out."""
    marker = MARKER.match(text)
    start = marker.end() if marker else 0
    bounds: list[tuple[int, int]] = []
    for match in _BOUNDARY.finditer(text, start):
        following = text[match.end():match.end() + 2].lstrip("\"“(")[:1]
        word = (text[max(start, match.start() - 20):match.start()].rsplit(None, 1)[-1:] or [""])[0].lstrip("(")
        if not (following.isupper() or following.isdigit()) or word.lower() in _ABBREVIATIONS or (
                len(word) == 1 and word.isupper()):
            continue
        bounds.append((start, match.start() + len(match.group().rstrip())))
        start = match.end()
    if text[start:].strip():
        bounds.append((start, len(text)))
    return bounds


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, keeping "TP."-style abbreviations, dates and list numbers.

    Args:
        text: one paragraph of prose.

    Returns:
        The sentences, without the paragraph's leading list marker ("a)", "-", "2.1.").

    >>> split_sentences("2.1. Đến năm 2030. TP. Hồ Chí Minh ngày 20/01/2026 đạt 90%. Xong./.")
    ['Đến năm 2030.', 'TP. Hồ Chí Minh ngày 20/01/2026 đạt 90%.', 'Xong./.']
    """
    return [text[a:b].strip() for a, b in sentence_bounds(text)]


def top_level(text: str, chars: str, start: int = 0, end: int | None = None) -> list[int]:
    """Offsets of ``chars`` in text[start:end] outside brackets and quotes (ignored if unbalanced).

    >>> top_level('a, (b, c) "d, e", f', ",")
    [1, 16]
    """
    end = len(text) if end is None else end
    part = text[start:end]
    brackets = sum(part.count(c) for c in "(“[") == sum(part.count(c) for c in ")”]")
    quotes = part.count('"') % 2 == 0
    depth, quoted, found = 0, False, []
    for match in re.compile("[" + re.escape(chars) + r'(“\[)”\]"]').finditer(text, start, end):
        char = match.group()
        if brackets and char in "(“[":
            depth += 1
        elif brackets and char in ")”]":
            depth = max(depth - 1, 0)
        elif quotes and char == '"':
            quoted = not quoted
        elif char in chars and depth == 0 and not quoted:
            found.append(match.start())
    return found


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The ";"-separated clauses of text[start:end].

    >>> clauses("a; b (c; d); e", 0, 14)
    [(0, 2), (2, 12), (12, 14)]
    """
    cuts = [start, *(i + 1 for i in top_level(text, ";", start, end)), end]
    return list(zip(cuts, cuts[1:], strict=False))


def dmy(match: re.Match[str]) -> tuple[str, str, str | None]:
    """(day, month, year) from the first six groups of a match laid out like ``DATE``."""
    g = match.groups()
    return (g[0], g[1], g[2]) if g[0] else (g[3], g[4], g[5])


def iso_date(day: str, month: str, year: str) -> str | None:
    """ISO date, or None when the parts do not make a calendar date.

    >>> iso_date("9", "12", "2025"), iso_date("31", "2", "2026")
    ('2025-12-09', None)
    """
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None
