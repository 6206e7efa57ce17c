"""IRIs of everything in the graph: readable, stable, derived from content, scoped by issuer.

See docs/rdf-model.md for the scheme. The same input always gives the same IRIs, so rebuilding
gives the same bytes and reloading a plan replaces its graph instead of duplicating it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from rdflib import Namespace, URIRef

from kg.model import AgencyRef, Issuer, LegalRef, Plan, Role
from kg.slug import slugify

DEFAULT_BASE = "https://w3id.org/kehoach/id/"
KH = Namespace("https://w3id.org/kehoach/ontology#")
ONTOLOGY = URIRef("https://w3id.org/kehoach/ontology")
DEF = "https://w3id.org/kehoach/def/"
ROLE = Namespace(DEF + "role/")
KIND = Namespace(DEF + "agency-kind/")
CATEGORY = Namespace(DEF + "agency-category/")
GOAL = Namespace(DEF + "ascc/")
DOCTYPE = Namespace(DEF + "doc-type/")
UNIT = Namespace(DEF + "admin-unit/")
COMPARATOR = Namespace(DEF + "comparator/")
OA = Namespace("http://www.w3.org/ns/oa#")
RFC5147 = URIRef("http://tools.ietf.org/rfc/rfc5147")

_LOCAL_CODES = {"UBND", "HĐND", "TTR", "SNV", "STC", "SYT", "SGDĐT", "SVHTTDL", "VP", "BCĐ"}


def official_code(code: str, *, commune: bool) -> str:
    """An administrative unit's code as officially written: 2 digits for a province ("04", Cao Bằng),
    5 for a commune ("00004", Phường Ba Đình). The gazetteer holds them as numbers, and unpadded the two
    were one IRI."""
    return code.zfill(5 if commune else 2) if code.isdigit() else code


def unit_iri(code: str, *, commune: bool) -> URIRef:
    """The SKOS concept of an administrative unit: ``khu:{official code}``."""
    return UNIT[official_code(code, commune=commune)]


def _hash8(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class Iris:
    """Mints IRIs under ``base`` (``--base-iri``; must end with "/" or "#")."""

    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        if not re.match(r"^https?://[^\s<>\"{}|\\^`]+[/#]$", self.base):
            from kg.errors import KehoachError

            raise KehoachError(f"--base-iri must be an http(s) IRI ending in '/' or '#': {self.base!r}")

    def _iri(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    # -- plans and their parts ----------------------------------------------------------------

    def plan_tail(self, plan: Plan, taken: set[str] | None = None) -> str:
        """"42/2026-2030"; a second plan of the same unit and period gets a title hash."""
        tail = f"{plan.issuer.unit_key}/{plan.period}"
        if taken is not None and tail in taken:
            tail = f"{tail}-{_hash8(plan.title + plan.sha256)}"
        return tail

    def plan(self, tail: str) -> URIRef:
        return self._iri(f"plan/{tail}")

    def plan_graph(self, tail: str) -> URIRef:
        return self._iri(f"graph/plan/{tail}")

    def vocab_graph(self) -> URIRef:
        return self._iri("graph/vocab")

    def agencies_graph(self) -> URIRef:
        return self._iri("graph/agencies")

    def inferred_graph(self) -> URIRef:
        return self._iri("graph/inferred")

    @staticmethod
    def part(plan_iri: URIRef, kind: str, key: str) -> URIRef:
        """``{plan}/task/1.1.1``, ``{plan}/duty/VII.2-1``; letter "đ" (after "d") becomes "dd".

        >>> Iris.part(URIRef("https://x/plan/66/2026-2030"), "duty", "VII.1.đ")
        rdflib.term.URIRef('https://x/plan/66/2026-2030/duty/VII.1.dd')
        """
        safe = re.sub(r"[^0-9A-Za-z.\-_]", "-", key.replace("đ", "dd").replace("Đ", "DD"))
        return URIRef(f"{plan_iri}/{kind}/{safe}")

    @staticmethod
    def assignment(task_iri: URIRef, role: Role, agency: AgencyRef) -> URIRef:
        prefix = {"own": "", "province": "p-", "central": "vn-"}.get(agency.scope, "")
        group = "g-" if agency.is_group else ""
        return URIRef(f"{task_iri}/assignment/{role.value}/{group}{prefix}{agency.ident}")

    @staticmethod
    def evidence(node: URIRef) -> URIRef:
        return URIRef(f"{node}/evidence")

    # -- agencies -----------------------------------------------------------------------------

    @staticmethod
    def agency_unit(agency: AgencyRef, issuer: Issuer) -> str:
        """The unit an agency belongs to: the issuer's, its province's, or "vn"."""
        if agency.scope == "central":
            return "vn"
        if agency.scope == "province" and issuer.province_code:
            return issuer.province_code
        return issuer.unit_key

    def agency(self, agency: AgencyRef, issuer: Issuer) -> URIRef:
        folder = "group" if agency.is_group else "org"
        return self._iri(f"{folder}/{self.agency_unit(agency, issuer)}/{agency.ident}")

    def issuer(self, issuer: Issuer) -> URIRef:
        return self._iri(f"org/{issuer.unit_key}/ubnd")

    # -- documents ----------------------------------------------------------------------------

    def legal(self, ref: LegalRef, issuer: Issuer) -> URIRef:
        """National documents by number and year; local ones also by the issuing unit."""
        slug = slugify(ref.identifier)
        if ref.year:
            slug = f"{slug}-{ref.year}"
        codes = {c.upper() for c in re.split(r"[/\-&]", ref.identifier.split("/", 1)[-1])}
        local = bool(codes & _LOCAL_CODES) or any(c.startswith("S") and 2 < len(c) <= 8 and c.isupper()
                                                   for c in codes)
        if not local:
            return self._iri(f"doc/{slug}")
        unit = ref.issuer_unit or issuer.province_code or issuer.unit_key
        return self._iri(f"doc/{unit}/{slug}")

    def source(self, sha256: str) -> URIRef:
        return self._iri(f"source/{sha256}")

    def cooperation(self, plan_tail: str, kind: str, a: str, b: str) -> URIRef:
        return self._iri(f"cooperation/{plan_tail}/{kind}/{_hash8(a + ' ' + b)}")
