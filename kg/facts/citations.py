"""The documents a plan cites by number (Quyết định, Nghị quyết, Kết luận …): :class:`kg.model.LegalRef`.

Each number is read with what its own sentence says of it (type, date, issuer "của …", title
"về …", whether the plan carries it out: "Thực hiện …"), then the mentions are merged per number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.facts.sentences import DATE, ROMAN_HEADING, Para, clauses, dmy, iso_date, paragraphs, sentence_bounds, top_level
from kg.model import LegalRef, Problem
from kg.slug import fold
from kg.text import Document

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
_REF_DATE = re.compile(r"\s*,?\s*(?:ban hành\s+)?ngày\s+" + DATE, re.IGNORECASE)
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
    stop = min([end, *top_level(text, ",;", lead.end(), end)[:1], *([nxt.start()] if nxt else [])])
    body = text[lead.end():stop].strip().removesuffix("./.").rstrip(" .")
    if not fold(lead.group("lead")).startswith(fold("về")):
        body = f"{lead.group('lead')} {body}"
    return body[:1].upper() + body[1:] if body else None


def _implementing(para: Para) -> list[tuple[int, int]]:
    """Clauses that say the plan carries documents out: "Thực hiện …" and the list it starts.

    >>> _implementing(Para("Thực hiện Quyết định A; Nghị quyết B; xét đề nghị C.", (0,), (1,)))
    [(0, 23), (23, 37)]
    """
    found: list[tuple[int, int]] = []
    for s_start, s_end in sentence_bounds(para.text):
        carries = False
        for a, b in clauses(para.text, s_start, s_end):
            clause = para.text[a:b].strip(" -–")
            carries = fold(clause).startswith(fold("Thực hiện")) or (carries and bool(_STARTS_WITH_TYPE.match(clause)))
            if carries:
                found.append((a, b))
    return found


def _mentions(doc: Document) -> list[_Mention]:
    """Every document number cited, in document order, with what its own sentence says of it."""
    opening_end = next((n for n, line in enumerate(doc.lines, 1) if ROMAN_HEADING.match(line)), 1)
    mentions: list[_Mention] = []
    for para in paragraphs(doc):
        if re.match(r"(?i)số\s*:", para.text):  # the plan's own number line
            continue
        implementing = _implementing(para) if para.numbers[0] < opening_end else []
        for s_start, s_end in sentence_bounds(para.text):
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
                    day, month, year_text = dmy(dated)
                    iso, year, pos = iso_date(day, month, year_text or ""), int(year_text or 0), dated.end()
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
