"""The DCAT catalogue of a release (DCAT-AP 3.0.1): one dcat:Catalog, one dcat:Dataset per plan and
one for the whole graph, one dcat:Distribution per file, and a dcat:DataService for the SPARQL endpoint.

Rules kept here (shared/docs/OPEN-DATA.md, ckanext-dcat): every node is an IRI derived from the plan
IRIs (a harvester uses the dataset IRI as its GUID: it must never change, and every export carries every
dataset); no rdfs:label on an object IRI (ckanext-dcat would store the label instead of the IRI) — the
one exception is the provenance statement, whose label *is* its content; licence, language, format,
theme and spatial are IRIs; dates are xsd:date, sizes xsd:nonNegativeInteger; keywords NFC and within
``[\\w \\-.]{2,100}``. The EU IRIs the catalogue names are not described in it: their types live in
``ontology/dcat-ap/background.ttl``, loaded for validation only (:mod:`kg.dcat_check`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from kg.errors import KehoachError
from kg.oxi import term

DCAT_AP_DIR = Path(__file__).resolve().parent.parent / "ontology" / "dcat-ap"
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
LANGUAGE_VIE = URIRef(EU + "language/VIE")
COUNTRY_VNM = URIRef(EU + "country/VNM")
IRREGULAR = URIRef(EU + "frequency/IRREG")
PUBLIC = URIRef(EU + "access-right/PUBLIC")
AVAILABLE = URIRef(EU + "planned-availability/AVAILABLE")
DATA_THEME = URIRef(EU + "data-theme")
EU_THEMES = tuple(URIRef(EU + "data-theme/" + code) for code in ("SOCI", "REGI", "GOVE"))
PORTAL_FIELDS = URIRef("https://w3id.org/kehoach/def/portal-field")
PLAN_FIELDS = tuple(URIRef(f"{PORTAL_FIELDS}/{slug}") for slug in ("xa-hoi", "dia-phuong"))
LICENCE = URIRef("https://w3id.org/kehoach/def/licence/vn-open-data")
ONTOLOGY = URIRef("https://w3id.org/kehoach/ontology")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
SHA256 = SPDX.checksumAlgorithm_sha256
PUBLISHER_TYPES = {"national": "NationalAuthority", "regional": "RegionalAuthority", "local": "LocalAuthority"}
PLACEHOLDER_EMAIL = "chua-cau-hinh@example.invalid"  # RFC 2606: can never be a real address
KEYWORD = re.compile(r"^[\w \-.]{2,100}$")

PREFIXES = {
    "dcat": str(DCAT), "dct": str(DCTERMS), "foaf": str(FOAF), "vcard": str(VCARD), "spdx": str(SPDX),
    "prov": str(PROV), "skos": str(SKOS), "rdfs": str(RDFS), "xsd": str(XSD), "dcatap": str(DCATAP),
    "khu": "https://w3id.org/kehoach/def/admin-unit/", "khf": f"{PORTAL_FIELDS}/",
    "eulang": EU + "language/", "euft": EU + "file-type/", "euth": EU + "data-theme/",
}


@dataclass(frozen=True)
class FileFormat:
    """A file format: extension, media type (IANA) and EU file type."""

    key: str
    media_type: str
    eu_type: str
    name: str


TURTLE = FileFormat("ttl", "text/turtle", "RDF_TURTLE", "Turtle")
N_TRIPLES = FileFormat("nt", "application/n-triples", "N_TRIPLES", "N-Triples")
JSON_LD = FileFormat("jsonld", "application/ld+json", "JSON_LD", "JSON-LD")
RDF_XML = FileFormat("rdf", "application/rdf+xml", "RDF_XML", "RDF/XML")
CSV = FileFormat("csv", "text/csv", "CSV", "CSV")
CSVW = FileFormat("json", "application/csvm+json", "JSON", "CSVW metadata (JSON)")
RDF_FORMATS = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML)


@dataclass(frozen=True)
class ReleaseFile:
    """One file of the release, described by one distribution."""

    path: str  # relative to the release folder, "/" separated
    key: str  # distribution key, unique within its dataset: "ttl", "csv-tasks"
    fmt: FileFormat
    title_vi: str
    title_en: str
    byte_size: int
    sha256: str
    is_rdf: bool = False


@dataclass(frozen=True)
class AdminUnit:
    """An administrative unit a plan covers, with its official code."""

    iri: str
    code: str
    label: str


@dataclass(frozen=True)
class PlanFacts:
    """What the catalogue says about one plan (read from the build by :mod:`kg.export`)."""

    iri: str
    tail: str  # "42/2026-2030"
    title: str
    issuer_iri: str
    issuer: str  # "Ủy ban nhân dân tỉnh Hà Tĩnh"
    level: str  # tỉnh | thành phố | xã | phường
    units: tuple[AdminUnit, ...]  # the unit itself, then (for a commune) its province
    number: str
    period_start: int | None
    period_end: int | None
    source_iri: str
    source_file: str
    source_sha256: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def period(self) -> str:
        if self.period_start and self.period_end:
            return f"{self.period_start}-{self.period_end}"
        return str(self.period_start or self.period_end or "")

    @property
    def locality(self) -> str:
        """"Hà Tĩnh" from "Ủy ban nhân dân tỉnh Hà Tĩnh"."""
        name = re.sub(r"^(Ủy|Uỷ) ban nhân dân\s+", "", self.issuer, flags=re.IGNORECASE)
        return re.sub(rf"^{re.escape(self.level)}\s+", "", name, flags=re.IGNORECASE) if self.level else name

    @property
    def issuer_en(self) -> str:
        """"People's Committee of Hà Tĩnh Province"."""
        level = {"tỉnh": "Province", "thành phố": "City", "xã": "Commune", "phường": "Ward",
                 "đặc khu": "Special zone"}.get(self.level, "")
        return f"People's Committee of {self.locality} {level}".strip()


@dataclass(frozen=True)
class ReleaseDataset:
    """A dataset of the catalogue: one plan (``plan``) or the whole graph (``plan`` None)."""

    iri: str
    plan: PlanFacts | None
    files: tuple[ReleaseFile, ...]


@dataclass(frozen=True)
class CatalogueOptions:
    """What the catalogue needs beyond the data (``kehoach export`` options)."""

    base_url: str
    issued: date
    modified: date
    contact_email: str | None = None
    sparql_url: str | None = None
    publisher: str | None = None
    publisher_type: str = "national"


def check_keyword(keyword: str) -> str:
    """``keyword`` in NFC if CKAN accepts it as a tag, else a :class:`KehoachError`.

    >>> check_keyword("Cộng đồng Văn hóa - Xã hội ASEAN")
    'Cộng đồng Văn hóa - Xã hội ASEAN'
    >>> check_keyword("a, b")
    Traceback (most recent call last):
    ...
    kg.errors.KehoachError: keyword not accepted by CKAN (NFC, [\\w \\-.]{2,100}): 'a, b'
    """
    text = unicodedata.normalize("NFC", " ".join(keyword.split()))
    if not KEYWORD.match(text):
        raise KehoachError(f"keyword not accepted by CKAN (NFC, [\\w \\-.]{{2,100}}): {keyword!r}")
    return text


def _n(counts: dict[str, int], key: str, one: str, many: str | None = None) -> str:
    """"1 duty", "2 duties".

    >>> _n({"duties": 1}, "duties", "duty", "duties"), _n({}, "tasks", "task")
    ('1 duty', '0 tasks')
    """
    value = counts.get(key, 0)
    return f"{value} {one if value == 1 else (many or one + 's')}"


@lru_cache(maxsize=4)
def _turtle(name: str) -> Graph:
    return Graph().parse(DCAT_AP_DIR / name, format="turtle")


def portal_themes() -> Graph:
    """The SKOS scheme of the portal's 12 data fields (``ontology/dcat-ap/portal-themes.ttl``)."""
    return _turtle("portal-themes.ttl")


