"""Duties given to agencies in prose: "TỔ CHỨC THỰC HIỆN" and role sentences elsewhere.

In "TỔ CHỨC THỰC HIỆN" each numbered item names an agency or a group ("2. Sở Nội vụ", "5. Đề nghị
Ủy ban Mặt trận Tổ quốc tỉnh và các đoàn thể cấp tỉnh", "4. Sở Tài chính: Chủ trì, …", "1. Các cơ
quan … bao gồm các Sở: Y tế, …"), sometimes with sub-items naming a member ("a) Ủy ban Mặt trận Tổ
quốc xã", "Hội Nông dân xã", "- Hội Liên hiệp Phụ nữ tỉnh: …"); its dash or lettered items are its
duties. The bearer is the lead of each duty; "phối hợp (với) Y" in a duty makes Y a co-lead; "Là cơ
quan đầu mối / Thường trực" and a duty starting "Tham mưu" give those roles; an item under "Đề nghị"
gives the softer "requested" role. A reporting channel ("báo cáo UBND tỉnh (qua Sở Nội vụ)") or a
budget line ("trên cơ sở dự toán của Sở …") names no co-lead.

Elsewhere in the body, sentences "giao X …", "đề nghị X …" and "X chủ trì, phối hợp với Y …" become
duties with the roles they state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.agencies import AgencyList, AgencyReader
from kg.model import AgencyRef, Assignment, Problem, Role, Span, Task
from kg.slug import fold
from kg.structure import Frame, Section
from kg.text import Document

_NUMBERED = re.compile(r"^(\d{1,2})\.\s+(.*)$")
_LETTERED = re.compile(r"^([a-zđ])\)\s+(.*)$")
_DASH = re.compile(r"^[-–+•*]\s+(.*)$")
_ITEM = re.compile(r"^(?:[a-zđ]\)|[-–+•*])\s")
_LIST_INTRO = re.compile(r"^(.*?)\b(?:bao\s+gồm|gồm)\s*:?\s*(.+)$", re.IGNORECASE)
_REQUEST = re.compile(r"^Đề\s+nghị\s+", re.IGNORECASE)
_COOPERATE = re.compile(r"phối\s+hợp(?:\s+chặt\s+chẽ)?(?:\s+với|\s+cùng)?\s+", re.IGNORECASE)
_FOCAL = re.compile(r"\blà\s+cơ\s+quan\s+đầu\s+mối", re.IGNORECASE)
_STANDING = re.compile(r"\blà\s+cơ\s+quan\s+thường\s+trực", re.IGNORECASE)
_ADVISE = re.compile(r"^(?:Chủ\s+trì\s+)?tham\s+mưu\b", re.IGNORECASE)
_CLOSING = re.compile(r"^(?:Trên\s+đây\s+là|Trong\s+quá\s+trình)", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+")
_GIVE = re.compile(r"\b(giao\s+(?:cho\s+)?|đề\s+nghị\s+)(?!của\b)", re.IGNORECASE)


@dataclass
class Paragraph:
    """A paragraph of prose: lines joined across page breaks, with its line span."""

    text: str
    span: Span


def paragraphs(doc: Document, first: int, last: int) -> list[Paragraph]:
    """Non-empty lines ``first``..``last`` as paragraphs; a line cut by a page break is joined.

    A paragraph that does not end a sentence continues on the next non-empty line when that line
    starts in lower case or with a number that is not an item number ("01/11/2030), …").
    """
    out: list[Paragraph] = []
    for number in range(first, last + 1):
        line = doc.line(number).strip()
        if not line:
            continue
        if out and not out[-1].text.endswith((".", ";", ":", "!", "?")) and not _ITEM.match(line) and (
                line[0].islower() or (line[0].isdigit() and not re.match(r"^\d{1,2}[.)]\s", line))):
            previous = out[-1]
            out[-1] = Paragraph(f"{previous.text} {line}", Span(previous.span.first, number))
            continue
        out.append(Paragraph(line, Span(number, number)))
    return out


def sentences(text: str) -> list[str]:
    """Split at ".", ";", "!" or "?" followed by a word in capitals.

    >>> sentences("Sở A chủ trì. Sở B phối hợp; các đơn vị khác. 2030 là mốc")
    ['Sở A chủ trì.', 'Sở B phối hợp; các đơn vị khác. 2030 là mốc']
    """
    out: list[str] = []
    for piece in _SENTENCE_END.split(text):
        if out and not piece[:1].isupper():
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


class DutyReader:
    """Reads the duties of one plan."""

    def __init__(self, doc: Document, frame: Frame, agencies: AgencyReader) -> None:
        self.doc = doc
        self.frame = frame
        self.agencies = agencies
        self.duties: list[Task] = []
        self.problems: list[Problem] = []
        self.focal_points: list[AgencyRef] = []
        self.standing_bodies: list[AgencyRef] = []

    # -- agency phrases -----------------------------------------------------------------------

    def bearers(self, text: str, line: int) -> tuple[list[AgencyRef], bool] | None:
        """The agencies a heading names, and whether the plan only "requests" them; None if the
        heading is not a list of agencies."""
        text = text.strip().rstrip(".:;")
        requested = bool(_REQUEST.match(text))
        text = _REQUEST.sub("", text)
        intro = _LIST_INTRO.match(text)
        found: AgencyList
        listed = self.agencies.read(intro.group(2), Role.LEAD, factored=True) if intro else None
        if intro and listed is not None and self._covers(intro.group(2), listed):
            found = listed  # "Các cơ quan … bao gồm các Sở: Y tế, …": the members listed
        else:
            found = self.agencies.read(text, Role.LEAD)
            if not self._covers(text, found):
                return None
        for agency in found.unknown:
            self.problems.append(Problem(self.doc.name, line, "unknown-agency",
                                         f"unknown agency name '{agency.mention}' (add it to "
                                         "data/gazetteer/agencies.csv if it is one)"))
        agencies = found.agencies()
        return (agencies, requested) if agencies else None

    @staticmethod
    def _covers(text: str, found: AgencyList) -> bool:
        """Whether the agencies found account for every word of ``text``."""
        if not found.mentions or not any(m.agency.known for m in found.mentions):
            return False
        for mention in found.mentions:
            if not mention.agency.known and not mention.agency.mention[:1].isupper():
                return False
        rest = list(text)
        for mention in found.mentions:
            rest[mention.start:mention.end] = [" "] * (mention.end - mention.start)
        words = re.findall(r"[^\W\d_]+", "".join(rest))
        return all(fold(w) in _JOINERS for w in words)

    # -- TỔ CHỨC THỰC HIỆN --------------------------------------------------------------------

    def read_organisation(self, section: Section) -> None:
        """Read the duties of the section "TỔ CHỨC THỰC HIỆN"."""
        paras = paragraphs(self.doc, section.span.first + 1, section.span.last)
        item: tuple[list[AgencyRef], bool] | None = None  # bearers of the numbered item
        sub: tuple[list[AgencyRef], bool] | None = None  # bearers of a lettered/unnumbered sub-item
        item_path = path = section.number
        heading, dash_count, last_duty = section.title, 0, None
        for index, para in enumerate(paras):
            text = para.text
            if _CLOSING.match(text):
                break
            if match := _NUMBERED.match(text):
                number, heading = match.groups()
                item_path = path = f"{section.number}.{number}"
                dash_count, sub, last_duty = 0, None, None
                head, _, inline = heading.partition(":")
                found = None
                if inline.strip() and not _LIST_INTRO.match(head):
                    found = self.bearers(head, para.span.first)
                if found:
                    item = found
                    last_duty = self._duty(path, inline.strip(), found, para.span, text, heading)
                    continue
                item = self.bearers(heading, para.span.first)
                if item is None:
                    self.problems.append(Problem(self.doc.name, para.span.first, "no-bearer",
                                                 f"item {number} of {section.title} names no agency "
                                                 f"the gazetteer knows: '{heading[:80]}'"))
                continue
            if match := _LETTERED.match(text):
                letter, body = match.groups()
                found = self.bearers(body, para.span.first)
                if found:
                    sub, dash_count, last_duty = found, 0, None
                    path = f"{item_path}.{letter}"
                    continue
                owner = sub or item
                if owner:
                    last_duty = self._duty(f"{item_path}.{letter}", body, owner, para.span, text, heading)
                continue
            if match := _DASH.match(text):
                body = match.group(1)
                owner = sub or item
                head, _, rest = body.partition(":")
                own = self.bearers(head, para.span.first) if rest.strip() and len(head) < 120 else None
                if own:
                    owner = (own[0], owner[1] if owner else own[1])
                    body = rest.strip()
                if owner:
                    dash_count += 1
                    last_duty = self._duty(f"{path}-{dash_count}", body, owner, para.span, text, heading)
                continue
            found = self.bearers(text, para.span.first) if len(text) < 160 else None
            if found:
                sub, last_duty = found, None
                continue
            owner = sub or item
            later_items = any(_DASH.match(p.text) or _LETTERED.match(p.text) or _NUMBERED.match(p.text)
                              for p in paras[index + 1:])
            if last_duty is not None and later_items:
                last_duty.text = f"{last_duty.text} {text}"
                last_duty.span = last_duty.span.union(para.span)
            elif last_duty is None and owner:
                dash_count += 1
                last_duty = self._duty(f"{path}-{dash_count}", text, owner, para.span, text, heading)

    def _duty(self, code: str, text: str, owner: tuple[list[AgencyRef], bool], span: Span,
              raw: str, heading: str) -> Task:
        bearers, requested = owner
        role = Role.REQUESTED if requested else Role.LEAD
        if _FOCAL.search(text):
            role = Role.FOCAL_POINT
            self.focal_points.extend(b for b in bearers if b not in self.focal_points)
        elif _STANDING.search(text):
            role = Role.STANDING
            self.standing_bodies.extend(b for b in bearers if b not in self.standing_bodies)
        elif _ADVISE.match(text):
            role = Role.ADVISOR
        key = code
        if any(d.key == key for d in self.duties):
            key = f"{code}-{sum(d.key.startswith(code) for d in self.duties) + 1}"
        duty = Task(code=code, text=" ".join(text.split()), span=span, is_duty=True, key=key,
                    section=" ".join(heading.split()))
        for bearer in bearers:
            duty.assignments.append(Assignment(bearer, role, raw, span))
        for agency in self.cooperating(text):
            if agency not in bearers and not any(a.agency == agency for a in duty.assignments):
                duty.assignments.append(Assignment(agency, Role.CO_LEAD, raw, span))
        self.duties.append(duty)
        return duty

    def cooperating(self, text: str) -> list[AgencyRef]:
        """Agencies named right after "phối hợp (với)" in running text."""
        out: list[AgencyRef] = []
        for match in _COOPERATE.finditer(text):
            found = self.agencies.read(text[match.end():], Role.CO_LEAD, strict=True)
            out.extend(a for a in found.agencies() if a not in out)
        return out

    # -- role sentences elsewhere -------------------------------------------------------------

    def read_sentences(self, section: Section) -> None:
        """Duties stated in running text: "giao X …", "đề nghị X …", "X chủ trì, phối hợp với Y …"."""
        count = 0
        for para in paragraphs(self.doc, section.span.first + 1, section.span.last):
            if _CLOSING.match(para.text):
                continue
            for sentence in sentences(para.text):
                bearers: list[AgencyRef] = []
                requested = False
                for match in _GIVE.finditer(sentence):
                    found = self.agencies.read(sentence[match.end():], Role.LEAD, strict=True)
                    if found.mentions:
                        bearers = found.agencies()
                        requested = match.group(1).lower().startswith("đề")
                        break
                if not bearers and re.search(r"\bchủ\s+trì\b", sentence, re.IGNORECASE):
                    body = re.sub(r"^[-–+•*]\s+|^[a-zđ]\)\s+|^\d{1,2}\.\s+", "", sentence)
                    found = self.agencies.read(body, Role.LEAD, strict=True)
                    after = fold(body[found.end:found.end + 12])
                    if found.mentions and after.startswith(fold("chủ trì")):
                        bearers = found.agencies()
                if bearers:
                    count += 1
                    self._duty(f"{section.number}-s{count}", sentence, (bearers, requested), para.span,
                               sentence, section.title)


# Words a heading may have besides the agencies it names ("Đề nghị … và các …", "các Sở: …").
_JOINERS = {fold(w) for w in ("và", "các", "có", "liên", "quan", "đề", "nghị", "cấp", "tỉnh", "thành",
                              "phố", "xã", "phường", "khác", "thuộc", "gồm", "bao", "sở")}


def read_duties(doc: Document, frame: Frame, agencies: AgencyReader) -> DutyReader:
    """Read every duty of ``doc``."""
    reader = DutyReader(doc, frame, agencies)
    organisation = frame.section("TỔ CHỨC THỰC HIỆN")
    if organisation is not None:
        reader.read_organisation(organisation)
    for section in frame.sections:
        if section is organisation or section.is_("MỤC ĐÍCH") or section.is_("MỤC TIÊU") or \
                section.is_("NỘI DUNG"):
            continue
        reader.read_sentences(section)
    return reader
