"""What a plan states besides its tasks: cited documents, quantified targets, reporting deadlines,
timeline milestones and funding clauses, read from prose into :mod:`kg.model` dataclasses (no rdflib).

Prose is read in *paragraphs*: the documents break lines mid-sentence at page breaks, so a line that
does not end a sentence is joined with the next non-empty line when that one starts in lower case or
with a digit and is not a list item ("a)", "-", "2."). Table rows and Markdown headings never join.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from kg.model import AgencyRef, FundingSource, LegalRef, Milestone, Problem, ReportingRequirement, Span, Target
from kg.slug import fold
from kg.text import Document

Resolver = Callable[[str, int], list[AgencyRef]]
"""Returns the agencies named in a fragment of text found at a (1-based) line; the caller supplies it."""

_MARKER = re.compile(r"^(?:[IVXLC]{1,6}\.|[0-9]{1,3}(?:\.[0-9]{1,3})*[.)]|[a-zđ]\)|[-*+•])\s+")
_LIST_START = re.compile(r"^(?:[a-zđ]\)|[-*+•]\s|[0-9]{1,3}(?:\.[0-9]{1,3})*[.)]\s)")
_ROMAN_HEADING = re.compile(r"^[IVXLC]{1,6}\.\s+\S")
_NUMBERED_HEADING = re.compile(r"^[0-9]{1,2}\.\s+\S")
_BODY_END = tuple(fold(w) for w in ("Trên đây", "Nơi nhận", "Phụ lục"))
_ABBREVIATIONS = {"tp", "tt", "tm", "kt", "ts", "ths", "gs", "pgs", "bs", "ks", "v.v", "vv", "tr", "tx", "nxb"}
_BOUNDARY = re.compile(r"(?<![.!?…])[.!?…]++[\"”’)\]*]*+\s")
_DATE = (r"(?:([0-9]{1,2})\s*[/.-]\s*([0-9]{1,2})\s*[/.-]\s*([0-9]{4})"
         r"|([0-9]{1,2})\s+tháng\s+([0-9]{1,2})\s+năm\s+([0-9]{4}))")


# --------------------------------------------------------------------------------------- helpers
@dataclass(frozen=True)
class _Para:
    """A paragraph: its text, and where in it each source line (1-based ``numbers``) starts."""

    text: str
    starts: tuple[int, ...]
    numbers: tuple[int, ...]

    def line_at(self, offset: int) -> int:
        return self.numbers[max(bisect_right(self.starts, offset) - 1, 0)]

    def span(self, start: int = 0, end: int | None = None) -> Span:
        end = len(self.text) if end is None else end
        return Span(self.line_at(start), self.line_at(max(start, end - 1)))


def _paragraphs(doc: Document, lines: range | None = None) -> list[_Para]:
    """The non-empty lines as paragraphs, whitespace collapsed, page-break continuations joined."""
    paras: list[_Para] = []
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
                paras.append(_Para(" ".join(parts), tuple(starts), tuple(numbers)))
            parts, starts, numbers, size = [], [], [], -1
        starts.append(size + 1)
        numbers.append(n)
        parts.append(line)
        size += len(line) + 1
        joinable = not table and not heading and line.rstrip("\"”’)]*")[-1:] not in ".!?…"
    if parts:
        paras.append(_Para(" ".join(parts), tuple(starts), tuple(numbers)))
    return paras


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text``, its leading list marker left out."""
    marker = _MARKER.match(text)
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
    return [text[a:b].strip() for a, b in _sentence_bounds(text)]


def _top_level(text: str, chars: str, start: int = 0, end: int | None = None) -> list[int]:
    """Offsets of ``chars`` in text[start:end] outside brackets and quotes (ignored if unbalanced).

    >>> _top_level('a, (b, c) "d, e", f', ",")
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


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The ";"-separated clauses of text[start:end].

    >>> _clauses("a; b (c; d); e", 0, 14)
    [(0, 2), (2, 12), (12, 14)]
    """
    cuts = [start, *(i + 1 for i in _top_level(text, ";", start, end)), end]
    return list(zip(cuts, cuts[1:], strict=False))