def licence() -> Graph:
    """The licence document (``ontology/dcat-ap/licence.ttl``)."""
    return _turtle("licence.ttl")


class CatalogueWriter:
    """Builds the catalogue graph of a release."""

    def __init__(self, base: str, datasets: list[ReleaseDataset], options: CatalogueOptions) -> None:
        self.base = base
        self.datasets = datasets
        self.options = options
        self.g = Graph()
        self.catalogue = URIRef(base + "catalog")
        self.contact = URIRef(base + "contact/open-data")
        self.publisher = URIRef(base + "org/catalogue-publisher")

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
        self.g.add((s, p, o))

    def text(self, s: URIRef, p: URIRef, vi: str, en: str) -> None:
        self.add(s, p, Literal(" ".join(vi.split()), lang="vi"))
        self.add(s, p, Literal(" ".join(en.split()), lang="en"))

    def dates(self, s: URIRef) -> None:
        self.add(s, DCTERMS.issued, Literal(self.options.issued.isoformat(), datatype=XSD.date))
        self.add(s, DCTERMS.modified, Literal(self.options.modified.isoformat(), datatype=XSD.date))

    def url(self, path: str) -> URIRef:
        return URIRef(self.options.base_url + path)

    def typed(self, s: URIRef, *classes: URIRef) -> URIRef:
        for cls in classes:
            self.add(s, RDF.type, cls)
        return s

    # -- the whole catalogue ------------------------------------------------------------------

    def write(self) -> Graph:
        cat = self.typed(self.catalogue, DCAT.Catalog)
        self.text(cat, DCTERMS.title, "Danh mục dữ liệu mở: Kế hoạch thực hiện Chương trình hành động Cộng đồng "
                  "Văn hóa - Xã hội ASEAN", "Open-data catalogue: implementation plans of the ASEAN "
                  "Socio-Cultural Community action programme (Viet Nam)")
        self.text(cat, DCTERMS.description,
                  "Dữ liệu có cấu trúc (RDF, CSV) đọc từ các Kế hoạch của Ủy ban nhân dân các tỉnh, thành phố, "
                  "xã, phường thực hiện Quyết định 155/QĐ-TTg: mục tiêu, nhiệm vụ, cơ quan chủ trì và phối hợp, "
                  "chỉ tiêu; mỗi dữ kiện dẫn về dòng của văn bản gốc. Một bộ dữ liệu cho mỗi kế hoạch và một bộ "
                  "cho toàn bộ đồ thị.",
                  "Structured data (RDF, CSV) read from the plans of Vietnamese provincial and commune People's "
                  "Committees implementing Decision 155/QĐ-TTg: goals, tasks, lead and co-operating agencies, "
                  "targets; every fact traceable to its source lines. One dataset per plan and one for the "
                  "whole graph.")
        self.dates(cat)
        self.add(cat, DCTERMS.language, LANGUAGE_VIE)
        self.add(cat, DCTERMS.license, LICENCE)
        self.add(cat, DCTERMS.spatial, COUNTRY_VNM)
        self.add(cat, DCTERMS.publisher, self._catalogue_publisher())
        self.add(cat, DCAT.themeTaxonomy, PORTAL_FIELDS)
        self.add(cat, DCAT.themeTaxonomy, DATA_THEME)
        self.add(cat, FOAF.homepage, self.typed(self.url(""), FOAF.Document))
        self._licence()
        self._contact()
        for triple in portal_themes():
            self.g.add(triple)
        self.typed(ONTOLOGY, DCTERMS.Standard)
        for dataset in self.datasets:
            self.add(cat, DCAT.dataset, URIRef(dataset.iri))
            self._dataset(dataset)
        if self.options.sparql_url:
            self.add(cat, DCAT.service, self._service(URIRef(self.options.sparql_url)))
        return self.g

    def _catalogue_publisher(self) -> URIRef:
        name = self.options.publisher or "Đơn vị công bố dữ liệu (chưa cấu hình: dùng --publisher)"
        agent = self.typed(self.publisher, FOAF.Agent)
        self.add(agent, FOAF.name, Literal(name, lang="vi"))
        self.add(agent, DCTERMS.type, URIRef("http://purl.org/adms/publishertype/"
                                             + PUBLISHER_TYPES[self.options.publisher_type]))
        return agent

    def _licence(self) -> None:
        for triple in licence():
            self.g.add(triple)

    def _contact(self) -> None:
        contact = self.typed(self.contact, VCARD.Kind)
        email = self.options.contact_email
        if email:
            self.text(contact, VCARD.fn, "Đầu mối dữ liệu mở", "Open-data contact point")
        else:
            email = PLACEHOLDER_EMAIL
            self.text(contact, VCARD.fn, "Đầu mối dữ liệu mở (CHƯA CẤU HÌNH: địa chỉ thư là địa chỉ giả, "
                      "đặt bằng --contact-email)", "Open-data contact point (NOT CONFIGURED: the e-mail address "
                      "is a placeholder, set it with --contact-email)")
        self.add(contact, VCARD.hasEmail, URIRef("mailto:" + email))

    def _agent(self, plan: PlanFacts) -> URIRef:
        agent = self.typed(URIRef(plan.issuer_iri), FOAF.Agent)
        self.text(agent, FOAF.name, plan.issuer, plan.issuer_en)
        kind = "LocalAuthority" if plan.level in ("xã", "phường", "đặc khu") else "RegionalAuthority"
        self.add(agent, DCTERMS.type, URIRef("http://purl.org/adms/publishertype/" + kind))
        return agent

    def _place(self, unit: AdminUnit) -> URIRef:
        place = self.typed(URIRef(unit.iri), DCTERMS.Location)
        self.add(place, SKOS.prefLabel, Literal(unit.label, lang="vi"))
        self.add(place, SKOS.notation, Literal(unit.code))
        self.add(place, DCTERMS.identifier, Literal(unit.code))
        return place

    def _period(self, node: URIRef, start: int | None, end: int | None) -> None:
        if not start and not end:
            return
        period = self.typed(URIRef(f"{node}/period"), DCTERMS.PeriodOfTime)
        self.add(node, DCTERMS.temporal, period)
        if start:
            self.add(period, DCAT.startDate, Literal(f"{start:04d}-01-01", datatype=XSD.date))
        if end:
            self.add(period, DCAT.endDate, Literal(f"{end:04d}-12-31", datatype=XSD.date))

    def _keywords(self, node: URIRef, vi: list[str], en: list[str]) -> None:
        for words, lang in ((vi, "vi"), (en, "en")):
            for word in dict.fromkeys(words):
                self.add(node, DCAT.keyword, Literal(check_keyword(word), lang=lang))

    def _common(self, node: URIRef) -> None:
        """What every dataset says: language, licence terms, themes, contact, dates, documentation."""
        self.dates(node)
        self.add(node, DCTERMS.identifier, Literal(str(node)))
        self.add(node, DCTERMS.language, LANGUAGE_VIE)
        self.add(node, DCTERMS.accrualPeriodicity, IRREGULAR)
        self.add(node, DCTERMS.accessRights, PUBLIC)
        self.add(node, DCAT.contactPoint, self.contact)
        self.add(node, DCTERMS.conformsTo, ONTOLOGY)
        self.add(node, DCTERMS.spatial, COUNTRY_VNM)
        self.add(node, FOAF.page, self.typed(self.url("README.md"), FOAF.Document))
        for theme in (*PLAN_FIELDS, *EU_THEMES):
            self.add(node, DCAT.theme, theme)

    def _source(self, node: URIRef, plan: PlanFacts) -> None:
        source = self.typed(URIRef(plan.source_iri), PROV.Entity, FOAF.Document)
        self.add(node, PROV.wasDerivedFrom, source)
        self.add(source, DCTERMS.identifier, Literal(plan.source_file))
        self._checksum(source, plan.source_sha256)

    def _checksum(self, node: URIRef, sha256: str) -> None:
        checksum = self.typed(URIRef(f"{node}/checksum"), SPDX.Checksum)
        self.add(node, SPDX.checksum, checksum)
        self.add(checksum, SPDX.algorithm, SHA256)
        self.add(checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary))

    # -- datasets -----------------------------------------------------------------------------

    def _dataset(self, dataset: ReleaseDataset) -> None:
        node = self.typed(URIRef(dataset.iri), DCAT.Dataset)
        self._common(node)
        if dataset.plan is not None:
            self._plan_dataset(node, dataset.plan)
        else:
            self._whole_dataset(node)
        for item in dataset.files:
            self._distribution(node, item, dataset.plan)

    def _plan_dataset(self, node: URIRef, plan: PlanFacts) -> None:
        c = plan.counts
        number = plan.number or "chưa có số"
        self.text(node, DCTERMS.title,
                  f"Kế hoạch Cộng đồng Văn hóa - Xã hội ASEAN {plan.period} của {plan.issuer}: nhiệm vụ và cơ quan "
                  "thực hiện",
                  f"ASEAN Socio-Cultural Community plan {plan.period} of the {plan.issuer_en}: tasks and "
                  "responsible agencies")
        self.text(node, DCTERMS.description,
                  f"Dữ liệu có cấu trúc của Kế hoạch “{plan.title}” ({number}) của {plan.issuer}: "
                  f"{c.get('goals', 0)} mục tiêu chiến lược, {c.get('objectives', 0)} mục tiêu cụ thể, "
                  f"{c.get('tasks', 0)} nhiệm vụ trong phụ lục, {c.get('duties', 0)} nhiệm vụ ở phần Tổ chức thực "
                  f"hiện, {c.get('assignments', 0)} lượt phân công cơ quan chủ trì, phối hợp và "
                  f"{c.get('targets', 0)} chỉ tiêu định lượng. Mỗi dữ kiện dẫn về dòng của văn bản gốc "
                  f"({plan.source_file}). Dữ liệu được đọc tự động bằng kehoach-kg: khi cần dùng chính thức, hãy "
                  "đối chiếu văn bản gốc.",
                  f"Structured data of the plan “{plan.title}” ({plan.number or 'no number yet'}) of the "
                  f"{plan.issuer_en}: {_n(c, 'goals', 'strategic goal')}, {_n(c, 'objectives', 'objective')}, "
                  f"{_n(c, 'tasks', 'appendix task')}, {_n(c, 'duties', 'duty', 'duties')} from the prose, "
                  f"{_n(c, 'assignments', 'assignment')} of lead and co-operating agencies and "
                  f"{_n(c, 'targets', 'quantified target')}, each traceable to the lines of the source text "
                  f"({plan.source_file}). Read automatically by kehoach-kg: check the source document before "
                  "official use.")
        self.add(node, DCTERMS.publisher, self._agent(plan))
        for unit in plan.units:
            self.add(node, DCTERMS.spatial, self._place(unit))
        self._period(node, plan.period_start, plan.period_end)
        self._source(node, plan)
        provenance = self.typed(URIRef(f"{node}/provenance"), DCTERMS.ProvenanceStatement)
        self.add(node, DCTERMS.provenance, provenance)
        self.add(provenance, RDFS.label, Literal(
            f"Đọc tự động bằng kehoach-kg từ văn bản {plan.source_file} (SHA-256 {plan.source_sha256}) của "
            f"{plan.issuer}; mỗi dữ kiện trong dữ liệu ghi dòng của văn bản mà nó được đọc ra.", lang="vi"))
        places = [u.label for u in plan.units]
        self._keywords(node, ["Cộng đồng Văn hóa - Xã hội ASEAN", "ASEAN", "kế hoạch", "nhiệm vụ", "phân công",
                              "cơ quan chủ trì", "cơ quan phối hợp", *places, plan.period],
                       ["ASEAN Socio-Cultural Community", "implementation plan", "task assignment", "Viet Nam"])

    def _whole_dataset(self, node: URIRef) -> None:
        plans = [d.plan for d in self.datasets if d.plan is not None]
        total = {key: sum(p.counts.get(key, 0) for p in plans) for key in ("tasks", "duties", "assignments")}
        self.text(node, DCTERMS.title,
                  "Đồ thị tri thức các Kế hoạch thực hiện Chương trình hành động Cộng đồng Văn hóa - Xã hội ASEAN "
                  "(toàn bộ)",
                  "Knowledge graph of the implementation plans of the ASEAN Socio-Cultural Community action "
                  "programme (all plans)")
        self.text(node, DCTERMS.description,
                  f"Toàn bộ dữ liệu của {len(plans)} kế hoạch trong một đồ thị: {total['tasks']} nhiệm vụ trong "
                  f"phụ lục, {total['duties']} nhiệm vụ ở phần Tổ chức thực hiện, {total['assignments']} lượt "
                  "phân công; kèm danh mục cơ quan, đơn vị hành chính (mã chính thức) và các bảng CSV (kế hoạch, "
                  "nhiệm vụ, phân công, cơ quan, chỉ tiêu, văn bản viện dẫn) cho người không dùng công cụ RDF.",
                  f"All data of the {len(plans)} plans in one graph: {total['tasks']} appendix tasks, "
                  f"{total['duties']} duties from the prose, {total['assignments']} assignments; with the agencies, "
                  "the administrative units (official codes) and CSV tables (plans, tasks, assignments, agencies, "
                  "targets, cited documents) for people without RDF tools.")
        self.add(node, DCTERMS.publisher, self.publisher)
        starts = [p.period_start for p in plans if p.period_start]
        ends = [p.period_end for p in plans if p.period_end]
        self._period(node, min(starts) if starts else None, max(ends) if ends else None)
        for plan in plans:
            self.add(node, DCTERMS.relation, URIRef(self._dataset_of(plan)))
            self._source(node, plan)
        provenance = self.typed(URIRef(f"{node}/provenance"), DCTERMS.ProvenanceStatement)
        self.add(node, DCTERMS.provenance, provenance)
        self.add(provenance, RDFS.label, Literal(
            f"Đọc tự động bằng kehoach-kg từ {len(plans)} văn bản kế hoạch; mỗi dữ kiện ghi tệp và dòng của "
            "văn bản mà nó được đọc ra.", lang="vi"))
        places = sorted({p.units[0].label for p in plans if p.units})
        self._keywords(node, ["Cộng đồng Văn hóa - Xã hội ASEAN", "ASEAN", "kế hoạch", "nhiệm vụ", "phân công",
                              "cơ quan chủ trì", "cơ quan phối hợp", "đồ thị tri thức", *places],
                       ["ASEAN Socio-Cultural Community", "implementation plan", "task assignment",
                        "knowledge graph", "Viet Nam"])
        for plan in plans:
            for unit in plan.units:
                self.add(node, DCTERMS.spatial, self._place(unit))

    def _dataset_of(self, plan: PlanFacts) -> str:
        for dataset in self.datasets:
            if dataset.plan is plan:
                return dataset.iri
        raise KehoachError(f"no dataset for {plan.iri}")

    def _distribution(self, dataset: URIRef, item: ReleaseFile, plan: PlanFacts | None) -> None:
        node = self.typed(URIRef(f"{dataset}/distribution/{item.key}"), DCAT.Distribution)
        self.add(dataset, DCAT.distribution, node)
        self.text(node, DCTERMS.title, item.title_vi, item.title_en)
        what_vi = f"kế hoạch của {plan.issuer}" if plan else "toàn bộ đồ thị"
        what_en = f"the plan of the {plan.issuer_en}" if plan else "the whole graph"
        self.text(node, DCTERMS.description, f"{item.title_vi}: {what_vi}, định dạng {item.fmt.name}, tệp "
                  f"{item.path}.", f"{item.title_en}: {what_en}, {item.fmt.name}, file {item.path}.")
        url = self.url(item.path)
        self.add(node, DCAT.accessURL, url)
        self.add(node, DCAT.downloadURL, url)
        self.add(node, DCAT.mediaType, URIRef(IANA + item.fmt.media_type))
        self.add(node, DCTERMS.format, URIRef(EU + "file-type/" + item.fmt.eu_type))
        self.add(node, DCAT.byteSize, Literal(str(item.byte_size), datatype=XSD.nonNegativeInteger))
        self._checksum(node, item.sha256)
        self.add(node, DCTERMS.license, LICENCE)
        self.add(node, DCATAP.availability, AVAILABLE)
        self.dates(node)
        if item.is_rdf:
            self.add(node, DCTERMS.conformsTo, ONTOLOGY)

    def _service(self, endpoint: URIRef) -> URIRef:
        node = self.typed(URIRef(self.base + "service/sparql"), DCAT.DataService)
        self.text(node, DCTERMS.title, "Điểm truy vấn SPARQL của đồ thị tri thức Kế hoạch Cộng đồng Văn hóa - Xã hội "
                  "ASEAN", "SPARQL endpoint of the ASEAN Socio-Cultural Community plans knowledge graph")
        self.text(node, DCTERMS.description, "Truy vấn toàn bộ đồ thị (mọi kế hoạch, cơ quan, đơn vị hành chính) "
                  "bằng SPARQL 1.1, chỉ đọc.", "Query the whole graph (every plan, agency and administrative "
                  "unit) with SPARQL 1.1, read-only.")
        self.add(node, DCAT.endpointURL, endpoint)
        self.add(node, DCAT.endpointDescription, endpoint)  # SPARQL 1.1 service description on GET
        self.add(node, DCTERMS.conformsTo, self.typed(SPARQL_PROTOCOL, DCTERMS.Standard))
        self.add(node, DCTERMS.license, LICENCE)
        self.add(node, DCTERMS.accessRights, PUBLIC)
        self.add(node, DCTERMS.publisher, self.publisher)
        self.add(node, DCAT.contactPoint, self.contact)
        for theme in (*PLAN_FIELDS, *EU_THEMES):
            self.add(node, DCAT.theme, theme)
        self._keywords(node, ["SPARQL", "đồ thị tri thức", "Cộng đồng Văn hóa - Xã hội ASEAN"],
                       ["SPARQL", "knowledge graph", "linked data"])
        for dataset in self.datasets:
            self.add(node, DCAT.servesDataset, URIRef(dataset.iri))
        return node


def catalogue(base: str, datasets: list[ReleaseDataset], options: CatalogueOptions) -> Graph:
    """The catalogue graph of a release whose node IRIs live under ``base``."""
    return CatalogueWriter(base, datasets, options).write()


CATALOGUE_FORMATS = ((TURTLE, ox.RdfFormat.TURTLE), (RDF_XML, ox.RdfFormat.RDF_XML), (JSON_LD, ox.RdfFormat.JSON_LD))


def write_catalogue(graph: Graph, folder: Path, stem: str = "catalog") -> list[Path]:
    """``catalog.ttl``, ``catalog.rdf``, ``catalog.jsonld``: the same sorted triples, same bytes every time."""
    triples = sorted({ox.Triple(term(s), term(p), term(o)) for s, p, o in graph},  # type: ignore[arg-type]
                     key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    paths = []
    for fmt, ox_format in CATALOGUE_FORMATS:
        path = folder / f"{stem}.{fmt.key}"
        ox.serialize(triples, str(path), ox_format, prefixes=PREFIXES)
        paths.append(path)
    return paths
