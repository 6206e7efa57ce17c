"""What a plan's own sections say: the timeline of "THỜI GIAN THỰC HIỆN" (milestones) and the funding
clauses of "KINH PHÍ THỰC HIỆN", each section found by its heading (:func:`find_section`).
"""

from __future__ import annotations

import re

from kg.facts.sentences import DATE, MARKER, NUMBERED_HEADING, ROMAN_HEADING, paragraphs
from kg.model import FundingSource, Milestone
from kg.slug import fold
from kg.text import Document

_BODY_END = tuple(fold(w) for w in ("Trên đây", "Nơi nhận", "Phụ lục"))


def find_section(doc: Document, heading: str) -> range | None:
    """The body lines of the section whose heading contains ``heading``, ignoring case and tone marks.

    A Roman-numbered heading ("VI. KINH PHÍ THỰC HIỆN") is looked for first, then a numbered one
    ("2. Thời gian thực hiện:"). The body ends at the next such heading or at "Trên đây"/"Nơi nhận"/"Phụ lục".

    Args:
        doc: the plan.
        heading: words of the heading, compared with :func:`kg.slug.fold`.

    Returns:
        A range of 1-based line numbers (the heading itself excluded), or None when not found.

    >>> from kg.text import from_bytes
    >>> doc = from_bytes("I. MỤC ĐÍCH\\na\\n## **V. KINH PHÍ**\\nb\\n\\nc\\nVI. TỔ CHỨC\\n".encode(), name="t")
    >>> find_section(doc, "kinh phi")
    range(4, 7)
    """
    key = fold(heading)
    for pattern in (ROMAN_HEADING, NUMBERED_HEADING):
        for n, line in enumerate(doc.lines, 1):
            if pattern.match(line) and key in fold(line.split(":", 1)[0]):
                end = n + 1
                while end <= len(doc) and not (ROMAN_HEADING.match(doc.lines[end - 1]) or pattern.match(
                        doc.lines[end - 1]) or fold(doc.lines[end - 1]).startswith(_BODY_END)):
                    end += 1
                return range(n + 1, end)
    return None


_WHEN = re.compile(
    r"(?P<when>(?:(?:nửa đầu|nửa cuối|trước|sau|đến|từ|trong|hết|cuối|đầu|giữa|quý\s+[IVX0-9]{1,4})\s+)*"
    rf"(?:ngày\s+{DATE}|tháng\s+[0-9]{{1,2}}(?:\s+năm\s+|/)[0-9]{{4}}|năm\s+[0-9]{{4}}"
    r"|giai đoạn\s+[0-9]{4}\s*[-–]\s*[0-9]{4}|[0-9]{4}\s*[-–]\s*[0-9]{4}))\s*[:,]\s*(?P<what>\S.*)",
    re.IGNORECASE | re.DOTALL)


def milestones(doc: Document) -> list[Milestone]:
    """The timeline of "PHẠM VI VÀ THỜI GIAN THỰC HIỆN" (or of a "Thời gian thực hiện" item).

    A milestone is a paragraph that opens with a time phrase and a colon or comma: "- Tháng 7 năm
    2026: hoàn thành …", "a) Trước ngày 30/7/2026, …", "- Nửa đầu năm 2031: …". Sub-headings
    ("a) Giai đoạn 2026 - 2030") and the plan period ("Được triển khai từ năm 2026 - 2030") are not.

    Args:
        doc: the plan.

    Returns:
        The milestones in document order; ``when`` as written, ``year`` its first year.

    >>> from kg.text import from_bytes
    >>> doc = from_bytes("IV. PHẠM VI VÀ THỜI GIAN THỰC HIỆN\\n- Năm 2030: Tổng kết.\\nV. KHÁC".encode(), name="t")
    >>> [(m.when, m.description, m.year, m.span) for m in milestones(doc)]
    [('Năm 2030', 'Tổng kết.', 2030, Span(first=2, last=2))]
    """
    lines = find_section(doc, "thời gian thực hiện")
    found: list[Milestone] = []
    for para in paragraphs(doc, lines) if lines else []:
        marker = MARKER.match(para.text)
        match = _WHEN.match(para.text, marker.end() if marker else 0)
        if match:
            year = re.search(r"[0-9]{4}", match.group("when"))
            found.append(Milestone(when=match.group("when"), description=match.group("what").strip(),
                                   span=para.span(), year=int(year.group()) if year else None))
    return found


def funding(doc: Document) -> list[FundingSource]:
    """The funding clauses of "KINH PHÍ THỰC HIỆN": one per numbered item, else one per paragraph.

    Args:
        doc: the plan.

    Returns:
        The clauses in document order, list markers removed, each with its span.

    >>> from kg.text import from_bytes
    >>> doc = from_bytes("VI. KINH PHÍ THỰC HIỆN\\n1. Ngân sách nhà\\n\\nnước.\\n2. Xã hội hóa.".encode(), name="t")
    >>> [(f.description, f.span) for f in funding(doc)]
    [('Ngân sách nhà nước.', Span(first=2, last=4)), ('Xã hội hóa.', Span(first=5, last=5))]
    """
    lines = find_section(doc, "kinh phí")
    paras = paragraphs(doc, lines) if lines else []
    numbered = any(NUMBERED_HEADING.match(p.text) for p in paras)
    found: list[FundingSource] = []
    for para in paras:
        body = MARKER.sub("", para.text, count=1)
        if found and numbered and not NUMBERED_HEADING.match(para.text):
            found[-1] = FundingSource(f"{found[-1].description} {body}", found[-1].span.union(para.span()))
        else:
            found.append(FundingSource(body, para.span()))
    return found