def _dmy(match: re.Match[str]) -> tuple[str, str, str | None]:
    """(day, month, year) from the first six groups of a match laid out like ``_DATE``."""
    g = match.groups()
    return (g[0], g[1], g[2]) if g[0] else (g[3], g[4], g[5])


def _iso(day: str, month: str, year: str) -> str | None:
    """ISO date, or None when the parts do not make a calendar date.

    >>> _iso("9", "12", "2025"), _iso("31", "2", "2026")
    ('2025-12-09', None)
    """
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


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
    for pattern in (_ROMAN_HEADING, _NUMBERED_HEADING):
        for n, line in enumerate(doc.lines, 1):
            if pattern.match(line) and key in fold(line.split(":", 1)[0]):
                end = n + 1
                while end <= len(doc) and not (_ROMAN_HEADING.match(doc.lines[end - 1]) or pattern.match(
                        doc.lines[end - 1]) or fold(doc.lines[end - 1]).startswith(_BODY_END)):
                    end += 1
                return range(n + 1, end)
    return None


# ------------------------------------------------------------------------------------ references
_TYPE_WORDS = {
    "quyết định": "quyet-dinh", "nghị quyết": "nghi-quyet", "kết luận": "ket-luan", "kế hoạch": "ke-hoach",
    "tờ trình": "to-trinh", "công văn": "cong-van", "văn bản": "cong-van", "chỉ thị": "chi-thi",
    "thông tư liên tịch": "thong-tu", "thông tư": "thong-tu", "nghị định": "nghi-dinh", "luật": "luat",
    "chương trình": "chuong-trinh", "thông báo": "thong-bao", "hướng dẫn": "huong-dan", "đề án": "de-an",
}
_TYPE_BY_FOLD = {fold(word): slug for word, slug in _TYPE_WORDS.items()}
_TYPE_CODES = {"QĐ": "quyet-dinh", "NQ": "nghi-quyet", "KL": "ket-luan", "KH": "ke-hoach", "TTr": "to-trinh",
               "CT": "chi-thi", "TT": "thong-tu", "TTLT": "thong-tu", "NĐ": "nghi-dinh", "CV": "cong-van",
               "TB": "thong-bao", "HD": "huong-dan", "CTr": "chuong-trinh", "ĐA": "de-an"}
# "TW" (Trung ương) numbers the documents of the Party Central Committee and of the bodies acting for
# it (Bộ Chính trị, Ban Bí thư): the code alone names the Committee, so that is what is inferred.
_ISSUER_CODES = {"TTg": "Thủ tướng Chính phủ", "CP": "Chính phủ", "TW": "Ban Chấp hành Trung ương",
                 "TƯ": "Ban Chấp hành Trung ương", "SNV": "Sở Nội vụ", "BNV": "Bộ Nội vụ", "QH": "Quốc hội",
                 "UBTVQH": "Ủy ban Thường vụ Quốc hội", "VPCP": "Văn phòng Chính phủ"}
_KNOWN_ISSUERS = ("Bộ Văn hóa, Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch",
                  "Bộ Lao động - Thương binh và Xã hội", "Ban Chấp hành Trung ương")
_TYPE_RE = "|".join(sorted(map(re.escape, _TYPE_WORDS), key=len, reverse=True))
_SEGMENT = r"[A-ZĐƯ][^\W_]*"  # QĐ, TTg, QH13
_REF = re.compile(rf"(?:(?<!\w)(?P<type>(?i:{_TYPE_RE}))\s+)?(?P<so>(?<!\w)(?i:số)\s*:?\s*)?"
                  rf"(?<![\w/.-])(?P<id>[0-9]{{1,6}}(?:/[0-9]{{4}})?[/-]{_SEGMENT}(?:[-/&]{_SEGMENT})*)")
