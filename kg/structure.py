"""The frame of a plan: number, date line, title, issuer, period, sections, signer and recipients."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.admin import Unit, units
from kg.model import Issuer, Problem, Span
from kg.slug import fold
from kg.text import Document

_ROMAN = re.compile(r"^([IVXLC]{1,6})\.\s+(\S.*)$")
_NUMBER = re.compile(r"^Số\s*:\s*(\S*)", re.IGNORECASE)
_DATE = re.compile(r"^(?P<place>[^,\d]{2,60}),\s*ngày\s*(?P<d>\d{0,2})\s*tháng\s*(?P<m>\d{0,2})\s*năm\s*"
                   r"(?P<y>\d{4})", re.IGNORECASE)
_PERIOD = re.compile(r"giai\s+đoạn\s+(\d{4})\s*[-–—]\s*(\d{4})", re.IGNORECASE)
_LEVEL = r"(tỉnh|thành phố|xã|phường|đặc khu)"
_ON_TERRITORY = re.compile(r"trên\s+địa\s+bàn\s+" + _LEVEL + r"\s+(.+)", re.IGNORECASE)
_ISSUES = re.compile(r"(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+" + _LEVEL + r"\s+(.*?)\s*ban\s+hành",
                     re.IGNORECASE)
_DASHES = ("-", "–", "—")
_SIGNATURE = re.compile(r"^(?:TM\.|KT\.|Q\.\s*CHỦ TỊCH|CHỦ TỊCH|PHÓ CHỦ TỊCH)", re.IGNORECASE)


@dataclass(frozen=True)
class Section:
    """A top-level section ("VII. TỔ CHỨC THỰC HIỆN"): Roman number, title, lines (1-based, inclusive)."""

    number: str
    title: str
    span: Span

    def is_(self, *words: str) -> bool:
        """Whether the title contains all ``words`` (case and tone marks ignored)."""
        title = fold(self.title)
        return all(fold(word) in title for word in words)


@dataclass
class Frame:
    """What the first and last lines of a plan say about it."""

    title: str = ""
    title_line: int | None = None
    number: str | None = None
    date_text: str | None = None
    date: str | None = None
    year: int | None = None
    place: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    issuer: Issuer | None = None
    signer: str | None = None
    signer_title: str | None = None
    recipients: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    body_end: int = 0  # last line of the body (before "Nơi nhận", the signature and appendices)
    problems: list[Problem] = field(default_factory=list)

    def section(self, *words: str) -> Section | None:
        """The first section whose title has all ``words``."""
        return next((s for s in self.sections if s.is_(*words)), None)


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _place_name(text: str) -> str:
    """The capitalised words at the start of ``text``: "Hà Tĩnh giai đoạn …" → "Hà Tĩnh".

    >>> _place_name("Đắk Lắk giai đoạn 2026 - 2030")
    'Đắk Lắk'
    >>> _place_name("1 Bảo Lộc giai đoạn 2026"), _place_name("Bảo Lâm 1 trong giai đoạn 2026")
    ('1 Bảo Lộc', 'Bảo Lâm 1')

    A dash between two capitalised names belongs to the name (the 2025 wards of Đà Lạt, "Chân Mây –
    Lăng Cô"); before anything else it does not:

    >>> _place_name("Lâm Viên - Đà Lạt trong giai đoạn"), _place_name("Hà Tĩnh - giai đoạn 2026")
    ('Lâm Viên - Đà Lạt', 'Hà Tĩnh')
    """
    words: list[str] = []
    split = [w.strip(",.;:()\"“”") for w in text.split()]
    for index, word in enumerate(split):
        if word.isdigit() and len(word) <= 2:  # "phường 1 Bảo Lộc", "xã Bảo Lâm 1" (not a year)
            words.append(word)
            continue
        if word in _DASHES and words and index + 1 < len(split) and split[index + 1][:1].isupper():
            words.append(word)
            continue
        if not word or not word[0].isupper():
            break
        words.append(word)
    return " ".join(words)


def read_sections(doc: Document, body_end: int) -> list[Section]:
    """Top-level sections: Roman-numbered lines in capitals."""
    starts: list[tuple[int, str, str]] = []
    for number, line in enumerate(doc.lines[:body_end], start=1):
        match = _ROMAN.match(line)
        if match and _is_upper(match.group(2)):
            starts.append((number, match.group(1), match.group(2).strip()))
    sections = []
    for index, (first, roman, title) in enumerate(starts):
        end = starts[index + 1][0] - 1 if index + 1 < len(starts) else body_end
        sections.append(Section(roman, title, Span(first, max(first, end))))
    return sections


def _body_end(doc: Document) -> int:
    for number, line in enumerate(doc.lines, start=1):
        if re.match(r"^Nơi\s+nhận\s*:?", line, re.IGNORECASE):
            return number - 1
    for number, line in enumerate(doc.lines, start=1):
        if number > len(doc) // 3 and (_SIGNATURE.match(line) or re.match(r"^PHỤ LỤC\b", line)):
            return number - 1
    return len(doc)


def read_frame(doc: Document) -> Frame:
    """Read the frame of ``doc``; what is missing stays None and is reported."""
    frame = Frame()
    frame.body_end = _body_end(doc)
    frame.sections = read_sections(doc, frame.body_end)
    head_end = frame.sections[0].span.first if frame.sections else min(len(doc), 40)
    for number, line in enumerate(doc.lines[:head_end], start=1):
        if frame.number is None and (match := _NUMBER.match(line)):
            value = match.group(1).strip()
            frame.number = value if value and not value.startswith("/") else None
            continue
        if frame.date_text is None and (match := _DATE.match(line)):
            frame.date_text = line.strip()
            frame.place = match.group("place").strip()
            frame.year = int(match.group("y"))
            if match.group("d") and match.group("m"):
                frame.date = f"{frame.year:04d}-{int(match.group('m')):02d}-{int(match.group('d')):02d}"
            continue
        if frame.title_line is None and fold(line.strip()) == fold("KẾ HOẠCH"):
            frame.title_line = number
            continue
        if frame.title_line is not None and not frame.title and line.strip():
            frame.title = line.strip()
    if not frame.title:
        frame.problems.append(Problem(doc.name, None, "no-title", "no 'KẾ HOẠCH' heading with a title "
                                      "under it was found", "warning"))
    periods = _PERIOD.findall(frame.title)
    if periods:
        frame.period_start, frame.period_end = int(periods[-1][0]), int(periods[-1][1])
    _read_signature(doc, frame)
    frame.issuer = _issuer(doc, frame, head_end)
    return frame


def _read_signature(doc: Document, frame: Frame) -> None:
    lines = doc.lines
    start = frame.body_end
    for number in range(start, len(lines)):
        line = lines[number].strip()
        if re.match(r"^Nơi\s+nhận", line, re.IGNORECASE):
            for follow in lines[number + 1:]:
                follow = follow.strip()
                if follow.startswith(("-", "–", "+")):
                    frame.recipients.append(follow.lstrip("-–+ ").rstrip(";.").strip())
                elif follow:
                    break
        if _SIGNATURE.match(line) and frame.signer_title is None:
            block = [line]
            index = number + 1
            while index < len(lines) and lines[index].strip() and _is_upper(lines[index]):
                block.append(lines[index].strip())
                index += 1
            frame.signer_title = "Phó Chủ tịch" if any("PHÓ CHỦ TỊCH" in b.upper() for b in block) \
                else "Chủ tịch"
            for follow in lines[index:]:
                follow = follow.strip()
                if not follow:
                    continue
                if not _is_upper(follow) and 2 <= len(follow.split()) <= 5 and not any(
                        ch.isdigit() for ch in follow) and all(w[0].isupper() for w in follow.split()):
                    frame.signer = follow
                break


def _issuer(doc: Document, frame: Frame, head_end: int) -> Issuer | None:
    level, name = None, None
    if match := _ON_TERRITORY.search(frame.title):
        level, name = match.group(1).lower(), _place_name(match.group(2))
    if not name:
        for line in doc.lines[:head_end]:
            if (match := _ISSUES.search(line)) and _place_name(match.group(2)):
                level, name = match.group(1).lower(), _place_name(match.group(2))
                break
    if not name and frame.place:
        name = frame.place
        signature = " ".join(doc.lines[frame.body_end:]).upper()
        level = "xã" if "DÂN XÃ" in signature else "phường" if "DÂN PHƯỜNG" in signature else "tỉnh"
    if not name or not level:
        frame.problems.append(Problem(doc.name, frame.title_line, "no-issuer", "the issuing People's "
                                      "Committee could not be read from the title or the opening lines",
                                      "error"))
        return None
    return resolve_issuer(doc, level, name, frame.problems)


def resolve_issuer(doc: Document, level: str, name: str, problems: list[Problem]) -> Issuer:
    """Find the official code of the issuing unit; communes are disambiguated by province names."""
    table = units()
    if level in ("tỉnh", "thành phố"):
        province = table.province(name)
        if province is None:
            problems.append(Problem(doc.name, None, "unknown-unit", f"'{level} {name}' is not in the "
                                    "official list of provinces (QĐ 19/2025); its IRIs use a slug"))
            return Issuer(f"Ủy ban nhân dân {level} {name}", level, name, None)
        return Issuer(f"Ủy ban nhân dân {level} {province.name}", level, province.name, province.code)
    candidates = [u for u in table.communes_named(name) if fold(u.full_name).startswith(fold(level))]
    candidates = candidates or list(table.communes_named(name))
    chosen: Unit | None = None
    if len(candidates) == 1:
        chosen = candidates[0]
    elif candidates:
        text = fold(" ".join(doc.lines))

        def named(unit: Unit) -> int:  # "tỉnh X" / "thành phố X": not the commune's own name
            province = fold(table.by_code[unit.province_code or ""].name)
            return text.count(fold("tỉnh ") + province) + text.count(fold("thành phố ") + province)

        scored = sorted(candidates, key=lambda u: -named(u))
        chosen = scored[0]
        problems.append(Problem(doc.name, None, "ambiguous-unit", f"{len(candidates)} communes are "
                                f"called '{name}'; chose the one in "
                                f"{table.by_code[chosen.province_code or ''].full_name}, the province the "
                                "text names most"))
    if chosen is None:
        problems.append(Problem(doc.name, None, "unknown-unit", f"'{level} {name}' is not in the "
                                "official list of communes (QĐ 19/2025); its IRIs use a slug"))
        return Issuer(f"Ủy ban nhân dân {level} {name}", level, name, None)
    province = table.by_code[chosen.province_code or ""]
    return Issuer(f"Ủy ban nhân dân {level} {chosen.name}", level, chosen.name, province.code,
                  commune_code=chosen.code, province_name=province.name)
