"""The intermediate model: what a plan says, as plain dataclasses (no rdflib here).

The reader (``kg.extract``) fills these from the text; the RDF writer (``kg.rdf``) turns them into
triples. Every fact carries a :class:`Span`, the 1-based inclusive line range of the normalised text
it was read from, so any triple can be checked against the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True, order=True)
class Span:
    """Lines ``first``..``last`` (1-based, inclusive) of a source file.

    >>> Span(3, 5).rfc5147()
    'line=2,5'
    """

    first: int
    last: int

    def rfc5147(self) -> str:
        """The RFC 5147 fragment (0-based line positions, end exclusive)."""
        return f"line={self.first - 1},{self.last}"

    def union(self, other: Span) -> Span:
        """The smallest span covering both.

        >>> Span(3, 5).union(Span(9, 9))
        Span(first=3, last=9)
        """
        return Span(min(self.first, other.first), max(self.last, other.last))


class Role(str, Enum):
    """An agency's role for a task (the SKOS scheme ``def/role/``)."""

    LEAD = "chu-tri"  # cơ quan chủ trì
    CO_LEAD = "phoi-hop"  # cơ quan phối hợp
    GUIDING = "huong-dan"  # "theo hướng dẫn của Bộ …"
    REQUESTED = "de-nghi"  # the plan "đề nghị"s a body it does not command
    FOCAL_POINT = "dau-moi"  # cơ quan đầu mối
    STANDING = "thuong-truc"  # cơ quan thường trực
    ADVISOR = "tham-muu"  # tham mưu


class Category(str, Enum):
    """Broad category of an agency (colour in the views; ``def/agency-category/``)."""

    DEPARTMENT = "department"
    POLICE_MILITARY = "police-military"
    MASS_ORGANISATION = "mass-organisation"
    COMMUNE_BODY = "commune-body"
    CENTRAL_BODY = "central-body"
    COLLECTIVE = "collective"
    PEOPLE_COMMITTEE = "people-committee"
    PRESS = "press"
    OTHER = "other"


@dataclass(frozen=True)
class AgencyRef:
    """An agency (or a collective) named in one place of a document.

    Two refs are the same agency when ``ident``, ``scope`` and the rest of the compared fields agree:
    ``ident`` is the gazetteer kind ("so-y-te"), or a slug of the name when the gazetteer does not know
    it (then ``known`` is false and the build reports it). ``scope`` says whose agency it is: the
    issuing unit's own ("own"), the province of a commune plan ("province"), or a central body
    ("central"). ``name`` is the name in canonical spelling ("Sở Văn hóa, Thể thao và Du lịch",
    "Công an thành phố"); ``mention`` the text as written ("Sở Văn hoá, Thể thao và Du lịch").
    """

    ident: str
    scope: str
    category: Category
    kind: str | None
    is_group: bool = False
    known: bool = True
    name: str = field(default="", compare=False)
    mention: str = field(default="", compare=False)


@dataclass(frozen=True)
class Assignment:
    """One agency in one role for one task or duty."""

    agency: AgencyRef
    role: Role
    raw_text: str
    span: Span


@dataclass
class Goal:
    """A strategic goal (Mục tiêu chiến lược n) as the plan words it."""

    number: int
    title: str
    span: Span


@dataclass
class Objective:
    """An objective (Mục tiêu n.m), or a goal's unnumbered objective sentence (``code`` None)."""

    code: str | None
    goal: int
    text: str
    span: Span
    key: str = ""  # IRI tail, set by the reader: "1.1", or "g5" for an unnumbered one


@dataclass
class Task:
    """A row of the appendix table (nhiệm vụ), or a duty read from prose (``is_duty``)."""

    code: str | None
    text: str
    span: Span
    goal: int | None = None
    objective: str | None = None  # the Objective.key it sits under
    assignments: list[Assignment] = field(default_factory=list)
    timeframe: str | None = None
    product: str | None = None
    is_duty: bool = False
    section: str | None = None  # for duties: the heading of the numbered item
    key: str = ""  # IRI tail, set by the reader: "1.1.1", "g7-u1", "VII.2.a"

    def agencies(self, role: Role) -> list[AgencyRef]:
        """The agencies holding ``role``, in document order, without repeats."""
        seen: list[AgencyRef] = []
        for assignment in self.assignments:
            if assignment.role is role and assignment.agency not in seen:
                seen.append(assignment.agency)
        return seen