_REF_DATE = re.compile(r"\s*,?\s*(?:ban hành\s+)?ngày\s+" + _DATE, re.IGNORECASE)
_OF = re.compile(r"\s*,?\s*của\s+", re.IGNORECASE)
_ISSUER_STOP = re.compile(
    r"\s+(?:về|phê duyệt|ban hành|để|nhằm|tại|quy định|hướng dẫn|theo|thực hiện|đã|đến|trong|cho)(?!\w)"
    rf"|\s*[,;:.(“\"]|\s+và\s+(?:số|{_TYPE_RE})(?!\w)|$", re.IGNORECASE)
_TITLE_LEAD = re.compile(r"\s*,?\s*(?P<lead>về việc|về|phê duyệt|ban hành|quy định|hướng dẫn)\s+", re.IGNORECASE)
_NEXT_REF = re.compile(rf"\s+và\s+(?:{_TYPE_RE})\s+số", re.IGNORECASE)
_CONTINUES = re.compile(r"^\s*(?:,|và|hoặc)\s*$", re.IGNORECASE)
_STARTS_WITH_TYPE = re.compile(rf"^\s*(?:các\s+)?(?:{_TYPE_RE})(?!\w)", re.IGNORECASE)


@dataclass
class _Mention:
    ref: LegalRef
    typed_by_word: bool  # doc_type read from "Quyết định …", not from the number's code
    issuer_inferred: bool  # issuer read from the number's code, not from "của …"


def _issuer_at(text: str, start: int, end: int) -> tuple[str | None, int]:
    """The "của X" issuer at ``start``, if any, and the offset after it.

    >>> _issuer_at(" của Bộ Chính trị về hội nhập", 0, 29)
    ('Bộ Chính trị', 17)
    """
    of = _OF.match(text, start, end)
    if not of:
        return None, start
    at = of.end()
    for name in _KNOWN_ISSUERS:
        if fold(text[at:at + len(name)]) == fold(name):
            return text[at:at + len(name)], at + len(name)
    stop = _ISSUER_STOP.search(text, at, min(end, at + 120))
    stop_at = stop.start() if stop else min(end, at + 120)
    issuer = text[at:stop_at].strip()
    return (issuer, stop_at) if 0 < len(issuer) <= 100 else (None, start)


def _title_at(text: str, start: int, end: int) -> str | None:
    """The "về …"/"phê duyệt …" title at ``start``, to the end of its clause, capitalised.

    >>> _title_at(" về việc phê duyệt Chương trình, góp phần", 0, 41)
    'Phê duyệt Chương trình'
    """
    lead = _TITLE_LEAD.match(text, start, end)
    if not lead:
        return None
    end = min(end, lead.end() + 400)
    nxt = _NEXT_REF.search(text, lead.end(), end)
    stop = min([end, *_top_level(text, ",;", lead.end(), end)[:1], *([nxt.start()] if nxt else [])])
    body = text[lead.end():stop].strip().removesuffix("./.").rstrip(" .")
    if not fold(lead.group("lead")).startswith(fold("về")):
        body = f"{lead.group('lead')} {body}"
    return body[:1].upper() + body[1:] if body else None


def _implementing(para: _Para) -> list[tuple[int, int]]:
    """Clauses that say the plan carries documents out: "Thực hiện …" and the list it starts.

    >>> _implementing(_Para("Thực hiện Quyết định A; Nghị quyết B; xét đề nghị C.", (0,), (1,)))
    [(0, 23), (23, 37)]
    """
    found: list[tuple[int, int]] = []
    for s_start, s_end in _sentence_bounds(para.text):
        carries = False
        for a, b in _clauses(para.text, s_start, s_end):
            clause = para.text[a:b].strip(" -–")
            carries = fold(clause).startswith(fold("Thực hiện")) or (carries and bool(_STARTS_WITH_TYPE.match(clause)))
            if carries:
                found.append((a, b))
    return found


