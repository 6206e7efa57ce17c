"""Reporting deadlines of a plan: who reports, to whom (and through whom), by when, how often.

The agencies are named by a :data:`Resolver` the caller supplies (``kg.extract`` keeps the known
agencies its agency reader finds in the fragment).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kg.facts.sentences import (
    MARKER,
    NUMBERED_HEADING,
    ROMAN_HEADING,
    Para,
    clauses,
    dmy,
    iso_date,
    paragraphs,
    sentence_bounds,
    top_level,
)
from kg.model import AgencyRef, ReportingRequirement
from kg.text import Document

Resolver = Callable[[str, int], list[AgencyRef]]
"""Returns the agencies named in a fragment of text found at a (1-based) line; the caller supplies it."""

_DEADLINE = re.compile(
    r"(?<!\w)(?:trước|chậm nhất(?:\s+(?:vào|là))?)\s+(?:ngày\s+)?"
    r"(?:([0-9]{1,2})\s*/\s*([0-9]{1,2})(?:\s*/\s*([0-9]{4}))?(?![0-9/])"
    r"|([0-9]{1,2})\s+tháng\s+([0-9]{1,2})(?:\s+năm\s+([0-9]{4}))?(?![0-9]))", re.IGNORECASE)
_RECURRING = re.compile(r"(?<!\w)(?:hằng năm|hàng năm|định kỳ|mỗi năm|thường niên)(?!\w)", re.IGNORECASE)
_REPORT_VERB = re.compile(r"(?<!\w)(?:báo cáo|gửi|trình|nộp)(?!\w)", re.IGNORECASE)
_BODY = (r"(?-i:UBND|Ủy ban|Uỷ ban|Sở|Bộ|Phòng|Văn phòng|Hội đồng|HĐND|Ban|Thường trực|Chủ tịch|Cục"
         r"|Tỉnh ủy|Thành ủy|Đảng ủy|Công an)(?!\w)")
_STOP = (r"(?=\s?[(,;.]|\s(?:trước|để|theo|và|đồng thời|qua|chậm nhất|định kỳ|hằng năm|hàng năm|kết quả"
         r"|tổng hợp)(?!\w)|$)")
_RECIPIENT = re.compile(rf"(?:(?<!\w)về|(?<!\w)(?:báo cáo|gửi|trình|nộp)(?:\s(?:cho|lên|đến|tới))?)\s"
                        rf"(?P<to>{_BODY}.{{0,100}}?){_STOP}", re.IGNORECASE)
_RELAY = re.compile(rf"\s?(?:\([^()]{{0,100}}\))?\s?,?\s?để tổng hợp\s?,?\s?(?:báo cáo|trình)\s"
                    rf"(?P<to>{_BODY}.{{0,100}}?){_STOP}", re.IGNORECASE)
_VIA = re.compile(rf"\(\s?qua\s(?P<via>{_BODY}[^()]{{0,100}}?)\s?\)|đồng thời gửi\s(?P<sent>{_BODY}.{{0,100}}?){_STOP}",
                  re.IGNORECASE)


def _first(resolve: Resolver, para: Para, start: int, end: int) -> AgencyRef | None:
    """The first agency named in para.text[start:end] ("Sở Nội vụ tổng hợp" → Sở Nội vụ)."""
    text = re.sub(r"(?i)\s(?:để\s)?tổng hợp$", "", para.text[start:end].strip())
    agencies = resolve(text, para.line_at(start)) if text else []
    return agencies[0] if agencies else None


def _item_headings(doc: Document) -> list[tuple[str, int] | None]:
    """For each line, the numbered item above it in its Roman section ("Các sở: Y tế, …", line)."""
    current: tuple[str, int] | None = None
    found: list[tuple[str, int] | None] = []
    for n, line in enumerate(doc.lines, 1):
        found.append(current)
        if ROMAN_HEADING.match(line):
            current = None
        elif NUMBERED_HEADING.match(line):
            current = (MARKER.sub("", line, count=1), n)
    return found


def _recipients(para: Para, start: int, end: int, resolve: Resolver) -> tuple[AgencyRef | None, AgencyRef | None]:
    """(report_to, via) of a reporting clause."""
    report_to = via = None
    recipient = _RECIPIENT.search(para.text, start, end)
    if recipient:
        report_to = _first(resolve, para, *recipient.span("to"))
        relay = _RELAY.match(para.text, recipient.end(), end)
        if relay:  # "về Sở Nội vụ để tổng hợp, báo cáo UBND tỉnh": UBND tỉnh via Sở Nội vụ
            via, report_to = report_to, _first(resolve, para, *relay.span("to"))
    channel = _VIA.search(para.text, start, end)
    if via is None and channel:
        via = _first(resolve, para, *channel.span("via" if channel.group("via") else "sent"))
    return report_to, via


def _subject(text: str, start: int, end: int, last_deadline: int) -> str:
    """Who reports: "[deadline], các sở, ban, ngành báo cáo …", else the words before the verb.

    >>> t = "Định kỳ hằng năm trước ngày 15/11, các sở, ban, ngành báo cáo về UBND."
    >>> _subject(t, 0, len(t), 33)
    'các sở, ban, ngành'
    """
    verb = _REPORT_VERB.search(text, last_deadline, end)
    commas = top_level(text, ",", last_deadline, verb.start()) if verb else []
    if verb and commas:
        return text[commas[0] + 1:verb.start()].strip()
    first_verb = _REPORT_VERB.search(text, start, end)
    return text[start:first_verb.start() if first_verb else start].strip(" ,")


def reporting(doc: Document, resolve: Resolver) -> list[ReportingRequirement]:
    """Reporting deadlines ("… báo cáo UBND tỉnh (qua Sở Nội vụ) trước ngày 01/11 hằng năm").

    A deadline ("trước ngày dd/mm[/yyyy]") counts when its clause reports, sends or submits (báo
    cáo, gửi, trình, nộp); a deadline to finish other work ("hoàn thành trước ngày …") does not. A
    deadline without a year in a sentence saying "hằng năm"/"định kỳ" is recurring; one with a year
    is one-off. ``report_to`` is the body in "về X"/"báo cáo X"; ``via`` the body in "(qua X)",
    "đồng thời gửi X", or X in "về X để tổng hợp, báo cáo Y" (then Y is ``report_to``).
    ``reported_by`` is the sentence's subject, else the numbered item it stands under. Each
    occurrence is kept, in document order.

    Args:
        doc: the plan.
        resolve: returns the agencies named in a fragment of text at a line.

    Returns:
        The requirements, one per deadline.

    >>> from kg.model import Category
    >>> def resolve(text, line):
    ...     return [AgencyRef(ident=text, scope="own", category=Category.OTHER, kind=None, name=text)]
    >>> from kg.text import from_bytes
    >>> doc = from_bytes("Định kỳ hằng năm trước ngày 15/11, các sở báo cáo kết quả về UBND tỉnh "
    ...                  "(qua Sở Nội vụ).".encode(), name="t")
    >>> [(r.recurring, r.month, r.day, r.report_to.name, r.via.name, [a.name for a in r.reported_by])
    ...  for r in reporting(doc, resolve)]
    [(True, 11, 15, 'UBND tỉnh', 'Sở Nội vụ', ['các sở'])]
    """
    found: list[ReportingRequirement] = []
    headings = _item_headings(doc)
    for para in paragraphs(doc):
        text = para.text
        for s_start, s_end in sentence_bounds(text):
            recurring: bool | None = None
            for c_start, c_end in clauses(text, s_start, s_end):
                deadlines = list(_DEADLINE.finditer(text, c_start, c_end))
                if not deadlines or not _REPORT_VERB.search(text, c_start, c_end):
                    continue
                if recurring is None:
                    recurring = bool(_RECURRING.search(text, s_start, s_end))
                report_to, via = _recipients(para, c_start, c_end, resolve)
                subject = _subject(text, c_start, c_end, deadlines[-1].end())
                reported_by = resolve(subject, para.line_at(c_start)) if subject else []
                heading = headings[para.numbers[0] - 1]
                if not reported_by and heading:
                    reported_by = resolve(*heading)
                for deadline in deadlines:
                    day, month, year = dmy(deadline)
                    valid = iso_date(day, month, "2000") is not None  # a leap year: 29/02 is a valid yearly date
                    found.append(ReportingRequirement(
                        description=text[s_start:s_end].strip(), span=para.span(s_start, s_end),
                        recurring=recurring and not year, month=int(month) if valid else None,
                        day=int(day) if valid else None, year=int(year) if year else None,
                        report_to=report_to, via=via, reported_by=list(reported_by)))
    return found
