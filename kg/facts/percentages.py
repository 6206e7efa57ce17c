"""Quantified targets (chỉ tiêu) of a plan: a percentage, its comparison, the quantity and the year.

Only numbers with a unit are read (percent, "%" or "phần trăm"): :func:`targets`.
"""

from __future__ import annotations

import re

from kg.facts.sentences import paragraphs, sentence_bounds, top_level
from kg.model import Target
from kg.text import Document

_PERCENT = re.compile(r"(?<![0-9.,])(?P<num>[0-9]{1,6}(?:[.,][0-9]{1,3})?)\s*(?:%|phần trăm)")
_COMPARATOR = re.compile(
    r"(?<!\w)(?P<cmp>(?:đạt\s+)?(?:không vượt quá|không quá|tối đa|không dưới|ít nhất|tối thiểu|trên|hơn|dưới"
    r"|từ|bằng|khoảng|đạt))\s*$", re.IGNORECASE)
_COMPARATORS = {"trên": "gt", "hơn": "gt", "ít nhất": "ge", "tối thiểu": "ge", "không dưới": "ge", "từ": "ge",
                "dưới": "lt", "không quá": "le", "tối đa": "le", "không vượt quá": "le"}
_TARGET_YEAR = re.compile(r"(?<!\w)(?:đến|vào|tới|trong)\s+(?:hết\s+)?năm\s+([0-9]{4})(?![0-9])", re.IGNORECASE)


def _trim(text: str) -> str:
    """Drop trailing separators and connectives ("và", "hoặc", "với").

    >>> _trim("trẻ em đến trường và ;")
    'trẻ em đến trường'
    """
    while True:
        stripped = text.rstrip(" \t,;:.")
        head, _, last = stripped.rpartition(" ")
        stripped = head if head and last.lower() in ("và", "hoặc", "với") else stripped
        if stripped == text:
            return text
        text = stripped


def _comparator(before: str) -> tuple[str, str]:
    """(code, words) of the comparison written just before a number.

    >>> _comparator("tham gia BHYT đạt trên "), _comparator("Phấn đấu "), _comparator("tối đa ")
    (('gt', 'đạt trên'), ('eq', ''), ('le', 'tối đa'))
    """
    match = _COMPARATOR.search(before)
    if not match:
        return "eq", ""
    words = " ".join(match.group("cmp").split())
    return _COMPARATORS.get(words.lower().removeprefix("đạt "), "eq"), words


def _subject_after(text: str, start: int, end: int) -> str:
    """The noun phrase after a number, to the end of its clause, the commas of a list kept.

    A comma ends the phrase unless the piece before it is a short list item ("cán bộ, công chức,")
    or the piece after it is the short last item of the clause ("thu gom, xử lý;").

    >>> t = "90% cán bộ, công chức, viên chức có hiểu biết về ASEAN, thúc đẩy ý thức trong cộng đồng."
    >>> _subject_after(t, 3, len(t))
    'cán bộ, công chức, viên chức có hiểu biết về ASEAN'
    >>> t = "90% rác thải được thu gom, xử lý; không có điểm đen."
    >>> _subject_after(t, 3, len(t))
    'rác thải được thu gom, xử lý'
    """
    nxt = _PERCENT.search(text, start, end)
    end = nxt.start() if nxt else end
    stops = top_level(text, ",;", start, end)
    stop, piece_start = end, start
    for k, at in enumerate(stops):
        after_end = stops[k + 1] if k + 1 < len(stops) else end
        last_item = (after_end == end or text[after_end] == ";") and len(text[at + 1:after_end].split()) <= 2
        if text[at] == ";" or (len(text[piece_start:at].split()) > 3 and not last_item):
            stop = at
            break
        piece_start = at + 1
    subject = re.sub(r"(?i)^trở lên\s*", "", text[start:stop].strip())
    return _trim(subject.removesuffix("./."))


def _subject_before(text: str, start: int, end: int) -> str:
    """The quantity written before a number: "tỷ lệ X" in "nâng cao tỷ lệ X đạt trên 95%".

    >>> _subject_before("Giảm nghèo, nâng cao tỷ lệ người dân tham gia BHYT ", 0, 51)
    'tỷ lệ người dân tham gia BHYT'
    """
    cuts = top_level(text, ",;:", start, end)
    clause = text[(cuts[-1] + 1) if cuts else start:end]
    ratio = re.search(r"(?i)(?<!\w)t[ỷỉ] lệ(?!\w)", clause)
    return _trim((clause[ratio.start():] if ratio else clause).strip())


def targets(doc: Document) -> list[Target]:
    """Quantified targets: a percentage, its comparison, the quantity it applies to and its year.

    Only numbers with a unit are read (percent, "%" or "phần trăm"), so dates, periods, counts
    ("12 mục tiêu chiến lược", "05 năm") and document numbers are never taken for targets. The
    comparison is the word before the number ("trên"/"hơn" gt, "ít nhất"/"tối thiểu"/"từ … trở lên"
    ge, "đạt"/"bằng"/none eq, "dưới" lt, "không quá"/"tối đa" le; "đạt trên" gt). ``year`` comes
    from "đến/vào/trong năm yyyy" in the same sentence.

    Args:
        doc: the plan.

    Returns:
        The targets in document order.

    >>> from kg.text import from_bytes
    >>> doc = from_bytes("- Đến năm 2030, trên 60% cán bộ có hiểu biết, thúc đẩy ý thức.".encode(), name="t")
    >>> [(t.value, t.unit, t.comparator, t.subject, t.year) for t in targets(doc)]
    [(60.0, '%', 'gt', 'cán bộ có hiểu biết', 2030)]
    """
    found: list[Target] = []
    for para in paragraphs(doc):
        text = para.text
        for s_start, s_end in sentence_bounds(text):
            year = _TARGET_YEAR.search(text, s_start, s_end)
            for match in _PERCENT.finditer(text, s_start, s_end):
                code, words = _comparator(text[max(s_start, match.start() - 40):match.start()])
                subject = _subject_after(text, match.end(), s_end)
                if not subject:
                    before = max(s_start, match.start() - len(words) - 1)
                    subject = _subject_before(text, max(s_start, before - 150), before)
                found.append(Target(
                    value=float(match.group("num").replace(",", ".")), unit="%", comparator=code,
                    comparator_text=words, subject=subject, sentence=text[s_start:s_end].strip(),
                    span=para.span(s_start, s_end), year=int(year.group(1)) if year else None))
    return found