def _mentions(doc: Document) -> list[_Mention]:
    """Every document number cited, in document order, with what its own sentence says of it."""
    opening_end = next((n for n, line in enumerate(doc.lines, 1) if _ROMAN_HEADING.match(line)), 1)
    mentions: list[_Mention] = []
    for para in _paragraphs(doc):
        if re.match(r"(?i)số\s*:", para.text):  # the plan's own number line
            continue
        implementing = _implementing(para) if para.numbers[0] < opening_end else []
        for s_start, s_end in _sentence_bounds(para.text):
            last_type, last_end = None, -1
            for match in _REF.finditer(para.text, s_start, s_end):
                identifier, word = match.group("id"), match.group("type")
                codes = [s.rstrip("0123456789") for s in re.split(r"[-/&]", identifier)]  # QĐ, TTg, QH
                if fold("kèm theo") in fold(para.text[max(0, match.start() - 40):match.start()]) or not (
                        word or match.group("so") or any(c in _TYPE_CODES for c in codes)):
                    continue
                doc_type = _TYPE_BY_FOLD.get(fold(word)) if word else None
                typed_by_word = doc_type is not None
                if doc_type is None and last_type and _CONTINUES.match(para.text[last_end:match.start()]):
                    doc_type, typed_by_word = last_type, True  # "các Tờ trình số 226/… và số 414/…"
                if doc_type is None:  # a number without a type code is a công văn's (NĐ 30/2020/NĐ-CP)
                    doc_type = next((_TYPE_CODES[c] for c in codes if c in _TYPE_CODES), "cong-van")
                pos, iso, year = match.end(), None, None
                dated = _REF_DATE.match(para.text, pos, s_end)
                if dated:
                    day, month, year_text = _dmy(dated)
                    iso, year, pos = _iso(day, month, year_text or ""), int(year_text or 0), dated.end()
                numbered_year = re.search(r"/([0-9]{4})/", identifier)
                year = year or (int(numbered_year.group(1)) if numbered_year else None)
                last_type, last_end = doc_type, pos
                issuer, after_issuer = _issuer_at(para.text, pos, s_end)
                inferred = issuer is None
                issuer = issuer or next((_ISSUER_CODES[c] for c in codes if c in _ISSUER_CODES), None)
                ref = LegalRef(identifier=identifier, doc_type=doc_type, span=para.span(match.start(), pos),
                               date=iso, year=year, issuer=issuer, title=_title_at(para.text, after_issuer, s_end),
                               implemented=any(a <= match.start() < b for a, b in implementing))
                mentions.append(_Mention(ref, typed_by_word, inferred))
    return mentions


def _merged(doc: Document) -> tuple[list[LegalRef], list[Problem]]:
    """The references merged per identifier, and the mentions whose date contradicts the first."""
    merged: dict[str, _Mention] = {}
    problems: list[Problem] = []
    for mention in _mentions(doc):
        new, key = mention.ref, mention.ref.identifier.casefold()
        kept = merged.setdefault(key, mention)
        ref = kept.ref
        if kept is mention:
            continue
        if ref.date and new.date and new.date != ref.date:
            problems.append(Problem(doc.name, new.span.first, "reference-date-conflict",
                                    f"{new.identifier} dated {new.date} here, {ref.date} at line "
                                    f"{ref.span.first} (kept)"))
        if ref.date is None and new.date:
            ref.date, ref.year = new.date, new.year
        ref.year = ref.year or new.year
        if new.issuer and (ref.issuer is None or (kept.issuer_inferred and not mention.issuer_inferred)):
            ref.issuer, kept.issuer_inferred = new.issuer, mention.issuer_inferred
        ref.title = ref.title or new.title
        ref.implemented = ref.implemented or new.implemented
        if mention.typed_by_word and not kept.typed_by_word:
            ref.doc_type, kept.typed_by_word = new.doc_type, True
    return [m.ref for m in merged.values()], problems