@dataclass
class LegalRef:
    """A document the plan cites ("Quyết định số 155/QĐ-TTg ngày 20/01/2026 của Thủ tướng …")."""

    identifier: str  # "155/QĐ-TTg", "59-NQ/TW", "3862/SNV-CCHC&VTLT"
    doc_type: str  # quyet-dinh | nghi-quyet | ket-luan | ke-hoach | to-trinh | cong-van | … | other
    span: Span
    date: str | None = None  # ISO yyyy-mm-dd when the text gives day, month and year
    year: int | None = None
    issuer: str | None = None  # "Thủ tướng Chính phủ", "Ủy ban nhân dân thành phố Hải Phòng"
    issuer_unit: str | None = None  # admin code of a local issuer ("31"), when resolvable
    title: str | None = None  # the "về …" / "phê duyệt …" part, when given
    implemented: bool = False  # the plan says it carries this document out ("Thực hiện …")


@dataclass
class Target:
    """A quantified target: "trên 90% cán bộ, công chức, viên chức có hiểu biết cơ bản về …"."""

    value: float
    unit: str
    comparator: str  # gt | ge | eq | le | lt
    comparator_text: str  # "trên", "đạt", "" …
    subject: str
    sentence: str
    span: Span
    year: int | None = None


@dataclass
class ReportingRequirement:
    """When, to whom and through whom agencies report ("trước ngày 01/11 hằng năm … (qua Sở Nội vụ)")."""

    description: str
    span: Span
    recurring: bool
    month: int | None = None
    day: int | None = None
    year: int | None = None  # one-off deadlines
    report_to: AgencyRef | None = None
    via: AgencyRef | None = None
    reported_by: list[AgencyRef] = field(default_factory=list)


@dataclass
class Milestone:
    """A line of the timeline ("Năm 2030: đánh giá giữa kỳ …")."""

    when: str
    description: str
    span: Span
    year: int | None = None


@dataclass
class FundingSource:
    """A funding clause of "KINH PHÍ THỰC HIỆN"."""

    description: str
    span: Span


@dataclass(frozen=True)
class Issuer:
    """The People's Committee that issues the plan, and where it sits."""

    name: str  # "Ủy ban nhân dân tỉnh Hà Tĩnh"
    level: str  # tỉnh | thành phố | xã | phường
    locality: str  # "Hà Tĩnh", "Hà Đông"
    province_code: str | None  # "42"
    commune_code: str | None = None  # "10882" for a commune
    province_name: str | None = None  # the province (or city) a commune belongs to

    @property
    def unit_key(self) -> str:
        """The issuer part of IRIs: "42", "31/10882", or "x-{slug}" when not in the official table."""
        from kg.slug import slugify

        if self.province_code and self.commune_code:
            return f"{self.province_code}/{self.commune_code}"
        if self.province_code:
            return self.province_code
        return "x-" + slugify(self.locality or self.name)

    @property
    def admin_code(self) -> str | None:
        """The official code of the issuing unit itself (commune code for a commune)."""
        return self.commune_code or self.province_code


@dataclass
class Problem:
    """Something a person should look at: an unknown agency name, a numbering gap, a bad file."""

    file: str
    line: int | None
    what: str  # short code: unknown-agency, numbering-gap, not-utf8, empty, …
    detail: str
    severity: str = "warning"  # warning | error

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.severity}: {self.what}: {self.detail}"


@dataclass
class Plan:
    """Everything read from one plan document."""

    file: str
    sha256: str
    line_count: int
    title: str
    issuer: Issuer
    period_start: int | None
    period_end: int | None
    number: str | None = None  # "168/KH-UBND"; None for a draft ("Số: /KH-UBND")
    date_text: str | None = None  # the date line as written
    date: str | None = None  # ISO date when day, month and year are given
    year: int | None = None
    signer: str | None = None
    signer_title: str | None = None
    recipients: list[str] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    objectives: list[Objective] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    duties: list[Task] = field(default_factory=list)
    references: list[LegalRef] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    reporting: list[ReportingRequirement] = field(default_factory=list)
    funding: list[FundingSource] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    focal_points: list[AgencyRef] = field(default_factory=list)
    standing_bodies: list[AgencyRef] = field(default_factory=list)
    has_table: bool = False
    problems: list[Problem] = field(default_factory=list)

    @property
    def period(self) -> str:
        """"2026-2030", or the year alone when the plan names no period."""
        if self.period_start and self.period_end:
            return f"{self.period_start}-{self.period_end}"
        return str(self.period_start or self.year or "undated")