def references(doc: Document) -> list[LegalRef]:
    """Every document the plan cites by number, one :class:`LegalRef` per distinct identifier.

    The first mention gives the span; date, issuer and title come from the first mention that states
    them. An issuer written in the text ("của Bộ Chính trị") beats one inferred from the number's code
    (TTg → Thủ tướng Chính phủ, CP → Chính phủ, TW → Ban Chấp hành Trung ương, SNV → Sở Nội vụ). A
    later, different date does not replace the first one; :func:`reference_conflicts` reports it.
    ``implemented`` is set when the number is cited in an opening "Thực hiện …" clause (before I.).

    Args:
        doc: the plan.

    Returns:
        The references in order of first mention.

    >>> from kg.text import from_bytes
    >>> doc = from_bytes("Thực hiện Quyết định số 155/QĐ-TTg ngày 20/01/2026 của Thủ tướng Chính phủ "
    ...                  "phê duyệt Chương trình.\\nI. MỤC ĐÍCH".encode(), name="t")
    >>> [(r.identifier, r.doc_type, r.date, r.issuer, r.title, r.implemented) for r in references(doc)]
    [('155/QĐ-TTg', 'quyet-dinh', '2026-01-20', 'Thủ tướng Chính phủ', 'Phê duyệt Chương trình', True)]
    """
    return _merged(doc)[0]


def reference_conflicts(doc: Document) -> list[Problem]:
    """Mentions of a document number with a date other than the first one given for it in the plan.

    Args:
        doc: the plan.

    Returns:
        One ``reference-date-conflict`` warning per contradicting mention, at its line.

    >>> from kg.text import from_bytes
    >>> doc = from_bytes("Nghị quyết số 59-NQ/TW ngày 24/01/2025.\\nNghị quyết số 59-NQ/TW ngày "
    ...                  "24/02/2025.".encode(), name="t")
    >>> print(reference_conflicts(doc)[0])
    t:2: warning: reference-date-conflict: 59-NQ/TW dated 2025-02-24 here, 2025-01-24 at line 1 (kept)
    """
    return _merged(doc)[1]


# --------------------------------------------------------------------------------------- targets
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
    stops = _top_level(text, ",;", start, end)
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
    cuts = _top_level(text, ",;:", start, end)
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
    for para in _paragraphs(doc):
        text = para.text
        for s_start, s_end in _sentence_bounds(text):
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


# ------------------------------------------------------------------------------------- reporting
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


def _first(resolve: Resolver, para: _Para, start: int, end: int) -> AgencyRef | None:
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
        if _ROMAN_HEADING.match(line):
            current = None
        elif _NUMBERED_HEADING.match(line):
            current = (_MARKER.sub("", line, count=1), n)
    return found


def _recipients(para: _Para, start: int, end: int, resolve: Resolver) -> tuple[AgencyRef | None, AgencyRef | None]:
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
    commas = _top_level(text, ",", last_deadline, verb.start()) if verb else []
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
    for para in _paragraphs(doc):
        text = para.text
        for s_start, s_end in _sentence_bounds(text):
            recurring: bool | None = None
            for c_start, c_end in _clauses(text, s_start, s_end):
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
                    day, month, year = _dmy(deadline)
                    valid = _iso(day, month, "2000") is not None  # a leap year: 29/02 is a valid yearly date
                    found.append(ReportingRequirement(
                        description=text[s_start:s_end].strip(), span=para.span(s_start, s_end),
                        recurring=recurring and not year, month=int(month) if valid else None,
                        day=int(day) if valid else None, year=int(year) if year else None,
                        report_to=report_to, via=via, reported_by=list(reported_by)))
    return found


# ------------------------------------------------------------------------- milestones and funding
_WHEN = re.compile(
    r"(?P<when>(?:(?:nửa đầu|nửa cuối|trước|sau|đến|từ|trong|hết|cuối|đầu|giữa|quý\s+[IVX0-9]{1,4})\s+)*"
    rf"(?:ngày\s+{_DATE}|tháng\s+[0-9]{{1,2}}(?:\s+năm\s+|/)[0-9]{{4}}|năm\s+[0-9]{{4}}"
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
    for para in _paragraphs(doc, lines) if lines else []:
        marker = _MARKER.match(para.text)
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
    paras = _paragraphs(doc, lines) if lines else []
    numbered = any(_NUMBERED_HEADING.match(p.text) for p in paras)
    found: list[FundingSource] = []
    for para in paras:
        body = _MARKER.sub("", para.text, count=1)
        if found and numbered and not _NUMBERED_HEADING.match(para.text):
            found[-1] = FundingSource(f"{found[-1].description} {body}", found[-1].span.union(para.span()))
        else:
            found.append(FundingSource(body, para.span()))
    return found
